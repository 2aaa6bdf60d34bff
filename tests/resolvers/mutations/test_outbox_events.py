"""The analytics events a write leaves in the outbox, read back with `aisettings events export`: exactly
one per changed object of a committed change, in the same transaction; none for a change that is refused,
changes nothing, or is a dry run."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import Role
from tests.cli import run_cli
from tests.events import exported_data, exported_events
from tests.factories import Org, make_organization, make_project, make_projects, make_repository, make_token
from tests.graphql import document, execute, mutation, organization_id, project_id, repository_id
from tests.rest import PROJECT_SETTINGS, given_acme, ok

pytestmark = pytest.mark.usefixtures("database_environment")

update_organization_settings = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")
update_project_settings = mutation(document("UpdateProjectSettings"), "updateProjectSettings")
REPOSITORIES = document("Repositories")
add_repository = mutation(REPOSITORIES, "addRepository", "AddRepository")
update_repository = mutation(REPOSITORIES, "updateRepository", "UpdateRepository")
remove_repository = mutation(REPOSITORIES, "removeRepository", "RemoveRepository")
BULK_UPDATE = document("BulkUpdateProjectSettings")


async def bulk_update(
    client: httpx.AsyncClient, token: str, org: Org, changes: dict[str, Any], *, dry_run: bool = False
) -> dict[str, Any]:
    variables = {
        "input": {"organizationId": organization_id(org), "filter": {}, "changes": changes, "dryRun": dry_run}
    }
    payload: dict[str, Any] = (await execute(client, token, BULK_UPDATE, variables))[
        "bulkUpdateProjectSettings"
    ]
    return payload


async def test_an_organization_change_writes_one_event_per_changed_setting(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    await make_projects(engine, org, 3)
    token = await make_token(engine, org, "alice", Role.OWNER)

    await update_organization_settings(
        client, token, organizationId=organization_id(org), fixEnabled=True, stoppingPoint="MERGE"
    )

    assert await exported_data(tmp_path) == [
        (
            "ai_settings_org_changed",
            {"setting_type": "fixEnabled", "new_value": True, "project_count": 3, "user_role": "owner"},
        ),
        (
            "ai_settings_org_changed",
            {"setting_type": "stoppingPoint", "new_value": "MERGE", "project_count": 3, "user_role": "owner"},
        ),
    ]


async def test_an_event_is_a_cloudevent_of_the_organization_with_a_unique_id(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    await update_organization_settings(client, token, organizationId=organization_id(org), fixEnabled=True)
    await update_organization_settings(client, token, organizationId=organization_id(org), fixEnabled=False)

    events = await exported_events(tmp_path)
    assert [(e["specversion"], e["source"], e["subject"]) for e in events] == [
        ("1.0", "aisettings", f"organization/{org.id}")
    ] * 2
    assert len({uuid.UUID(event["id"]) for event in events}) == 2
    assert all(event["time"].endswith("Z") for event in events)


async def test_a_change_that_changes_nothing_writes_no_event(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": True})
    token = await make_token(engine, org)

    await update_organization_settings(client, token, organizationId=organization_id(org), fixEnabled=True)

    assert await exported_events(tmp_path) == []


async def test_a_refused_change_writes_no_event(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine, locked=["fix_enabled"])
    key = await make_project(engine, org, "web")
    token = await make_token(engine, org)

    payload = await update_project_settings(
        client, token, projectId=project_id(key), changes={"fixEnabled": True, "scanEnabled": False}
    )

    assert payload["userErrors"]
    assert await exported_events(tmp_path) == []


async def test_a_bulk_dry_run_writes_no_event(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    await make_projects(engine, org, 5)
    token = await make_token(engine, org)

    payload = await bulk_update(client, token, org, {"fixEnabled": True}, dry_run=True)

    assert payload["affectedCount"] == 5
    assert await exported_events(tmp_path) == []


async def test_a_bulk_update_writes_one_event_per_changed_project(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 5)
    token = await make_token(engine, org)

    await bulk_update(client, token, org, {"fixEnabled": True})

    events = await exported_data(tmp_path)
    assert sorted(data["project_id"] for _, data in events) == sorted(project_id(key) for key in keys)
    assert {
        (kind, data["action"], tuple(data["settings_changed"]), data["inheritance_broken"])
        for kind, data in events
    } == {("ai_settings_project_override", "enabled", ("fixEnabled",), True)}


async def test_a_project_override_event_says_whether_it_was_modified_or_disabled(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    key = await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org)

    await update_project_settings(client, token, projectId=project_id(key), changes={"fixEnabled": False})
    await update_project_settings(client, token, projectId=project_id(key), changes={"fixEnabled": None})

    assert [(data["action"], data["inheritance_broken"]) for _, data in await exported_data(tmp_path)] == [
        ("modified", False),
        ("disabled", False),
    ]


async def test_repository_changes_write_an_event_each(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    key = await make_project(engine, org, "web")
    token = await make_token(engine, org)

    added = await add_repository(
        client, token, projectId=project_id(key), provider="GITHUB", name="acme/web", branchPatterns=["main"]
    )
    added_id = added["repository"]["id"]
    await update_repository(client, token, repositoryId=added_id, aiEnabled=False)
    await update_repository(client, token, repositoryId=added_id, aiEnabled=False)  # no change
    await remove_repository(client, token, repositoryId=added_id)

    def repository(action: str, ai_enabled: bool) -> tuple[str, dict[str, Any]]:
        data = {
            "action": action,
            "repository_provider": "GITHUB",
            "ai_enabled": ai_enabled,
            "branch_pattern": ["main"],
        }
        return "ai_settings_repository_config", data

    assert await exported_data(tmp_path) == [
        repository("added", True),
        repository("modified", False),
        repository("removed", False),
    ]


async def test_a_refused_repository_removal_writes_no_event(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    key = await make_project(engine, org, "web")
    repository_key = await make_repository(engine, key, "acme/web")
    token = await make_token(engine, org, "bob", Role.MEMBER)

    payload = await remove_repository(client, token, repositoryId=repository_id(repository_key))

    assert payload["userErrors"]
    assert await exported_events(tmp_path) == []


IMPORT_FILE = {
    "organizations": [
        {
            "slug": "acme",
            "name": "Acme",
            "settings": {"fixEnabled": True},
            "members": [],
            "projects": [
                {"slug": "web", "name": "Web", "overrides": {"scanEnabled": False}, "repositories": []}
            ],
        }
    ]
}


async def test_an_import_writes_the_events_of_its_changes_with_no_user_role(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await make_organization(engine)
    path = tmp_path / "organizations.json"
    path.write_text(json.dumps(IMPORT_FILE))

    assert await run_cli("import", str(path)) == 0

    events = await exported_data(tmp_path)
    assert [(kind, data.get("user_role", "-")) for kind, data in events] == [
        ("ai_settings_org_changed", None),
        ("ai_settings_project_override", "-"),
    ]


async def test_an_import_dry_run_writes_no_event(engine: AsyncEngine, tmp_path: Path) -> None:
    await make_organization(engine)
    path = tmp_path / "organizations.json"
    path.write_text(json.dumps(IMPORT_FILE))

    assert await run_cli("import", "--dry-run", str(path)) == 0

    assert await exported_events(tmp_path) == []


async def test_a_rest_write_writes_its_events(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    acme = await given_acme(engine)

    await ok(client, "PATCH", PROJECT_SETTINGS, acme.admin, {"fix_enabled_override": True})

    assert await exported_data(tmp_path) == [
        (
            "ai_settings_project_override",
            {
                "action": "enabled",
                "project_id": project_id(acme.project),
                "settings_changed": ["fixEnabled"],
                "inheritance_broken": True,
            },
        )
    ]
