"""Project.repositories as pages ordered by id: every page right for every project of one query, page
sizes and cursors checked."""

from __future__ import annotations

import base64
import functools
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import Org, make_organization, make_project, make_projects, make_repository, make_token
from tests.graphql import document, error_codes, errors, execute, post
from tests.resolvers.pages import forged, page_without_edges, walk_pages

REPOSITORIES = """
query ProjectRepositories($slug: String!, $project: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    project(slug: $project) {
      repositories(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { name } }
        nodes { name }
      }
    }
  }
}
"""

PROJECT_CURSOR = """
query ProjectCursor($slug: String!) {
  organization(slug: $slug) { projects(first: 1) { pageInfo { endCursor } } }
}
"""

# Two projects, each asked for two different pages, in one request.
PAGES_OF_TWO_PROJECTS = """
query PagesOfTwoProjects($slug: String!, $webAfter: String!) {
  organization(slug: $slug) {
    web: project(slug: "web") {
      head: repositories(first: 2) { ...Page }
      tail: repositories(first: 2, after: $webAfter) { ...Page }
    }
    api: project(slug: "api") {
      head: repositories(first: 2) { ...Page }
      whole: repositories { ...Page }
    }
  }
}
fragment Page on RepositoryConnection { totalCount pageInfo { hasNextPage } nodes { name } }
"""


async def make_web(engine: AsyncEngine, repository_count: int) -> tuple[Org, str]:
    """The organization acme with a project web of `repository_count` repositories, and an owner's token."""
    org = await make_organization(engine)
    project_id = await make_project(engine, org, "web")
    for n in range(repository_count):
        await make_repository(engine, project_id, f"acme/repo-{n:03d}")
    return org, await make_token(engine, org)


async def fetch_repositories(
    client: httpx.AsyncClient, token: str, project: str = "web", **arguments: Any
) -> dict[str, Any]:
    data = await execute(client, token, REPOSITORIES, {"slug": "acme", "project": project, **arguments})
    page: dict[str, Any] = data["organization"]["project"]["repositories"]
    return page


async def walk_repositories(client: httpx.AsyncClient, token: str, first: int) -> list[dict[str, Any]]:
    """Every page of web's repositories."""
    return await walk_pages(functools.partial(fetch_repositories, client, token, first=first))


def names_in(page: dict[str, Any]) -> list[str]:
    return [node["name"] for node in page["nodes"]]


def short_page(names: list[str], has_next_page: bool) -> dict[str, Any]:
    """A page of PAGES_OF_TWO_PROJECTS, whose projects have five repositories each."""
    return {
        "totalCount": 5,
        "pageInfo": {"hasNextPage": has_next_page},
        "nodes": [{"name": n} for n in names],
    }


# --- Order and walking ------------------------------------------------------------------------------------


async def test_repositories_are_ordered_by_id(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    project_id = await make_project(engine, org, "web")
    for name in ["acme/zeta", "acme/alpha", "acme/Mid", "acme/beta"]:
        await make_repository(engine, project_id, name)

    page = await fetch_repositories(client, token)

    assert names_in(page) == ["acme/zeta", "acme/alpha", "acme/Mid", "acme/beta"]


async def test_walking_every_page_visits_each_repository_once_in_order(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 10)

    pages = await walk_repositories(client, token, first=3)

    assert [names_in(page) for page in pages] == [
        ["acme/repo-000", "acme/repo-001", "acme/repo-002"],
        ["acme/repo-003", "acme/repo-004", "acme/repo-005"],
        ["acme/repo-006", "acme/repo-007", "acme/repo-008"],
        ["acme/repo-009"],
    ]


async def test_total_count_is_the_full_count_on_every_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 10)

    pages = await walk_repositories(client, token, first=3)

    assert [page["totalCount"] for page in pages] == [10, 10, 10, 10]


async def test_page_after_the_last_cursor_is_empty_with_the_full_count(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 9)
    last = (await walk_repositories(client, token, first=3))[-1]

    after_last = await fetch_repositories(client, token, first=3, after=last["pageInfo"]["endCursor"])

    assert last["pageInfo"]["hasNextPage"] is False
    assert after_last == page_without_edges(9, has_next_page=False, has_previous_page=True)


async def test_only_pages_after_a_cursor_have_a_previous_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 10)

    pages = await walk_repositories(client, token, first=3)

    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True, True]


async def test_edges_cursors_and_nodes_agree(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    _, token = await make_web(engine, 10)

    pages = await walk_repositories(client, token, first=3)

    for page in pages:
        assert [edge["node"] for edge in page["edges"]] == page["nodes"]
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


async def test_first_zero_is_an_empty_page_with_the_full_count(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 2)

    page = await fetch_repositories(client, token, first=0)

    assert page == page_without_edges(2, has_next_page=True, has_previous_page=False)


async def test_project_without_repositories_has_one_empty_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 0)

    page = await fetch_repositories(client, token)

    assert page == page_without_edges(0, has_next_page=False, has_previous_page=False)


# --- Page sizes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("first", [None, 100], ids=["default", "maximum"])
async def test_a_page_holds_one_hundred_repositories(
    engine: AsyncEngine, client: httpx.AsyncClient, first: int | None
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    await make_projects(engine, org, 1, repositories_each=101)

    page = await fetch_repositories(client, token, project="p0000", first=first)

    assert (len(page["nodes"]), page["pageInfo"]["hasNextPage"], page["totalCount"]) == (100, True, 101)


async def test_first_over_one_hundred_is_an_error_naming_the_maximum(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 2)

    body = (await post(client, token, REPOSITORIES, {"slug": "acme", "project": "web", "first": 101})).json()

    assert len(body["errors"]) == 1, body["errors"]
    error = body["errors"][0]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "100" in error["message"]
    assert error["path"] == ["organization", "project", "repositories"]
    assert body["data"] == {"organization": {"project": None}}


async def test_negative_first_is_an_error(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    _, token = await make_web(engine, 2)

    found = await errors(client, token, REPOSITORIES, {"slug": "acme", "project": "web", "first": -1})

    assert error_codes(found) == ["BAD_USER_INPUT"]


# --- Cursors the server did not issue for this list -------------------------------------------------------


@pytest.mark.parametrize(
    "after",
    [
        pytest.param("garbage", id="word"),
        pytest.param("", id="empty"),
        pytest.param(base64.urlsafe_b64encode(b"not json").decode(), id="base64 of not json"),
        pytest.param(forged(["repository"]), id="kind only"),
        pytest.param(forged(["repository", 1, 2]), id="extra value"),
        pytest.param(forged(["repository", "1"]), id="string id"),
        pytest.param(forged(["repository", 1.5]), id="fractional id"),
        pytest.param(forged(["repository", None]), id="null id"),
        pytest.param(forged(["project:slug", "web", 1]), id="project cursor"),
        pytest.param(forged(["repository", True]), id="boolean id"),
        pytest.param(forged(["repository", 2**31]), id="id beyond 32 bits"),
        pytest.param(forged(["repository", 2**70]), id="id beyond 64 bits"),
    ],
)
async def test_garbage_after_is_bad_user_input(
    engine: AsyncEngine, client: httpx.AsyncClient, after: str
) -> None:
    _, token = await make_web(engine, 2)

    found = await errors(client, token, REPOSITORIES, {"slug": "acme", "project": "web", "after": after})

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_project_list_cursor_is_bad_user_input_for_repositories(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await make_web(engine, 2)
    cursor = (await execute(client, token, PROJECT_CURSOR, {"slug": "acme"}))["organization"]["projects"][
        "pageInfo"
    ]["endCursor"]

    found = await errors(client, token, REPOSITORIES, {"slug": "acme", "project": "web", "after": cursor})

    assert error_codes(found) == ["BAD_USER_INPUT"]


# --- Many projects in one query ---------------------------------------------------------------------------


async def test_tree_document_gives_each_project_its_own_repositories_and_count(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    counts = {"empty": 0, "one": 1, "five": 5, "twenty": 20, "twenty-one": 21, "thirty-three": 33}
    project_ids = {slug: await make_project(engine, org, slug) for slug in counts}
    # Added in turns, so that the ids of the projects' repositories interleave.
    for n in range(max(counts.values())):
        for slug, count in counts.items():
            if n < count:
                await make_repository(engine, project_ids[slug], f"acme/{slug}-{n:02d}")

    data = await execute(client, token, document("OrganizationTree"), {"slug": "acme"})

    found = {
        node["slug"]: (node["repositories"]["totalCount"], names_in(node["repositories"]))
        for node in data["organization"]["projects"]["nodes"]
    }
    assert found == {
        slug: (count, [f"acme/{slug}-{n:02d}" for n in range(min(count, 20))])
        for slug, count in counts.items()
    }


async def test_different_pages_of_different_projects_in_one_query_are_each_right(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    web = await make_project(engine, org, "web")
    api = await make_project(engine, org, "api")
    for n in range(5):
        await make_repository(engine, web, f"acme/web-{n}")
        await make_repository(engine, api, f"acme/api-{n}")
    web_head = await fetch_repositories(client, token, first=2)

    data = await execute(
        client,
        token,
        PAGES_OF_TWO_PROJECTS,
        {"slug": "acme", "webAfter": web_head["pageInfo"]["endCursor"]},
    )

    assert data["organization"] == {
        "web": {
            "head": short_page(["acme/web-0", "acme/web-1"], True),
            "tail": short_page(["acme/web-2", "acme/web-3"], True),
        },
        "api": {
            "head": short_page(["acme/api-0", "acme/api-1"], True),
            "whole": short_page([f"acme/api-{n}" for n in range(5)], False),
        },
    }
