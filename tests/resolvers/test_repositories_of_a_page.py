"""A page of projects loads the repositories its query asks of them with the page (schema/lookahead.py):
what every form of the query answers is what each project answers on its own, arguments and errors
included, and the loading follows the query (what `@skip` leaves out is not read)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import Org, make_organization, make_projects, make_token
from tests.graphql import errors, execute, post
from tests.sql_statements import recorded_statements

PROJECTS = 4
REPOSITORIES_EACH = 5

# The same repositories asked three ways: through `nodes`, through `edges` and a fragment, with
# different arguments under two aliases.
PAGE = """
query Page($slug: String!, $after: String) {
  organization(slug: $slug) {
    projects(first: 10) {
      nodes {
        slug
        firstTwo: repositories(first: 2) { ...Names }
        rest: repositories(first: 10, after: $after) { ...Names }
      }
      edges { node { ... on Project { slug repositories(first: 3) { ...Names } } } }
    }
  }
}
fragment Names on RepositoryConnection { totalCount nodes { name } pageInfo { hasNextPage endCursor } }
"""

ONE_PROJECT = """
query One($slug: String!, $project: String!, $first: Int!, $after: String) {
  organization(slug: $slug) {
    project(slug: $project) { repositories(first: $first, after: $after) { ...Names } }
  }
}
fragment Names on RepositoryConnection { totalCount nodes { name } pageInfo { hasNextPage endCursor } }
"""

SKIPPABLE = """
query Skippable($slug: String!, $first: Int!, $skip: Boolean!) {
  organization(slug: $slug) {
    projects(first: $first) { nodes { slug repositories(first: 5) @skip(if: $skip) { totalCount } } }
  }
}
"""

WITH_ARGUMENTS = """
query WithArguments($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    projects(first: 10) { nodes { slug repositories(first: $first, after: $after) { totalCount } } }
  }
}
"""


async def given_projects(engine: AsyncEngine) -> tuple[Org, str]:
    org = await make_organization(engine, "acme")
    await make_projects(engine, org, PROJECTS, repositories_each=REPOSITORIES_EACH)
    return org, await make_token(engine, org, "owner-of-acme")


async def repositories_of(
    client: httpx.AsyncClient, token: str, org: Org, project: str, first: int, after: str | None = None
) -> dict[str, Any]:
    variables = {"slug": org.slug, "project": project, "first": first, "after": after}
    data = await execute(client, token, ONE_PROJECT, variables)
    connection: dict[str, Any] = data["organization"]["project"]["repositories"]
    return connection


async def test_each_project_of_a_page_answers_as_it_does_alone(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_projects(engine)
    first_two = await repositories_of(client, token, org, "p0000", 2)
    after = first_two["pageInfo"]["endCursor"]

    page = (await execute(client, token, PAGE, {"slug": org.slug, "after": after}))["organization"][
        "projects"
    ]

    assert [node["slug"] for node in page["nodes"]] == [f"p{i:04d}" for i in range(PROJECTS)]
    for node, edge in zip(page["nodes"], page["edges"], strict=True):
        slug = node["slug"]
        assert node["firstTwo"] == await repositories_of(client, token, org, slug, 2)
        assert node["rest"] == await repositories_of(client, token, org, slug, 10, after)
        assert edge["node"]["repositories"] == await repositories_of(client, token, org, slug, 3)
    # The cursor is the first project's: after it, the first project has 3 more, the others all theirs.
    assert len(page["nodes"][0]["rest"]["nodes"]) == REPOSITORIES_EACH - 2
    assert len(page["nodes"][1]["rest"]["nodes"]) == REPOSITORIES_EACH


async def test_the_pages_of_repositories_after_a_cursor_are_read_in_one_statement_run_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    """Read on the driver directly (models/database.FrequentRead), as the first pages are: a statement it
    could not run there would run again the ordinary way, and show twice."""
    org, token = await given_projects(engine)
    after = (await repositories_of(client, token, org, "p0000", 2))["pageInfo"]["endCursor"]

    with recorded_statements(engine) as statements:
        await execute(client, token, PAGE, {"slug": org.slug, "after": after})

    reads_of_repositories = [statement for statement in statements if "FROM repository" in statement]
    assert len(reads_of_repositories) == 3, reads_of_repositories  # firstTwo, rest, and the edges' first 3


async def test_repositories_left_out_by_skip_are_not_read(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_projects(engine)
    # Each request a page size of its own: none is answered from the response cache.
    await execute(client, token, SKIPPABLE, {"slug": org.slug, "first": 8, "skip": True})  # the token's use

    with recorded_statements(engine) as skipped:
        data = await execute(client, token, SKIPPABLE, {"slug": org.slug, "first": 9, "skip": True})
    with recorded_statements(engine) as included:
        included_data = await execute(
            client, token, SKIPPABLE, {"slug": org.slug, "first": 10, "skip": False}
        )

    assert all("repositories" not in node for node in data["organization"]["projects"]["nodes"])
    assert [
        node["repositories"]["totalCount"] for node in included_data["organization"]["projects"]["nodes"]
    ] == [REPOSITORIES_EACH] * PROJECTS
    assert len(included) == len(skipped) + 1, (skipped, included)


async def test_a_page_size_over_the_limit_is_the_projects_error(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_projects(engine)

    response = await post(client, token, WITH_ARGUMENTS, {"slug": org.slug, "first": 101})

    # As when each project loads its own: the first project's field fails, and its error nulls the
    # non-null fields up to the organization.
    body = response.json()
    assert body["data"] == {"organization": None}
    assert [(error["path"], error["extensions"]["code"]) for error in body["errors"]] == [
        (["organization", "projects", "nodes", 0, "repositories"], "LIMIT_EXCEEDED")
    ]


async def test_a_bad_cursor_is_the_projects_error(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org, token = await given_projects(engine)

    found = await errors(
        client, token, WITH_ARGUMENTS, {"slug": org.slug, "first": 2, "after": "not-a-cursor"}
    )

    assert [(error["path"], error["extensions"]["code"]) for error in found] == [
        (["organization", "projects", "nodes", 0, "repositories"], "BAD_USER_INPUT")
    ]
