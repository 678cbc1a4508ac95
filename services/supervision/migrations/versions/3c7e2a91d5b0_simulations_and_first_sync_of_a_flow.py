"""a sync says it was a simulation and its verdict; a school's flow knows its first sync

Revision ID: 3c7e2a91d5b0
Revises: 1447217abae4
Create Date: 2026-12-03 21:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c7e2a91d5b0"
down_revision: str | Sequence[str] | None = "1447217abae4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync", schema=None) as batch_op:
        batch_op.add_column(sa.Column("simulation", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("verdict", sa.String(length=20), nullable=True))
    with op.batch_alter_table("school_activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_sync_at", sa.DateTime(timezone=True), nullable=True))
    # What is not an exchange (certificate audits, "what can I run" checks, rollover steps) was folded
    # into the activity and made flows look late: it goes; the first sync of each flow is the journal's.
    op.execute(
        "DELETE FROM school_activity WHERE flow IN (SELECT DISTINCT flow FROM sync WHERE direction = 'none')"
    )
    op.execute(
        "UPDATE school_activity SET first_sync_at = (SELECT MIN(sync.started_at) FROM sync "
        "WHERE sync.uai = school_activity.uai AND sync.flow = school_activity.flow)"
    )
    op.execute("UPDATE school_activity SET first_sync_at = last_sync_at WHERE first_sync_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("school_activity", schema=None) as batch_op:
        batch_op.drop_column("first_sync_at")
    with op.batch_alter_table("sync", schema=None) as batch_op:
        batch_op.drop_column("verdict")
        batch_op.drop_column("simulation")
