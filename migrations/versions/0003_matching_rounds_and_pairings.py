"""matching rounds and pairings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 19:05:01.998209
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=True),
        sa.Column("post_to", sa.String(length=32), nullable=True),
        sa.Column("scheduled_key", sa.String(length=40), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("proposal", sa.JSON(), nullable=True),
        sa.Column("dropped", sa.JSON(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'computing', 'proposed', 'approved', 'discarded', "
            "'superseded', 'failed')",
            name=op.f("ck_match_rounds_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('admin', 'schedule')", name=op.f("ck_match_rounds_trigger")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_rounds")),
        sa.UniqueConstraint(
            "team_id", "scheduled_key", name=op.f("uq_match_rounds_team_id_scheduled_key")
        ),
    )
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_match_rounds_team_status", ["team_id", "status"], unique=False)

    op.create_table(
        "pairings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("mentor_user_id", sa.String(length=32), nullable=False),
        sa.Column("leader_user_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("end_cause", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'ended')", name=op.f("ck_pairings_status")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["match_rounds.id"], name=op.f("fk_pairings_round_id_match_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairings")),
        sa.UniqueConstraint(
            "round_id",
            "mentor_user_id",
            "leader_user_id",
            name=op.f("uq_pairings_round_id_mentor_user_id_leader_user_id"),
        ),
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairings_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            "ix_pairings_team_leader", ["team_id", "leader_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_pairings_team_mentor", ["team_id", "mentor_user_id"], unique=False
        )

    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "cross_department", sa.String(length=10), nullable=False, server_default="preferred"
            )
        )
        batch_op.add_column(
            sa.Column("round_cadence", sa.String(length=16), nullable=False, server_default="off")
        )
        batch_op.add_column(
            sa.Column("auto_approve", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("auto_approve")
        batch_op.drop_column("round_cadence")
        batch_op.drop_column("cross_department")

    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index("ix_pairings_team_mentor")
        batch_op.drop_index("ix_pairings_team_leader")
        batch_op.drop_index(batch_op.f("ix_pairings_round_id"))

    op.drop_table("pairings")
    with op.batch_alter_table("match_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_match_rounds_team_status")

    op.drop_table("match_rounds")
