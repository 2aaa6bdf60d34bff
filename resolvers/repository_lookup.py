"""Repositories of an organization by provider and name, as the AI assistant asks for them ("may I fix
github:acme/web?"): names compare ignoring case, as providers and the duplicate checks do. Two
statements whatever the number asked: the repositories, then their projects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.tables import project, repository

from .records import OrganizationRecord, ProjectRecord, RepositoryRecord, project_record, repository_record


@dataclass(frozen=True, slots=True)
class RepositoryReference:
    provider: str  # RepositoryProvider's value: GITHUB, ...
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return self.provider, self.name.lower()


async def fetch_repositories_by_name(
    connection: AsyncConnection, organization: OrganizationRecord, references: tuple[RepositoryReference, ...]
) -> list[tuple[RepositoryRecord, ProjectRecord] | None]:
    """Each reference's repository with its project, in order; None for one the organization does not
    have. A repository listed in several projects is the one of the first project by slug."""
    if not references:
        return []
    keys = {reference.key for reference in references}
    found_repositories = await connection.execute(
        select(repository)
        .join(project, project.c.id == repository.c.project_id)
        .where(
            project.c.organization_id == organization.id,
            tuple_(repository.c.provider, func.lower(repository.c.name)).in_(keys),
        )
        .order_by(project.c.slug.desc(), repository.c.id.desc())  # the first of each key is written last
    )
    by_key = {(row.provider, row.name.lower()): repository_record(row) for row in found_repositories}
    project_ids = {record.project_id for record in by_key.values()}
    projects = (
        {
            row.id: project_record(row, organization.settings)
            for row in await connection.execute(select(project).where(project.c.id.in_(project_ids)))
        }
        if project_ids
        else {}
    )
    return [
        None if (record := by_key.get(reference.key)) is None else (record, projects[record.project_id])
        for reference in references
    ]
