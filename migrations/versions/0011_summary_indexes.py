"""indexes for the admin summary

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_team_start")
        batch_op.create_index(
            "ix_sessions_summary", ["team_id", "starts_at", "status", "pairing_id"], unique=False
        )
    with op.batch_alter_table("session_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_session_feedback_team_asked")
        batch_op.create_index(
            "ix_session_feedback_summary",
            ["team_id", "asked_at", "side", "met", "answered_at", "value", "user_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_session_feedback_confidence",
            ["team_id", "side", "user_id", "answered_at", "confidence"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("session_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_session_feedback_confidence")
        batch_op.drop_index("ix_session_feedback_summary")
        batch_op.create_index(
            "ix_session_feedback_team_asked", ["team_id", "asked_at"], unique=False
        )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_summary")
        batch_op.create_index("ix_sessions_team_start", ["team_id", "starts_at"], unique=False)
