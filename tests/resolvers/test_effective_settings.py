"""Settings inheritance as clients read it over HTTP: the ProjectSettings document (`node(id)`) and the
OrganizationTree document, for every combination of source, lock and override; the organization's own
settings; repositories' status, effective settings, addresses and branch patterns; and who may
administer what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import Role
from tests.factories import Org, make_organization, make_project, make_repository, make_token
from tests.graphql import document, execute
from tests.read_back import organization_tree, project_global_id, project_in_tree
from tests.resolvers.graphql_settings import SETTING_NAMES, JsonValues, make_org, registry_values

ENUM_NAMES = {"scanEnabled": "SCAN_ENABLED", "fixEnabled": "FIX_ENABLED", "stoppingPoint": "STOPPING_POINT"}
SYSTEM_DEFAULTS: Mapping[str, bool | str] = {
    "scanEnabled": True,
    "fixEnabled": False,
    "stoppingPoint": "PULL_REQUEST",
}
# A value other than the system default, per setting.
OTHER_VALUES: Mapping[str, bool | str] = {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "MERGE"}

SYSTEM = "SYSTEM_DEFAULT"
ORGANIZATION = "ORGANIZATION"
PROJECT = "PROJECT"
REPOSITORY = "REPOSITORY"

View = Literal["node", "tree"]
# The system default of a setting, or another value.
Which = Literal["default", "other"]
VIEWS: list[View] = ["node", "tree"]

REPOSITORY_PROJECT = (
    "query RepositoryProject($id: ID!) { node(id: $id) { ... on Repository { project { id slug } } } }"
)


async def project_settings(client: httpx.AsyncClient, token: str, org: Org, slug: str) -> dict[str, Any]:
    """The project as the ProjectSettings document returns it."""
    global_id = await project_global_id(client, token, slug, org.slug)
    data = await execute(client, token, document("ProjectSettings"), {"id": global_id})
    node: dict[str, Any] = data["node"]
    return node


async def project_view(
    client: httpx.AsyncClient, token: str, org: Org, slug: str, view: View
) -> dict[str, Any]:
    """acme's project `slug` as the ProjectSettings document (`node`) or the OrganizationTree document
    (`tree`) answers it."""
    if view == "node":
        return await project_settings(client, token, org, slug)
    return await project_in_tree(client, token, slug)


async def organization_view(client: httpx.AsyncClient, token: str, org: Org, view: View) -> dict[str, Any]:
    """acme as the ProjectSettings document of its project `web` (`node`) or the OrganizationTree
    document (`tree`) answers it."""
    if view == "node":
        organization: dict[str, Any] = (await project_settings(client, token, org, "web"))["organization"]
        return organization
    return await organization_tree(client, token, org.slug)


def effective(
    value: bool | str,
    source: str,
    inherited_value: bool | str | None = None,
    inherited_from: str | None = None,
    *,
    locked: bool = False,
    override_ignored: bool = False,
) -> dict[str, Any]:
    """An effective value as GraphQL returns it; without an inherited part, one inheriting from itself."""
    return {
        "value": value,
        "source": source,
        "inheritedValue": value if inherited_value is None else inherited_value,
        "inheritedFrom": source if inherited_from is None else inherited_from,
        "locked": locked,
        "overrideIgnored": override_ignored,
    }


# --- Project inheritance: one setting at a time, every source and lock combination -----------------------


@dataclass(frozen=True)
class Given:
    """One setting's value at the organization (None: none) and the project (None: inherits), whether
    the organization has a settings row and whether it locks the setting."""

    settings_row: bool = True
    organization: Which | None = None
    locked: bool = False
    override: Which | None = None


@dataclass(frozen=True)
class Expected:
    value: Which
    source: str
    inherited_value: Which
    inherited_from: str
    locked: bool = False
    override_ignored: bool = False


DEFAULT: Final = "default"
OTHER: Final = "other"
CASES = [
    pytest.param(
        Given(settings_row=False),
        Expected(DEFAULT, SYSTEM, DEFAULT, SYSTEM),
        id="system-default-without-settings-row",
    ),
    pytest.param(
        Given(),
        Expected(DEFAULT, SYSTEM, DEFAULT, SYSTEM),
        id="system-default-with-empty-settings-row",
    ),
    pytest.param(
        Given(organization=OTHER),
        Expected(OTHER, ORGANIZATION, OTHER, ORGANIZATION),
        id="organization-value",
    ),
    pytest.param(
        Given(organization=DEFAULT),
        Expected(DEFAULT, ORGANIZATION, DEFAULT, ORGANIZATION),
        id="organization-value-equal-to-system-default",
    ),
    pytest.param(
        Given(settings_row=False, override=OTHER),
        Expected(OTHER, PROJECT, DEFAULT, SYSTEM),
        id="override-of-system-default",
    ),
    pytest.param(
        Given(organization=OTHER, override=DEFAULT),
        Expected(DEFAULT, PROJECT, OTHER, ORGANIZATION),
        id="override-of-organization-value",
    ),
    pytest.param(
        Given(organization=OTHER, override=OTHER),
        Expected(OTHER, PROJECT, OTHER, ORGANIZATION),
        id="override-equal-to-organization-value",
    ),
    pytest.param(
        Given(settings_row=False, override=DEFAULT),
        Expected(DEFAULT, PROJECT, DEFAULT, SYSTEM),
        id="override-equal-to-system-default",
    ),
    pytest.param(
        Given(organization=OTHER, locked=True),
        Expected(OTHER, ORGANIZATION, OTHER, ORGANIZATION, locked=True),
        id="lock-without-override",
    ),
    pytest.param(
        Given(organization=OTHER, locked=True, override=DEFAULT),
        Expected(OTHER, ORGANIZATION, OTHER, ORGANIZATION, locked=True, override_ignored=True),
        id="override-of-locked-organization-value",
    ),
    pytest.param(
        Given(organization=OTHER, locked=True, override=OTHER),
        Expected(OTHER, ORGANIZATION, OTHER, ORGANIZATION, locked=True, override_ignored=True),
        id="override-equal-to-locked-organization-value",
    ),
    pytest.param(
        Given(locked=True),
        Expected(DEFAULT, SYSTEM, DEFAULT, SYSTEM, locked=True),
        id="lock-of-system-default-without-override",
    ),
    pytest.param(
        Given(locked=True, override=OTHER),
        Expected(DEFAULT, SYSTEM, DEFAULT, SYSTEM, locked=True, override_ignored=True),
        id="override-of-locked-system-default",
    ),
]
# The same cases without their expectations, for tests that need only what was given.
GIVEN = [pytest.param(case.values[0], id=case.id) for case in CASES]
FIELDS = list(SETTING_NAMES)


def value_of(field: str, which: Which) -> bool | str:
    return SYSTEM_DEFAULTS[field] if which == "default" else OTHER_VALUES[field]


async def given_setting(engine: AsyncEngine, given: Given, field: str) -> tuple[Org, str]:
    """The organization and its project "web" as `given` for the setting `field`, and an owner's token."""
    settings = None
    if given.settings_row:
        settings = {} if given.organization is None else {field: value_of(field, given.organization)}
    org = await make_org(engine, settings, [field] if given.locked else None)
    overrides = {} if given.override is None else {field: value_of(field, given.override)}
    await make_project(engine, org, "web", overrides=registry_values(overrides))
    return org, await make_token(engine, org)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("given", "expected"), CASES)
async def test_project_effective_value_carries_its_source_inheritance_and_lock(
    engine: AsyncEngine, client: httpx.AsyncClient, given: Given, expected: Expected, field: str, view: View
) -> None:
    org, token = await given_setting(engine, given, field)

    project = await project_view(client, token, org, "web", view)

    assert project["effectiveSettings"][field] == effective(
        value_of(field, expected.value),
        expected.source,
        value_of(field, expected.inherited_value),
        expected.inherited_from,
        locked=expected.locked,
        override_ignored=expected.override_ignored,
    )


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("given", "expected"), CASES)
async def test_overridden_settings_lists_a_setting_only_when_the_project_value_is_in_force(
    engine: AsyncEngine, client: httpx.AsyncClient, given: Given, expected: Expected, field: str
) -> None:
    org, token = await given_setting(engine, given, field)

    project = await project_settings(client, token, org, "web")

    in_force = expected.source == PROJECT
    assert project["effectiveSettings"]["overriddenSettings"] == ([ENUM_NAMES[field]] if in_force else [])


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("given", GIVEN)
async def test_has_overrides_is_true_whenever_the_project_stores_an_override_even_an_ignored_one(
    engine: AsyncEngine, client: httpx.AsyncClient, given: Given, field: str
) -> None:
    org, token = await given_setting(engine, given, field)

    project = await project_settings(client, token, org, "web")

    assert project["hasOverrides"] is (given.override is not None)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("given", GIVEN)
async def test_overrides_are_the_stored_values_with_null_for_inherited_settings(
    engine: AsyncEngine, client: httpx.AsyncClient, given: Given, field: str
) -> None:
    org, token = await given_setting(engine, given, field)

    project = await project_settings(client, token, org, "web")

    stored = None if given.override is None else value_of(field, given.override)
    assert project["overrides"] == {name: stored if name == field else None for name in FIELDS}


# --- Project inheritance: several settings together ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "locked", "expected"),
    [
        pytest.param({}, [], [], id="no-overrides"),
        pytest.param({"fixEnabled": True}, [], ["FIX_ENABLED"], id="one-override"),
        pytest.param(
            {"scanEnabled": False, "stoppingPoint": "MERGE"},
            [],
            ["SCAN_ENABLED", "STOPPING_POINT"],
            id="two-overrides",
        ),
        pytest.param(
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "SUGGESTION"},
            [],
            ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"],
            id="every-setting",
        ),
        pytest.param(
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "SUGGESTION"},
            ["fixEnabled"],
            ["SCAN_ENABLED", "STOPPING_POINT"],
            id="every-setting-one-locked",
        ),
        pytest.param(
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "SUGGESTION"},
            ["scanEnabled", "fixEnabled", "stoppingPoint"],
            [],
            id="every-setting-all-locked",
        ),
        pytest.param({}, ["scanEnabled", "fixEnabled"], [], id="locks-without-overrides"),
    ],
)
@pytest.mark.parametrize("view", VIEWS)
async def test_overridden_settings_lists_every_setting_whose_project_value_is_in_force(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    overrides: JsonValues,
    locked: list[str],
    expected: list[str],
    view: View,
) -> None:
    org = await make_org(engine, {"fixEnabled": True, "stoppingPoint": "MERGE"}, locked)
    await make_project(engine, org, "web", overrides=registry_values(overrides))
    token = await make_token(engine, org)

    project = await project_view(client, token, org, "web", view)

    assert sorted(project["effectiveSettings"]["overriddenSettings"]) == sorted(expected)


@pytest.mark.parametrize("view", VIEWS)
async def test_settings_without_override_inherit_beside_one_that_is_overridden(
    engine: AsyncEngine, client: httpx.AsyncClient, view: View
) -> None:
    org = await make_org(engine, {"scanEnabled": False})
    await make_project(engine, org, "web", overrides=registry_values({"stoppingPoint": "SUGGESTION"}))
    token = await make_token(engine, org)

    project = await project_view(client, token, org, "web", view)

    assert {field: project["effectiveSettings"][field] for field in FIELDS} == {
        "scanEnabled": effective(False, ORGANIZATION),
        "fixEnabled": effective(False, SYSTEM),
        "stoppingPoint": effective("SUGGESTION", PROJECT, "PULL_REQUEST", SYSTEM),
    }


async def test_each_project_resolves_against_its_own_overrides(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_org(engine, {"fixEnabled": True})
    await make_project(engine, org, "api", overrides=registry_values({"fixEnabled": False}))
    await make_project(engine, org, "web")
    token = await make_token(engine, org)

    tree = await organization_tree(client, token, org.slug)

    fix_by_slug = {
        node["slug"]: node["effectiveSettings"]["fixEnabled"]["value"] for node in tree["projects"]["nodes"]
    }
    assert fix_by_slug == {"api": False, "web": True}


async def test_project_inherits_from_its_own_organization_only(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    other = await make_organization(engine, "other", settings={"fix_enabled": True}, locked=["fix_enabled"])
    await make_project(engine, other, "web")
    org = await make_org(engine)
    await make_project(engine, org, "web")
    token = await make_token(engine, org)

    project = await project_settings(client, token, org, "web")

    assert project["effectiveSettings"]["fixEnabled"] == effective(False, SYSTEM)


# --- The organization's own settings ---------------------------------------------------------------------

DEFAULT_SETTINGS = {"scanEnabled": True, "fixEnabled": False, "stoppingPoint": "PULL_REQUEST"}


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        pytest.param(None, DEFAULT_SETTINGS, id="no-settings-row"),
        pytest.param({}, DEFAULT_SETTINGS, id="row-without-values"),
        pytest.param(
            {"fixEnabled": True},
            {"scanEnabled": True, "fixEnabled": True, "stoppingPoint": "PULL_REQUEST"},
            id="row-with-one-value",
        ),
        pytest.param(
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "SUGGESTION"},
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "SUGGESTION"},
            id="row-with-every-value",
        ),
        pytest.param(
            {"scanEnabled": True, "fixEnabled": False, "stoppingPoint": "PULL_REQUEST"},
            DEFAULT_SETTINGS,
            id="row-with-the-default-values",
        ),
    ],
)
@pytest.mark.parametrize("view", VIEWS)
async def test_organization_settings_are_its_own_values_else_the_system_defaults(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    stored: JsonValues | None,
    expected: dict[str, bool | str],
    view: View,
) -> None:
    org = await make_org(engine, stored)
    await make_project(engine, org, "web")
    token = await make_token(engine, org)

    organization = await organization_view(client, token, org, view)

    assert {field: organization["settings"][field] for field in FIELDS} == expected


@pytest.mark.parametrize(
    ("locked", "expected"),
    [
        pytest.param(None, [], id="no-settings-row"),
        pytest.param([], [], id="row-without-locks"),
        pytest.param(["fixEnabled"], ["FIX_ENABLED"], id="one-lock"),
        pytest.param(
            ["stoppingPoint", "scanEnabled", "fixEnabled"],
            ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"],
            id="every-setting",
        ),
    ],
)
@pytest.mark.parametrize("view", VIEWS)
async def test_organization_locked_settings_lists_its_locks(
    engine: AsyncEngine, client: httpx.AsyncClient, locked: list[str] | None, expected: list[str], view: View
) -> None:
    org = await make_org(engine, None, locked)
    await make_project(engine, org, "web")
    token = await make_token(engine, org)

    organization = await organization_view(client, token, org, view)

    assert sorted(organization["settings"]["lockedSettings"]) == sorted(expected)


async def test_organization_without_settings_row_is_at_version_zero_never_updated(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_org(engine)
    token = await make_token(engine, org)

    tree = await organization_tree(client, token, org.slug)

    assert (tree["settings"]["version"], tree["settings"]["updatedAt"]) == (0, None)


async def test_organization_settings_row_gives_its_version_and_update_time(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    before = dt.datetime.now(dt.UTC)
    org = await make_org(engine, {"fixEnabled": True})
    after = dt.datetime.now(dt.UTC)
    token = await make_token(engine, org)

    tree = await organization_tree(client, token, org.slug)

    updated_at = dt.datetime.fromisoformat(tree["settings"]["updatedAt"])
    assert tree["settings"]["version"] == 1
    assert updated_at.utcoffset() == dt.timedelta(0)
    assert before - dt.timedelta(seconds=1) <= updated_at <= after + dt.timedelta(seconds=1)


# --- Repositories -----------------------------------------------------------------------------------------


async def given_repository(
    engine: AsyncEngine,
    *,
    organization: JsonValues | None = None,
    locked: list[str] | None = None,
    overrides: JsonValues | None = None,
    ai_enabled: bool = True,
    branch_patterns: list[str] | None = None,
) -> tuple[Org, str]:
    """An organization with project "web" and its one repository acme/web, and an owner's token."""
    org = await make_org(engine, organization, locked)
    project_id = await make_project(engine, org, "web", overrides=registry_values(overrides or {}))
    await make_repository(
        engine, project_id, "acme/web", ai_enabled=ai_enabled, branch_patterns=branch_patterns
    )
    return org, await make_token(engine, org)


async def only_repository(
    client: httpx.AsyncClient, token: str, org: Org
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The project "web" and its only repository, from the ProjectSettings document."""
    project = await project_settings(client, token, org, "web")
    (repository,) = project["repositories"]["nodes"]
    return project, repository


@pytest.mark.parametrize(
    ("organization", "locked", "overrides", "ai_enabled", "status"),
    [
        pytest.param(None, None, {}, True, "ACTIVE", id="defaults"),
        pytest.param(None, None, {}, False, "DISABLED_BY_REPOSITORY", id="ai-off"),
        pytest.param(
            None,
            None,
            {"scanEnabled": False},
            True,
            "DISABLED_BY_SETTINGS",
            id="project-scans-and-fixes-nothing",
        ),
        pytest.param(
            None,
            None,
            {"scanEnabled": False},
            False,
            "DISABLED_BY_REPOSITORY",
            id="ai-off-wins-over-settings",
        ),
        pytest.param(
            None, None, {"scanEnabled": False, "fixEnabled": True}, True, "ACTIVE", id="fix-without-scan"
        ),
        pytest.param(
            {"scanEnabled": False},
            None,
            {},
            True,
            "DISABLED_BY_SETTINGS",
            id="organization-scans-and-fixes-nothing",
        ),
        pytest.param(
            {"scanEnabled": False},
            None,
            {"scanEnabled": True},
            True,
            "ACTIVE",
            id="project-override-turns-scan-on",
        ),
        pytest.param(
            {"scanEnabled": False},
            ["scanEnabled"],
            {"scanEnabled": True},
            True,
            "DISABLED_BY_SETTINGS",
            id="ignored-override-cannot-turn-scan-on",
        ),
        pytest.param(
            {"scanEnabled": True},
            ["scanEnabled"],
            {"scanEnabled": False},
            True,
            "ACTIVE",
            id="ignored-override-cannot-turn-scan-off",
        ),
        pytest.param(
            {"fixEnabled": True},
            None,
            {"scanEnabled": False, "fixEnabled": False},
            True,
            "DISABLED_BY_SETTINGS",
            id="overrides-turn-both-off",
        ),
    ],
)
async def test_repository_status_says_whether_ai_runs_and_why_not(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    organization: JsonValues | None,
    locked: list[str] | None,
    overrides: JsonValues,
    ai_enabled: bool,
    status: str,
) -> None:
    org, token = await given_repository(
        engine, organization=organization, locked=locked, overrides=overrides, ai_enabled=ai_enabled
    )

    _, repository = await only_repository(client, token, org)

    assert repository["status"] == status


@pytest.mark.parametrize("ai_enabled", [True, False], ids=["ai-on", "ai-off"])
async def test_repository_status_is_the_same_in_the_organization_tree(
    engine: AsyncEngine, client: httpx.AsyncClient, ai_enabled: bool
) -> None:
    org, token = await given_repository(engine, overrides={"scanEnabled": False}, ai_enabled=ai_enabled)

    tree = await organization_tree(client, token, org.slug)

    (repository,) = tree["projects"]["nodes"][0]["repositories"]["nodes"]
    assert repository["status"] == ("DISABLED_BY_SETTINGS" if ai_enabled else "DISABLED_BY_REPOSITORY")


SETTING_SCENARIOS = [
    pytest.param(None, None, {}, id="defaults"),
    pytest.param({"fixEnabled": True, "stoppingPoint": "MERGE"}, None, {}, id="organization-values"),
    pytest.param(
        None, None, {"scanEnabled": True, "fixEnabled": True, "stoppingPoint": "SUGGESTION"}, id="overrides"
    ),
    pytest.param({"fixEnabled": True}, ["fixEnabled"], {"fixEnabled": False}, id="ignored-override"),
    pytest.param({"scanEnabled": False}, None, {}, id="organization-scans-nothing"),
]


@pytest.mark.parametrize(("organization", "locked", "overrides"), SETTING_SCENARIOS)
async def test_repository_with_ai_on_runs_with_its_project_values(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    organization: JsonValues | None,
    locked: list[str] | None,
    overrides: JsonValues,
) -> None:
    org, token = await given_repository(engine, organization=organization, locked=locked, overrides=overrides)

    project, repository = await only_repository(client, token, org)

    for field in FIELDS:
        in_project, in_repository = (
            project["effectiveSettings"][field],
            repository["effectiveSettings"][field],
        )
        assert in_repository == effective(
            in_project["value"], in_project["source"], locked=in_project["locked"]
        ), field


@pytest.mark.parametrize(("organization", "locked", "overrides"), SETTING_SCENARIOS)
async def test_repository_with_ai_off_scans_and_fixes_nothing_and_says_it_comes_from_the_repository(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    organization: JsonValues | None,
    locked: list[str] | None,
    overrides: JsonValues,
) -> None:
    org, token = await given_repository(
        engine, organization=organization, locked=locked, overrides=overrides, ai_enabled=False
    )

    project, repository = await only_repository(client, token, org)

    for field in ("scanEnabled", "fixEnabled"):
        in_project = project["effectiveSettings"][field]
        assert repository["effectiveSettings"][field] == effective(
            False, REPOSITORY, in_project["value"], in_project["source"], locked=in_project["locked"]
        ), field


@pytest.mark.parametrize(("organization", "locked", "overrides"), SETTING_SCENARIOS)
async def test_repository_with_ai_off_keeps_its_project_stopping_point(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    organization: JsonValues | None,
    locked: list[str] | None,
    overrides: JsonValues,
) -> None:
    org, token = await given_repository(
        engine, organization=organization, locked=locked, overrides=overrides, ai_enabled=False
    )

    project, repository = await only_repository(client, token, org)

    in_project = project["effectiveSettings"]["stoppingPoint"]
    assert repository["effectiveSettings"]["stoppingPoint"] == effective(
        in_project["value"], in_project["source"], locked=in_project["locked"]
    )


@pytest.mark.parametrize(
    ("ai_enabled", "expected"),
    [(True, []), (False, ["SCAN_ENABLED", "FIX_ENABLED"])],
    ids=["ai-on", "ai-off"],
)
async def test_repository_overridden_settings_lists_what_the_repository_switches_off(
    engine: AsyncEngine, client: httpx.AsyncClient, ai_enabled: bool, expected: list[str]
) -> None:
    org, token = await given_repository(
        engine, overrides={"scanEnabled": True, "stoppingPoint": "MERGE"}, ai_enabled=ai_enabled
    )

    _, repository = await only_repository(client, token, org)

    assert sorted(repository["effectiveSettings"]["overriddenSettings"]) == sorted(expected)


async def test_repository_reports_no_ignored_override_of_its_own_under_a_lock(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_repository(
        engine,
        organization={"stoppingPoint": "MERGE"},
        locked=["stoppingPoint"],
        overrides={"stoppingPoint": "SUGGESTION"},
    )

    project, repository = await only_repository(client, token, org)

    assert project["effectiveSettings"]["stoppingPoint"]["overrideIgnored"] is True
    assert repository["effectiveSettings"]["stoppingPoint"] == effective("MERGE", ORGANIZATION, locked=True)


@pytest.mark.parametrize(
    ("provider", "name", "url"),
    [
        ("GITHUB", "acme/web", "https://github.com/acme/web"),
        ("GITLAB", "acme/platform/web", "https://gitlab.com/acme/platform/web"),
        ("BITBUCKET", "acme/web.app", "https://bitbucket.org/acme/web.app"),
    ],
    ids=["github", "gitlab", "bitbucket"],
)
async def test_repository_url_is_its_address_at_its_provider(
    engine: AsyncEngine, client: httpx.AsyncClient, provider: str, name: str, url: str
) -> None:
    org = await make_org(engine)
    project_id = await make_project(engine, org, "web")
    await make_repository(engine, project_id, name, provider=provider)
    token = await make_token(engine, org)

    tree = await organization_tree(client, token, org.slug)

    (repository,) = tree["projects"]["nodes"][0]["repositories"]["nodes"]
    assert (repository["provider"], repository["name"], repository["url"]) == (provider, name, url)


@pytest.mark.parametrize(
    "patterns",
    [[], ["main"], ["main", "release/*", "feature/**", "hotfix-[0-9]?"]],
    ids=["none", "one", "several-in-order"],
)
async def test_repository_branch_patterns_are_returned_as_stored(
    engine: AsyncEngine, client: httpx.AsyncClient, patterns: list[str]
) -> None:
    org, token = await given_repository(engine, branch_patterns=patterns)

    _, repository = await only_repository(client, token, org)

    assert repository["branchPatterns"] == patterns


@pytest.mark.parametrize("ai_enabled", [True, False], ids=["ai-on", "ai-off"])
async def test_repository_ai_enabled_is_returned_as_stored(
    engine: AsyncEngine, client: httpx.AsyncClient, ai_enabled: bool
) -> None:
    org, token = await given_repository(engine, ai_enabled=ai_enabled)

    _, repository = await only_repository(client, token, org)

    assert repository["aiEnabled"] is ai_enabled


async def test_repository_project_is_the_project_it_was_listed_under(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_repository(engine)
    project, repository = await only_repository(client, token, org)

    data = await execute(client, token, REPOSITORY_PROJECT, {"id": repository["id"]})

    assert data["node"]["project"] == {"id": project["id"], "slug": "web"}


async def test_repository_read_by_node_id_resolves_against_its_project_settings(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_repository(
        engine, organization={"fixEnabled": True}, overrides={"scanEnabled": False}
    )
    _, listed = await only_repository(client, token, org)
    query = """query Repository($id: ID!) {
      node(id: $id) { ... on Repository { status effectiveSettings { fixEnabled { value source } } } }
    }"""

    data = await execute(client, token, query, {"id": listed["id"]})

    assert data["node"] == {
        "status": "ACTIVE",
        "effectiveSettings": {"fixEnabled": {"value": True, "source": ORGANIZATION}},
    }


# --- Who may administer what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scopes", "organization", "project"),
    [
        pytest.param(Role.OWNER, None, True, True, id="owner"),
        pytest.param(Role.ADMIN, None, False, True, id="admin"),
        pytest.param(Role.MEMBER, None, False, False, id="member"),
        pytest.param(Role.OWNER, ["org:read", "project:read"], False, False, id="owner-with-read-only-token"),
        pytest.param(
            Role.OWNER,
            ["org:read", "project:read", "project:admin"],
            False,
            True,
            id="owner-with-project-admin-token",
        ),
    ],
)
async def test_viewer_can_administer_follows_the_role_and_token_scopes(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    role: Role,
    scopes: list[str] | None,
    organization: bool,
    project: bool,
) -> None:
    org = await make_org(engine)
    await make_project(engine, org, "web")
    token = await make_token(engine, org, "bob", role, scopes)

    tree = await organization_tree(client, token, org.slug)

    assert tree["viewerCanAdminister"] is organization
    assert tree["projects"]["nodes"][0]["viewerCanAdminister"] is project
