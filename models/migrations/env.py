"""Alembic environment: runs migrations on the connection that models/migrate.py hands over, or, when
the `alembic` command is used directly, on DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from aisettings.models.database import create_engine
from aisettings.models.tables import metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table there.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on_database_url() -> None:
    engine = create_engine(os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./aisettings.db"))
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()


handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    run_migrations(handed_over)
else:
    asyncio.run(run_on_database_url())
