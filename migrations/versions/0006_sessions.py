"""sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 06:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=75), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("calendar_uid", sa.String(length=100), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("booked_by", sa.String(length=32), nullable=False),
        sa.Column("booked_via", sa.String(length=64), nullable=False),
        sa.Column("cancelled_by", sa.String(length=32), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("card_channel", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('booked', 'cancelled', 'held', 'missed')", name=op.f("ck_sessions_status")
        ),
        sa.CheckConstraint("minutes BETWEEN 15 AND 240", name=op.f("ck_sessions_minutes")),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_sessions_pairing_id_pairings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("calendar_uid", name=op.f("uq_sessions_calendar_uid")),
        sa.UniqueConstraint("team_id", "booked_via", name=op.f("uq_sessions_team_id_booked_via")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_team_pairing", ["team_id", "pairing_id"], unique=False)
        batch_op.create_index("ix_sessions_team_start", ["team_id", "starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_team_start")
        batch_op.drop_index("ix_sessions_team_pairing")

    op.drop_table("sessions")
