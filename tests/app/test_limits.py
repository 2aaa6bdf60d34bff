"""What one request may ask for: over a limit, the answer names the limit (LIMIT_EXCEEDED), nothing runs,
and the server goes on answering."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import write_transaction
from aisettings.models.limits import MAX_PARAMETER_DEPTH
from aisettings.models.tables import organization
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.schema.limits import RequestLimits
from tests.conftest import LimitedClient
from tests.factories import make_organization, make_project, make_projects, make_token
from tests.graphql import document, execute, post
from tests.read_back import stored_state


def nested(levels: int) -> str:
    """A query `levels` fields deep: organization { project { organization { project ... } } }."""
    chain = ['project(slug: "web")' if level % 2 == 0 else "organization" for level in range(levels - 2)]
    query = "slug"
    for field in reversed(chain):
        query = f"{field} {{ {query} }}"
    return f'{{ organization(slug: "acme") {{ {query} }} }}'


async def given_acme(engine: AsyncEngine) -> str:
    org = await make_organization(engine)
    await make_project(engine, org, "web")
    return await make_token(engine, org)


def limit_error(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED", error
    return body["errors"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("limits", "query", "limit"),
    [
        (RequestLimits(max_depth=4), nested(5), "depth"),
        (
            RequestLimits(max_aliases=2),
            "{ a: viewer { login } b: viewer { login } c: viewer { login } }",
            "aliases",
        ),
        (
            RequestLimits(max_nodes=1500),
            '{ organization(slug: "acme") { projects(first: 50) '
            "{ nodes { repositories(first: 30) { totalCount } } } } }",
            "nodes",
        ),
    ],
    ids=["depth", "aliases", "nodes"],
)
async def test_a_request_over_a_limit_is_refused_naming_it(
    engine: AsyncEngine, limited_client: LimitedClient, limits: RequestLimits, query: str, limit: str
) -> None:
    token = await given_acme(engine)
    client = limited_client(limits=limits)

    response = await post(client, token, query)

    assert limit_error(response)["extensions"]["limit"] == limit


async def test_a_request_at_its_limits_runs(engine: AsyncEngine, limited_client: LimitedClient) -> None:
    token = await given_acme(engine)
    client = limited_client(limits=RequestLimits(max_depth=5, max_aliases=3, max_nodes=1550))

    data = await execute(
        client,
        token,
        '{ a: viewer { login } b: viewer { login } c: organization(slug: "acme") '
        "{ projects(first: 50) { nodes { repositories(first: 30) { totalCount } } } } }",
    )
    deep = await execute(client, token, nested(5))

    assert data["c"]["projects"]["nodes"] == [{"repositories": {"totalCount": 0}}]
    assert deep["organization"]["project"]["organization"]["project"]["slug"] == "web"


async def test_connections_count_their_first_from_variables_and_defaults(
    engine: AsyncEngine, client: httpx.AsyncClient, limited_client: LimitedClient
) -> None:
    token = await given_acme(engine)
    # 1000 projects, each with up to 1000 projects of its organization: a million objects.
    fan_out = (
        'query ($first: Int) { organization(slug: "acme") { projects(first: $first) '
        "{ nodes { organization { projects(first: 1000) { totalCount } } } } } }"
    )

    by_variable = await post(client, token, fan_out, {"first": 1000})
    by_default = await post(limited_client(limits=RequestLimits(max_nodes=50_000)), token, fan_out, {})

    assert limit_error(by_variable)["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "nodes",
        "maximum": 250_000,
        "actual": 1_001_000,
    }
    assert limit_error(by_default)["extensions"]["actual"] == 100 + 100 * 1000


async def test_the_tree_document_of_a_full_page_is_within_the_default_limits(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_acme(engine)

    data = await execute(client, token, document("OrganizationTree"), {"slug": "acme", "first": 1000})

    assert data["organization"]["projects"]["totalCount"] == 1


async def test_a_document_of_too_many_tokens_is_refused_before_it_is_parsed(
    engine: AsyncEngine, limited_client: LimitedClient
) -> None:
    token = await given_acme(engine)
    client = limited_client(limits=RequestLimits(max_tokens=50))

    response = await post(client, token, "{ " + "viewer { login } " * 20 + "}")

    assert "50 tokens" in limit_error(response)["message"]


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
async def test_a_body_over_the_limit_is_refused_with_413(
    engine: AsyncEngine, limited_client: LimitedClient, declared: bool
) -> None:
    token = await given_acme(engine)
    client = limited_client(max_body_bytes=1000)
    body = b'{"query": "{ viewer { login } }", "variables": {"padding": "' + b"x" * 2000 + b'"}}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    response = await client.post(
        "/graphql",
        content=body if declared else chunks(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_a_request_over_the_time_limit_is_stopped_writes_nothing_and_the_server_goes_on(
    engine: AsyncEngine, limited_client: LimitedClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": False})
    token = await make_token(engine, org)
    client = limited_client(request_timeout_seconds=1)
    before = await stored_state(client, token)
    update = {"input": {"organizationId": encode_global_id("Organization", org.id), "fixEnabled": True}}

    async with write_transaction(engine) as held:  # the mutation waits for this lock past its time
        await held.execute(select(organization.c.id).where(organization.c.id == org.id).with_for_update())
        response = await post(client, token, document("UpdateOrganizationSettings"), update)
        await asyncio.sleep(0)

    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    await asyncio.sleep(1.5)  # let the stopped transaction finish rolling back
    assert await stored_state(client, token) == before


async def test_a_query_computing_its_answer_past_the_time_limit_is_stopped_at_it(
    engine: AsyncEngine, limited_client: LimitedClient
) -> None:
    org = await make_organization(engine)
    await make_projects(engine, org, 1000)
    token = await make_token(engine, org)
    client = limited_client(request_timeout_seconds=0.5)
    # Within the node limit (249,249 objects), loaded in two statements, then ~10 s of completing them
    # without a single await: asyncio's timeout alone cannot stop it.
    settings = "{ value source locked }"
    query = (
        '{ organization(slug: "acme") { projects(first: 249) { nodes { organization { '
        "projects(first: 1000) { nodes { effectiveSettings { "
        f"scanEnabled {settings} fixEnabled {settings} stoppingPoint {settings} }} }} }} }} }} }} }} }}"
    )

    started = time.monotonic()
    response = await post(client, token, query)
    elapsed = time.monotonic() - started

    assert response.status_code == 503, response.text[:300]
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert elapsed < 2.5, "the answer was completed to the end"


VIEWER = "{ viewer { login } }"


def nested_value(levels: int) -> str:
    """JSON of an object `levels` objects and lists deep, itself included: {"a": [[...]]}."""
    return '{"a": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


async def send_nested(
    client: httpx.AsyncClient, token: str, method: str, parameter: str, levels: int
) -> httpx.Response:
    """A viewer query with `parameter` nested `levels` deep, as GET parameters or as a POST body."""
    value = nested_value(levels)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if method == "GET":
        return await client.get("/graphql", params={"query": VIEWER, parameter: value}, headers=headers)
    body = f'{{"query": "{VIEWER}", "{parameter}": {value}}}'
    return await client.post("/graphql", content=body, headers=headers)


@pytest.mark.parametrize("levels", [MAX_PARAMETER_DEPTH + 1, 255, 1000])
@pytest.mark.parametrize("parameter", ["variables", "extensions"])
@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_variables_or_extensions_nested_over_the_limit_are_refused_with_400(
    engine: AsyncEngine, client: httpx.AsyncClient, method: str, parameter: str, levels: int
) -> None:
    token = await given_acme(engine)

    response = await send_nested(client, token, method, parameter, levels)

    assert response.status_code == 400
    message = f"The `{parameter}` nest deeper than the limit of {MAX_PARAMETER_DEPTH} levels."
    assert limit_error(response)["message"] == message


@pytest.mark.parametrize("parameter", ["variables", "extensions"])
@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_variables_or_extensions_nested_to_the_limit_run(
    engine: AsyncEngine, client: httpx.AsyncClient, method: str, parameter: str
) -> None:
    token = await given_acme(engine)

    response = await send_nested(client, token, method, parameter, MAX_PARAMETER_DEPTH)

    assert response.json() == {"data": {"viewer": {"login": "alice"}}}
