"""Fixtures: a real database (SQLite by default, PostgreSQL when AISETTINGS_TEST_DATABASE_URL names a
server), migrated once per run and emptied after every test; the ASGI app behind an HTTP client, executing
as AISETTINGS_FAST_EXECUTION says, as the server does (the fast ways by default)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from hypothesis import settings
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.models import migrate
from aisettings.models.database import create_engine
from aisettings.models.tables import metadata
from tests.databases import ON_SQLITE, TEST_DATABASE_URL, new_database

# `pytest --hypothesis-profile thorough`: ten times Hypothesis' default examples, to hunt for longer.
settings.register_profile("thorough", max_examples=1000)

# `AISETTINGS_FAST_EXECUTION=0 pytest`: graphql-core's executor and Strawberry's resolvers alone (as
# .ci/newest-releases runs the tests too).
FAST_EXECUTION = Config.from_environment(
    {name: value for name, value in os.environ.items() if name == "AISETTINGS_FAST_EXECUTION"}
).fast_execution


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """A database of this test run's own: the SQLite database AISETTINGS_TEST_DATABASE_URL names, or a new
    one (see tests/databases.py), dropped at the end."""
    if TEST_DATABASE_URL and ON_SQLITE:
        yield TEST_DATABASE_URL
        return
    async with new_database("aisettings_test") as url:
        yield url


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
    app = create_app(Config(database_url=database_url, fast_execution=FAST_EXECUTION), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


LimitedClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def limited_client(engine: AsyncEngine, database_url: str) -> AsyncIterator[LimitedClient]:
    """Makes clients of an app with the given limits (the others as configured by default)."""
    clients: list[httpx.AsyncClient] = []

    def make(**overrides: Any) -> httpx.AsyncClient:
        config = Config(**{"database_url": database_url, "fast_execution": FAST_EXECUTION, **overrides})
        app = create_app(config, engine=engine)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
def uncached_client(limited_client: LimitedClient) -> httpx.AsyncClient:
    """A client of an app without caches of answers: every request is computed from the database (the
    tests that count a request's statements need it, or they would count those of a cached answer: none)."""
    return limited_client(answer_caches=False)


@pytest.fixture
def database_environment(monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """DATABASE_URL pointing at the test database, for the command line."""
    monkeypatch.setenv("DATABASE_URL", database_url)
