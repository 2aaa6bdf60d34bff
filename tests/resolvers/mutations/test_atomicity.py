"""One mutation = one transaction: when the last of its writes, the audit entries, fails in the database,
nothing of it stays (not a setting, not a repository, not a version bump), and the client gets a masked
INTERNAL_SERVER_ERROR with an error id, never the database's words."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.logs import JsonFormatter
from aisettings.models.database import create_engine
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import Org, make_organization, make_project, make_token, stored_rows
from tests.graphql import document, error_codes, post

REFUSAL = "audit refused"

# (create, drop) statements of a trigger that makes every INSERT INTO audit_entry fail.
REFUSING_TRIGGER = {
    "sqlite": (
        [
            "CREATE TRIGGER refuse_audit_entry BEFORE INSERT ON audit_entry "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        ],
        ["DROP TRIGGER IF EXISTS refuse_audit_entry"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION refuse_audit_entry() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
            "CREATE TRIGGER refuse_audit_entry BEFORE INSERT ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION refuse_audit_entry()",
        ],
        [
            "DROP TRIGGER IF EXISTS refuse_audit_entry ON audit_entry",
            "DROP FUNCTION IF EXISTS refuse_audit_entry()",
        ],
    ),
}


async def execute_ddl(database_url: str, statements: list[str]) -> None:
    # On an engine of its own: SQLite checks CREATE/DROP ... IF EXISTS against the schema a connection
    # last read, and a pooled connection may not have seen another's trigger yet.
    ddl_engine = create_engine(database_url)
    try:
        async with ddl_engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await ddl_engine.dispose()


@pytest.fixture
async def audit_inserts_fail(database_url: str) -> AsyncIterator[None]:
    """Every INSERT INTO audit_entry fails in the database, until the test ends."""
    create, drop = REFUSING_TRIGGER[make_url(database_url).get_backend_name()]
    try:
        await execute_ddl(database_url, create)
        yield
    finally:
        await execute_ddl(database_url, drop)


@dataclass(frozen=True)
class Call:
    """A GraphQL request: its document, its operation and its variables."""

    query: str
    operation_name: str
    variables: dict[str, Any]


async def _update_project_settings(engine: AsyncEngine, org: Org) -> Call:
    key = await make_project(engine, org, "web", overrides={"scan_enabled": False})
    variables = {
        "input": {
            "projectId": encode_global_id("Project", key),
            "changes": {"fixEnabled": True, "scanEnabled": None},
            "expectedVersion": 1,
        }
    }
    return Call(document("UpdateProjectSettings"), "UpdateProjectSettings", variables)


async def _bulk_update_project_settings(engine: AsyncEngine, org: Org) -> Call:
    for slug in ("web", "api", "docs"):
        await make_project(engine, org, slug)
    variables = {
        "input": {
            "organizationId": encode_global_id("Organization", org.id),
            "filter": {},
            "changes": {"fixEnabled": True},
        }
    }
    return Call(document("BulkUpdateProjectSettings"), "BulkUpdateProjectSettings", variables)


async def _update_organization_settings(engine: AsyncEngine, org: Org) -> Call:
    variables = {
        "input": {
            "organizationId": encode_global_id("Organization", org.id),
            "fixEnabled": True,
            "lockedSettings": ["SCAN_ENABLED"],
            "expectedVersion": 1,
        }
    }
    return Call(document("UpdateOrganizationSettings"), "UpdateOrganizationSettings", variables)


async def _save_settings(engine: AsyncEngine, org: Org) -> Call:
    keys = [await make_project(engine, org, slug) for slug in ("web", "api")]
    variables = {
        "input": {
            "organizationId": encode_global_id("Organization", org.id),
            "organization": {"fixEnabled": True, "expectedVersion": 1},
            "projects": [
                {"projectId": encode_global_id("Project", key), "changes": {"stoppingPoint": "MERGE"}}
                for key in keys
            ],
        }
    }
    return Call(document("SaveSettings"), "SaveSettings", variables)


async def _add_repository(engine: AsyncEngine, org: Org) -> Call:
    key = await make_project(engine, org, "web")
    variables = {
        "input": {
            "projectId": encode_global_id("Project", key),
            "provider": "GITHUB",
            "name": "acme/web",
            "branchPatterns": ["main", "release/*"],
        }
    }
    return Call(document("Repositories"), "AddRepository", variables)


CALLS: dict[str, Callable[[AsyncEngine, Org], Awaitable[Call]]] = {
    "updateProjectSettings": _update_project_settings,
    "bulkUpdateProjectSettings": _bulk_update_project_settings,
    "updateOrganizationSettings": _update_organization_settings,
    "saveSettings": _save_settings,
    "addRepository": _add_repository,
}


async def given_a_call_whose_audit_entries_fail(
    engine: AsyncEngine, make_call: Callable[[AsyncEngine, Org], Awaitable[Call]]
) -> tuple[str, Call]:
    """The owner's token of an organization with settings at version 1, and a call that would change
    something (and so write audit entries)."""
    org = await make_organization(engine, settings={"fix_enabled": False})
    return await make_token(engine, org), await make_call(engine, org)


async def send(client: httpx.AsyncClient, token: str, call: Call) -> httpx.Response:
    return await post(client, token, call.query, call.variables, call.operation_name)


@pytest.mark.usefixtures("audit_inserts_fail")
@pytest.mark.parametrize("make_call", CALLS.values(), ids=CALLS.keys())
async def test_a_mutation_whose_audit_entries_fail_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, make_call: Callable[[AsyncEngine, Org], Awaitable[Call]]
) -> None:
    token, call = await given_a_call_whose_audit_entries_fail(engine, make_call)
    before = await stored_rows(engine)

    await send(client, token, call)

    assert await stored_rows(engine) == before


@pytest.mark.usefixtures("audit_inserts_fail")
@pytest.mark.parametrize("make_call", CALLS.values(), ids=CALLS.keys())
async def test_a_mutation_whose_audit_entries_fail_answers_a_masked_internal_server_error(
    engine: AsyncEngine, client: httpx.AsyncClient, make_call: Callable[[AsyncEngine, Org], Awaitable[Call]]
) -> None:
    token, call = await given_a_call_whose_audit_entries_fail(engine, make_call)

    response = await send(client, token, call)

    body = response.json()
    assert response.status_code == 200
    assert error_codes(body["errors"]) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["extensions"]["errorId"]
    for leak in (REFUSAL, "audit_entry", "INSERT", "trigger", "Traceback"):
        assert leak.lower() not in response.text.lower(), response.text


@pytest.mark.usefixtures("audit_inserts_fail")
async def test_the_masked_error_is_logged_with_its_error_id_request_id_and_traceback(
    engine: AsyncEngine, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    token, call = await given_a_call_whose_audit_entries_fail(engine, CALLS["updateProjectSettings"])

    with caplog.at_level(logging.ERROR, logger="aisettings.errors"):
        response = await client.post(
            "/graphql",
            json={"query": call.query, "variables": call.variables, "operationName": call.operation_name},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-atomicity-1"},
        )

    error_id = response.json()["errors"][0]["extensions"]["errorId"]
    (record,) = [r for r in caplog.records if r.name == "aisettings.errors"]
    line = json.loads(JsonFormatter().format(record))
    assert (line["error_id"], line["request_id"], line["level"]) == (error_id, "req-atomicity-1", "ERROR")
    assert REFUSAL in line["exception"]
    assert token not in json.dumps(line)


@pytest.mark.parametrize("make_call", CALLS.values(), ids=CALLS.keys())
async def test_the_same_mutation_succeeds_once_audit_entries_can_be_written(
    engine: AsyncEngine, client: httpx.AsyncClient, make_call: Callable[[AsyncEngine, Org], Awaitable[Call]]
) -> None:
    token, call = await given_a_call_whose_audit_entries_fail(engine, make_call)
    before = await stored_rows(engine)

    response = await send(client, token, call)

    body = response.json()
    assert "errors" not in body, body
    assert all(payload["userErrors"] == [] for payload in body["data"].values())
    after = await stored_rows(engine)
    assert after["audit_entry"] != before["audit_entry"]
    assert after["organization"] != before["organization"]
