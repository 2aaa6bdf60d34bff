"""Documents made to cost far more than their size: fragments that fan out, introspection under aliases,
sizes hidden in defaults, floats and id lists, fields repeated for validation to compare pairwise. Each is
refused or answered in a time linear in its text, and counts against the limits like any other."""

from __future__ import annotations

import time

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.schema.limits import RequestLimits
from tests.conftest import LimitedClient
from tests.factories import make_organization, make_project, make_token
from tests.graphql import execute, organization_id, post

from .test_limits import limit_error

# Each document below took from 5 s to minutes before its fix, and takes milliseconds: the bound sits
# between the two, far enough from both to hold on a busy machine (CI runs two suites on two cores; one
# of these took 1.4 s there).
QUICK_SECONDS = 3.0


def fan_out(levels: int, on: str, leaf: str) -> str:
    """Fragments F0..F{levels}, each spreading the next twice: 2^levels copies of `leaf` once expanded."""
    fragments = [f"fragment F{n} on {on} {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    return " ".join([*fragments, f"fragment F{levels} on {on} {{ {leaf} }}"])


async def timed(client: httpx.AsyncClient, token: str, query: str, **variables: object) -> httpx.Response:
    started = time.perf_counter()
    response = await post(client, token, query, dict(variables))
    assert time.perf_counter() - started < QUICK_SECONDS, "took as long as the document expands"
    return response


async def given_token(engine: AsyncEngine) -> str:
    org = await make_organization(engine)
    await make_project(engine, org, "web")
    return await make_token(engine, org)


async def test_fragments_spread_twice_at_every_level_are_answered_at_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_token(engine)
    query = "query FanOut { ...F0 } " + fan_out(22, "Query", "viewer { login }")

    response = await timed(client, token, query)

    assert response.json()["data"]["viewer"]["login"] == "alice"


async def test_fragments_fanning_out_under_a_page_of_projects_are_answered_at_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_token(engine)
    query = (
        'query FanOut { organization(slug: "acme") { projects(first: 1) { nodes { ...F0 } } } } '
        + fan_out(22, "Project", "slug")
    )

    response = await timed(client, token, query)

    assert response.json()["data"]["organization"]["projects"]["nodes"] == [{"slug": "web"}]


async def test_every_expanded_alias_counts(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await given_token(engine)
    query = "query FanOut { ...F0 } " + fan_out(22, "Query", "me: viewer { login }")

    response = await timed(client, token, query)

    assert limit_error(response)["extensions"]["actual"] == 2**22


async def test_aliases_of_introspection_count(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await given_token(engine)
    aliases = " ".join(f"s{n}: __schema {{ types {{ fields {{ description }} }} }}" for n in range(40))

    response = await timed(client, token, f"query Introspection {{ {aliases} }}")

    assert limit_error(response)["extensions"]["limit"] == "aliases"


async def test_introspection_counts_the_lists_it_could_return(
    engine: AsyncEngine, limited_client: LimitedClient
) -> None:
    token = await given_token(engine)
    client = limited_client(limits=RequestLimits(max_nodes=100))

    response = await timed(client, token, "query Types { __schema { types { fields { name } } } }")

    assert limit_error(response)["extensions"]["limit"] == "nodes"


async def test_graphiqls_introspection_query_runs_within_the_default_limits(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_token(engine)
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )

    data = await execute(client, token, query)

    assert any(named["name"] == "Organization" for named in data["__schema"]["types"])


NESTED_PAGES = (
    "{ organization(slug: $slug) { projects(first: $first) "
    "{ nodes { organization { projects(first: 1000) { nodes { id } } } } } } }"
)


@pytest.mark.parametrize(
    ("query", "variables", "actual"),
    [
        (f"query N($slug: String!, $first: Int = 1000) {NESTED_PAGES}", {}, 1_001_000),
        (f"query N($slug: String!, $first: Int) {NESTED_PAGES}", {"first": 600.0}, 600_600),
    ],
    ids=["operation-default", "float-variable"],
)
async def test_page_sizes_count_as_the_resolver_gets_them(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, object],
    actual: int,
) -> None:
    token = await given_token(engine)

    response = await timed(client, token, query, slug="acme", **variables)

    assert limit_error(response)["extensions"]["actual"] == actual


async def test_the_ids_of_nodes_count(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    query = (
        "query Many($ids: [ID!]!) { nodes(ids: $ids) "
        "{ ... on Organization { projects(first: 260) { nodes { id } } } } }"
    )

    response = await timed(client, token, query, ids=[organization_id(org)] * 1000)

    assert limit_error(response)["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "nodes",
        "maximum": 250_000,
        "actual": 1000 + 1000 * 260,
    }


async def test_a_document_of_too_many_selections_is_refused_before_validation(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_token(engine)
    # graphql-core compares same-named fields pairwise: 2,500 of them took tens of seconds to validate.
    query = "query Repeated { " + "viewer { login } " * 2_400 + "}"

    response = await timed(client, token, query)

    assert limit_error(response)["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "limit": "selections",
        "maximum": 300,
        "actual": 4_800,
    }
