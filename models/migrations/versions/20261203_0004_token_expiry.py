"""API tokens may expire: `api_token.expires_at` (NULL: never).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_token", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


# DROP COLUMN in place, which SQLite (3.35+) and PostgreSQL both run: Alembic's batch mode would copy the
# table on SQLite, and dropping the old one would cascade to the browser sessions.
def downgrade() -> None:
    op.execute("ALTER TABLE api_token DROP COLUMN expires_at")
