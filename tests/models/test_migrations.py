"""The Alembic migrations build exactly the tables that models/tables.py declares, and can be undone."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models import migrate
from aisettings.models.database import create_engine
from aisettings.models.tables import metadata

TEST_DATABASE_URL = os.environ.get("AISETTINGS_TEST_DATABASE_URL", "")


@pytest.fixture
async def fresh_engine() -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database of this test's own, never migrated."""
    if not TEST_DATABASE_URL or make_url(TEST_DATABASE_URL).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            engine = create_engine(f"sqlite+aiosqlite:///{Path(directory) / 'migrations.db'}")
            yield engine
            await engine.dispose()
        return
    server_url = make_url(TEST_DATABASE_URL)
    name = f"aisettings_migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(server_url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    async with server.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_engine(server_url.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        await engine.dispose()
        async with server.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await server.dispose()


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
