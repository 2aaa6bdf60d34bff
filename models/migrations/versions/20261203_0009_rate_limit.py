"""Fixed-window counters of the limits that hold across workers (the settings page's save reports).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit")),
    )
    op.create_index(
        op.f("ix_rate_limit_window_started_at"), "rate_limit", ["window_started_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limit_window_started_at"), table_name="rate_limit")
    op.drop_table("rate_limit")
