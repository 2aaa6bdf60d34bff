"""A repository's configuration has a version, as a project's overrides have: `repository.version`, +1 per
write that changes it. It is the REST API's ETag, so that If-Match protects a repository too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The server default gives the repositories already there their first version.
    op.add_column(
        "repository", sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
    )


# DROP COLUMN in place, which SQLite (3.35+) and PostgreSQL both run: Alembic's batch mode would copy the
# table on SQLite.
def downgrade() -> None:
    op.execute("ALTER TABLE repository DROP COLUMN version")
