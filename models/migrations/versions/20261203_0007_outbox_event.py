"""The outbox of analytics events, and the lease of whoever delivers them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 15:00:00
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
        "outbox_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_event_id")),
    )
    op.create_index(
        op.f("ix_outbox_event_delivered_at_id"), "outbox_event", ["delivered_at", "id"], unique=False
    )
    op.create_index(op.f("ix_outbox_event_time"), "outbox_event", ["time"], unique=False)
    op.create_table(
        "outbox_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_lease")),
    )


def downgrade() -> None:
    op.drop_table("outbox_lease")
    op.drop_index(op.f("ix_outbox_event_time"), table_name="outbox_event")
    op.drop_index(op.f("ix_outbox_event_delivered_at_id"), table_name="outbox_event")
    op.drop_table("outbox_event")
