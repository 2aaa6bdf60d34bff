"""The scope matrix of the issue, for every path and method: a member reads, an admin also writes
projects and repositories (project:admin), an owner also the organization's settings (org:admin), and
the owner of another organization finds nothing (404, as for what does not exist)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import Role
from tests.factories import make_repository, make_token
from tests.rest import (
    BULK,
    ORGANIZATION_SETTINGS,
    PROJECT_SETTINGS,
    PROJECTS_WITH_OVERRIDES,
    REPOSITORIES,
    call,
    given_acme,
    other_owner,
)

REPOSITORY = f"{REPOSITORIES}{{repository}}/"
OVERRIDES = {"scan_enabled_override": None, "fix_enabled_override": True, "stopping_point_override": None}

# (method, path, body, status when allowed, the least role allowed)
MATRIX: list[tuple[str, str, dict[str, Any] | None, int, Role]] = [
    ("GET", ORGANIZATION_SETTINGS, None, 200, Role.MEMBER),
    ("PUT", ORGANIZATION_SETTINGS, {"fix_enabled": True}, 200, Role.OWNER),
    ("PATCH", ORGANIZATION_SETTINGS, {"fix_enabled": True}, 200, Role.OWNER),
    ("GET", PROJECT_SETTINGS, None, 200, Role.MEMBER),
    ("PUT", PROJECT_SETTINGS, OVERRIDES, 200, Role.ADMIN),
    ("PATCH", PROJECT_SETTINGS, {"fix_enabled_override": True}, 200, Role.ADMIN),
    ("GET", PROJECTS_WITH_OVERRIDES, None, 200, Role.MEMBER),
    ("GET", REPOSITORIES, None, 200, Role.MEMBER),
    ("POST", REPOSITORIES, {"provider": "github", "name": "acme/new"}, 201, Role.ADMIN),
    ("GET", REPOSITORY, None, 200, Role.MEMBER),
    ("PUT", REPOSITORY, {"ai_enabled": False}, 200, Role.ADMIN),
    ("PATCH", REPOSITORY, {"ai_enabled": False}, 200, Role.ADMIN),
    ("DELETE", REPOSITORY, None, 204, Role.ADMIN),
    (
        "POST",
        BULK,
        {"project_ids": ["{project}"], "changes": {"fix_enabled_override": True}},
        200,
        Role.ADMIN,
    ),
]
RANK = {Role.MEMBER: 0, Role.ADMIN: 1, Role.OWNER: 2}
CALLERS = ["member", "admin", "owner", "another organization's owner"]


def _filled(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_filled(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _filled(item, names) for key, item in value.items()}
    return value


def _expected(caller: str, allowed_status: int, least: Role) -> int:
    if caller == "another organization's owner":
        return 404
    return allowed_status if RANK[Role(caller)] >= RANK[least] else 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("method", "path", "body", "allowed_status", "least"),
    MATRIX,
    ids=[f"{method} {path}" for method, path, *_ in MATRIX],
)
async def test_each_caller_may_do_what_its_scopes_allow(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    caller: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    allowed_status: int,
    least: Role,
) -> None:
    acme = await given_acme(engine)
    repository = await make_repository(engine, acme.project, "acme/web")
    tokens = {"member": acme.member, "admin": acme.admin, "owner": acme.owner}
    tokens["another organization's owner"] = await other_owner(engine)
    names = {"repository": str(repository), "project": str(acme.project)}

    response = await call(client, method, _filled(path, names), tokens[caller], _filled(body, names))

    assert response.status_code == _expected(caller, allowed_status, least), response.text
    if response.status_code == 403:
        assert response.json() == {"detail": "You do not have permission to perform this action."}


async def test_a_token_narrowed_to_fewer_scopes_has_only_those(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    reader = await make_token(engine, acme.org, "rita", Role.OWNER, scopes=["org:read", "project:read"])

    read = await call(client, "GET", ORGANIZATION_SETTINGS, reader)
    write = await call(client, "PATCH", ORGANIZATION_SETTINGS, reader, {"fix_enabled": True})

    assert (read.status_code, write.status_code) == (200, 403)


async def test_a_write_is_refused_before_its_body_is_read(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "PATCH", ORGANIZATION_SETTINGS, acme.member, {"fix_enabled": "garbage"})

    assert response.status_code == 403
