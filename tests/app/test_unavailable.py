"""When the database cannot serve - every pooled connection in use, the database down, silent, full, or
(SQLite) held by another writer - a request fails within a bounded time with HTTP 503, Retry-After and a
GraphQL-shaped SERVICE_UNAVAILABLE error, writes nothing, and the next request succeeds once the database
is back."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.unavailable import BUSY, DOWN, RETRY_AFTER_SECONDS
from aisettings.models.database import SQLITE_BUSY_TIMEOUT_MS, create_engine
from aisettings.models.tables import organization
from tests.databases import ON_SQLITE, UNREACHABLE_DATABASES
from tests.factories import Org, make_organization, make_projects, make_token, stored_rows
from tests.graphql import document, execute, organization_id, post
from tests.tcp_proxy import TcpProxy, proxy_to

VIEWER = "query { viewer { login } }"
BULK_UPDATE = document("BulkUpdateProjectSettings")
POOL_TIMEOUT_SECONDS = 0.5
CONNECT_TIMEOUT_SECONDS = 0.5
# Far below the default timeouts (5 s): what fails at once must not wait for one.
AT_ONCE_SECONDS = 2.0
BUSY_TIMEOUT_SECONDS = SQLITE_BUSY_TIMEOUT_MS / 1000

postgresql_only = pytest.mark.skipif(
    ON_SQLITE, reason="PostgreSQL only: an SQLite file has no server to be down, silent or full"
)


@asynccontextmanager
async def client_of(config: Config, engine: AsyncEngine | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app of `config`, on `engine` when given (disposed of at the end)."""
    app = create_app(config, engine=engine)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            yield client
    finally:
        if engine is not None:
            await engine.dispose()


@asynccontextmanager
async def client_through_a_proxy(database_url: str) -> AsyncIterator[tuple[TcpProxy, httpx.AsyncClient]]:
    """A client of an app whose connections to the database go through a proxy the test can close."""
    async with (
        proxy_to(database_url) as proxy,
        client_of(Config(database_url=database_url), create_engine(proxy.url(database_url))) as client,
    ):
        yield proxy, client


async def timed_post(
    client: httpx.AsyncClient, token: str, query: str, **variables: Any
) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await post(client, token, query, variables)
    return response, time.monotonic() - started


def assert_unavailable(response: httpx.Response, message: str) -> None:
    """A 503 with Retry-After whose body holds no data and one SERVICE_UNAVAILABLE error with `message`:
    nothing of a traceback or of SQL."""
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert body.get("data") is None
    assert [(error["message"], error["extensions"]) for error in body["errors"]] == [
        (message, {"code": "SERVICE_UNAVAILABLE"})
    ]


def bulk_update(org: Org) -> dict[str, Any]:
    changes = {"stoppingPoint": "MERGE"}
    return {"input": {"organizationId": organization_id(org), "filter": {}, "changes": changes}}


async def given_an_organization(engine: AsyncEngine) -> tuple[Org, str]:
    org = await make_organization(engine)
    await make_projects(engine, org, 3)
    return org, await make_token(engine, org)


# --- every pooled connection in use -------------------------------------------------------------------


async def test_a_request_that_finds_every_pooled_connection_in_use_answers_503_within_the_pool_timeout(
    engine: AsyncEngine, database_url: str
) -> None:
    _, token = await given_an_organization(engine)
    app_engine = create_engine(
        database_url, pool_size=1, max_overflow=0, pool_timeout_seconds=POOL_TIMEOUT_SECONDS
    )
    async with client_of(Config(database_url=database_url), app_engine) as client:
        async with app_engine.connect() as held:
            await held.execute(text("SELECT 1"))
            response, elapsed = await timed_post(client, token, VIEWER)
        released = await post(client, token, VIEWER)

    assert_unavailable(response, BUSY)
    assert POOL_TIMEOUT_SECONDS <= elapsed < POOL_TIMEOUT_SECONDS + AT_ONCE_SECONDS
    assert released.status_code == 200


# --- a database out of reach ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unreachable_url", list(UNREACHABLE_DATABASES.values()), ids=list(UNREACHABLE_DATABASES)
)
async def test_a_database_out_of_reach_answers_503_at_once(unreachable_url: str) -> None:
    async with client_of(Config(database_url=unreachable_url)) as client:
        response, elapsed = await timed_post(client, "any-token", VIEWER)

    assert_unavailable(response, DOWN)
    assert elapsed < AT_ONCE_SECONDS


@postgresql_only
async def test_requests_fail_at_once_while_the_database_is_down_and_succeed_once_it_is_back(
    engine: AsyncEngine, database_url: str
) -> None:
    _, token = await given_an_organization(engine)
    async with client_through_a_proxy(database_url) as (proxy, client):
        before = await post(client, token, VIEWER)
        await proxy.close()
        down = [await timed_post(client, token, VIEWER) for _ in range(2)]
        await proxy.open()
        back = await post(client, token, VIEWER)

    assert before.status_code == 200
    for response, elapsed in down:
        assert_unavailable(response, DOWN)
        assert elapsed < AT_ONCE_SECONDS
    assert back.status_code == 200
    assert back.json() == {"data": {"viewer": {"login": "alice"}}}


@postgresql_only
async def test_a_pooled_connection_a_restart_cut_is_replaced_before_it_fails_a_request(
    engine: AsyncEngine, database_url: str
) -> None:
    """Authentication, the first statement of every request, finds the connection cut, and runs again
    on a new one (models/database.FrequentRead). A cut connection met later in a request costs that
    request a 503, and the pool replaces every connection as old."""
    _, token = await given_an_organization(engine)
    app_engine = create_engine(database_url)
    async with client_of(Config(database_url=database_url), app_engine) as client:
        before = await post(client, token, VIEWER)
        async with app_engine.connect() as connection:  # the one connection the requests used
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        # What a restart of PostgreSQL does to the server's pooled connection (the pool does not ping a
        # connection before it hands it out: that would cost a round trip on every request).
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        after = await post(client, token, VIEWER)
        async with app_engine.connect() as connection:
            new_pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()

    assert before.status_code == 200
    assert after.status_code == 200, after.text
    assert after.json() == before.json()
    assert new_pid != pid


@postgresql_only
async def test_pooled_connections_a_restart_cut_cost_one_503_then_are_replaced(
    engine: AsyncEngine, database_url: str
) -> None:
    """Two cut connections in the pool: authentication finds the first cut and runs again the ordinary
    way, which meets the second; that request is a 503, and the pool replaces every connection as old."""
    _, token = await given_an_organization(engine)
    app_engine = create_engine(database_url)
    async with client_of(Config(database_url=database_url), app_engine) as client:
        async with app_engine.connect() as one, app_engine.connect() as two:  # both pooled afterwards
            pids = [(await c.execute(text("SELECT pg_backend_pid()"))).scalar_one() for c in (one, two)]
        async with engine.connect() as connection:
            for pid in pids:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        first = await post(client, token, VIEWER)
        second = await post(client, token, VIEWER)

    assert_unavailable(first, DOWN)
    assert second.status_code == 200, second.text


@postgresql_only
async def test_a_database_that_never_answers_fails_requests_within_the_connect_timeout(
    engine: AsyncEngine, database_url: str
) -> None:
    _, token = await given_an_organization(engine)
    async with proxy_to(database_url) as proxy:
        proxy.silent = True
        config = Config(
            database_url=proxy.url(database_url), database_connect_timeout_seconds=CONNECT_TIMEOUT_SECONDS
        )
        async with client_of(config) as client:
            response, elapsed = await timed_post(client, token, VIEWER)

    assert_unavailable(response, DOWN)
    assert CONNECT_TIMEOUT_SECONDS <= elapsed < CONNECT_TIMEOUT_SECONDS + AT_ONCE_SECONDS


@pytest.fixture
async def role_without_connections(engine: AsyncEngine) -> AsyncIterator[str]:
    """A PostgreSQL role that may log in, with a limit of 0 connections: as a server that is full."""
    role = f"aisettings_full_{uuid.uuid4().hex[:12]}"
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'full' CONNECTION LIMIT 0"))
    yield role
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP ROLE {role}"))


@postgresql_only
async def test_a_database_that_refuses_more_connections_answers_503_at_once(
    engine: AsyncEngine, database_url: str, role_without_connections: str
) -> None:
    _, token = await given_an_organization(engine)
    url = make_url(database_url).set(username=role_without_connections, password="full")

    async with client_of(Config(database_url=url.render_as_string(hide_password=False))) as client:
        response, elapsed = await timed_post(client, token, VIEWER)

    assert_unavailable(response, BUSY)
    assert elapsed < AT_ONCE_SECONDS


# --- lost during a mutation ---------------------------------------------------------------------------


async def wait_for_a_lock_wait(engine: AsyncEngine) -> None:
    """Until a connection of this database waits for a lock."""
    async with engine.connect() as connection:
        statement = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        while not (await connection.execute(statement)).scalar_one():
            await connection.rollback()  # a new snapshot of the statistics
            await asyncio.sleep(0.01)


@postgresql_only
async def test_a_mutation_that_loses_its_database_answers_503_and_writes_nothing(
    engine: AsyncEngine, database_url: str
) -> None:
    org, token = await given_an_organization(engine)
    async with client_through_a_proxy(database_url) as (proxy, client):
        await execute(client, token, VIEWER)  # authenticated: the token's use is recorded
        before = await stored_rows(engine)
        async with engine.begin() as holder:
            # The mutation waits for the organization in its transaction until the proxy cuts it.
            await holder.execute(select(organization.c.id).with_for_update())
            mutation = asyncio.create_task(post(client, token, BULK_UPDATE, bulk_update(org)))
            await wait_for_a_lock_wait(engine)
            await proxy.close()
            started = time.monotonic()
            response = await mutation
            elapsed = time.monotonic() - started
        await proxy.open()
        after = await stored_rows(engine)
        again = await post(client, token, BULK_UPDATE, bulk_update(org))

    assert_unavailable(response, DOWN)
    assert response.json()["errors"][0]["path"] == ["bulkUpdateProjectSettings"]  # it failed as it ran
    assert elapsed < AT_ONCE_SECONDS
    assert after == before
    assert again.status_code == 200
    assert again.json()["data"]["bulkUpdateProjectSettings"]["affectedCount"] == 3


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite only: PostgreSQL waits for row locks without a timeout")
async def test_a_mutation_that_waits_for_another_writer_past_the_busy_timeout_answers_503_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, database_url: str
) -> None:
    org, token = await given_an_organization(engine)
    await execute(client, token, VIEWER)  # authenticated: the token's use is recorded
    before = await stored_rows(engine)
    other_writer = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    try:
        other_writer.execute("BEGIN IMMEDIATE")
        response, elapsed = await timed_post(client, token, BULK_UPDATE, **bulk_update(org))
    finally:
        other_writer.close()
    after = await stored_rows(engine)
    again = await post(client, token, BULK_UPDATE, bulk_update(org))

    assert_unavailable(response, BUSY)
    assert response.json()["errors"][0]["path"] == ["bulkUpdateProjectSettings"]  # it failed as it ran
    assert BUSY_TIMEOUT_SECONDS <= elapsed < BUSY_TIMEOUT_SECONDS + AT_ONCE_SECONDS
    assert after == before
    assert again.status_code == 200
