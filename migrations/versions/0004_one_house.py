"""outbox actions, a pairing's conversation, participants without a 'left' status

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("action", sa.String(length=16), server_default="post", nullable=False)
        )
        batch.add_column(sa.Column("file_id", sa.String(length=32), nullable=True))
        batch.create_check_constraint(
            op.f("ck_outbox_action"), "action IN ('post', 'update', 'publish_home', 'upload')"
        )
    with op.batch_alter_table("pairings") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("intro_ts", sa.String(length=32), nullable=True))
    # 'left' was never stored: leaving erases the participant's row.
    with op.batch_alter_table("participants") as batch:
        batch.drop_constraint(op.f("ck_participants_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_participants_status"), "status IN ('active', 'paused')"
        )


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_constraint(op.f("ck_participants_status"), type_="check")
        batch.create_check_constraint(
            op.f("ck_participants_status"), "status IN ('active', 'paused', 'left')"
        )
    with op.batch_alter_table("pairings") as batch:
        batch.drop_column("intro_ts")
        batch.drop_column("conversation_id")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_action"), type_="check")
        batch.drop_column("file_id")
        batch.drop_column("action")
