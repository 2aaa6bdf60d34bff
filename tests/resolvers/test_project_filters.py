"""ProjectFilter on Organization.projects: overrides, search, slugs, their combinations, and the count of
what they match; and the ProjectsWithOverrides document the scripts send."""

from __future__ import annotations

import functools
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue, StoppingPoint
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, error_codes, errors, execute
from tests.resolvers.pages import walk_pages

PROJECTS = """
query FilteredProjects($slug: String!, $first: Int, $after: String, $filter: ProjectFilter) {
  organization(slug: $slug) {
    projects(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { slug }
    }
  }
}
"""

# slug -> (name, overrides). A false override is an override too.
PROJECTS_OF_ACME: dict[str, tuple[str, dict[str, SettingValue | None]]] = {
    "plain": ("Plain", {}),
    "scan-off": ("Scanner Off", {"scan_enabled": False}),
    "fix-on": ("Fixer", {"fix_enabled": True}),
    "merge": ("Merge Train", {"stopping_point": StoppingPoint.MERGE}),
    "web-app": ("Web Application", {"scan_enabled": True, "fix_enabled": False}),
    "api": ("Backend API", {}),
    "docs": ("Documentation", {"stopping_point": StoppingPoint.SUGGESTION}),
    "100pct": ("100% done", {}),
    "under_score": ("Under score", {}),
    "underxscore": ("UnderXscore", {}),
    "ci-cd": ("CI/CD pipeline", {}),
    "windows": ("C:\\Windows", {}),
}
ALL_SLUGS = sorted(PROJECTS_OF_ACME)


async def make_acme(engine: AsyncEngine) -> str:
    """The organization acme with PROJECTS_OF_ACME, and a token of its owner."""
    org = await make_organization(engine)
    for slug, (name, overrides) in PROJECTS_OF_ACME.items():
        await make_project(engine, org, slug, name=name, overrides=overrides)
    return await make_token(engine, org)


async def filtered(client: httpx.AsyncClient, token: str, **arguments: Any) -> dict[str, Any]:
    data = await execute(client, token, PROJECTS, {"slug": "acme", **arguments})
    page: dict[str, Any] = data["organization"]["projects"]
    return page


def slugs_in(page: dict[str, Any]) -> list[str]:
    return [node["slug"] for node in page["nodes"]]


# --- Which projects a filter selects ----------------------------------------------------------------------

# Each filter and the slugs of acme's projects it selects, in slug order.
FILTERS = [
    # hasOverrides: whether a project overrides any setting.
    pytest.param(
        {"hasOverrides": True}, ["docs", "fix-on", "merge", "scan-off", "web-app"], id="has overrides"
    ),
    pytest.param(
        {"hasOverrides": False},
        ["100pct", "api", "ci-cd", "plain", "under_score", "underxscore", "windows"],
        id="has no overrides",
    ),
    # overrides: projects overriding any of the settings; an empty list matches nothing.
    pytest.param({"overrides": ["SCAN_ENABLED"]}, ["scan-off", "web-app"], id="overrides scan"),
    pytest.param({"overrides": ["FIX_ENABLED"]}, ["fix-on", "web-app"], id="overrides fix"),
    pytest.param({"overrides": ["STOPPING_POINT"]}, ["docs", "merge"], id="overrides stopping point"),
    pytest.param(
        {"overrides": ["SCAN_ENABLED", "STOPPING_POINT"]},
        ["docs", "merge", "scan-off", "web-app"],
        id="overrides scan or stopping point",
    ),
    pytest.param(
        {"overrides": ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"]},
        ["docs", "fix-on", "merge", "scan-off", "web-app"],
        id="overrides any setting",
    ),
    pytest.param(
        {"overrides": ["FIX_ENABLED", "FIX_ENABLED"]}, ["fix-on", "web-app"], id="overrides repeated"
    ),
    pytest.param({"overrides": []}, [], id="overrides empty list"),
    # search: a part of the slug or the name, ignoring ASCII case; the empty search matches every project.
    pytest.param({"search": "web"}, ["web-app"], id="search web"),
    pytest.param({"search": "backend"}, ["api"], id="search backend"),
    pytest.param({"search": "BACKEND"}, ["api"], id="search BACKEND"),
    pytest.param({"search": "API"}, ["api"], id="search API"),
    pytest.param({"search": "aPpLiCaTiOn"}, ["web-app"], id="search aPpLiCaTiOn"),
    pytest.param({"search": "score"}, ["under_score", "underxscore"], id="search score"),
    pytest.param({"search": "pct"}, ["100pct"], id="search pct"),
    pytest.param({"search": "nowhere"}, [], id="search nowhere"),
    pytest.param({"search": ""}, ALL_SLUGS, id="search empty"),
    # search takes LIKE's wildcards and escape character literally.
    pytest.param({"search": "%"}, ["100pct"], id="search percent"),
    pytest.param({"search": "0%"}, ["100pct"], id="search percent after digit"),
    pytest.param({"search": "%d"}, [], id="search percent as wildcard"),
    pytest.param({"search": "_"}, ["under_score"], id="search underscore"),
    pytest.param({"search": "r_s"}, ["under_score"], id="search underscore as wildcard"),
    pytest.param({"search": "/"}, ["ci-cd"], id="search slash"),
    pytest.param({"search": "\\"}, ["windows"], id="search backslash"),
    pytest.param({"search": "C:\\W"}, ["windows"], id="search backslash in text"),
    # slugs: exactly those slugs, each once.
    pytest.param({"slugs": ["api", "docs"]}, ["api", "docs"], id="slugs two"),
    pytest.param({"slugs": ["docs", "api", "docs"]}, ["api", "docs"], id="slugs repeated"),
    pytest.param({"slugs": ["api", "missing"]}, ["api"], id="slugs one missing"),
    pytest.param({"slugs": ["ap"]}, [], id="slugs prefix only"),
    pytest.param({"slugs": ["API"]}, [], id="slugs other case"),
    pytest.param({"slugs": ["under%"]}, [], id="slugs wildcard"),
    pytest.param({"slugs": []}, [], id="slugs empty list"),
    # Every condition given must hold.
    pytest.param(
        {"hasOverrides": True, "search": "e"},
        ["docs", "fix-on", "merge", "scan-off", "web-app"],
        id="overrides and broad search",
    ),
    pytest.param({"hasOverrides": True, "search": "web"}, ["web-app"], id="overrides and search"),
    pytest.param({"hasOverrides": False, "search": "web"}, [], id="no overrides and search"),
    pytest.param({"overrides": ["FIX_ENABLED"], "search": "fix"}, ["fix-on"], id="setting and search"),
    pytest.param(
        {"overrides": ["STOPPING_POINT"], "slugs": ["docs", "api", "web-app"]},
        ["docs"],
        id="setting and slugs",
    ),
    pytest.param({"hasOverrides": False, "overrides": ["SCAN_ENABLED"]}, [], id="contradiction"),
    pytest.param(
        {"search": "score", "slugs": ["under_score", "api"]}, ["under_score"], id="search and slugs"
    ),
    pytest.param(
        {"hasOverrides": True, "overrides": ["SCAN_ENABLED"], "search": "app", "slugs": ["web-app", "api"]},
        ["web-app"],
        id="all four",
    ),
    pytest.param(
        {"hasOverrides": None, "overrides": None, "search": None, "slugs": None}, ALL_SLUGS, id="all null"
    ),
]


@pytest.mark.parametrize(("project_filter", "expected"), FILTERS)
async def test_filter_selects_the_projects_meeting_every_condition_it_gives(
    engine: AsyncEngine, client: httpx.AsyncClient, project_filter: dict[str, Any], expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter=project_filter)

    assert (page["totalCount"], slugs_in(page)) == (len(expected), expected)


async def test_project_whose_overrides_are_reset_to_inherit_has_none(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    await make_project(engine, org, "inherits", overrides={"scan_enabled": None, "fix_enabled": None})

    page = await filtered(client, token, filter={"hasOverrides": False})

    assert slugs_in(page) == ["inherits"]


@pytest.mark.parametrize(
    "project_filter",
    [{"search": "web\u0000"}, {"slugs": ["api", "docs\u0000"]}],
    ids=["NUL in search", "NUL in a slug"],
)
async def test_text_no_database_can_store_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, project_filter: dict[str, object]
) -> None:
    token = await make_acme(engine)

    found = await errors(client, token, PROJECTS, {"slug": "acme", "filter": project_filter})

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_filter_of_a_thousand_slugs_is_allowed(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await make_acme(engine)
    slugs = ["api", *(f"missing-{number}" for number in range(998)), "docs"]

    page = await filtered(client, token, filter={"slugs": slugs})

    assert (len(slugs), slugs_in(page)) == (1000, ["api", "docs"])


async def test_filter_of_more_than_a_thousand_slugs_is_a_limit_exceeded_error(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_acme(engine)
    slugs = ["api", *(f"missing-{number}" for number in range(999)), "docs"]

    found = await errors(client, token, PROJECTS, {"slug": "acme", "filter": {"slugs": slugs}})

    assert (len(slugs), error_codes(found)) == (1001, ["LIMIT_EXCEEDED"])


# --- Counts and pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project_filter", "count"),
    [
        ({"hasOverrides": True}, 5),
        ({"overrides": ["SCAN_ENABLED"]}, 2),
        ({"search": "score"}, 2),
        ({"slugs": ["api", "docs", "merge"]}, 3),
        ({}, 12),
    ],
    ids=["has overrides", "overrides", "search", "slugs", "none"],
)
async def test_total_count_counts_what_the_filter_matches(
    engine: AsyncEngine, client: httpx.AsyncClient, project_filter: dict[str, Any], count: int
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, first=1, filter=project_filter)

    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (count, count > 1)


async def test_pages_of_a_filter_walk_only_the_matching_projects(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_acme(engine)

    pages = await walk_pages(
        functools.partial(filtered, client, token, first=2, filter={"hasOverrides": True})
    )

    assert [slugs_in(page) for page in pages] == [["docs", "fix-on"], ["merge", "scan-off"], ["web-app"]]
    assert {page["totalCount"] for page in pages} == {5}


async def test_filter_sees_only_the_organization_of_the_query(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_acme(engine)
    other = await make_organization(engine, "other")
    await make_project(engine, other, "web-app-2", overrides={"fix_enabled": True})

    page = await filtered(client, token, filter={"search": "web", "hasOverrides": True})

    assert (page["totalCount"], slugs_in(page)) == (1, ["web-app"])


# --- The ProjectsWithOverrides document -------------------------------------------------------------------


async def test_projects_with_overrides_document_lists_every_overriding_project_without_settings(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_acme(engine)

    data = await execute(client, token, document("ProjectsWithOverrides"), {"slug": "acme"})

    found = data["organization"]["projects"]
    assert found["totalCount"] == 5
    assert {node["slug"]: node["effectiveSettings"]["overriddenSettings"] for node in found["nodes"]} == {
        "docs": ["STOPPING_POINT"],
        "fix-on": ["FIX_ENABLED"],
        "merge": ["STOPPING_POINT"],
        "scan-off": ["SCAN_ENABLED"],
        "web-app": ["SCAN_ENABLED", "FIX_ENABLED"],
    }


NO_OVERRIDES = {"scanEnabled": None, "fixEnabled": None, "stoppingPoint": None}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            ["FIX_ENABLED"],
            {
                "fix-on": {**NO_OVERRIDES, "fixEnabled": True},
                "web-app": {**NO_OVERRIDES, "scanEnabled": True, "fixEnabled": False},
            },
        ),
        (
            ["STOPPING_POINT"],
            {
                "docs": {**NO_OVERRIDES, "stoppingPoint": "SUGGESTION"},
                "merge": {**NO_OVERRIDES, "stoppingPoint": "MERGE"},
            },
        ),
        ([], {}),
    ],
    ids=["fix", "stopping point", "none"],
)
async def test_projects_with_overrides_document_narrows_to_the_given_settings(
    engine: AsyncEngine, client: httpx.AsyncClient, settings: list[str], expected: dict[str, dict[str, Any]]
) -> None:
    token = await make_acme(engine)

    data = await execute(
        client, token, document("ProjectsWithOverrides"), {"slug": "acme", "settings": settings}
    )

    found = data["organization"]["projects"]
    assert found["totalCount"] == len(expected)
    assert {node["slug"]: node["overrides"] for node in found["nodes"]} == expected
