"""/api/0/organizations/{org}/ai-projects/bulk/: the same overrides for many projects, all or nothing, as
bulkUpdateProjectSettings does it (dry run included)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.limits import MAX_BULK_ITEMS
from tests.factories import make_project, stored_rows
from tests.read_back import audit_log_nodes
from tests.rest import BULK, PROJECT_SETTINGS, call, given_acme, ok


async def test_bulk_changes_the_projects_and_answers_those_that_change(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    unchanged = await make_project(engine, acme.org, "api", overrides={"fix_enabled": True})

    body = {"project_ids": [str(acme.project), unchanged], "changes": {"fix_enabled_override": True}}
    answer = await ok(client, "POST", BULK, acme.admin, body)

    assert answer["affected_count"] == 1
    (changed,) = answer["projects"]
    assert (changed["id"], changed["slug"]) == (str(acme.project), "web")
    assert (changed["before"]["fix_enabled_override"], changed["after"]["fix_enabled_override"]) == (
        None,
        True,
    )
    assert (await ok(client, "GET", PROJECT_SETTINGS, acme.member))["fix_enabled_override"] is True
    entries = await audit_log_nodes(client, acme.owner)
    assert [(e["action"], e["batchId"]) for e in entries] == [
        ("PROJECT_SETTINGS_UPDATED", answer["batch_id"])
    ]


async def test_a_dry_run_answers_the_same_and_changes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    body = {"project_ids": [acme.project], "changes": {"stopping_point_override": "merge"}, "dry_run": "true"}
    answer = await ok(client, "POST", BULK, acme.admin, body)

    assert (answer["affected_count"], answer["batch_id"]) == (1, None)
    assert answer["projects"][0]["after"]["stopping_point_override"] == "merge"
    assert await stored_rows(engine) == before


async def test_an_unknown_project_refuses_the_whole_call(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    body = {"project_ids": [acme.project, 999999], "changes": {"fix_enabled_override": True}}
    response = await call(client, "POST", BULK, acme.admin, body)

    assert (response.status_code, response.json()) == (
        400,
        {"project_ids": ['Invalid pk "999999" - object does not exist.']},
    )
    assert await stored_rows(engine) == before


async def test_the_body_is_checked_field_by_field(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)

    body = {"project_ids": ["web", "9" * 5000], "changes": {"fix_enabled_override": "yes please"}}
    response = await call(client, "POST", BULK, acme.admin, body)
    missing = await call(client, "POST", BULK, acme.admin, {})

    assert (response.status_code, response.json()) == (
        400,
        {
            "project_ids": {
                "0": ["Incorrect type. Expected pk value, received str."],
                "1": ["Incorrect type. Expected pk value, received str."],
            },
            "changes": {"fix_enabled_override": ["Must be a valid boolean."]},
        },
    )
    assert missing.json() == {
        "project_ids": ["This field is required."],
        "changes": ["This field is required."],
    }


async def test_a_locked_setting_is_a_400_on_that_change(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, locked=["fix_enabled"])

    body = {"project_ids": [acme.project], "changes": {"fix_enabled_override": True}}
    response = await call(client, "POST", BULK, acme.admin, body)

    assert response.status_code == 400
    assert list(response.json()["changes"]) == ["fix_enabled_override"]


async def test_more_projects_than_the_limit_are_refused(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    body = {"project_ids": [acme.project] * (MAX_BULK_ITEMS + 1), "changes": {"fix_enabled_override": True}}
    response = await call(client, "POST", BULK, acme.admin, body)

    assert response.status_code == 400
    assert list(response.json()) == ["project_ids"]
