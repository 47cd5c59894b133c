"""nudges and quiet people

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudge_run", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("nudge_step", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("at_risk_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("stalled_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dormant_asked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("kept_in_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("kept_in_at")
        batch_op.drop_column("dormant_asked_at")

    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("stalled_at")
        batch_op.drop_column("at_risk_since")
        batch_op.drop_column("nudge_step")
        batch_op.drop_column("nudge_run")
