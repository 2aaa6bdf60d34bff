"""addRepository, updateRepository, removeRepository and bulkUpdateRepositories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.access import Permission
from aisettings.models.audit import AuditAction, AuditTarget, field_changes
from aisettings.models.repositories import RepositoryProvider, branch_patterns_errors, repository_name_error
from aisettings.models.tables import repository, utc_now
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import ProjectRecord, RepositoryRecord, repository_record

from .audit import AuditBatch
from .errors import MutationFailed, UserError, UserErrorCode, fail, raise_if_any, stale_version
from .events import repository_event
from .given import Given
from .targets import (
    authorize,
    load_projects,
    load_repositories,
    load_repositories_in_order,
    lock_organization,
    lock_organization_of_target,
    not_found,
)
from .unit_of_work import mutation_unit

INPUT = "input"
RepositoryInProject = tuple[RepositoryRecord, ProjectRecord]


def _pattern_errors(patterns: list[str], path: list[str]) -> list[UserError]:
    return [
        UserError([*path, str(index)], UserErrorCode.INVALID_BRANCH_PATTERN, message)
        for index, message in branch_patterns_errors(patterns)
    ]


def audit_json(record: RepositoryRecord) -> dict[str, Any]:
    return {"aiEnabled": record.ai_enabled, "branchPatterns": list(record.branch_patterns)}


def _repository_values(
    ai_enabled: Given[bool | None] | None, branch_patterns: Given[list[str] | None] | None
) -> dict[str, Any]:
    """The values to set (column -> value), or MutationFailed for null or invalid ones."""
    errors: list[UserError] = []
    values: dict[str, Any] = {}
    if ai_enabled is not None:
        if ai_enabled.value is None:
            errors.append(
                UserError([INPUT, "aiEnabled"], UserErrorCode.INVALID_VALUE, "aiEnabled cannot be null.")
            )
        else:
            values["ai_enabled"] = ai_enabled.value
    if branch_patterns is not None:
        if branch_patterns.value is None:
            errors.append(
                UserError(
                    [INPUT, "branchPatterns"],
                    UserErrorCode.INVALID_VALUE,
                    "branchPatterns cannot be null; pass [] for the default branch only.",
                )
            )
        else:
            errors += _pattern_errors(branch_patterns.value, [INPUT, "branchPatterns"])
            values["branch_patterns"] = branch_patterns.value
    raise_if_any(errors)
    return values


async def add_repository(
    context: Context,
    project_id: str,
    provider: RepositoryProvider,
    name: str,
    ai_enabled: bool | None,
    branch_patterns: list[str] | None,
) -> RepositoryInProject:
    """`ai_enabled` and `branch_patterns` default to true and [] when left out; None is an explicit null."""
    path = [INPUT, "projectId"]

    async with mutation_unit(context) as unit:
        connection = unit.connection
        organization, key = await lock_organization_of_target(
            connection, context.viewer, "Project", project_id, path, Permission.ADMINISTER_PROJECTS
        )
        values = _repository_values(Given(ai_enabled), Given(branch_patterns))
        name_error = repository_name_error(provider, name)
        if name_error is not None:
            raise fail([INPUT, "name"], UserErrorCode.INVALID_VALUE, name_error)
        parent = (await load_projects(connection, organization.id, [key]))[key]
        # Providers treat names case-insensitively: "Acme/Web" is "acme/web".
        duplicate = select(repository.c.id).where(
            repository.c.project_id == key,
            repository.c.provider == provider.value,
            func.lower(repository.c.name) == name.lower(),
        )
        if (await connection.execute(duplicate)).first() is not None:
            raise fail(
                [INPUT, "name"], UserErrorCode.DUPLICATE, f"The project already has the repository {name!r}."
            )
        added = await insert_repository(connection, key, provider, name, values, unit.audit(organization.id))
    return added, parent


async def insert_repository(
    connection: AsyncConnection,
    project_id: int,
    provider: RepositoryProvider,
    name: str,
    values: dict[str, Any],
    audit: AuditBatch,
) -> RepositoryRecord:
    """A new repository with `values` (column -> value; the defaults for those left out), audited."""
    row = (
        await connection.execute(
            insert(repository)
            .values(
                project_id=project_id,
                provider=provider.value,
                name=name,
                **values,
                last_configured_at=utc_now(),
            )
            .returning(*repository.c)
        )
    ).one()
    added = repository_record(row)
    audit.add(
        AuditAction.REPOSITORY_ADDED,
        AuditTarget.REPOSITORY,
        added.id,
        field_changes({}, {"provider": provider.value, "name": name, **audit_json(added)}),
    )
    audit.emit(repository_event("added", added))
    return added


async def apply_repository_values(
    connection: AsyncConnection, targets: list[RepositoryInProject], values: dict[str, Any], audit: AuditBatch
) -> list[RepositoryInProject]:
    """Sets `values` on every target in one UPDATE of those that change; each target as it is now."""
    now = utc_now()
    results: list[RepositoryInProject] = []
    changed_ids: list[int] = []
    for record, parent in targets:
        after = record._replace(**values)
        changes = field_changes(audit_json(record), audit_json(after))
        if changes:
            after = after._replace(last_configured_at=now, version=record.version + 1)
            changed_ids.append(record.id)
            audit.add(AuditAction.REPOSITORY_UPDATED, AuditTarget.REPOSITORY, record.id, changes)
            audit.emit(repository_event("modified", after))
        results.append((after, parent))
    if changed_ids:
        await connection.execute(
            update(repository)
            .where(repository.c.id.in_(changed_ids))
            .values(**values, last_configured_at=now, version=repository.c.version + 1)
        )
    return results


def _check_version(record: RepositoryRecord, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != record.version:
        raise MutationFailed([stale_version([INPUT], "repository", record.version, expected_version)])


async def update_repository(
    context: Context,
    repository_id: str,
    ai_enabled: Given[bool | None] | None,
    branch_patterns: Given[list[str] | None] | None,
    expected_version: int | None = None,
) -> RepositoryInProject:
    path = [INPUT, "repositoryId"]

    async with mutation_unit(context) as unit:
        organization, key = await lock_organization_of_target(
            unit.connection, context.viewer, "Repository", repository_id, path, Permission.ADMINISTER_PROJECTS
        )
        values = _repository_values(ai_enabled, branch_patterns)
        target = (await load_repositories(unit.connection, organization.id, [key]))[key]
        _check_version(target[0], expected_version)
        (result,) = await apply_repository_values(
            unit.connection, [target], values, unit.audit(organization.id)
        )
    return result


async def remove_repository(context: Context, repository_id: str, expected_version: int | None = None) -> int:
    """The primary key of the removed repository."""
    path = [INPUT, "repositoryId"]

    async with mutation_unit(context) as unit:
        organization, key = await lock_organization_of_target(
            unit.connection, context.viewer, "Repository", repository_id, path, Permission.ADMINISTER_PROJECTS
        )
        record, _ = (await load_repositories(unit.connection, organization.id, [key]))[key]
        _check_version(record, expected_version)
        await unit.connection.execute(delete(repository).where(repository.c.id == key))
        before = {"provider": record.provider, "name": record.name, **audit_json(record)}
        audit = unit.audit(organization.id)
        audit.add(
            AuditAction.REPOSITORY_REMOVED,
            AuditTarget.REPOSITORY,
            key,
            field_changes(before, dict.fromkeys(before)),
        )
        audit.emit(repository_event("removed", record))
    return key


@dataclass(frozen=True)
class BulkRepositoriesResult:
    repositories: list[RepositoryInProject]
    batch_id: str | None


async def bulk_update_repositories(
    context: Context,
    repository_ids: list[str],
    ai_enabled: Given[bool | None] | None,
    branch_patterns: Given[list[str] | None] | None,
) -> BulkRepositoriesResult:
    """All or nothing, on repositories of the viewer's organization (a token acts in exactly one)."""
    path = [INPUT, "repositoryIds"]

    viewer = context.viewer
    async with mutation_unit(context) as unit:
        connection = unit.connection
        organization = await lock_organization(
            connection, viewer, viewer.organization_id, Permission.READ_PROJECTS
        )
        if organization is None:
            raise_if_any(
                [not_found([*path, str(i)], "Repository", gid) for i, gid in enumerate(repository_ids)]
            )
            return BulkRepositoriesResult([], None)
        authorize(viewer, organization.id, Permission.ADMINISTER_PROJECTS, path)
        targets, errors = await load_repositories_in_order(connection, organization.id, repository_ids, path)
        raise_if_any(errors)
        values = _repository_values(ai_enabled, branch_patterns)
        results = await apply_repository_values(connection, targets, values, unit.audit(organization.id))
    return BulkRepositoriesResult(results, unit.batch_id)
