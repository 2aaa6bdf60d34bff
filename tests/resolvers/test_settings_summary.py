"""Organization.settingsSummary through the OrganizationTree document: counts over every project of the
organization (never just the page asked for), of the values in force (so a lock counts the
organization's value, not the ignored override)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue, StoppingPoint
from tests.factories import Org, make_organization, make_project, make_projects, make_repository, make_token
from tests.graphql import document, execute

# GraphQL field name -> registry name, written out here so that expectations never come from the code.
SETTING_NAMES = {
    "scanEnabled": "scan_enabled",
    "fixEnabled": "fix_enabled",
    "stoppingPoint": "stopping_point",
}
STOPPING_POINTS = ("SUGGESTION", "PULL_REQUEST", "MERGE")

JsonValues = Mapping[str, bool | str]

FILTERED_SUMMARY = """query FilteredSummary($slug: String!) {
  organization(slug: $slug) {
    projects(first: 1, filter: {hasOverrides: true}) { totalCount nodes { slug } }
    settingsSummary { projectCount scanEnabledCount }
  }
}"""


def registry_values(values: JsonValues) -> dict[str, SettingValue | None]:
    """GraphQL-named JSON values as the factories take them (registry names, StoppingPoint members)."""
    return {
        SETTING_NAMES[field]: StoppingPoint(value) if isinstance(value, str) else value
        for field, value in values.items()
    }


async def given_organization(
    engine: AsyncEngine,
    projects: Sequence[JsonValues],
    settings: JsonValues | None = None,
    locked: Sequence[str] = (),
    slug: str = "acme",
) -> Org:
    """An organization (with a settings row when `settings` or `locked` are given) and one project per
    entry of `projects`, each entry its overrides (GraphQL names)."""
    org = await make_organization(
        engine,
        slug,
        settings=None if settings is None else registry_values(settings),
        locked=[SETTING_NAMES[field] for field in locked] if locked else None,
    )
    for index, overrides in enumerate(projects):
        await make_project(engine, org, f"project-{index}", overrides=registry_values(overrides))
    return org


async def organization_tree(
    client: httpx.AsyncClient, token: str, org: Org, first: int = 1000
) -> dict[str, Any]:
    data = await execute(client, token, document("OrganizationTree"), {"slug": org.slug, "first": first})
    tree: dict[str, Any] = data["organization"]
    return tree


async def summary(client: httpx.AsyncClient, token: str, org: Org, first: int = 1000) -> dict[str, Any]:
    found: dict[str, Any] = (await organization_tree(client, token, org, first))["settingsSummary"]
    return found


def stopping_point_counts(found: dict[str, Any]) -> dict[str, int]:
    counts = {entry["stoppingPoint"]: entry["count"] for entry in found["stoppingPointCounts"]}
    assert len(counts) == len(found["stoppingPointCounts"]), "a stopping point is listed twice"
    return counts


def only(point: str, count: int) -> dict[str, int]:
    """Stopping point counts with `count` for `point` and zero for every other one."""
    return {name: count if name == point else 0 for name in STOPPING_POINTS}


# --- Empty organizations and pages ------------------------------------------------------------------------


async def test_organization_without_projects_counts_zero_everywhere(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await given_organization(engine, [], settings={"fixEnabled": True}, locked=["fixEnabled"])
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    counts = {name: value for name, value in found.items() if name != "stoppingPointCounts"}
    assert counts == {
        "projectCount": 0,
        "projectsWithOverrides": 0,
        "scanEnabledCount": 0,
        "fixEnabledCount": 0,
    }
    assert stopping_point_counts(found) == dict.fromkeys(STOPPING_POINTS, 0)


@pytest.mark.parametrize("first", [0, 2, 1000])
async def test_summary_counts_every_project_whatever_the_page_size(
    engine: AsyncEngine, client: httpx.AsyncClient, first: int
) -> None:
    org = await given_organization(engine, [{}, {"fixEnabled": True}, {}, {"stoppingPoint": "MERGE"}, {}])
    token = await make_token(engine, org)

    found = await summary(client, token, org, first)

    assert (found["projectCount"], found["projectsWithOverrides"], found["fixEnabledCount"]) == (5, 2, 1)
    assert stopping_point_counts(found) == {"SUGGESTION": 0, "PULL_REQUEST": 4, "MERGE": 1}


async def test_summary_counts_projects_beyond_the_largest_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": True})
    await make_projects(engine, org, 1005)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert (found["projectCount"], found["scanEnabledCount"], found["fixEnabledCount"]) == (1005, 1005, 1005)
    assert stopping_point_counts(found) == only("PULL_REQUEST", 1005)


async def test_summary_ignores_the_filter_of_the_projects_page(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await given_organization(engine, [{"scanEnabled": False}, {}, {}])
    token = await make_token(engine, org)

    data = await execute(client, token, FILTERED_SUMMARY, {"slug": org.slug})

    assert data["organization"]["projects"]["totalCount"] == 1
    assert data["organization"]["settingsSummary"] == {"projectCount": 3, "scanEnabledCount": 2}


async def test_summary_counts_only_the_organizations_own_projects(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    await given_organization(engine, [{"fixEnabled": True}] * 3, slug="other")
    org = await given_organization(engine, [{"scanEnabled": False}])
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert (found["projectCount"], found["scanEnabledCount"], found["fixEnabledCount"]) == (1, 0, 0)


async def test_summary_counts_projects_whatever_their_repositories_switch_off(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await given_organization(engine, [])
    project_id = await make_project(engine, org, "web", overrides=registry_values({"fixEnabled": True}))
    await make_repository(engine, project_id, "acme/web", ai_enabled=False)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert (found["projectCount"], found["scanEnabledCount"], found["fixEnabledCount"]) == (1, 1, 1)


# --- Each count, over the values in force -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "locked", "projects", "expected"),
    [
        pytest.param(None, [], [{}, {}], 0, id="no-overrides"),
        pytest.param(
            None,
            [],
            [{"fixEnabled": True}, {}, {"scanEnabled": False, "stoppingPoint": "MERGE"}],
            2,
            id="one-and-two-overrides",
        ),
        pytest.param(
            {"fixEnabled": True}, [], [{"fixEnabled": True}, {}], 1, id="override-equal-to-inherited"
        ),
        pytest.param(
            {"fixEnabled": True},
            ["fixEnabled"],
            [{"fixEnabled": False}, {}],
            1,
            id="override-ignored-by-a-lock",
        ),
    ],
)
async def test_projects_with_overrides_counts_projects_storing_any_override(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    settings: JsonValues | None,
    locked: list[str],
    projects: list[JsonValues],
    expected: int,
) -> None:
    org = await given_organization(engine, projects, settings, locked)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert found["projectsWithOverrides"] == expected


async def test_projects_with_overrides_agrees_with_the_projects_has_overrides(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await given_organization(
        engine,
        [{"stoppingPoint": "MERGE"}, {}, {"scanEnabled": True}, {}, {"fixEnabled": True}],
        settings={"stoppingPoint": "SUGGESTION"},
        locked=["stoppingPoint"],
    )
    token = await make_token(engine, org)

    tree = await organization_tree(client, token, org)

    with_overrides = [node["slug"] for node in tree["projects"]["nodes"] if node["hasOverrides"]]
    assert tree["settingsSummary"]["projectsWithOverrides"] == len(with_overrides) == 3


@pytest.mark.parametrize(
    ("settings", "locked", "projects", "expected"),
    [
        pytest.param(None, [], [{}, {}, {}], 3, id="system-default-on"),
        pytest.param(None, [], [{"scanEnabled": False}, {}, {}], 2, id="project-switches-off"),
        pytest.param(
            {"scanEnabled": False}, [], [{}, {"scanEnabled": True}, {}], 1, id="organization-off-project-on"
        ),
        pytest.param(
            {"scanEnabled": False},
            ["scanEnabled"],
            [{}, {"scanEnabled": True}],
            0,
            id="locked-off-ignores-on",
        ),
        pytest.param(
            {"scanEnabled": True},
            ["scanEnabled"],
            [{"scanEnabled": False}, {"scanEnabled": False}],
            2,
            id="locked-on-ignores-off",
        ),
        pytest.param(
            None, ["scanEnabled"], [{"scanEnabled": False}], 1, id="locked-system-default-ignores-off"
        ),
    ],
)
async def test_scan_enabled_count_counts_projects_scanning_in_force(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    settings: JsonValues | None,
    locked: list[str],
    projects: list[JsonValues],
    expected: int,
) -> None:
    org = await given_organization(engine, projects, settings, locked)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert found["scanEnabledCount"] == expected


@pytest.mark.parametrize(
    ("settings", "locked", "projects", "expected"),
    [
        pytest.param(None, [], [{}, {}], 0, id="system-default-off"),
        pytest.param(None, [], [{"fixEnabled": True}, {}], 1, id="project-switches-on"),
        pytest.param(
            {"fixEnabled": True}, [], [{}, {"fixEnabled": False}, {}], 2, id="organization-on-project-off"
        ),
        pytest.param(
            {"fixEnabled": True},
            ["fixEnabled"],
            [{"fixEnabled": False}, {"fixEnabled": False}, {}],
            3,
            id="locked-on-ignores-off",
        ),
        pytest.param(
            {"fixEnabled": False},
            ["fixEnabled"],
            [{"fixEnabled": True}, {"fixEnabled": True}],
            0,
            id="locked-off-ignores-on",
        ),
        pytest.param(None, ["fixEnabled"], [{"fixEnabled": True}], 0, id="locked-system-default-ignores-on"),
    ],
)
async def test_fix_enabled_count_counts_projects_fixing_in_force(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    settings: JsonValues | None,
    locked: list[str],
    projects: list[JsonValues],
    expected: int,
) -> None:
    org = await given_organization(engine, projects, settings, locked)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert found["fixEnabledCount"] == expected


@pytest.mark.parametrize(
    ("settings", "locked", "projects", "expected"),
    [
        pytest.param(None, [], [{}, {}], only("PULL_REQUEST", 2), id="system-default"),
        pytest.param(
            None,
            [],
            [{"stoppingPoint": "SUGGESTION"}, {"stoppingPoint": "MERGE"}, {}, {"stoppingPoint": "MERGE"}],
            {"SUGGESTION": 1, "PULL_REQUEST": 1, "MERGE": 2},
            id="project-overrides",
        ),
        pytest.param(
            {"stoppingPoint": "MERGE"},
            [],
            [{}, {"stoppingPoint": "SUGGESTION"}],
            {"SUGGESTION": 1, "PULL_REQUEST": 0, "MERGE": 1},
            id="organization-value-and-override",
        ),
        pytest.param(
            {"stoppingPoint": "MERGE"},
            ["stoppingPoint"],
            [{"stoppingPoint": "SUGGESTION"}, {"stoppingPoint": "PULL_REQUEST"}, {}],
            only("MERGE", 3),
            id="locked-ignores-overrides",
        ),
        pytest.param(
            None,
            ["stoppingPoint"],
            [{"stoppingPoint": "MERGE"}],
            only("PULL_REQUEST", 1),
            id="locked-system-default",
        ),
    ],
)
async def test_stopping_point_counts_count_every_stopping_point_in_force_zeros_included(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    settings: JsonValues | None,
    locked: list[str],
    projects: list[JsonValues],
    expected: dict[str, int],
) -> None:
    org = await given_organization(engine, projects, settings, locked)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert stopping_point_counts(found) == expected


async def test_summary_counts_the_same_values_the_projects_report_in_force(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await given_organization(
        engine,
        [
            {"scanEnabled": False},
            {"fixEnabled": False, "stoppingPoint": "SUGGESTION"},
            {"scanEnabled": True, "fixEnabled": True, "stoppingPoint": "MERGE"},
            {},
        ],
        settings={"fixEnabled": True, "stoppingPoint": "MERGE"},
        locked=["fixEnabled"],
    )
    token = await make_token(engine, org)

    tree = await organization_tree(client, token, org)

    in_force = [node["effectiveSettings"] for node in tree["projects"]["nodes"]]
    found = tree["settingsSummary"]
    assert found["scanEnabledCount"] == sum(settings["scanEnabled"]["value"] for settings in in_force)
    assert found["fixEnabledCount"] == sum(settings["fixEnabled"]["value"] for settings in in_force)
    assert stopping_point_counts(found) == {
        point: sum(settings["stoppingPoint"]["value"] == point for settings in in_force)
        for point in STOPPING_POINTS
    }
