"""Fixtures: a real database (SQLite by default, PostgreSQL when AISETTINGS_TEST_DATABASE_URL names a
server), migrated once per run and emptied after every test; the ASGI app behind an HTTP client."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.models import migrate
from aisettings.models.database import create_engine
from aisettings.models.tables import metadata

TEST_DATABASE_URL = os.environ.get("AISETTINGS_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A database of this test run's own: a temporary SQLite file, or a PostgreSQL database created on
    the server of AISETTINGS_TEST_DATABASE_URL and dropped at the end."""
    if not TEST_DATABASE_URL or make_url(TEST_DATABASE_URL).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield TEST_DATABASE_URL or f"sqlite+aiosqlite:///{Path(directory) / 'test.db'}"
        return
    server_url = make_url(TEST_DATABASE_URL)
    name = f"aisettings_test_{uuid.uuid4().hex[:12]}"
    server = create_engine(server_url.render_as_string(hide_password=False)).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    async with server.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with server.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await server.dispose()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(autouse=True)
async def empty_database(engine: AsyncEngine) -> AsyncIterator[None]:
    yield
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(delete(table))


@pytest.fixture
async def client(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(database_url=database_url), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def database_environment(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """DATABASE_URL pointing at the test database, for the command line."""
    monkeypatch.setenv("DATABASE_URL", database_url)
