"""`aisettings export`: organizations in the import format (app/exchange_format.py). Importing an export
into the same database changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.repositories import RepositoryProvider
from aisettings.models.settings import SETTINGS
from aisettings.models.tables import member, organization, override_column, project, repository, user_account
from aisettings.resolvers.loaders import organizations_with_settings
from aisettings.resolvers.mutations.settings_changes import organization_json
from aisettings.resolvers.records import organization_settings_values


async def export_organizations(engine: AsyncEngine, slug: str | None = None) -> dict[str, Any]:
    """Every organization (or the one with `slug`) in the import format: importing the export into the
    same database changes nothing."""
    async with engine.connect() as connection:
        orgs_query = organizations_with_settings().order_by(organization.c.slug)
        if slug is not None:
            orgs_query = orgs_query.where(organization.c.slug == slug)
        exported = []
        for org in (await connection.execute(orgs_query)).all():
            exported.append(await _export_organization(connection, org))
    return {"organizations": exported}


async def _export_organization(connection: AsyncConnection, org: Any) -> dict[str, Any]:
    settings = {
        key: value
        for key, value in organization_json(organization_settings_values(org)).items()
        if value is not None
    }
    members = (
        await connection.execute(
            select(user_account.c.login, member.c.role)
            .join(member, member.c.user_id == user_account.c.id)
            .where(member.c.organization_id == org.id)
            .order_by(user_account.c.login)
        )
    ).all()
    projects = (
        await connection.execute(
            select(project).where(project.c.organization_id == org.id).order_by(project.c.slug)
        )
    ).all()
    repositories = (
        await connection.execute(
            select(repository)
            .join(project, project.c.id == repository.c.project_id)
            .where(project.c.organization_id == org.id)
            .order_by(repository.c.project_id, repository.c.provider, repository.c.name)
        )
    ).all()
    repositories_by_project: dict[int, list[dict[str, Any]]] = {}
    for repo in repositories:
        repositories_by_project.setdefault(repo.project_id, []).append(
            {
                "provider": RepositoryProvider(repo.provider).value,
                "name": repo.name,
                "aiEnabled": repo.ai_enabled,
                "branchPatterns": list(repo.branch_patterns),
            }
        )
    return {
        "slug": org.slug,
        "name": org.name,
        "settings": settings,
        "members": [{"login": m.login, "role": m.role.value} for m in members],
        "projects": [
            {
                "slug": p.slug,
                "name": p.name,
                "overrides": {
                    s.field_name: s.serialize(getattr(p, override_column(s)))
                    for s in SETTINGS
                    if getattr(p, override_column(s)) is not None
                },
                "repositories": repositories_by_project.get(p.id, []),
            }
            for p in projects
        ],
    }
