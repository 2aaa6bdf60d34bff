"""Bearer tokens: without a valid one /graphql answers 401 with a GraphQL error; with one, the viewer is
the token's member, with the scopes of its role."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import orjson
import pytest
from sqlalchemy import delete, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.tokens import list_tokens, revoke_token
from aisettings.models.tables import Role, api_token, member
from tests.databases import ON_SQLITE
from tests.factories import make_member, make_organization, make_project, make_token
from tests.graphql import error_codes, execute, post

VIEWER = "query { viewer { login } }"
ORGANIZATION_NAME = 'query { organization(slug: "acme") { name } }'
# Far above what a read takes, on a busy machine too; far below SQLite's busy timeout (5 s), and
# PostgreSQL waits for ever.
AT_ONCE_SECONDS = 2.5

Answer = tuple[int, tuple[tuple[str, str], ...], bytes]

ROLE_ACCESS = """
query {
  organization(slug: "acme") {
    viewerCanAdminister
    projects { nodes { slug viewerCanAdminister } }
  }
}
"""


def assert_unauthenticated(response: httpx.Response) -> None:
    body = response.json()
    assert response.status_code == 401, body
    assert error_codes(body["errors"]) == ["UNAUTHENTICATED"]
    assert "data" not in body
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="no-header"),
        pytest.param("Basic {token}", id="basic-scheme"),
        pytest.param("Token {token}", id="other-scheme"),
        pytest.param("{token}", id="no-scheme"),
        pytest.param("Bearer", id="bearer-without-token"),
        pytest.param("Bearer   ", id="empty-bearer"),
        pytest.param("Bearer ais_unknown-token", id="unknown-token"),
        pytest.param("Bearer {token}x", id="altered-token"),
    ],
)
async def test_request_without_a_valid_bearer_token_is_unauthenticated(
    engine: AsyncEngine, client: httpx.AsyncClient, authorization: str | None
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))
    headers = {} if authorization is None else {"Authorization": authorization.format(token=token)}

    response = await client.post("/graphql", json={"query": VIEWER}, headers=headers)

    assert_unauthenticated(response)


async def answer(client: httpx.AsyncClient, authorization: str | None) -> Answer:
    """Everything a client learns from the answer to a viewer query: status, headers and body (with the
    same request id, which the answer echoes)."""
    headers = (
        {"X-Request-ID": "same"}
        if authorization is None
        else {"Authorization": authorization, "X-Request-ID": "same"}
    )
    response = await client.post("/graphql", json={"query": VIEWER}, headers=headers)
    return response.status_code, tuple(response.headers.multi_items()), response.content


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "bearer   "])
async def test_a_request_without_a_token_is_asked_for_one(
    client: httpx.AsyncClient, authorization: str | None
) -> None:
    status, headers, body = await answer(client, authorization)

    assert status == 401
    assert dict(headers)["www-authenticate"] == 'Bearer realm="aisettings"'
    assert orjson.loads(body)["errors"][0]["message"] == (
        "Authentication required: send an API token as `Authorization: Bearer <token>`."
    )


async def test_every_invalid_token_gets_the_same_answer_whatever_the_reason(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    revoked = await make_token(engine, org, "alice")
    (info,) = await list_tokens(engine, "acme")
    await revoke_token(engine, str(info.id))
    valid = await make_token(engine, org, "bob")
    left = await make_token(engine, await make_organization(engine, "other"), "carol")
    async with engine.begin() as connection:
        await connection.execute(delete(member).where(member.c.organization_id != org.id))
    credentials = {
        "unknown": "Bearer ais_unknown-token",
        "altered": f"Bearer {valid}x",
        "malformed": "Bearer not a token",
        "revoked": f"Bearer {revoked}",
        "member-who-left": f"Bearer {left}",
        "other-scheme": f"Basic {valid}",
        "no-scheme": valid,
    }

    answers = {reason: await answer(client, authorization) for reason, authorization in credentials.items()}

    assert answers == dict.fromkeys(credentials, answers["unknown"])
    status, headers, _ = answers["unknown"]
    assert status == 401
    assert dict(headers)["www-authenticate"] == 'Bearer realm="aisettings", error="invalid_token"'


async def test_revoked_token_is_unauthenticated(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))
    (info,) = await list_tokens(engine, "acme")
    await revoke_token(engine, str(info.id))

    response = await post(client, token, VIEWER)

    assert_unauthenticated(response)


async def test_token_of_a_user_who_left_the_organization_is_unauthenticated(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org, "alice")
    async with engine.begin() as connection:
        await connection.execute(delete(member).where(member.c.organization_id == org.id))

    response = await post(client, token, VIEWER)

    assert_unauthenticated(response)


async def test_token_stays_valid_while_its_user_is_a_member_of_another_organization_too(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"), "alice")
    await make_member(engine, await make_organization(engine, "other"), "alice")

    data = await execute(client, token, VIEWER)

    assert data == {"viewer": {"login": "alice"}}


async def test_get_with_a_query_needs_a_token_too(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    await make_token(engine, await make_organization(engine, "acme"))

    response = await client.get("/graphql", params={"query": VIEWER})

    assert_unauthenticated(response)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer"])
async def test_valid_token_reads_as_its_member(
    engine: AsyncEngine, client: httpx.AsyncClient, scheme: str
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"), "alice")

    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"{scheme} {token}"}
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"login": "alice"}}}


async def test_token_records_when_it_was_first_used(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))
    started = dt.datetime.now(dt.UTC)

    await execute(client, token, VIEWER)

    (info,) = await list_tokens(engine, "acme")
    assert info.last_used_at is not None
    assert started <= info.last_used_at <= dt.datetime.now(dt.UTC)


async def test_browser_gets_graphiql_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


@pytest.mark.parametrize(
    ("role", "administers_organization", "administers_projects"),
    [
        (Role.MEMBER, False, False),
        (Role.ADMIN, False, True),
        (Role.OWNER, True, True),
    ],
    ids=lambda argument: argument.value if isinstance(argument, Role) else None,
)
async def test_role_grants_reading_projects_and_its_own_administration(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    role: Role,
    administers_organization: bool,
    administers_projects: bool,
) -> None:
    org = await make_organization(engine, "acme")
    await make_project(engine, org, "web")
    token = await make_token(engine, org, "alice", role)

    data = await execute(client, token, ROLE_ACCESS)

    assert data["organization"] == {
        "viewerCanAdminister": administers_organization,
        "projects": {"nodes": [{"slug": "web", "viewerCanAdminister": administers_projects}]},
    }


@asynccontextmanager
async def another_writer_holding_the_token(engine: AsyncEngine, database_url: str) -> AsyncIterator[None]:
    """Another connection holding what a write of a token's use needs: SQLite's write lock (its
    BEGIN IMMEDIATE), or PostgreSQL's row of the token."""
    if ON_SQLITE:
        other_writer = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
        try:
            other_writer.execute("BEGIN IMMEDIATE")
            yield
        finally:
            other_writer.close()
        return
    async with engine.begin() as connection:
        await connection.execute(select(api_token.c.id).with_for_update())
        yield


async def test_a_read_does_not_wait_for_a_writer_to_record_the_tokens_use(
    engine: AsyncEngine, client: httpx.AsyncClient, database_url: str
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))  # never used: a use to record

    async with another_writer_holding_the_token(engine, database_url):
        started = time.monotonic()
        # Bounded, so that a read that waits for ever fails the test rather than hangs it.
        response = await asyncio.wait_for(post(client, token, ORGANIZATION_NAME), 10 * AT_ONCE_SECONDS)
        elapsed = time.monotonic() - started

    assert response.json() == {"data": {"organization": {"name": "Acme"}}}
    assert elapsed < AT_ONCE_SECONDS


async def test_a_use_left_unrecorded_behind_a_writer_is_recorded_by_the_next_request(
    engine: AsyncEngine, client: httpx.AsyncClient, database_url: str
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))
    async with another_writer_holding_the_token(engine, database_url):
        await asyncio.wait_for(post(client, token, ORGANIZATION_NAME), 10 * AT_ONCE_SECONDS)

    await execute(client, token, ORGANIZATION_NAME)

    (info,) = await list_tokens(engine, "acme")
    assert info.last_used_at is not None
