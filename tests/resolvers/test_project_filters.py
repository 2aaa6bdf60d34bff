"""ProjectFilter on Organization.projects: overrides, search, slugs, their combinations, and the count of
what they match; and the ProjectsWithOverrides document the scripts send."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue, StoppingPoint
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, errors, execute

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

ON_POSTGRESQL = bool(TEST_DATABASE_URL) and make_url(TEST_DATABASE_URL).get_backend_name() == "postgresql"

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


# --- Overrides --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("has_overrides", "expected"),
    [
        (True, ["docs", "fix-on", "merge", "scan-off", "web-app"]),
        (False, ["100pct", "api", "ci-cd", "plain", "under_score", "underxscore", "windows"]),
    ],
)
async def test_has_overrides_selects_projects_by_whether_they_override_anything(
    engine: AsyncEngine, client: httpx.AsyncClient, has_overrides: bool, expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"hasOverrides": has_overrides})

    assert slugs_in(page) == expected


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (["SCAN_ENABLED"], ["scan-off", "web-app"]),
        (["FIX_ENABLED"], ["fix-on", "web-app"]),
        (["STOPPING_POINT"], ["docs", "merge"]),
        (["SCAN_ENABLED", "STOPPING_POINT"], ["docs", "merge", "scan-off", "web-app"]),
        (
            ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"],
            ["docs", "fix-on", "merge", "scan-off", "web-app"],
        ),
        (["FIX_ENABLED", "FIX_ENABLED"], ["fix-on", "web-app"]),
    ],
    ids=["scan", "fix", "stopping point", "scan or stopping point", "any setting", "repeated setting"],
)
async def test_overrides_selects_projects_overriding_any_of_the_settings(
    engine: AsyncEngine, client: httpx.AsyncClient, settings: list[str], expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"overrides": settings})

    assert slugs_in(page) == expected


async def test_empty_overrides_list_matches_nothing(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"overrides": []})

    assert (page["totalCount"], slugs_in(page)) == (0, [])


async def test_project_whose_overrides_are_reset_to_inherit_has_none(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    await make_project(engine, org, "inherits", overrides={"scan_enabled": None, "fix_enabled": None})

    page = await filtered(client, token, filter={"hasOverrides": False})

    assert slugs_in(page) == ["inherits"]


# --- Search -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("web", ["web-app"]),
        ("backend", ["api"]),
        ("BACKEND", ["api"]),
        ("API", ["api"]),
        ("aPpLiCaTiOn", ["web-app"]),
        ("score", ["under_score", "underxscore"]),
        ("pct", ["100pct"]),
        ("nowhere", []),
    ],
)
async def test_search_matches_slug_or_name_ignoring_ascii_case(
    engine: AsyncEngine, client: httpx.AsyncClient, search: str, expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"search": search})

    assert slugs_in(page) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("%", ["100pct"], id="percent"),
        pytest.param("0%", ["100pct"], id="percent after digit"),
        pytest.param("%d", [], id="percent as wildcard"),
        pytest.param("_", ["under_score"], id="underscore"),
        pytest.param("r_s", ["under_score"], id="underscore as wildcard"),
        pytest.param("/", ["ci-cd"], id="slash"),
        pytest.param("\\", ["windows"], id="backslash"),
        pytest.param("C:\\W", ["windows"], id="backslash in text"),
    ],
)
async def test_search_treats_like_wildcards_and_escapes_literally(
    engine: AsyncEngine, client: httpx.AsyncClient, search: str, expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"search": search})

    assert slugs_in(page) == expected


async def test_empty_search_matches_every_project(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"search": ""})

    assert slugs_in(page) == ALL_SLUGS


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

    assert [error["extensions"]["code"] for error in found] == ["BAD_USER_INPUT"]


# --- Slugs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slugs", "expected"),
    [
        (["api", "docs"], ["api", "docs"]),
        (["docs", "api", "docs"], ["api", "docs"]),
        (["api", "missing"], ["api"]),
        (["ap"], []),
        (["API"], []),
        (["under%"], []),
        ([], []),
    ],
    ids=["two", "repeated", "one missing", "prefix only", "other case", "wildcard", "empty list"],
)
async def test_slugs_selects_projects_with_exactly_those_slugs(
    engine: AsyncEngine, client: httpx.AsyncClient, slugs: list[str], expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter={"slugs": slugs})

    assert slugs_in(page) == expected


# --- Combinations and counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project_filter", "expected"),
    [
        ({"hasOverrides": True, "search": "e"}, ["docs", "fix-on", "merge", "scan-off", "web-app"]),
        ({"hasOverrides": True, "search": "web"}, ["web-app"]),
        ({"hasOverrides": False, "search": "web"}, []),
        ({"overrides": ["FIX_ENABLED"], "search": "fix"}, ["fix-on"]),
        ({"overrides": ["STOPPING_POINT"], "slugs": ["docs", "api", "web-app"]}, ["docs"]),
        ({"hasOverrides": False, "overrides": ["SCAN_ENABLED"]}, []),
        ({"search": "score", "slugs": ["under_score", "api"]}, ["under_score"]),
        (
            {
                "hasOverrides": True,
                "overrides": ["SCAN_ENABLED"],
                "search": "app",
                "slugs": ["web-app", "api"],
            },
            ["web-app"],
        ),
        ({"hasOverrides": None, "overrides": None, "search": None, "slugs": None}, ALL_SLUGS),
    ],
    ids=[
        "overrides and broad search",
        "overrides and search",
        "no overrides and search",
        "setting and search",
        "setting and slugs",
        "contradiction",
        "search and slugs",
        "all four",
        "all null",
    ],
)
async def test_every_condition_given_must_hold(
    engine: AsyncEngine, client: httpx.AsyncClient, project_filter: dict[str, Any], expected: list[str]
) -> None:
    token = await make_acme(engine)

    page = await filtered(client, token, filter=project_filter)

    assert slugs_in(page) == expected


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
    project_filter = {"hasOverrides": True}
    pages = [await filtered(client, token, first=2, filter=project_filter)]

    while pages[-1]["pageInfo"]["hasNextPage"]:
        after = pages[-1]["pageInfo"]["endCursor"]
        pages.append(await filtered(client, token, first=2, after=after, filter=project_filter))

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
