"""workspace settings, participants and topics

Revision ID: 0001
Revises:
Create Date: 2026-11-24 16:17:48.438764
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column("preferred_days", sa.JSON(), nullable=False),
        sa.Column("preferred_times", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('share', 'learn', 'both')", name=op.f("ck_participants_role")),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'left')", name=op.f("ck_participants_status")
        ),
        sa.CheckConstraint("capacity BETWEEN 1 AND 3", name=op.f("ck_participants_capacity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint(
            "team_id", "slack_user_id", name=op.f("uq_participants_team_id_slack_user_id")
        ),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=75), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
        sa.UniqueConstraint("team_id", "name", name=op.f("uq_topics_team_id_name")),
    )
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topics_team_id"), ["team_id"], unique=False)

    op.create_table(
        "workspace_settings",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("admin_channel_id", sa.String(length=32), nullable=True),
        sa.Column("admin_user_ids", sa.JSON(), nullable=False),
        sa.Column("seniority_levels", sa.JSON(), nullable=False),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("max_timezone_gap_hours", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspace_settings")),
    )
    op.create_table(
        "blocked_people",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("blocked_user_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_blocked_people_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "participant_id", "blocked_user_id", name=op.f("pk_blocked_people")
        ),
    )
    op.create_table(
        "participant_topics",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=5), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "direction IN ('share', 'learn')", name=op.f("ck_participant_topics_direction")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_topics_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_participant_topics_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "participant_id", "topic_id", "direction", name=op.f("pk_participant_topics")
        ),
    )
    with op.batch_alter_table("participant_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_topics_topic_id"), ["topic_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("participant_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_topics_topic_id"))

    op.drop_table("participant_topics")
    op.drop_table("blocked_people")
    op.drop_table("workspace_settings")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topics_team_id"))

    op.drop_table("topics")
    op.drop_table("participants")
