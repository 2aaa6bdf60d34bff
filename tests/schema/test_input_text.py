"""The text of every argument and input field is checked before anything runs: text no database can store
is refused (BAD_USER_INPUT), and so is text longer than its place in the schema allows (LIMIT_EXCEEDED,
naming the place), whether it comes as a literal of the document or in a variable."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.models.limits import (
    MAX_BATCH_ID_LENGTH,
    MAX_CLIENT_MUTATION_ID_LENGTH,
    MAX_CURSOR_LENGTH,
    MAX_SEARCH_LENGTH,
    MAX_SLUG_LENGTH,
)
from aisettings.schema.input_text import text_limit
from tests.factories import make_organization, make_projects, make_token
from tests.graphql import document, error_codes, errors, execute, organization_id, post

LITERAL_NUL = '{ organization(slug: "acme\\u0000") { id } }'
BY_VARIABLE = "query ($slug: String!) { organization(slug: $slug) { id } }"
IN_ACME = 'query ($text: String!) {{ organization(slug: "acme") {{ {} }} }}'

# Each limited argument or input field, a document that passes $text to it, and its limit.
LIMITED: dict[str, tuple[str, int]] = {
    "Query.organization(slug:)": (
        "query ($text: String!) { organization(slug: $text) { id } }",
        MAX_SLUG_LENGTH,
    ),
    "Organization.project(slug:)": (IN_ACME.format("project(slug: $text) { id }"), MAX_SLUG_LENGTH),
    "ProjectFilter.search": (
        IN_ACME.format("projects(filter: {search: $text}) { totalCount }"),
        MAX_SEARCH_LENGTH,
    ),
    "ProjectFilter.slugs": (
        IN_ACME.format("projects(filter: {slugs: [$text]}) { totalCount }"),
        MAX_SLUG_LENGTH,
    ),
    "AuditLogFilter.batchId": (
        IN_ACME.format("auditLog(filter: {batchId: $text}) { totalCount }"),
        MAX_BATCH_ID_LENGTH,
    ),
    "Organization.projects(after:)": (
        IN_ACME.format("projects(after: $text) { totalCount }"),
        MAX_CURSOR_LENGTH,
    ),
    "Organization.auditLog(after:)": (
        IN_ACME.format("auditLog(after: $text) { totalCount }"),
        MAX_CURSOR_LENGTH,
    ),
    "Project.repositories(after:)": (
        IN_ACME.format('project(slug: "web") { repositories(after: $text) { totalCount } }'),
        MAX_CURSOR_LENGTH,
    ),
    "Viewer.organizations(after:)": (
        "query ($text: String!) { viewer { organizations(after: $text) { totalCount } } }",
        MAX_CURSOR_LENGTH,
    ),
    "RemoveRepositoryInput.clientMutationId": (
        "mutation ($text: String!) { removeRepository(input: "
        '{repositoryId: "UmVwb3NpdG9yeTox", clientMutationId: $text}) { clientMutationId } }',
        MAX_CLIENT_MUTATION_ID_LENGTH,
    ),
}

# The String inputs whose mutations check them, answering a userError (tests/resolvers/mutations/).
CHECKED_BY_THEIR_MUTATIONS = {
    "AddRepositoryInput.name",
    "AddRepositoryInput.branchPatterns",
    "UpdateRepositoryInput.branchPatterns",
    "BulkUpdateRepositoriesInput.branchPatterns",
}

STRING_INPUTS = """
query {
  __schema {
    types {
      name
      fields { name args { name type { ...NamedType } } }
      inputFields { name type { ...NamedType } }
    }
  }
}
fragment NamedType on __Type { name ofType { name ofType { name ofType { name } } } }
"""

SEARCH = IN_ACME.format("projects(filter: {search: $text}) { totalCount }")
BULK_UPDATE = document("BulkUpdateProjectSettings")
# The security probe's search (issue 11): 99 KB of LIKE wildcards, each escaped into two pattern characters.
PROBE_SEARCH = "a%_" * 33_000
# Far above the time a refusal takes; far below the 1-14 s the probe's search took on PostgreSQL.
AT_ONCE_SECONDS = 1.0


@pytest.mark.parametrize(
    ("query", "variables"),
    [(LITERAL_NUL, None), (BY_VARIABLE, {"slug": "acme\x00"})],
    ids=["NUL in a literal", "NUL in a variable"],
)
async def test_unstorable_text_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None
) -> None:
    token = await make_token(engine, await make_organization(engine))

    found = await errors(client, token, query, variables)

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_the_probes_search_is_refused_at_once(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine)
    await make_projects(engine, org, 50)
    token = await make_token(engine, org)
    started = time.monotonic()

    found = await errors(client, token, SEARCH, {"text": PROBE_SEARCH})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]
    assert time.monotonic() - started < AT_ONCE_SECONDS


async def test_the_probes_search_in_a_bulk_update_is_refused_at_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    await make_projects(engine, org, 50)
    token = await make_token(engine, org)
    input = {"organizationId": organization_id(org), "filter": {"search": PROBE_SEARCH}, "changes": {}}
    started = time.monotonic()

    found = await errors(client, token, BULK_UPDATE, {"input": input})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]
    assert time.monotonic() - started < AT_ONCE_SECONDS


@pytest.mark.parametrize(("coordinate", "query", "maximum"), [(c, *LIMITED[c]) for c in LIMITED])
async def test_text_over_its_limit_is_refused_naming_the_limit(
    engine: AsyncEngine, client: httpx.AsyncClient, coordinate: str, query: str, maximum: int
) -> None:
    token = await make_token(engine, await make_organization(engine))

    found = await errors(client, token, query, {"text": "x" * (maximum + 1)})

    [extensions] = [error["extensions"] for error in found]
    path = extensions.pop("inputPath")
    assert extensions == {
        "code": "LIMIT_EXCEEDED",
        "limit": "length",
        "coordinate": coordinate,
        "maximum": maximum,
        "actual": maximum + 1,
    }
    assert path[0] in query  # the argument's name, then where in its value


@pytest.mark.parametrize(("query", "maximum"), LIMITED.values(), ids=LIMITED.keys())
async def test_text_at_its_limit_is_taken(
    engine: AsyncEngine, client: httpx.AsyncClient, query: str, maximum: int
) -> None:
    token = await make_token(engine, await make_organization(engine))

    response = await post(client, token, query, {"text": "x" * maximum})

    # What the text means may still be wrong (a cursor of x's is no cursor), but it is not too long.
    assert "LIMIT_EXCEEDED" not in error_codes(response.json().get("errors", []))


async def test_a_literal_over_its_limit_is_refused_too(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))
    search = "x" * (MAX_SEARCH_LENGTH + 1)
    query = (
        f'{{ organization(slug: "acme") {{ projects(filter: {{search: "{search}"}}) {{ totalCount }} }} }}'
    )

    found = await errors(client, token, query)

    assert error_codes(found) == ["LIMIT_EXCEEDED"]


async def test_a_document_sent_again_has_its_new_variables_checked(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))
    await execute(client, token, SEARCH, {"text": "web"})

    found = await errors(client, token, SEARCH, {"text": "x" * (MAX_SEARCH_LENGTH + 1)})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]


async def test_without_a_document_cache_text_is_checked_all_the_same(
    engine: AsyncEngine, database_url: str
) -> None:
    token = await make_token(engine, await make_organization(engine))
    app = create_app(Config(database_url=database_url, document_cache_size=0), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        await execute(client, token, SEARCH, {"text": "web"})

        found = await errors(client, token, SEARCH, {"text": "x" * (MAX_SEARCH_LENGTH + 1)})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]


async def test_every_string_input_has_a_limit_or_is_checked_by_its_mutation(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))

    data = await execute(client, token, STRING_INPUTS)

    unlimited = {
        coordinate
        for coordinate, name in string_inputs(data["__schema"]["types"])
        if text_limit(coordinate, name) is None
    }
    assert unlimited == CHECKED_BY_THEIR_MUTATIONS


def string_inputs(types: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(schema coordinate, name) of every argument and input field of type String, [String], ..."""
    found = []
    for kind in types:
        if kind["name"].startswith("__"):
            continue
        for field in kind["fields"] or []:
            found += [
                (f"{kind['name']}.{field['name']}({argument['name']}:)", argument["name"])
                for argument in field["args"]
                if named(argument["type"]) == "String"
            ]
        found += [
            (f"{kind['name']}.{field['name']}", field["name"])
            for field in kind["inputFields"] or []
            if named(field["type"]) == "String"
        ]
    return found


def named(type_reference: dict[str, Any]) -> str:
    while type_reference.get("ofType") is not None:
        type_reference = type_reference["ofType"]
    name: str = type_reference["name"]
    return name
