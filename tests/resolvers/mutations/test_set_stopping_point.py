"""setStoppingPoint through the client's document: the organization's stopping point, projects' stopping
points, or both in one transaction with one audit batch; every user error, after which nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import Org, make_organization, make_project, make_token
from tests.graphql import document, execute

SET_STOPPING_POINT = document("SetStoppingPoint")
TREE = document("OrganizationTree")
AUDIT_LOG = document("AuditLog")


def organization_id(org: Org) -> str:
    return encode_global_id("Organization", org.id)


def project_id(key: int) -> str:
    return encode_global_id("Project", key)


async def set_stopping_point(client: httpx.AsyncClient, token: str, **input: Any) -> dict[str, Any]:
    """The payload of setStoppingPoint with `input`."""
    payload: dict[str, Any] = (await execute(client, token, SET_STOPPING_POINT, {"input": input}))[
        "setStoppingPoint"
    ]
    return payload


async def stored_state(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """All that a write to acme could change, read back: its whole tree and its audit log."""
    return {
        "tree": await execute(client, token, TREE, {"slug": "acme"}),
        "auditLog": await execute(client, token, AUDIT_LOG, {"slug": "acme"}),
    }


async def tree_of_acme(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    organization: dict[str, Any] = (await execute(client, token, TREE, {"slug": "acme"}))["organization"]
    return organization


async def audit_log_nodes(client: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = (await execute(client, token, AUDIT_LOG, {"slug": "acme"}))["organization"][
        "auditLog"
    ]["nodes"]
    return nodes


def error_fields_and_codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    """The payload's user errors as (field, code); each must also explain itself in a message."""
    assert all(error["message"] for error in payload["userErrors"]), payload["userErrors"]
    return [(error["field"], error["code"]) for error in payload["userErrors"]]


def effective(value: str, source: str, inherited_value: str, inherited_from: str) -> dict[str, Any]:
    """An unlocked effective stopping point."""
    return {
        "value": value,
        "source": source,
        "inheritedValue": inherited_value,
        "inheritedFrom": inherited_from,
        "locked": False,
        "overrideIgnored": False,
    }


async def test_organization_only_sets_the_organization_stopping_point(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    await make_project(engine, org, "web")
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client, token, organizationId=organization_id(org), organizationStoppingPoint="MERGE"
    )

    assert (payload["userErrors"], payload["projects"]) == ([], [])
    assert payload["organization"]["settings"] == {"stoppingPoint": "MERGE", "version": 2}
    (web,) = (await tree_of_acme(client, token))["projects"]["nodes"]
    assert web["effectiveSettings"]["stoppingPoint"] == effective(
        "MERGE", "ORGANIZATION", "MERGE", "ORGANIZATION"
    )


async def test_projects_only_override_the_stopping_point_and_leave_the_organization(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.MERGE})
    web = await make_project(engine, org, "web")
    api = await make_project(engine, org, "api")
    await make_project(engine, org, "docs")
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        projectIds=[project_id(web), project_id(api)],
        projectStoppingPoint="SUGGESTION",
    )

    assert payload["userErrors"] == []
    assert payload["organization"]["settings"] == {"stoppingPoint": "MERGE", "version": 1}
    assert [
        (project["id"], project["effectiveSettings"]["stoppingPoint"]) for project in payload["projects"]
    ] == [
        (project_id(web), effective("SUGGESTION", "PROJECT", "MERGE", "ORGANIZATION")),
        (project_id(api), effective("SUGGESTION", "PROJECT", "MERGE", "ORGANIZATION")),
    ]
    overrides = {
        node["slug"]: node["overrides"]["stoppingPoint"]
        for node in (await tree_of_acme(client, token))["projects"]["nodes"]
    }
    assert overrides == {"api": "SUGGESTION", "docs": None, "web": "SUGGESTION"}


async def test_null_project_stopping_point_makes_the_projects_inherit(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.SUGGESTION})
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        projectIds=[project_id(web)],
        projectStoppingPoint=None,
    )

    assert payload["userErrors"] == []
    (stored,) = (await tree_of_acme(client, token))["projects"]["nodes"]
    assert stored["overrides"]["stoppingPoint"] is None
    assert stored["effectiveSettings"]["stoppingPoint"] == effective(
        "SUGGESTION", "ORGANIZATION", "SUGGESTION", "ORGANIZATION"
    )


async def test_organization_and_projects_in_one_call_share_one_audit_batch(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.PULL_REQUEST})
    web = await make_project(engine, org, "web")
    api = await make_project(engine, org, "api", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org, "alice", Role.OWNER)

    await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectIds=[project_id(web), project_id(api)],
        projectStoppingPoint="SUGGESTION",
    )

    entries = await audit_log_nodes(client, token)
    assert len({entry["batchId"] for entry in entries}) == 1
    assert {
        entry["targetId"]: (entry["action"], entry["actor"], entry["targetType"], entry["changes"])
        for entry in entries
    } == {
        organization_id(org): (
            "ORGANIZATION_SETTINGS_UPDATED",
            "alice",
            "ORGANIZATION",
            [{"field": "stoppingPoint", "before": "PULL_REQUEST", "after": "MERGE"}],
        ),
        project_id(web): (
            "PROJECT_SETTINGS_UPDATED",
            "alice",
            "PROJECT",
            [{"field": "stoppingPoint", "before": None, "after": "SUGGESTION"}],
        ),
        project_id(api): (
            "PROJECT_SETTINGS_UPDATED",
            "alice",
            "PROJECT",
            [{"field": "stoppingPoint", "before": "MERGE", "after": "SUGGESTION"}],
        ),
    }


async def test_projects_already_at_the_stopping_point_are_not_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.MERGE})
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.SUGGESTION})
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectIds=[project_id(web)],
        projectStoppingPoint="SUGGESTION",
    )

    assert payload["userErrors"] == []
    assert await stored_state(client, token) == before


@pytest.mark.parametrize(
    ("stopping_points", "field"),
    [
        pytest.param({"organizationStoppingPoint": "MERGE"}, "projectStoppingPoint", id="project-missing"),
        pytest.param(
            {"organizationStoppingPoint": None, "projectStoppingPoint": "MERGE"},
            "organizationStoppingPoint",
            id="organization-null",
        ),
    ],
)
async def test_missing_or_null_stopping_point_is_invalid_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient, stopping_points: dict[str, str | None], field: str
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client, token, organizationId=organization_id(org), projectIds=[project_id(web)], **stopping_points
    )

    assert error_fields_and_codes(payload) == [(["input", field], "INVALID_VALUE")]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_project_value_for_a_locked_stopping_point_is_refused_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", locked=["stopping_point"])
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        projectIds=[project_id(web)],
        projectStoppingPoint="MERGE",
    )

    assert error_fields_and_codes(payload) == [(["input", "projectStoppingPoint"], "LOCKED")]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_null_for_a_locked_stopping_point_removes_the_ignored_overrides(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", locked=["stopping_point"])
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        projectIds=[project_id(web)],
        projectStoppingPoint=None,
    )

    assert payload["userErrors"] == []
    (stored,) = (await tree_of_acme(client, token))["projects"]["nodes"]
    assert (
        stored["overrides"]["stoppingPoint"],
        stored["effectiveSettings"]["stoppingPoint"]["overrideIgnored"],
    ) == (
        None,
        False,
    )


@pytest.mark.parametrize("kind", ["unknown", "foreign", "malformed"])
async def test_one_bad_project_id_names_its_index_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient, kind: str
) -> None:
    org = await make_organization(engine, "acme", settings={})
    keys = [await make_project(engine, org, slug) for slug in ("p0", "p1", "p3")]
    other = await make_organization(engine, "globex")
    bad_id = {
        "unknown": project_id(2**31 - 1),
        "foreign": project_id(await make_project(engine, other, "p2")),
        "malformed": "not-an-id",
    }[kind]
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectIds=[project_id(keys[0]), project_id(keys[1]), bad_id, project_id(keys[2])],
        projectStoppingPoint="SUGGESTION",
    )

    assert error_fields_and_codes(payload) == [(["input", "projectIds", "2"], "NOT_FOUND")]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_admin_may_not_set_the_organization_stopping_point_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org, "bob", Role.ADMIN)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectIds=[project_id(web)],
        projectStoppingPoint="SUGGESTION",
    )

    assert [code for _, code in error_fields_and_codes(payload)] == ["FORBIDDEN"]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


@pytest.mark.parametrize(
    ("role", "part", "allowed"),
    [
        (Role.MEMBER, "organization", False),
        (Role.MEMBER, "projects", False),
        (Role.ADMIN, "organization", False),
        (Role.ADMIN, "projects", True),
        (Role.OWNER, "organization", True),
        (Role.OWNER, "projects", True),
    ],
)
async def test_organization_needs_an_owner_and_projects_an_admin(
    engine: AsyncEngine, client: httpx.AsyncClient, role: Role, part: str, allowed: bool
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org, "bob", role)
    input = (
        {"organizationStoppingPoint": "MERGE"}
        if part == "organization"
        else {"projectIds": [project_id(web)], "projectStoppingPoint": "MERGE"}
    )

    payload = await set_stopping_point(client, token, organizationId=organization_id(org), **input)

    assert [code for _, code in error_fields_and_codes(payload)] == ([] if allowed else ["FORBIDDEN"])


async def test_owner_of_another_organization_finds_no_organization_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    other_token = await make_token(engine, await make_organization(engine, "globex"), "mallory")
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client,
        other_token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectIds=[project_id(web)],
        projectStoppingPoint="SUGGESTION",
    )

    assert error_fields_and_codes(payload) == [(["input", "organizationId"], "NOT_FOUND")]
    assert await stored_state(client, token) == before


@pytest.mark.parametrize("value", [pytest.param("MERGE", id="success"), pytest.param(None, id="user-error")])
async def test_client_mutation_id_is_echoed(
    engine: AsyncEngine, client: httpx.AsyncClient, value: str | None
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint=value,
        clientMutationId="call-7",
    )

    assert bool(payload["userErrors"]) == (value is None)
    assert payload["clientMutationId"] == "call-7"
