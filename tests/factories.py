"""Test data, inserted directly: small functions, one per kind of object."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.tokens import create_token
from aisettings.models.settings import SETTINGS, SettingValue
from aisettings.models.tables import (
    Role,
    member,
    organization,
    organization_settings,
    override_column,
    project,
    repository,
    user_account,
    utc_now,
)


@dataclass(frozen=True)
class Org:
    id: int
    slug: str


async def make_organization(
    engine: AsyncEngine,
    slug: str = "acme",
    *,
    settings: dict[str, SettingValue | None] | None = None,
    locked: list[str] | None = None,
) -> Org:
    """An organization; with `settings` or `locked`, also its settings row (registry names)."""
    async with engine.begin() as connection:
        organization_id = (
            await connection.execute(
                insert(organization).values(slug=slug, name=slug.capitalize()).returning(organization.c.id)
            )
        ).scalar_one()
        if settings is not None or locked is not None:
            await connection.execute(
                insert(organization_settings).values(
                    organization_id=organization_id,
                    **(settings or {}),
                    locked_settings=locked or [],
                    updated_at=utc_now(),
                )
            )
    return Org(id=organization_id, slug=slug)


async def make_project(
    engine: AsyncEngine,
    org: Org,
    slug: str,
    *,
    name: str | None = None,
    overrides: dict[str, SettingValue | None] | None = None,
    updated_at: dt.datetime | None = None,
) -> int:
    values: dict[str, Any] = {
        override_column(SETTINGS.by_name[setting]): value for setting, value in (overrides or {}).items()
    }
    async with engine.begin() as connection:
        return int(
            (
                await connection.execute(
                    insert(project)
                    .values(
                        organization_id=org.id,
                        slug=slug,
                        name=name or slug.capitalize(),
                        updated_at=updated_at or utc_now(),
                        **values,
                    )
                    .returning(project.c.id)
                )
            ).scalar_one()
        )


async def make_projects(engine: AsyncEngine, org: Org, count: int, repositories_each: int = 0) -> list[int]:
    """`count` projects p0000, p0001, ... with `repositories_each` GitHub repositories each, in bulk."""
    now = utc_now()
    async with engine.begin() as connection:
        ids = (
            (
                await connection.execute(
                    insert(project).returning(project.c.id, sort_by_parameter_order=True),
                    [
                        {
                            "organization_id": org.id,
                            "slug": f"p{i:04d}",
                            "name": f"P{i:04d}",
                            "updated_at": now,
                        }
                        for i in range(count)
                    ],
                )
            )
            .scalars()
            .all()
        )
        if repositories_each:
            await connection.execute(
                insert(repository),
                [
                    {"project_id": project_id, "provider": "GITHUB", "name": f"{org.slug}/r{project_id}-{n}"}
                    for project_id in ids
                    for n in range(repositories_each)
                ],
            )
    return list(ids)


async def make_repository(
    engine: AsyncEngine,
    project_id: int,
    name: str,
    *,
    provider: str = "GITHUB",
    ai_enabled: bool = True,
    branch_patterns: list[str] | None = None,
) -> int:
    async with engine.begin() as connection:
        return int(
            (
                await connection.execute(
                    insert(repository)
                    .values(
                        project_id=project_id,
                        provider=provider,
                        name=name,
                        ai_enabled=ai_enabled,
                        branch_patterns=branch_patterns or [],
                        last_configured_at=utc_now(),
                    )
                    .returning(repository.c.id)
                )
            ).scalar_one()
        )


async def make_member(engine: AsyncEngine, org: Org, login: str, role: Role = Role.MEMBER) -> int:
    async with engine.begin() as connection:
        user_id = (
            await connection.execute(select(user_account.c.id).where(user_account.c.login == login))
        ).scalar_one_or_none()
        if user_id is None:
            user_id = (
                await connection.execute(
                    insert(user_account).values(login=login).returning(user_account.c.id)
                )
            ).scalar_one()
        await connection.execute(insert(member).values(organization_id=org.id, user_id=user_id, role=role))
    return int(user_id)


async def make_token(
    engine: AsyncEngine,
    org: Org,
    login: str = "alice",
    role: Role = Role.OWNER,
    scopes: list[str] | None = None,
) -> str:
    """A token of a new member `login` of `org` with `role`."""
    await make_member(engine, org, login, role)
    return await create_token(engine, org.slug, login, name=f"{login}-token", scopes=scopes)


async def stored_rows(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    """Every stored row (column -> value) by table, in primary key order: equal before and after a call
    that writes nothing. Without api_token, where authenticating a request may record the token's use."""
    rows: dict[str, list[dict[str, Any]]] = {}
    async with engine.connect() as connection:
        for table in project.metadata.sorted_tables:
            if table.name != "api_token":
                statement = select(table).order_by(*table.primary_key.columns)
                rows[table.name] = [dict(row._mapping) for row in await connection.execute(statement)]
    return rows


async def stored_projects(engine: AsyncEngine) -> dict[str, dict[str, Any]]:
    """Each stored project row (column -> value) by slug."""
    return {row["slug"]: row for row in (await stored_rows(engine))["project"]}
