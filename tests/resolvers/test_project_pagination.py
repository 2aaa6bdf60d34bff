"""Organization.projects as keyset pages: every order walks every project once, cursors and page sizes
are checked, and the viewer's organizations page the same way."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import itertools
import random
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import Org, make_organization, make_project, make_projects, make_repository, make_token
from tests.graphql import error_codes, errors, execute, post
from tests.resolvers.pages import forged, page_without_edges, walk_pages

PROJECTS = """
query Projects($slug: String!, $first: Int, $after: String, $orderBy: ProjectOrder) {
  organization(slug: $slug) {
    projects(first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id slug } }
      nodes { id slug }
    }
  }
}
"""

REPOSITORIES = """
query Repositories($slug: String!, $project: String!) {
  organization(slug: $slug) {
    project(slug: $project) { repositories(first: 1) { pageInfo { endCursor } } }
  }
}
"""

ORGANIZATIONS = """
query Organizations($first: Int, $after: String) {
  viewer {
    organizations(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { slug } }
      nodes { slug }
    }
  }
}
"""

FIELDS = ["SLUG", "NAME", "UPDATED_AT"]
DIRECTIONS = ["ASC", "DESC"]
ORDERS = [
    pytest.param({"field": field, "direction": direction}, id=f"{field}-{direction}")
    for field in FIELDS
    for direction in DIRECTIONS
]

# Strings that sort differently by code point than by any locale or by UTF-16 units: uppercase before
# lowercase, accents after ASCII, a character of the BMP's end before one beyond it.
TRICKY_STRINGS = ["B", "a", "é", "ź", "Z", "b", "A", "ﬀ", "😀", "a b", "ab", "a-b", "0"]
BASE_TIME = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


# (after, the order it is sent with): none of these is a cursor the server issued.
GARBAGE_CURSORS = [
    pytest.param("garbage", "SLUG", id="word"),
    pytest.param("", "SLUG", id="empty"),
    pytest.param("!!!!", "SLUG", id="punctuation"),
    pytest.param(base64.urlsafe_b64encode(b"not json").decode(), "SLUG", id="base64 of not json"),
    pytest.param(forged({"slug": "a"}), "SLUG", id="object"),
    pytest.param(forged([]), "SLUG", id="empty list"),
    pytest.param(forged(["project:slug"]), "SLUG", id="kind only"),
    pytest.param(forged(["project:slug", "a"]), "SLUG", id="missing id"),
    pytest.param(forged(["project:slug", "a", 1, 2]), "SLUG", id="extra value"),
    pytest.param(forged(["project:slug", 1, 2]), "SLUG", id="number for slug"),
    pytest.param(forged(["project:slug", None, 1]), "SLUG", id="null slug"),
    pytest.param(forged(["project:slug", "a", "1"]), "SLUG", id="string id"),
    pytest.param(forged(["project:slug", "a", 1.5]), "SLUG", id="fractional id"),
    pytest.param(forged(["project:colour", "a", 1]), "SLUG", id="unknown kind"),
    pytest.param(forged(["project:updated_at", "yesterday", 1]), "UPDATED_AT", id="not a time"),
    pytest.param(forged(["project:slug", "a", True]), "SLUG", id="boolean id"),
    pytest.param(forged(["project:slug", "a", 2**70]), "SLUG", id="id beyond 64 bits"),
    pytest.param(forged(["project:slug", "a\u0000", 1]), "SLUG", id="NUL in slug"),
    pytest.param(forged(["project:name", "\ud800", 1]), "NAME", id="lone surrogate"),
    pytest.param(
        forged(["project:updated_at", "0001-01-01T00:00:00+01:00", 1]),
        "UPDATED_AT",
        id="time before year one in UTC",
    ),
    pytest.param(
        forged(["project:updated_at", "9999-12-31T23:59:59-05:00", 1]),
        "UPDATED_AT",
        id="time after year 9999 in UTC",
    ),
]


@dataclass(frozen=True)
class ProjectRow:
    id: int
    slug: str
    name: str
    updated_at: dt.datetime

    def sort_key(self, field: str) -> tuple[str | dt.datetime, int]:
        value: dict[str, str | dt.datetime] = {
            "SLUG": self.slug,
            "NAME": self.name,
            "UPDATED_AT": self.updated_at,
        }
        return value[field], self.id


async def make_tricky_projects(engine: AsyncEngine, org: Org, count: int = 50) -> list[ProjectRow]:
    """`count` projects whose names and update times repeat (ties) and whose ids follow no order."""
    specs = [
        (
            f"{TRICKY_STRINGS[i % len(TRICKY_STRINGS)]}-{i:02d}",
            TRICKY_STRINGS[i % 7],
            BASE_TIME + dt.timedelta(seconds=i % 4, microseconds=250_000 * (i % 2)),
        )
        for i in range(count)
    ]
    random.Random(20250301).shuffle(specs)
    return [
        ProjectRow(await make_project(engine, org, slug, name=name, updated_at=at), slug, name, at)
        for slug, name, at in specs
    ]


async def fetch_projects(client: httpx.AsyncClient, token: str, **arguments: Any) -> dict[str, Any]:
    data = await execute(client, token, PROJECTS, {"slug": "acme", **arguments})
    page: dict[str, Any] = data["organization"]["projects"]
    return page


async def walk_projects(
    client: httpx.AsyncClient, token: str, first: int, order: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every page of the organization's projects."""
    return await walk_pages(functools.partial(fetch_projects, client, token, first=first, orderBy=order))


async def given_projects(engine: AsyncEngine, count: int) -> str:
    """The owner's token of acme, which holds `count` projects p0000, p0001, ..."""
    org = await make_organization(engine)
    await make_projects(engine, org, count)
    return await make_token(engine, org)


async def errors_of_projects_after(
    client: httpx.AsyncClient, token: str, after: str, field: str
) -> list[dict[str, Any]]:
    """The errors of a request for the projects after `after` in the ascending order of `field`."""
    return await errors(
        client,
        token,
        PROJECTS,
        {"slug": "acme", "after": after, "orderBy": {"field": field, "direction": "ASC"}},
    )


def slugs_of(pages: list[dict[str, Any]]) -> list[str]:
    return [node["slug"] for page in pages for node in page["nodes"]]


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    assert len(body["errors"]) == 1, body["errors"]
    error: dict[str, Any] = body["errors"][0]
    return error


# --- Walking the pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
async def test_walking_every_page_visits_each_project_once_in_order(
    engine: AsyncEngine, client: httpx.AsyncClient, order: dict[str, str]
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    projects = await make_tricky_projects(engine, org)
    expected = sorted(
        projects, key=lambda row: row.sort_key(order["field"]), reverse=order["direction"] == "DESC"
    )

    pages = await walk_projects(client, token, first=7, order=order)

    assert slugs_of(pages) == [row.slug for row in expected]


async def test_projects_are_ordered_by_slug_ascending_by_default(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    projects = await make_tricky_projects(engine, org, count=20)

    page = await fetch_projects(client, token)

    assert [node["slug"] for node in page["nodes"]] == sorted(row.slug for row in projects)


@pytest.mark.parametrize("field", ["SLUG", "NAME"])
async def test_strings_compare_by_code_point(
    engine: AsyncEngine, client: httpx.AsyncClient, field: str
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    for text in ["ź", "é", "a", "😀", "B", "ﬀ", "b", "Z", "A"]:
        await make_project(engine, org, text, name=text)

    page = await fetch_projects(client, token, orderBy={"field": field, "direction": "ASC"})

    assert [node["slug"] for node in page["nodes"]] == ["A", "B", "Z", "a", "b", "é", "ź", "ﬀ", "😀"]


@pytest.mark.parametrize(
    ("field", "tie"),
    [("NAME", {"name": "Same"}), ("UPDATED_AT", {"updated_at": BASE_TIME})],
    ids=["NAME", "UPDATED_AT"],
)
@pytest.mark.parametrize("direction", DIRECTIONS)
async def test_ties_are_broken_by_id_in_the_order_direction(
    engine: AsyncEngine, client: httpx.AsyncClient, field: str, tie: dict[str, Any], direction: str
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    created = [await make_project(engine, org, slug, **tie) for slug in ["c", "a", "d", "b", "e"]]
    by_id = dict(zip(created, ["c", "a", "d", "b", "e"], strict=True))
    expected = [by_id[project_id] for project_id in sorted(created, reverse=direction == "DESC")]

    pages = await walk_projects(client, token, first=2, order={"field": field, "direction": direction})

    assert slugs_of(pages) == expected


async def test_project_added_before_the_cursor_does_not_shift_the_next_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    for slug in ["b", "c", "d", "e"]:
        await make_project(engine, org, slug)
    first_page = await fetch_projects(client, token, first=2)
    await make_project(engine, org, "a")

    next_page = await fetch_projects(client, token, first=2, after=first_page["pageInfo"]["endCursor"])

    assert [node["slug"] for node in next_page["nodes"]] == ["d", "e"]


# --- Page info, counts, edges -----------------------------------------------------------------------------


async def test_total_count_is_the_full_count_on_every_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 50)

    pages = await walk_projects(client, token, first=7)

    assert [page["totalCount"] for page in pages] == [50] * 8


async def test_only_the_last_page_has_no_next_page(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await given_projects(engine, 50)

    pages = await walk_projects(client, token, first=7)

    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True] * 7 + [False]
    assert [len(page["nodes"]) for page in pages] == [7] * 7 + [1]


async def test_only_pages_after_a_cursor_have_a_previous_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 50)

    pages = await walk_projects(client, token, first=7)

    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False] + [True] * 7


async def test_start_and_end_cursors_are_those_of_the_first_and_last_edges(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 50)

    pages = await walk_projects(client, token, first=7)

    assert [(page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"]) for page in pages] == [
        (page["edges"][0]["cursor"], page["edges"][-1]["cursor"]) for page in pages
    ]


async def test_every_edge_has_its_own_cursor(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await given_projects(engine, 50)

    pages = await walk_projects(client, token, first=7)

    cursors = [edge["cursor"] for page in pages for edge in page["edges"]]
    assert len(set(cursors)) == 50


async def test_an_edge_cursor_continues_right_after_its_project(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 10)
    page = await fetch_projects(client, token, first=5)

    after_third = await fetch_projects(client, token, first=2, after=page["edges"][2]["cursor"])

    assert [node["slug"] for node in after_third["nodes"]] == ["p0003", "p0004"]


async def test_edges_and_nodes_hold_the_same_projects(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    await make_tricky_projects(engine, org, count=20)

    page = await fetch_projects(client, token, first=7, orderBy={"field": "NAME", "direction": "DESC"})

    assert [edge["node"] for edge in page["edges"]] == page["nodes"]


async def test_page_ending_on_the_last_project_is_followed_by_an_empty_last_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 14)
    second = await fetch_projects(
        client, token, first=7, after=(await fetch_projects(client, token, first=7))["pageInfo"]["endCursor"]
    )

    after_last = await fetch_projects(client, token, first=7, after=second["pageInfo"]["endCursor"])

    assert second["pageInfo"]["hasNextPage"] is False
    assert after_last == page_without_edges(14, has_next_page=False, has_previous_page=True)


async def test_first_zero_is_an_empty_page_with_the_full_count(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 3)

    page = await fetch_projects(client, token, first=0)

    assert page == page_without_edges(3, has_next_page=True, has_previous_page=False)


@pytest.mark.parametrize("order", ORDERS)
async def test_organization_without_projects_has_one_empty_page(
    engine: AsyncEngine, client: httpx.AsyncClient, order: dict[str, str]
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    other = await make_organization(engine, "other")
    await make_projects(engine, other, 3)

    page = await fetch_projects(client, token, orderBy=order)

    assert page == page_without_edges(0, has_next_page=False, has_previous_page=False)


# --- Page sizes -------------------------------------------------------------------------------------------


async def test_first_defaults_to_one_hundred(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await given_projects(engine, 150)

    page = await fetch_projects(client, token)

    assert len(page["nodes"]) == 100
    assert page["pageInfo"]["hasNextPage"] is True


async def test_first_may_be_one_thousand(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await given_projects(engine, 1001)

    page = await fetch_projects(client, token, first=1000)

    assert len(page["nodes"]) == 1000
    assert page["pageInfo"]["hasNextPage"] is True


async def test_first_over_one_thousand_is_an_error_naming_the_maximum(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await given_projects(engine, 3)

    body = (await post(client, token, PROJECTS, {"slug": "acme", "first": 1001})).json()

    error = only_error(body)
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert "1000" in error["message"]
    assert error["path"] == ["organization", "projects"]
    assert body["data"] == {"organization": None}


@pytest.mark.parametrize("first", [-1, -1000])
async def test_negative_first_is_an_error(engine: AsyncEngine, client: httpx.AsyncClient, first: int) -> None:
    token = await given_projects(engine, 3)

    found = await errors(client, token, PROJECTS, {"slug": "acme", "first": first})

    assert error_codes(found) == ["BAD_USER_INPUT"]


# --- Cursors the server did not issue for this list -------------------------------------------------------


@pytest.mark.parametrize(("after", "field"), GARBAGE_CURSORS)
async def test_garbage_after_is_bad_user_input(
    engine: AsyncEngine, client: httpx.AsyncClient, after: str, field: str
) -> None:
    token = await given_projects(engine, 3)

    found = await errors_of_projects_after(client, token, after, field)

    assert error_codes(found) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("issued_for", "used_for"),
    list(itertools.permutations(FIELDS, 2)),
    ids=lambda field: str(field),
)
async def test_cursor_of_another_order_is_bad_user_input(
    engine: AsyncEngine, client: httpx.AsyncClient, issued_for: str, used_for: str
) -> None:
    token = await given_projects(engine, 3)
    cursor = (
        await fetch_projects(client, token, first=1, orderBy={"field": issued_for, "direction": "ASC"})
    )["pageInfo"]["endCursor"]

    found = await errors_of_projects_after(client, token, cursor, used_for)

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_repository_cursor_is_bad_user_input_for_projects(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    project_id = await make_project(engine, org, "web")
    await make_repository(engine, project_id, "acme/web")
    await make_repository(engine, project_id, "acme/api")
    data = await execute(client, token, REPOSITORIES, {"slug": "acme", "project": "web"})
    cursor = data["organization"]["project"]["repositories"]["pageInfo"]["endCursor"]

    found = await errors(client, token, PROJECTS, {"slug": "acme", "after": cursor})

    assert error_codes(found) == ["BAD_USER_INPUT"]


# --- The viewer's organizations ---------------------------------------------------------------------------


async def fetch_organizations(client: httpx.AsyncClient, token: str, **arguments: Any) -> dict[str, Any]:
    data = await execute(client, token, ORGANIZATIONS, arguments)
    page: dict[str, Any] = data["viewer"]["organizations"]
    return page


async def test_viewer_organizations_are_those_the_token_may_read(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    await make_organization(engine, "acme")
    beta = await make_organization(engine, "beta")
    await make_organization(engine, "gamma")
    token = await make_token(engine, beta)

    page = await fetch_organizations(client, token)

    assert page == {
        "totalCount": 1,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": page["edges"][0]["cursor"],
            "endCursor": page["edges"][0]["cursor"],
        },
        "edges": [{"cursor": page["edges"][0]["cursor"], "node": {"slug": "beta"}}],
        "nodes": [{"slug": "beta"}],
    }


async def test_viewer_organizations_after_the_last_cursor_is_empty_with_the_full_count(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    await make_organization(engine, "zeta")
    token = await make_token(engine, org)
    cursor = (await fetch_organizations(client, token, first=1))["pageInfo"]["endCursor"]

    page = await fetch_organizations(client, token, first=1, after=cursor)

    assert page == page_without_edges(1, has_next_page=False, has_previous_page=True)


async def test_viewer_organizations_first_zero_is_an_empty_page_with_a_next_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    page = await fetch_organizations(client, token, first=0)

    assert (page["totalCount"], page["pageInfo"]["hasNextPage"], page["nodes"]) == (1, True, [])


async def test_viewer_organizations_list_the_organization_of_a_token_that_reads_only_projects(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org, scopes=["project:read"])

    page = await fetch_organizations(client, token)

    assert (page["totalCount"], page["nodes"]) == (1, [{"slug": "acme"}])


async def test_viewer_organizations_are_none_for_a_token_that_reads_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org, scopes=["project:admin"])

    page = await fetch_organizations(client, token)

    assert (page["totalCount"], page["nodes"]) == (0, [])


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param({"first": -1}, id="negative"),
        pytest.param({"after": "garbage"}, id="garbage cursor"),
        pytest.param({"after": forged(["organization", 7])}, id="number for slug"),
        pytest.param({"after": forged(["project:slug", "acme", 1])}, id="project cursor"),
        pytest.param({"after": forged(["organization", "a\u0000"])}, id="NUL in slug"),
    ],
)
async def test_viewer_organizations_reject_bad_arguments(
    engine: AsyncEngine, client: httpx.AsyncClient, arguments: dict[str, Any]
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    found = await errors(client, token, ORGANIZATIONS, arguments)

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_viewer_organizations_over_the_maximum_page_is_a_limit_exceeded_error(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))

    found = await errors(client, token, ORGANIZATIONS, {"first": 101})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]
