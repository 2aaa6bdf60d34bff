"""Objects addressed the way REST paths name them (an organization's slug, a project's slug in it, a
repository's number in a project), and plain slices of their lists: the reads of app/rest/. Only what
the viewer may see is found; anything else is None, as if it did not exist."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.limits import MAX_SLUG_LENGTH
from aisettings.models.tables import is_primary_key, organization, project, repository
from aisettings.models.text import is_storable

from .loaders import organizations_with_settings, projects_with_settings
from .projects import ProjectFilter, filter_conditions
from .records import (
    OrganizationRecord,
    ProjectRecord,
    RepositoryRecord,
    organization_record,
    organization_settings_values,
    project_record,
    repository_record,
)
from .viewer import Viewer


def _slug_may_exist(slug: str) -> bool:
    """Whether a database may hold `slug` at all (a path may carry anything, a NUL byte included)."""
    return len(slug) <= MAX_SLUG_LENGTH and is_storable(slug)


async def organization_by_slug(
    connection: AsyncConnection, viewer: Viewer, slug: str
) -> OrganizationRecord | None:
    visible = viewer.visible_organization_ids()
    if not visible or not _slug_may_exist(slug):
        return None
    statement = organizations_with_settings().where(
        organization.c.slug == slug, organization.c.id.in_(visible)
    )
    row = (await connection.execute(statement)).one_or_none()
    return None if row is None else organization_record(row)


async def project_by_slugs(
    connection: AsyncConnection, viewer: Viewer, organization_slug: str, project_slug: str
) -> ProjectRecord | None:
    """The project `project_slug` of the organization `organization_slug`, with its organization's
    settings, in one statement."""
    visible = viewer.visible_organization_ids()
    if not visible or not (_slug_may_exist(organization_slug) and _slug_may_exist(project_slug)):
        return None
    statement = (
        projects_with_settings()
        .join(organization, organization.c.id == project.c.organization_id)
        .where(
            organization.c.slug == organization_slug,
            organization.c.id.in_(visible),
            project.c.slug == project_slug,
        )
    )
    row = (await connection.execute(statement)).one_or_none()
    return None if row is None else project_record(row, organization_settings_values(row))


def primary_key_of(text: str) -> int | None:
    """The primary key a path's decimal number names, or None when it can name none."""
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    key = int(text)
    return key if is_primary_key(key) else None


async def repository_of_project(
    connection: AsyncConnection, parent: ProjectRecord, repository_id: int
) -> RepositoryRecord | None:
    statement = select(repository).where(
        repository.c.id == repository_id, repository.c.project_id == parent.id
    )
    row = (await connection.execute(statement)).one_or_none()
    return None if row is None else repository_record(row)


async def project_slice(
    connection: AsyncConnection,
    organization: OrganizationRecord,
    spec: ProjectFilter,
    offset: int,
    limit: int,
) -> list[ProjectRecord]:
    """At most `limit` of the organization's projects that `spec` selects, by slug, from `offset`."""
    statement = (
        select(project)
        .where(*filter_conditions(organization.id, spec))
        .order_by(project.c.slug, project.c.id)
        .offset(offset)
        .limit(limit)
    )
    rows = (await connection.execute(statement)).all()
    return [project_record(row, organization.settings) for row in rows]


async def repository_slice(
    connection: AsyncConnection, parent: ProjectRecord, offset: int, limit: int
) -> list[RepositoryRecord]:
    """At most `limit` of the project's repositories, by id, from `offset`."""
    statement = (
        select(repository)
        .where(repository.c.project_id == parent.id)
        .order_by(repository.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [repository_record(row) for row in (await connection.execute(statement)).all()]
