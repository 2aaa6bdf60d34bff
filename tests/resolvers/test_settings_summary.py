"""Organization.settingsSummary through the OrganizationTree document: counts over every project of the
organization (never just the page asked for), of the values in force (so a lock counts the
organization's value, not the ignored override)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import Org, make_organization, make_project, make_projects, make_repository, make_token
from tests.graphql import execute, organization_id, project_id
from tests.read_back import organization_tree
from tests.resolvers.graphql_settings import JsonValues, make_org, registry_values

STOPPING_POINTS = ("SUGGESTION", "PULL_REQUEST", "MERGE")

FILTERED_SUMMARY = """query FilteredSummary($slug: String!) {
  organization(slug: $slug) {
    projects(first: 1, filter: {hasOverrides: true}) { totalCount nodes { slug } }
    settingsSummary { projectCount scanEnabledCount }
  }
}"""


async def given_organization(
    engine: AsyncEngine,
    projects: Sequence[JsonValues],
    settings: JsonValues | None = None,
    locked: Sequence[str] = (),
    slug: str = "acme",
) -> Org:
    """An organization (with a settings row when `settings` or `locked` are given) and one project per
    entry of `projects`, each entry its overrides (GraphQL names)."""
    org = await make_org(engine, settings, locked or None, slug)
    for index, overrides in enumerate(projects):
        await make_project(engine, org, f"project-{index}", overrides=registry_values(overrides))
    return org


async def summary(client: httpx.AsyncClient, token: str, org: Org, first: int = 1000) -> dict[str, Any]:
    found: dict[str, Any] = (await organization_tree(client, token, org.slug, first=first))["settingsSummary"]
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

# Each count of the summary, given the organization's settings and locks and each project's overrides.
COUNTS = [
    # projectsWithOverrides: projects storing any override, even one equal to what they inherit or ignored.
    pytest.param("projectsWithOverrides", None, [], [{}, {}], 0, id="projectsWithOverrides-no-overrides"),
    pytest.param(
        "projectsWithOverrides",
        None,
        [],
        [{"fixEnabled": True}, {}, {"scanEnabled": False, "stoppingPoint": "MERGE"}],
        2,
        id="projectsWithOverrides-one-and-two-overrides",
    ),
    pytest.param(
        "projectsWithOverrides",
        {"fixEnabled": True},
        [],
        [{"fixEnabled": True}, {}],
        1,
        id="projectsWithOverrides-override-equal-to-inherited",
    ),
    pytest.param(
        "projectsWithOverrides",
        {"fixEnabled": True},
        ["fixEnabled"],
        [{"fixEnabled": False}, {}],
        1,
        id="projectsWithOverrides-override-ignored-by-a-lock",
    ),
    # scanEnabledCount: projects scanning in force.
    pytest.param("scanEnabledCount", None, [], [{}, {}, {}], 3, id="scanEnabledCount-system-default-on"),
    pytest.param(
        "scanEnabledCount",
        None,
        [],
        [{"scanEnabled": False}, {}, {}],
        2,
        id="scanEnabledCount-project-switches-off",
    ),
    pytest.param(
        "scanEnabledCount",
        {"scanEnabled": False},
        [],
        [{}, {"scanEnabled": True}, {}],
        1,
        id="scanEnabledCount-organization-off-project-on",
    ),
    pytest.param(
        "scanEnabledCount",
        {"scanEnabled": False},
        ["scanEnabled"],
        [{}, {"scanEnabled": True}],
        0,
        id="scanEnabledCount-locked-off-ignores-on",
    ),
    pytest.param(
        "scanEnabledCount",
        {"scanEnabled": True},
        ["scanEnabled"],
        [{"scanEnabled": False}, {"scanEnabled": False}],
        2,
        id="scanEnabledCount-locked-on-ignores-off",
    ),
    pytest.param(
        "scanEnabledCount",
        None,
        ["scanEnabled"],
        [{"scanEnabled": False}],
        1,
        id="scanEnabledCount-locked-system-default-ignores-off",
    ),
    # fixEnabledCount: projects fixing in force.
    pytest.param("fixEnabledCount", None, [], [{}, {}], 0, id="fixEnabledCount-system-default-off"),
    pytest.param(
        "fixEnabledCount", None, [], [{"fixEnabled": True}, {}], 1, id="fixEnabledCount-project-switches-on"
    ),
    pytest.param(
        "fixEnabledCount",
        {"fixEnabled": True},
        [],
        [{}, {"fixEnabled": False}, {}],
        2,
        id="fixEnabledCount-organization-on-project-off",
    ),
    pytest.param(
        "fixEnabledCount",
        {"fixEnabled": True},
        ["fixEnabled"],
        [{"fixEnabled": False}, {"fixEnabled": False}, {}],
        3,
        id="fixEnabledCount-locked-on-ignores-off",
    ),
    pytest.param(
        "fixEnabledCount",
        {"fixEnabled": False},
        ["fixEnabled"],
        [{"fixEnabled": True}, {"fixEnabled": True}],
        0,
        id="fixEnabledCount-locked-off-ignores-on",
    ),
    pytest.param(
        "fixEnabledCount",
        None,
        ["fixEnabled"],
        [{"fixEnabled": True}],
        0,
        id="fixEnabledCount-locked-system-default-ignores-on",
    ),
    # stoppingPointCounts: every stopping point in force, zeros included.
    pytest.param(
        "stoppingPointCounts",
        None,
        [],
        [{}, {}],
        only("PULL_REQUEST", 2),
        id="stoppingPointCounts-system-default",
    ),
    pytest.param(
        "stoppingPointCounts",
        None,
        [],
        [{"stoppingPoint": "SUGGESTION"}, {"stoppingPoint": "MERGE"}, {}, {"stoppingPoint": "MERGE"}],
        {"SUGGESTION": 1, "PULL_REQUEST": 1, "MERGE": 2},
        id="stoppingPointCounts-project-overrides",
    ),
    pytest.param(
        "stoppingPointCounts",
        {"stoppingPoint": "MERGE"},
        [],
        [{}, {"stoppingPoint": "SUGGESTION"}],
        {"SUGGESTION": 1, "PULL_REQUEST": 0, "MERGE": 1},
        id="stoppingPointCounts-organization-value-and-override",
    ),
    pytest.param(
        "stoppingPointCounts",
        {"stoppingPoint": "MERGE"},
        ["stoppingPoint"],
        [{"stoppingPoint": "SUGGESTION"}, {"stoppingPoint": "PULL_REQUEST"}, {}],
        only("MERGE", 3),
        id="stoppingPointCounts-locked-ignores-overrides",
    ),
    pytest.param(
        "stoppingPointCounts",
        None,
        ["stoppingPoint"],
        [{"stoppingPoint": "MERGE"}],
        only("PULL_REQUEST", 1),
        id="stoppingPointCounts-locked-system-default",
    ),
]


@pytest.mark.parametrize(("count", "settings", "locked", "projects", "expected"), COUNTS)
async def test_each_count_counts_the_projects_it_names(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    count: str,
    settings: JsonValues | None,
    locked: list[str],
    projects: list[JsonValues],
    expected: int | dict[str, int],
) -> None:
    org = await given_organization(engine, projects, settings, locked)
    token = await make_token(engine, org)

    found = await summary(client, token, org)

    assert (stopping_point_counts(found) if count == "stoppingPointCounts" else found[count]) == expected


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

    tree = await organization_tree(client, token, org.slug)

    with_overrides = [node["slug"] for node in tree["projects"]["nodes"] if node["hasOverrides"]]
    assert tree["settingsSummary"]["projectsWithOverrides"] == len(with_overrides) == 3


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

    tree = await organization_tree(client, token, org.slug)

    in_force = [node["effectiveSettings"] for node in tree["projects"]["nodes"]]
    found = tree["settingsSummary"]
    assert found["scanEnabledCount"] == sum(settings["scanEnabled"]["value"] for settings in in_force)
    assert found["fixEnabledCount"] == sum(settings["fixEnabled"]["value"] for settings in in_force)
    assert stopping_point_counts(found) == {
        point: sum(settings["stoppingPoint"]["value"] == point for settings in in_force)
        for point in STOPPING_POINTS
    }


async def test_each_mutation_of_a_request_answers_the_summary_after_its_own_write(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": False})
    web = await make_project(engine, org, "web")
    await make_project(engine, org, "api")
    token = await make_token(engine, org)
    summary = "organization { settingsSummary { fixEnabledCount } }"
    query = f"""mutation Two($organization: ID!, $project: ID!) {{
      first: updateProjectSettings(input: {{projectId: $project, changes: {{fixEnabled: true}}}})
        {{ project {{ {summary} }} }}
      second: updateOrganizationSettings(input: {{organizationId: $organization, fixEnabled: true}})
        {{ {summary} }}
    }}"""

    data = await execute(
        client, token, query, {"organization": organization_id(org), "project": project_id(web)}
    )

    assert data["first"]["project"]["organization"]["settingsSummary"] == {"fixEnabledCount": 1}
    assert data["second"]["organization"]["settingsSummary"] == {"fixEnabledCount": 2}
