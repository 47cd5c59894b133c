"""feedback and notes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_again_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("met", sa.String(length=12), nullable=True),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("shared_back", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("dm_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "met IN ('yes', 'reschedule', 'no')", name=op.f("ck_session_feedback_met")
        ),
        sa.CheckConstraint(
            "shared_back IN ('yes', 'a_little', 'not_this_time')",
            name=op.f("ck_session_feedback_shared_back"),
        ),
        sa.CheckConstraint(
            "confidence BETWEEN 1 AND 5", name=op.f("ck_session_feedback_confidence")
        ),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_session_feedback_value")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_feedback_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_feedback")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_session_feedback_session_id_user_id")
        ),
    )
    with op.batch_alter_table("session_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_feedback_team_asked", ["team_id", "asked_at"], unique=False
        )

    op.create_table(
        "session_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("author_user_id", sa.String(length=32), nullable=False),
        sa.Column("covered", sa.Text(), nullable=False),
        sa.Column("taught", sa.Text(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_session_notes_pairing_id_pairings")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_notes_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_notes")),
    )
    with op.batch_alter_table("session_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_notes_team_pairing", ["team_id", "pairing_id"], unique=False
        )

    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=8), nullable=False),
        sa.Column("owner_user_ids", sa.JSON(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "owner IN ('me', 'partner', 'both')", name=op.f("ck_action_items_owner")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["session_notes.id"],
            name=op.f("fk_action_items_note_id_session_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"], ["pairings.id"], name=op.f("fk_action_items_pairing_id_pairings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_items_team_pairing", ["team_id", "pairing_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_items_team_pairing")

    op.drop_table("action_items")
    with op.batch_alter_table("session_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_session_notes_team_pairing")

    op.drop_table("session_notes")
    with op.batch_alter_table("session_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_session_feedback_team_asked")

    op.drop_table("session_feedback")
