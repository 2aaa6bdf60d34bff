"""Calling the REST API over HTTP, as its clients do, and the organization most of its tests use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue
from aisettings.models.tables import Role
from tests.factories import Org, make_organization, make_project, make_token

ORGANIZATION_SETTINGS = "/api/0/organizations/acme/ai-settings/"
PROJECT_SETTINGS = "/api/0/projects/acme/web/ai-settings/"
PROJECTS_WITH_OVERRIDES = "/api/0/organizations/acme/ai-projects/"
REPOSITORIES = "/api/0/projects/acme/web/ai-settings/repositories/"
BULK = "/api/0/organizations/acme/ai-projects/bulk/"


def repository_path(key: int | str) -> str:
    return f"{REPOSITORIES}{key}/"


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    token: str | None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """`method` on `path` with `token`, and `body` as JSON when given."""
    sent = {**({} if token is None else {"Authorization": f"Bearer {token}"}), **(headers or {})}
    if body is None:
        return await client.request(method, path, headers=sent)
    return await client.request(method, path, json=body, headers=sent)


async def ok(
    client: httpx.AsyncClient, method: str, path: str, token: str, body: Any = None, status: int = 200
) -> Any:
    """The JSON answer of a call that must succeed with `status`."""
    response = await call(client, method, path, token, body)
    assert response.status_code == status, response.text
    return response.json() if response.content else None


@dataclass(frozen=True)
class Acme:
    """The organization acme with its project `web`, and tokens of an owner, an admin and a member."""

    org: Org
    project: int
    owner: str
    admin: str
    member: str


async def given_acme(
    engine: AsyncEngine,
    *,
    settings: dict[str, SettingValue | None] | None = None,
    locked: list[str] | None = None,
    overrides: dict[str, SettingValue | None] | None = None,
) -> Acme:
    org = await make_organization(engine, "acme", settings=settings, locked=locked)
    project = await make_project(engine, org, "web", overrides=overrides)
    return Acme(
        org,
        project,
        await make_token(engine, org, "olivia", Role.OWNER),
        await make_token(engine, org, "adam", Role.ADMIN),
        await make_token(engine, org, "mia", Role.MEMBER),
    )


async def other_owner(engine: AsyncEngine) -> str:
    """The token of the owner of another organization, `globex`, with a project `web` too."""
    org = await make_organization(engine, "globex")
    await make_project(engine, org, "web")
    return await make_token(engine, org, "gordon", Role.OWNER)
