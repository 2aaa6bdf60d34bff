"""The organization's version of everything it holds is its data version: `organization.settings_version`
becomes `data_version` (a settings row's own version is `version`, as before).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# RENAME COLUMN, which SQLite (3.25+) and PostgreSQL both run in place: Alembic's batch mode would copy the
# table on SQLite, and dropping the old one would cascade to every project.
def upgrade() -> None:
    op.execute("ALTER TABLE organization RENAME COLUMN settings_version TO data_version")


def downgrade() -> None:
    op.execute("ALTER TABLE organization RENAME COLUMN data_version TO settings_version")
