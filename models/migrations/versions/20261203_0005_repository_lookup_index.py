"""An index for looking repositories up by provider and name, ignoring case.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_repository_provider_lower_name", "repository", ["provider", sa.text("lower(name)")], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_repository_provider_lower_name", table_name="repository")
