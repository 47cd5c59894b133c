"""seen events; outbox attempts whose outcome is unknown

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_events",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "key", name=op.f("pk_seen_events")),
    )
    with op.batch_alter_table("seen_events") as batch:
        batch.create_index(batch.f("ix_seen_events_seen_at"), ["seen_at"], unique=False)
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("unsettled_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("unsettled_since")
    with op.batch_alter_table("seen_events") as batch:
        batch.drop_index(batch.f("ix_seen_events_seen_at"))
    op.drop_table("seen_events")
