"""The Alembic migrations build exactly the tables that models/tables.py declares, and can be undone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models import migrate
from aisettings.models.database import create_engine
from aisettings.models.tables import metadata
from tests.databases import new_database

# SQLite's reflection cannot read an index on an expression (the repository lookup's): on SQLite it is left
# out of the comparison, which PostgreSQL makes in full.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index"),
]


@pytest.fixture
async def fresh_engine() -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database of this test's own, never migrated."""
    async with new_database("aisettings_migrations") as url:
        engine = create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrated_schema_equals_the_declared_tables(fresh_engine: AsyncEngine) -> None:
    await migrate.upgrade(fresh_engine)

    async with fresh_engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


async def test_upgrade_reaches_the_head_revision(fresh_engine: AsyncEngine) -> None:
    await migrate.upgrade(fresh_engine)

    revision = await migrate.current_revision(fresh_engine)

    assert revision == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


async def test_downgrade_to_base_removes_every_table(fresh_engine: AsyncEngine) -> None:
    await migrate.upgrade(fresh_engine)

    await migrate.downgrade(fresh_engine, "base")

    async with fresh_engine.connect() as connection:
        remaining = await connection.run_sync(_table_names)
    assert remaining <= {"alembic_version"}
    assert await migrate.current_revision(fresh_engine) is None


async def test_upgrade_after_downgrade_rebuilds_the_declared_tables(fresh_engine: AsyncEngine) -> None:
    await migrate.upgrade(fresh_engine)
    await migrate.downgrade(fresh_engine, "base")

    await migrate.upgrade(fresh_engine)

    async with fresh_engine.connect() as connection:
        tables = await connection.run_sync(_table_names)
        differences = await connection.run_sync(_differences)
    assert tables == {table.name for table in metadata.sorted_tables} | {"alembic_version"}
    assert differences == []
