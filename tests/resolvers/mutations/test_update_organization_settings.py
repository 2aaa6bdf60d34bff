"""updateOrganizationSettings through the client's document: values and locks, versions, the audit entry
it writes, and every user error, after which nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, error_fields_and_codes, mutation, organization_id
from tests.read_back import audit_log_nodes, organization_tree, stored_state

update = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")


async def test_owner_sets_values_and_locks(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine, "acme", settings={"fix_enabled": False})
    token = await make_token(engine, org, "alice", Role.OWNER)

    payload = await update(
        client,
        token,
        organizationId=organization_id(org),
        fixEnabled=True,
        stoppingPoint="MERGE",
        lockedSettings=["FIX_ENABLED", "STOPPING_POINT"],
    )

    assert payload["userErrors"] == []
    settings = payload["organization"]["settings"]
    assert {key: value for key, value in settings.items() if key != "updatedAt"} == {
        "scanEnabled": True,
        "fixEnabled": True,
        "stoppingPoint": "MERGE",
        "lockedSettings": ["FIX_ENABLED", "STOPPING_POINT"],
        "version": 2,
    }


async def test_changed_settings_read_back_as_written(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine, "acme", settings={"fix_enabled": False})
    token = await make_token(engine, org)
    payload = await update(
        client, token, organizationId=organization_id(org), scanEnabled=False, lockedSettings=["SCAN_ENABLED"]
    )

    tree = await organization_tree(client, token)

    assert tree["settings"] == payload["organization"]["settings"]


async def test_write_sets_updated_at_to_the_time_of_the_call(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    token = await make_token(engine, org)
    started = dt.datetime.now(dt.UTC)

    payload = await update(client, token, organizationId=organization_id(org), fixEnabled=True)

    updated_at = dt.datetime.fromisoformat(payload["organization"]["settings"]["updatedAt"])
    assert started <= updated_at <= dt.datetime.now(dt.UTC)


async def test_write_records_one_audit_entry_with_actor_and_raw_values(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"fix_enabled": False}, locked=["scan_enabled"])
    token = await make_token(engine, org, "alice", Role.OWNER)

    payload = await update(
        client,
        token,
        organizationId=organization_id(org),
        scanEnabled=True,
        fixEnabled=True,
        stoppingPoint="SUGGESTION",
        lockedSettings=["FIX_ENABLED"],
    )

    (entry,) = payload["auditEntries"]
    assert {key: value for key, value in entry.items() if key not in ("id", "batchId")} == {
        "action": "ORGANIZATION_SETTINGS_UPDATED",
        "actor": "alice",
        "changes": [
            {"field": "scanEnabled", "before": None, "after": True},
            {"field": "fixEnabled", "before": False, "after": True},
            {"field": "stoppingPoint", "before": None, "after": "SUGGESTION"},
            {"field": "lockedSettings", "before": ["SCAN_ENABLED"], "after": ["FIX_ENABLED"]},
        ],
    }
    assert entry["batchId"]


async def test_audit_entry_of_the_payload_is_the_one_in_the_audit_log(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org, "alice", Role.OWNER)

    payload = await update(client, token, organizationId=organization_id(org), stoppingPoint="MERGE")

    (logged,) = await audit_log_nodes(client, token)
    assert {key: logged[key] for key in ("id", "action", "actor", "changes", "batchId")} == payload[
        "auditEntries"
    ][0]
    assert (logged["targetType"], logged["targetId"]) == ("ORGANIZATION", organization_id(org))


async def test_writing_the_current_values_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(
        engine,
        "acme",
        settings={"fix_enabled": True, "stopping_point": StoppingPoint.MERGE},
        locked=["fix_enabled"],
    )
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await update(
        client,
        token,
        organizationId=organization_id(org),
        fixEnabled=True,
        stoppingPoint="MERGE",
        lockedSettings=["FIX_ENABLED"],
    )

    assert (payload["userErrors"], payload["auditEntries"]) == ([], [])
    assert payload["organization"]["settings"]["version"] == 1
    assert await stored_state(client, token) == before


async def test_organization_without_settings_row_gets_one_at_version_one(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)
    tree = await organization_tree(client, token)
    assert (tree["settings"]["version"], tree["settings"]["updatedAt"]) == (0, None)

    payload = await update(
        client, token, organizationId=organization_id(org), fixEnabled=True, expectedVersion=0
    )

    tree = await organization_tree(client, token)
    assert payload["userErrors"] == []
    settings = tree["settings"]
    assert {key: value for key, value in settings.items() if key != "updatedAt"} == {
        "scanEnabled": True,
        "fixEnabled": True,
        "stoppingPoint": "PULL_REQUEST",
        "lockedSettings": [],
        "version": 1,
    }
    assert settings["updatedAt"] is not None


VALID_INPUT = {
    "scanEnabled": False,
    "fixEnabled": True,
    "stoppingPoint": "MERGE",
    "lockedSettings": ["FIX_ENABLED"],
}

# Each refused update of acme, which stores scanEnabled: what the input adds to (or replaces in)
# {organizationId: acme}, and the one error it answers.
REFUSED_UPDATES = [
    *(
        pytest.param(
            {**VALID_INPUT, setting: None}, (["input", setting], "INVALID_VALUE"), id=f"null-{setting}"
        )
        for setting in VALID_INPUT
    ),
    *(
        pytest.param(
            {"fixEnabled": True, "expectedVersion": version},
            (["input", "expectedVersion"], "STALE_VERSION"),
            id=f"stale-expected-version-{version}",
        )
        for version in (0, 2)
    ),
    *(
        pytest.param(
            {"organizationId": bad_id, "fixEnabled": True},
            (["input", "organizationId"], "NOT_FOUND"),
            id=f"{kind}-organization-id",
        )
        for kind, bad_id in {
            "unknown": encode_global_id("Organization", 2**31 - 1),
            "malformed": "not-an-id",
            "other-type": encode_global_id("Project", 1),
        }.items()
    ),
]


@pytest.mark.parametrize(("input", "error"), REFUSED_UPDATES)
async def test_refused_update_answers_its_error_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any], error: tuple[list[str], str]
) -> None:
    org = await make_organization(engine, "acme", settings={"scan_enabled": True})
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await update(client, token, **{"organizationId": organization_id(org), **input})

    assert error_fields_and_codes(payload) == [error]
    assert (payload["organization"], payload["auditEntries"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_current_expected_version_is_accepted(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine, "acme", settings={})
    token = await make_token(engine, org)

    payload = await update(
        client, token, organizationId=organization_id(org), fixEnabled=True, expectedVersion=1
    )

    assert payload["userErrors"] == []
    settings = payload["organization"]["settings"]
    assert (settings["fixEnabled"], settings["version"]) == (True, 2)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ADMIN])
async def test_only_an_owner_may_write_and_nothing_is_written_otherwise(
    engine: AsyncEngine, client: httpx.AsyncClient, role: Role
) -> None:
    org = await make_organization(engine, "acme", settings={})
    token = await make_token(engine, org, "bob", role)
    before = await stored_state(client, token)

    payload = await update(
        client, token, organizationId=organization_id(org), fixEnabled=True, lockedSettings=["FIX_ENABLED"]
    )

    assert [code for _, code in error_fields_and_codes(payload)] == ["FORBIDDEN"]
    assert (payload["organization"], payload["auditEntries"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_owner_of_another_organization_finds_no_organization_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    token = await make_token(engine, org)
    other = await make_organization(engine, "globex")
    other_token = await make_token(engine, other, "mallory", Role.OWNER)
    before = await stored_state(client, token)

    payload = await update(client, other_token, organizationId=organization_id(org), fixEnabled=True)

    assert error_fields_and_codes(payload) == [(["input", "organizationId"], "NOT_FOUND")]
    assert (payload["organization"], payload["auditEntries"]) == (None, [])
    assert await stored_state(client, token) == before


@pytest.mark.parametrize(
    "fix_enabled", [pytest.param(True, id="success"), pytest.param(None, id="user-error")]
)
async def test_client_mutation_id_is_echoed(
    engine: AsyncEngine, client: httpx.AsyncClient, fix_enabled: bool | None
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)

    payload = await update(
        client, token, organizationId=organization_id(org), fixEnabled=fix_enabled, clientMutationId="call-7"
    )

    assert bool(payload["userErrors"]) == (fix_enabled is None)
    assert payload["clientMutationId"] == "call-7"


async def test_locking_a_setting_keeps_project_overrides_but_ignores_them(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org)

    await update(
        client, token, organizationId=organization_id(org), fixEnabled=False, lockedSettings=["FIX_ENABLED"]
    )

    (web,) = (await organization_tree(client, token))["projects"]["nodes"]
    assert web["overrides"]["fixEnabled"] is True
    assert web["effectiveSettings"]["fixEnabled"] == {
        "value": False,
        "source": "ORGANIZATION",
        "inheritedValue": False,
        "inheritedFrom": "ORGANIZATION",
        "locked": True,
        "overrideIgnored": True,
    }
