"""bulkUpdateProjectSettings through the scripts' BulkUpdateProjectSettings document: projects chosen by id
or by filter, all or nothing, diffs of what changes, one audit batch per call, dry runs that answer
exactly what the real call answers, and a number of SQL statements that does not grow with the projects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import Role
from tests.factories import (
    Org,
    make_organization,
    make_project,
    make_projects,
    make_token,
    stored_projects,
    stored_rows,
)
from tests.graphql import document, error_fields_and_codes, mutation, organization_id, project_id
from tests.read_back import audit_log, by_target
from tests.resolvers.mutations.bad_project_ids import BAD_PROJECT_IDS, MakeBadProjectId
from tests.sql_statements import recorded_statements

bulk_update = mutation(document("BulkUpdateProjectSettings"), "bulkUpdateProjectSettings")


async def given_projects_around_an_organization_that_fixes(
    engine: AsyncEngine,
) -> tuple[Org, str, dict[str, str]]:
    """An organization with fixEnabled true and three projects: `same` overrides fixEnabled with true,
    `inherits` has no override, `differs` overrides it with false; the owner's token; the global ids."""
    org = await make_organization(engine, settings={"fix_enabled": True})
    ids = {
        "same": await make_project(engine, org, "same", overrides={"fix_enabled": True}),
        "inherits": await make_project(engine, org, "inherits"),
        "differs": await make_project(engine, org, "differs", overrides={"fix_enabled": False}),
    }
    token = await make_token(engine, org, "alice")
    return org, token, {slug: project_id(key) for slug, key in ids.items()}


async def fix_projects(client: httpx.AsyncClient, token: str, org: Org, **targets: Any) -> dict[str, Any]:
    """The payload of a bulk update of `org` that sets fixEnabled true in the projects `targets` (project
    ids, a filter) choose."""
    return await bulk_update(
        client, token, organizationId=organization_id(org), changes={"fixEnabled": True}, **targets
    )


async def fix_everywhere(
    client: httpx.AsyncClient, token: str, org: Org, ids: dict[str, str]
) -> dict[str, Any]:
    return await fix_projects(client, token, org, projectIds=[ids["same"], ids["inherits"], ids["differs"]])


def every_project(by: str, keys: list[int]) -> dict[str, Any]:
    """Targets that choose every project `keys` of an organization: by their ids or by a filter."""
    return (
        {"projectIds": [project_id(key) for key in keys]}
        if by == "projectIds"
        else {"filter": {"search": "p"}}
    )


async def test_bulk_update_by_project_ids_overrides_those_projects_only(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 3)
    token = await make_token(engine, org)

    payload = await fix_projects(client, token, org, projectIds=[project_id(keys[0]), project_id(keys[2])])

    assert payload["userErrors"] == []
    projects = await stored_projects(engine)
    assert {slug: (row["fix_enabled_override"], row["version"]) for slug, row in projects.items()} == {
        "p0000": (True, 2),
        "p0001": (None, 1),
        "p0002": (True, 2),
    }


@pytest.mark.parametrize(
    ("project_filter", "expected"),
    [
        ({"hasOverrides": True}, {"web", "api"}),
        ({"hasOverrides": False}, {"web-admin", "docs"}),
        ({"search": "WEB"}, {"web", "web-admin"}),
        ({"overrides": ["STOPPING_POINT"]}, {"api"}),
        ({"slugs": ["docs", "api"]}, {"api", "docs"}),
    ],
    ids=["has-overrides", "has-no-overrides", "search", "overrides", "slugs"],
)
async def test_bulk_update_by_filter_overrides_the_projects_it_matches(
    engine: AsyncEngine, client: httpx.AsyncClient, project_filter: dict[str, Any], expected: set[str]
) -> None:
    org = await make_organization(engine)
    await make_project(engine, org, "web", overrides={"fix_enabled": False})
    await make_project(engine, org, "web-admin")
    await make_project(engine, org, "api", overrides={"stopping_point": StoppingPoint.SUGGESTION})
    await make_project(engine, org, "docs")
    token = await make_token(engine, org)

    payload = await bulk_update(
        client,
        token,
        organizationId=organization_id(org),
        filter=project_filter,
        changes={"scanEnabled": False},
    )

    projects = await stored_projects(engine)
    assert {slug for slug, row in projects.items() if row["scan_enabled_override"] is False} == expected
    assert {diff["project"]["slug"] for diff in payload["diffs"]} == expected


@pytest.mark.parametrize("given", ["both", "neither"])
async def test_bulk_update_needs_exactly_one_of_project_ids_and_filter(
    engine: AsyncEngine, client: httpx.AsyncClient, given: str
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 2)
    token = await make_token(engine, org)
    targets: dict[str, Any] = (
        {"projectIds": [project_id(key) for key in keys], "filter": {"hasOverrides": False}}
        if given == "both"
        else {}
    )
    before = await stored_rows(engine)

    payload = await fix_projects(client, token, org, **targets)

    assert error_fields_and_codes(payload) == [(["input"], "CONFLICTING_INPUT")]
    assert await stored_rows(engine) == before


@pytest.mark.parametrize("by", ["projectIds", "filter"])
async def test_bulk_update_of_1000_projects_updates_them_all(
    engine: AsyncEngine, client: httpx.AsyncClient, by: str
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 1000)
    token = await make_token(engine, org)

    payload = await fix_projects(client, token, org, **every_project(by, keys))

    assert (payload["userErrors"], payload["affectedCount"]) == ([], 1000)


@pytest.mark.parametrize("by", ["projectIds", "filter"])
async def test_bulk_update_of_1001_projects_is_too_many_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, by: str
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 1001)
    token = await make_token(engine, org)
    before = await stored_rows(engine)

    payload = await fix_projects(client, token, org, **every_project(by, keys))

    assert error_fields_and_codes(payload) == [(["input", by], "TOO_MANY_ITEMS")]
    assert await stored_rows(engine) == before


@pytest.mark.parametrize("make_bad_id", BAD_PROJECT_IDS.values(), ids=BAD_PROJECT_IDS.keys())
async def test_one_bad_project_id_is_not_found_at_its_index_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient, make_bad_id: MakeBadProjectId
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 5)
    token = await make_token(engine, org)
    project_ids = [project_id(key) for key in keys]
    project_ids[3] = await make_bad_id(engine, org)
    before = await stored_rows(engine)

    payload = await fix_projects(client, token, org, projectIds=project_ids)

    assert error_fields_and_codes(payload) == [(["input", "projectIds", "3"], "NOT_FOUND")]
    assert await stored_rows(engine) == before


async def test_setting_a_locked_setting_is_locked_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, locked=["fix_enabled"])
    await make_project(engine, org, "web", overrides={"fix_enabled": True})
    await make_project(engine, org, "api")
    token = await make_token(engine, org)
    before = await stored_rows(engine)

    payload = await bulk_update(
        client,
        token,
        organizationId=organization_id(org),
        filter={},
        changes={"fixEnabled": False, "scanEnabled": False},
    )

    assert error_fields_and_codes(payload) == [(["input", "changes", "fixEnabled"], "LOCKED")]
    assert await stored_rows(engine) == before


async def test_null_for_a_locked_setting_removes_the_ignored_override(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, locked=["fix_enabled"])
    await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org)

    payload = await bulk_update(
        client,
        token,
        organizationId=organization_id(org),
        filter={"slugs": ["web"]},
        changes={"fixEnabled": None},
    )

    assert payload["userErrors"] == []
    assert (await stored_projects(engine))["web"]["fix_enabled_override"] is None


async def test_member_may_not_bulk_update_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 3)
    token = await make_token(engine, org, "bob", Role.MEMBER)
    before = await stored_rows(engine)

    payload = await fix_projects(client, token, org, **every_project("projectIds", keys))

    # Which path a refusal names is test_permissions.py's concern; here: refused, nothing written.
    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]
    assert await stored_rows(engine) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
async def test_admin_and_owner_may_bulk_update(
    engine: AsyncEngine, client: httpx.AsyncClient, role: Role
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 3)
    token = await make_token(engine, org, "carol", role)

    payload = await fix_projects(client, token, org, **every_project("projectIds", keys))

    assert (payload["userErrors"], payload["affectedCount"]) == ([], 3)


async def test_another_organizations_owner_finds_no_organization_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 3)
    other = await make_organization(engine, "other")
    token = await make_token(engine, other, "mallory", Role.OWNER)
    before = await stored_rows(engine)

    payload = await fix_projects(client, token, org, **every_project("projectIds", keys))

    assert error_fields_and_codes(payload) == [(["input", "organizationId"], "NOT_FOUND")]
    assert await stored_rows(engine) == before


async def test_affected_count_counts_projects_whose_raw_or_effective_settings_change(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token, ids = await given_projects_around_an_organization_that_fixes(engine)

    payload = await fix_everywhere(client, token, org, ids)

    assert payload["affectedCount"] == 2


async def test_diffs_name_the_changed_projects_and_the_settings_whose_value_in_force_changes(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token, ids = await given_projects_around_an_organization_that_fixes(engine)

    payload = await fix_everywhere(client, token, org, ids)

    # `inherits` changes only its raw override (to the value it already inherits): no setting in force.
    assert {diff["project"]["slug"]: diff["changedSettings"] for diff in payload["diffs"]} == {
        "inherits": [],
        "differs": ["FIX_ENABLED"],
    }


def _fix_enabled(value: bool, source: str) -> dict[str, Any]:
    """An effective fixEnabled under an organization that fixes, unlocked."""
    return {
        "value": value,
        "source": source,
        "inheritedValue": True,
        "inheritedFrom": "ORGANIZATION",
        "locked": False,
        "overrideIgnored": False,
    }


async def test_diffs_show_the_effective_settings_before_and_after(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token, ids = await given_projects_around_an_organization_that_fixes(engine)

    payload = await fix_everywhere(client, token, org, ids)

    diffs = {diff["project"]["slug"]: diff for diff in payload["diffs"]}
    seen = {
        slug: (
            diff["before"]["overriddenSettings"],
            diff["before"]["fixEnabled"],
            diff["after"]["overriddenSettings"],
            diff["after"]["fixEnabled"],
        )
        for slug, diff in diffs.items()
    }
    assert seen == {
        "inherits": (
            [],
            _fix_enabled(True, "ORGANIZATION"),
            ["FIX_ENABLED"],
            _fix_enabled(True, "PROJECT"),
        ),
        "differs": (
            ["FIX_ENABLED"],
            _fix_enabled(False, "PROJECT"),
            ["FIX_ENABLED"],
            _fix_enabled(True, "PROJECT"),
        ),
    }
    for diff in diffs.values():
        assert diff["before"]["scanEnabled"] == diff["after"]["scanEnabled"]
        assert diff["before"]["stoppingPoint"] == diff["after"]["stoppingPoint"]


async def test_diffs_show_each_project_at_its_new_version(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token, ids = await given_projects_around_an_organization_that_fixes(engine)

    payload = await fix_everywhere(client, token, org, ids)

    projects = await stored_projects(engine)
    assert {diff["project"]["slug"]: diff["project"]["version"] for diff in payload["diffs"]} == {
        "inherits": projects["inherits"]["version"],
        "differs": projects["differs"]["version"],
    }
    assert [projects[slug]["version"] for slug in ("same", "inherits", "differs")] == [1, 2, 2]


async def test_every_audit_entry_of_a_bulk_update_carries_its_one_batch_id(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token, ids = await given_projects_around_an_organization_that_fixes(engine)

    payload = await fix_everywhere(client, token, org, ids)

    batch = await audit_log(client, token, first=500, filter={"batchId": payload["batchId"]})
    assert batch["totalCount"] == payload["affectedCount"] == 2
    assert {entry["batchId"] for entry in batch["nodes"]} == {payload["batchId"]}
    assert {entry["targetId"] for entry in batch["nodes"]} == {ids["inherits"], ids["differs"]}


async def test_audit_entries_record_who_changed_which_raw_value_of_each_project(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token, ids = await given_projects_around_an_organization_that_fixes(engine)

    payload = await fix_everywhere(client, token, org, ids)

    batch = await audit_log(client, token, first=500, filter={"batchId": payload["batchId"]})
    assert by_target(batch["nodes"]) == {
        ids["inherits"]: (
            "PROJECT_SETTINGS_UPDATED",
            "alice",
            "PROJECT",
            [{"field": "fixEnabled", "before": None, "after": True}],
        ),
        ids["differs"]: (
            "PROJECT_SETTINGS_UPDATED",
            "alice",
            "PROJECT",
            [{"field": "fixEnabled", "before": False, "after": True}],
        ),
    }


async def test_a_project_id_given_twice_is_updated_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 2)
    token = await make_token(engine, org)
    first, second = project_id(keys[0]), project_id(keys[1])

    payload = await fix_projects(client, token, org, projectIds=[first, first, second, first])

    batch = await audit_log(client, token, first=500, filter={"batchId": payload["batchId"]})
    projects = await stored_projects(engine)
    assert (payload["affectedCount"], len(payload["diffs"]), batch["totalCount"]) == (2, 2, 2)
    assert [row["version"] for row in projects.values()] == [2, 2]


@pytest.mark.parametrize("changes", [{"fixEnabled": True}, {}], ids=["the-value-already-set", "no-setting"])
async def test_a_bulk_update_that_changes_nothing_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, changes: dict[str, Any]
) -> None:
    org = await make_organization(engine)
    await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org)
    before = await stored_rows(engine)

    payload = await bulk_update(
        client, token, organizationId=organization_id(org), filter={"slugs": ["web"]}, changes=changes
    )

    assert (payload["userErrors"], payload["affectedCount"], payload["batchId"]) == ([], 0, None)
    assert await stored_rows(engine) == before


# Inputs (but organizationId and dryRun) for the dry-run tests, from the projects' global ids by slug.
DRY_RUN_INPUTS: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "by-ids": lambda ids: {"projectIds": [ids["web"], ids["docs"]], "changes": {"fixEnabled": True}},
    "by-filter-to-inherit": lambda ids: {"filter": {"hasOverrides": True}, "changes": {"scanEnabled": None}},
    "null-for-a-locked-setting": lambda ids: {
        "filter": {"overrides": ["STOPPING_POINT"]},
        "changes": {"stoppingPoint": None},
    },
    "several-settings": lambda ids: {
        "projectIds": list(ids.values()),
        "changes": {"scanEnabled": False, "fixEnabled": None},
    },
    "nothing-changes": lambda ids: {"projectIds": [ids["web"]], "changes": {"fixEnabled": False}},
    "locked": lambda ids: {"projectIds": [ids["web"]], "changes": {"stoppingPoint": "SUGGESTION"}},
    "not-found": lambda ids: {"projectIds": [ids["web"], "nope"], "changes": {"fixEnabled": True}},
}


async def given_an_organization_for_dry_runs(engine: AsyncEngine) -> tuple[Org, str, dict[str, str]]:
    """An organization that fixes and locks its stopping point, four projects, the owner's token and the
    projects' global ids by slug."""
    org = await make_organization(
        engine,
        settings={"fix_enabled": True, "stopping_point": StoppingPoint.MERGE},
        locked=["stopping_point"],
    )
    keys = {
        "web": await make_project(engine, org, "web", overrides={"fix_enabled": False}),
        "api": await make_project(engine, org, "api", overrides={"stopping_point": StoppingPoint.SUGGESTION}),
        "docs": await make_project(engine, org, "docs"),
        "web-app": await make_project(engine, org, "web-app", overrides={"scan_enabled": False}),
    }
    token = await make_token(engine, org)
    return org, token, {slug: project_id(key) for slug, key in keys.items()}


@pytest.mark.parametrize("make_input", DRY_RUN_INPUTS.values(), ids=DRY_RUN_INPUTS.keys())
async def test_dry_run_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, make_input: Callable[[dict[str, str]], dict[str, Any]]
) -> None:
    org, token, ids = await given_an_organization_for_dry_runs(engine)
    before = await stored_rows(engine)

    await bulk_update(client, token, organizationId=organization_id(org), dryRun=True, **make_input(ids))

    assert await stored_rows(engine) == before


@pytest.mark.parametrize("make_input", DRY_RUN_INPUTS.values(), ids=DRY_RUN_INPUTS.keys())
async def test_dry_run_answers_what_the_real_call_answers_but_the_batch_id(
    engine: AsyncEngine, client: httpx.AsyncClient, make_input: Callable[[dict[str, str]], dict[str, Any]]
) -> None:
    org, token, ids = await given_an_organization_for_dry_runs(engine)
    fields = {"organizationId": organization_id(org), "clientMutationId": "rehearsal", **make_input(ids)}

    rehearsed = await bulk_update(client, token, dryRun=True, **fields)
    real = await bulk_update(client, token, dryRun=False, **fields)

    assert rehearsed == {**real, "batchId": None}


async def bulk_update_statements(
    client: httpx.AsyncClient, engine: AsyncEngine, org: Org, keys: list[int], token: str, by: str
) -> list[str]:
    """The statements of one bulk update of the projects `keys`, every project of `org` (after a warm-up
    request, which also records the token's use)."""
    targets = every_project(by, keys)
    await fix_projects(client, token, org, dryRun=True, **targets)
    with recorded_statements(engine) as statements:
        payload = await fix_projects(client, token, org, **targets)
    assert payload["affectedCount"] == len(keys), payload["userErrors"]
    return statements


@pytest.mark.parametrize("by", ["projectIds", "filter"])
async def test_bulk_update_of_500_projects_issues_as_many_statements_as_of_10(
    engine: AsyncEngine, client: httpx.AsyncClient, by: str
) -> None:
    small = await make_organization(engine, "small")
    small_keys = await make_projects(engine, small, 10)
    small_token = await make_token(engine, small, "owner-of-small")
    large = await make_organization(engine, "large")
    large_keys = await make_projects(engine, large, 500)
    large_token = await make_token(engine, large, "owner-of-large")

    for_small = await bulk_update_statements(client, engine, small, small_keys, small_token, by)
    for_large = await bulk_update_statements(client, engine, large, large_keys, large_token, by)

    assert len(for_large) == len(for_small), (for_small, for_large)
