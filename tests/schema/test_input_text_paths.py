"""Unstorable text (a NUL character) is refused everywhere; where a field has its own
validation the mutation answers it as a userError at its place (a branch pattern: INVALID_BRANCH_PATTERN
with its index), and elsewhere the request error names the argument's path."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_project, make_token, stored_rows
from tests.graphql import error_codes, post, project_id

ADD_REPOSITORY_WITH_PATTERNS = """
mutation ($id: ID!) {
  addRepository(input: {projectId: $id, provider: GITHUB, name: "acme/web", branchPatterns: %s}) {
    userErrors { field code message }
    repository { id }
  }
}
"""
SEARCH = """
query ($filter: ProjectFilter) { organization(slug: "acme") { projects(filter: $filter) { totalCount } } }
"""


# (An unpaired surrogate cannot arrive: the JSON body and the GraphQL parser both refuse one.)
async def test_a_branch_pattern_holding_a_nul_is_a_user_error_at_its_index(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    before = await stored_rows(engine)
    patterns = '["main", "main\\u0000"]'

    response = await post(client, token, ADD_REPOSITORY_WITH_PATTERNS % patterns, {"id": project_id(web)})

    payload = response.json()["data"]["addRepository"]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "branchPatterns", "1"], "INVALID_BRANCH_PATTERN")
    ]
    assert payload["repository"] is None
    assert await stored_rows(engine) == before


async def test_unstorable_text_elsewhere_names_the_arguments_path(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    response = await post(client, token, SEARCH, {"filter": {"slugs": ["web", "a\x00"]}})

    [error] = response.json()["errors"]
    assert error_codes([error]) == ["BAD_USER_INPUT"]
    assert error["extensions"]["inputPath"] == ["filter", "slugs", "1"]
    assert "filter.slugs.1" in error["message"]
