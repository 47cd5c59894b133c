"""program cycles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cycle_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("cycle_number", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("check_in", sa.String(length=12), nullable=True),
        sa.Column("continue_with", sa.String(length=12), nullable=True),
        sa.Column("changed", sa.Text(), nullable=False),
        sa.Column("recommend", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_cycle_answers_pairing_id_pairings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycle_answers")),
        sa.UniqueConstraint(
            "pairing_id",
            "cycle_number",
            "user_id",
            "kind",
            name=op.f("uq_cycle_answers_pairing_id_cycle_number_user_id_kind"),
        ),
    )
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cycle_number", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(
            sa.Column("cycle_started_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("cycle_started_at")
        batch_op.drop_column("cycle_number")

    op.drop_table("cycle_answers")
