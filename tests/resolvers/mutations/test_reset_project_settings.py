"""resetProjectSettings through the ResetProjectSettings documents: removing projects' overrides (all, or
only some settings), answering every targeted project and a diff per changed one, all or nothing,
PROJECT_SETTINGS_RESET audit entries, and dry runs that answer exactly what the real call answers."""

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
from tests.graphql import document, error_fields_and_codes, mutation, project_id
from tests.read_back import audit_log_nodes, by_target
from tests.resolvers.mutations.bad_project_ids import BAD_PROJECT_IDS, MakeBadProjectId

reset = mutation(document("ResetProjectSettings"), "resetProjectSettings")
reset_with_diffs = mutation(document("ResetProjectSettingsWithDiffs"), "resetProjectSettings")

NO_OVERRIDES = {"scanEnabled": None, "fixEnabled": None, "stoppingPoint": None}


def stored_overrides(row: dict[str, Any]) -> tuple[object, object, object]:
    return (row["scan_enabled_override"], row["fix_enabled_override"], row["stopping_point_override"])


async def given_projects(engine: AsyncEngine) -> tuple[Org, str, dict[str, str]]:
    """An organization with fixEnabled true; `web` overrides every setting, `api` overrides fixEnabled
    with the value it inherits, `docs` overrides nothing; the owner's token; the global ids by slug."""
    org = await make_organization(engine, settings={"fix_enabled": True})
    keys = {
        "web": await make_project(
            engine,
            org,
            "web",
            overrides={
                "scan_enabled": False,
                "fix_enabled": False,
                "stopping_point": StoppingPoint.SUGGESTION,
            },
        ),
        "api": await make_project(engine, org, "api", overrides={"fix_enabled": True}),
        "docs": await make_project(engine, org, "docs"),
    }
    token = await make_token(engine, org, "alice")
    return org, token, {slug: project_id(key) for slug, key in keys.items()}


async def test_reset_removes_every_override_by_default(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token, ids = await given_projects(engine)

    await reset(client, token, projectIds=[ids["web"]])

    web = (await stored_projects(engine))["web"]
    assert (stored_overrides(web), web["version"]) == ((None, None, None), 2)


@pytest.mark.parametrize(
    ("settings", "remaining"),
    [
        (["FIX_ENABLED"], (False, None, StoppingPoint.SUGGESTION)),
        (["SCAN_ENABLED", "STOPPING_POINT"], (None, False, None)),
        ([], (False, False, StoppingPoint.SUGGESTION)),
    ],
    ids=["one", "two", "none"],
)
async def test_reset_removes_only_the_overrides_of_the_settings_named(
    engine: AsyncEngine, client: httpx.AsyncClient, settings: list[str], remaining: tuple[object, ...]
) -> None:
    _, token, ids = await given_projects(engine)

    await reset(client, token, projectIds=[ids["web"]], settings=settings)

    assert stored_overrides((await stored_projects(engine))["web"]) == remaining


async def test_reset_answers_every_targeted_project_as_it_is_after_the_call(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token, ids = await given_projects(engine)

    payload = await reset_with_diffs(client, token, projectIds=[ids["docs"], ids["web"], ids["api"]])

    assert [
        (project["slug"], project["version"], project["hasOverrides"], project["overrides"])
        for project in payload["projects"]
    ] == [("docs", 1, False, NO_OVERRIDES), ("web", 2, False, NO_OVERRIDES), ("api", 2, False, NO_OVERRIDES)]


async def test_reset_diffs_name_the_changed_projects_and_the_settings_whose_value_in_force_changes(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token, ids = await given_projects(engine)

    payload = await reset(client, token, projectIds=[ids["docs"], ids["web"], ids["api"]])

    # `api` loses only an override equal to what it inherits: no setting in force changes.
    assert [(diff["project"]["id"], diff["changedSettings"]) for diff in payload["diffs"]] == [
        (ids["web"], ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"]),
        (ids["api"], []),
    ]


async def test_reset_diffs_show_the_effective_settings_before_and_after(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token, ids = await given_projects(engine)

    payload = await reset_with_diffs(client, token, projectIds=[ids["web"]])

    (diff,) = payload["diffs"]
    seen = {
        moment: {name: (diff[moment][name]["value"], diff[moment][name]["source"]) for name in NO_OVERRIDES}
        for moment in ("before", "after")
    }
    assert seen == {
        "before": {
            "scanEnabled": (False, "PROJECT"),
            "fixEnabled": (False, "PROJECT"),
            "stoppingPoint": ("SUGGESTION", "PROJECT"),
        },
        "after": {
            "scanEnabled": (True, "SYSTEM_DEFAULT"),
            "fixEnabled": (True, "ORGANIZATION"),
            "stoppingPoint": ("PULL_REQUEST", "SYSTEM_DEFAULT"),
        },
    }
    assert (diff["before"]["overriddenSettings"], diff["after"]["overriddenSettings"]) == (
        ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"],
        [],
    )


async def test_reset_writes_a_project_settings_reset_entry_per_changed_project_in_one_batch(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token, ids = await given_projects(engine)

    payload = await reset_with_diffs(client, token, projectIds=[ids["docs"], ids["web"], ids["api"]])

    entries = await audit_log_nodes(client, token, {"batchId": payload["batchId"]})
    assert by_target(entries) == {
        ids["web"]: (
            "PROJECT_SETTINGS_RESET",
            "alice",
            "PROJECT",
            [
                {"field": "scanEnabled", "before": False, "after": None},
                {"field": "fixEnabled", "before": False, "after": None},
                {"field": "stoppingPoint", "before": "SUGGESTION", "after": None},
            ],
        ),
        ids["api"]: (
            "PROJECT_SETTINGS_RESET",
            "alice",
            "PROJECT",
            [{"field": "fixEnabled", "before": True, "after": None}],
        ),
    }


async def test_reset_of_a_project_without_overrides_changes_and_records_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token, ids = await given_projects(engine)
    before = await stored_rows(engine)

    payload = await reset_with_diffs(client, token, projectIds=[ids["docs"]])

    assert (payload["userErrors"], payload["diffs"], payload["batchId"]) == ([], [], None)
    assert await stored_rows(engine) == before


# Inputs (but dryRun) for the dry-run tests, from the projects' global ids by slug.
DRY_RUN_INPUTS: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "every-setting": lambda ids: {"projectIds": list(ids.values())},
    "some-settings": lambda ids: {"projectIds": list(ids.values()), "settings": ["FIX_ENABLED"]},
    "nothing-to-reset": lambda ids: {"projectIds": [ids["docs"]]},
    "not-found": lambda ids: {"projectIds": [ids["web"], "nope"]},
}


@pytest.mark.parametrize("make_input", DRY_RUN_INPUTS.values(), ids=DRY_RUN_INPUTS.keys())
async def test_dry_run_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, make_input: Callable[[dict[str, str]], dict[str, Any]]
) -> None:
    _, token, ids = await given_projects(engine)
    before = await stored_rows(engine)

    await reset_with_diffs(client, token, dryRun=True, **make_input(ids))

    assert await stored_rows(engine) == before


@pytest.mark.parametrize("make_input", DRY_RUN_INPUTS.values(), ids=DRY_RUN_INPUTS.keys())
async def test_dry_run_answers_what_the_real_call_answers_but_the_batch_id(
    engine: AsyncEngine, client: httpx.AsyncClient, make_input: Callable[[dict[str, str]], dict[str, Any]]
) -> None:
    _, token, ids = await given_projects(engine)
    fields = {"clientMutationId": "rehearsal", **make_input(ids)}

    rehearsed = await reset_with_diffs(client, token, dryRun=True, **fields)
    real = await reset_with_diffs(client, token, dryRun=False, **fields)

    assert rehearsed == {**real, "batchId": None}


@pytest.mark.parametrize("make_bad_id", BAD_PROJECT_IDS.values(), ids=BAD_PROJECT_IDS.keys())
async def test_one_bad_project_id_is_not_found_at_its_index_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient, make_bad_id: MakeBadProjectId
) -> None:
    org, token, ids = await given_projects(engine)
    project_ids = [ids["web"], ids["api"], await make_bad_id(engine, org), ids["docs"]]
    before = await stored_rows(engine)

    payload = await reset(client, token, projectIds=project_ids)

    assert error_fields_and_codes(payload) == [(["input", "projectIds", "2"], "NOT_FOUND")]
    assert await stored_rows(engine) == before


async def test_reset_of_1001_projects_is_too_many_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 1001)
    token = await make_token(engine, org)
    before = await stored_rows(engine)

    payload = await reset(client, token, projectIds=[project_id(key) for key in keys])

    assert error_fields_and_codes(payload) == [(["input", "projectIds"], "TOO_MANY_ITEMS")]
    assert await stored_rows(engine) == before


async def test_member_may_not_reset_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, _, ids = await given_projects(engine)
    token = await make_token(engine, org, "bob", Role.MEMBER)
    before = await stored_rows(engine)

    payload = await reset(client, token, projectIds=[ids["web"], ids["api"]])

    # Which path a refusal names is test_permissions.py's concern; here: refused, nothing written.
    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]
    assert await stored_rows(engine) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
async def test_admin_and_owner_may_reset(engine: AsyncEngine, client: httpx.AsyncClient, role: Role) -> None:
    org, _, ids = await given_projects(engine)
    token = await make_token(engine, org, "carol", role)

    payload = await reset(client, token, projectIds=[ids["web"], ids["api"]])

    assert (payload["userErrors"], len(payload["diffs"])) == ([], 2)


async def test_another_organizations_owner_finds_none_of_the_projects_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, _, ids = await given_projects(engine)
    other = await make_organization(engine, "other")
    token = await make_token(engine, other, "mallory", Role.OWNER)
    before = await stored_rows(engine)

    payload = await reset(client, token, projectIds=[ids["web"], ids["api"]])

    assert error_fields_and_codes(payload) == [
        (["input", "projectIds", "0"], "NOT_FOUND"),
        (["input", "projectIds", "1"], "NOT_FOUND"),
    ]
    assert await stored_rows(engine) == before
