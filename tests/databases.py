"""Databases of the tests' own: SQLite files by default, or databases created on the PostgreSQL server that
AISETTINGS_TEST_DATABASE_URL names."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from aisettings.models.database import create_engine

TEST_DATABASE_URL = os.environ.get("AISETTINGS_TEST_DATABASE_URL", "")
ON_SQLITE = not TEST_DATABASE_URL or make_url(TEST_DATABASE_URL).get_backend_name() == "sqlite"

# Databases an app cannot reach, whichever database the tests run on.
UNREACHABLE_DATABASES = {
    "postgresql-closed-port": "postgresql+asyncpg://postgres@127.0.0.1:1/nothing",
    "sqlite-missing-directory": "sqlite+aiosqlite:////nonexistent-directory/for/aisettings/test.db",
}


@asynccontextmanager
async def new_database(name: str) -> AsyncIterator[str]:
    """The URL of a new, empty database, removed at the end: a file `name`.db in a temporary directory, or
    a database `name`_<random> on the PostgreSQL server."""
    if ON_SQLITE:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite+aiosqlite:///{Path(directory) / f'{name}.db'}"
        return
    server_url = make_url(TEST_DATABASE_URL)
    database = f"{name}_{uuid.uuid4().hex[:12]}"
    server = create_engine(server_url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    async with server.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield server_url.set(database=database).render_as_string(hide_password=False)
    finally:
        async with server.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        await server.dispose()
