"""Every error carries an `extensions.code` that tells the client's faults from the server's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_token
from tests.graphql import errors, post

PROJECTS_PAGE = (
    'query ($first: Int) { organization(slug: "acme") { projects(first: $first) { totalCount } } }'
)
AUDIT_SINCE = (
    'query ($since: DateTime) { organization(slug: "acme") '
    "{ auditLog(filter: {since: $since}) { totalCount } } }"
)


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ viewer { login ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ viewer { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query ($first: Int) { viewer { login } }", {"first": 10}, "GRAPHQL_VALIDATION_FAILED"),
        (PROJECTS_PAGE, {"first": "ten"}, "BAD_USER_INPUT"),
        (AUDIT_SINCE, {"since": "yesterday"}, "BAD_USER_INPUT"),
        (PROJECTS_PAGE, {"first": 5000}, "LIMIT_EXCEEDED"),
        ('{ node(id: "not-an-id") { id } }', None, "BAD_USER_INPUT"),
    ],
    ids=[
        "unparsable",
        "unknown field",
        "unused variable",
        "wrong type",
        "bad time",
        "page",
        "bad id",
    ],
)
async def test_a_fault_of_the_request_is_answered_with_its_code_and_never_masked(
    engine: AsyncEngine, client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    token = await make_token(engine, await make_organization(engine))

    found = await errors(client, token, query, variables)

    assert [error["extensions"]["code"] for error in found] == [code]
    assert all("errorId" not in error["extensions"] for error in found)


@pytest.mark.parametrize(
    "query",
    ["{ viewer { login } }", "{ viewer { login ", "{ viewer { nope } }"],
    ids=["valid", "unparsable", "invalid"],
)
async def test_a_document_sent_again_gets_the_same_answer_from_the_document_caches(
    engine: AsyncEngine, client: httpx.AsyncClient, query: str
) -> None:
    token = await make_token(engine, await make_organization(engine))

    first = await post(client, token, query)
    again = await post(client, token, query)

    assert (again.status_code, again.json()) == (first.status_code, first.json())


async def test_a_document_of_several_operations_runs_only_the_one_named(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))
    two = "query Login { viewer { login } } query Organizations { viewer { organizations { totalCount } } }"

    unnamed = await post(client, token, two)
    named = await post(client, token, two, operation_name="Organizations")

    assert [error["extensions"]["code"] for error in unnamed.json()["errors"]] == ["BAD_USER_INPUT"]
    assert "data" not in unnamed.json()
    assert named.json() == {"data": {"viewer": {"organizations": {"totalCount": 1}}}}
