"""addRepository, updateRepository, removeRepository and bulkUpdateRepositories."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import Maybe, Some

from aisettings.models.access import Scope
from aisettings.models.audit import AuditAction, AuditTarget, field_changes
from aisettings.models.repositories import RepositoryProvider, branch_patterns_errors, repository_name_error
from aisettings.models.tables import repository, utc_now
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import (
    OrganizationRecord,
    ProjectRecord,
    RepositoryRecord,
    repository_record,
)

from .audit import AuditBatch
from .errors import MutationFailed, UserError, UserErrorCode, fail, raise_if_any
from .targets import (
    authorize,
    decode_id,
    decode_ids,
    load_projects,
    load_repositories,
    lock_organization,
    not_found,
    organization_id_of_project,
    organization_id_of_repository,
)
from .transaction import run_write

INPUT = "input"
RepositoryInProject = tuple[RepositoryRecord, ProjectRecord]


def _pattern_errors(patterns: list[str], path: list[str]) -> list[UserError]:
    return [
        UserError(
            path if index is None else [*path, str(index)], UserErrorCode.INVALID_BRANCH_PATTERN, message
        )
        for index, message in branch_patterns_errors(patterns)
    ]


def _audit_json(record: RepositoryRecord) -> dict[str, Any]:
    return {"aiEnabled": record.ai_enabled, "branchPatterns": list(record.branch_patterns)}


def _repository_values(
    ai_enabled: Maybe[bool | None], branch_patterns: Maybe[list[str] | None]
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


async def _lock_organization_of(
    connection: AsyncConnection,
    context: Context,
    organization_id: int | None,
    path: list[str],
    global_id: str,
) -> OrganizationRecord:
    organization = (
        None
        if organization_id is None
        else await lock_organization(connection, context.viewer, organization_id, Scope.PROJECT_READ)
    )
    if organization is None:
        type_name = "Project" if path[-1] == "projectId" else "Repository"
        raise MutationFailed([not_found(path, type_name, global_id)])
    authorize(context.viewer, organization.id, Scope.PROJECT_ADMIN, path)
    return organization


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
    values = _repository_values(Some(ai_enabled), Some(branch_patterns))
    name_error = repository_name_error(provider, name)
    if name_error is not None:
        raise fail([INPUT, "name"], UserErrorCode.INVALID_VALUE, name_error)

    async def work(connection: AsyncConnection) -> RepositoryInProject:
        key = decode_id(project_id, "Project", path)
        organization = await _lock_organization_of(
            connection, context, await organization_id_of_project(connection, key), path, project_id
        )
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
        row = (
            await connection.execute(
                insert(repository)
                .values(
                    project_id=key,
                    provider=provider.value,
                    name=name,
                    **values,
                    last_configured_at=utc_now(),
                )
                .returning(*repository.c)
            )
        ).one()
        added = repository_record(row)
        audit = AuditBatch(organization.id, context.viewer.login, context.request_id)
        audit.add(
            AuditAction.REPOSITORY_ADDED,
            AuditTarget.REPOSITORY,
            added.id,
            field_changes({}, {"provider": provider.value, "name": name, **_audit_json(added)}),
        )
        await audit.write(connection)
        return added, parent

    return await run_write(context.engine, work)


async def _apply_repository_values(
    connection: AsyncConnection, targets: list[RepositoryInProject], values: dict[str, Any], audit: AuditBatch
) -> list[RepositoryInProject]:
    """Sets `values` on every target in one UPDATE of those that change; each target as it is now."""
    now = utc_now()
    results: list[RepositoryInProject] = []
    changed_ids: list[int] = []
    for record, parent in targets:
        after = dataclasses.replace(record, **values)
        changes = field_changes(_audit_json(record), _audit_json(after))
        if changes:
            after = dataclasses.replace(after, last_configured_at=now)
            changed_ids.append(record.id)
            audit.add(AuditAction.REPOSITORY_UPDATED, AuditTarget.REPOSITORY, record.id, changes)
        results.append((after, parent))
    if changed_ids:
        await connection.execute(
            update(repository)
            .where(repository.c.id.in_(changed_ids))
            .values(**values, last_configured_at=now)
        )
    return results


async def update_repository(
    context: Context,
    repository_id: str,
    ai_enabled: Maybe[bool | None],
    branch_patterns: Maybe[list[str] | None],
) -> RepositoryInProject:
    path = [INPUT, "repositoryId"]
    values = _repository_values(ai_enabled, branch_patterns)

    async def work(connection: AsyncConnection) -> RepositoryInProject:
        key = decode_id(repository_id, "Repository", path)
        organization = await _lock_organization_of(
            connection, context, await organization_id_of_repository(connection, key), path, repository_id
        )
        target = (await load_repositories(connection, organization.id, [key]))[key]
        audit = AuditBatch(organization.id, context.viewer.login, context.request_id)
        (result,) = await _apply_repository_values(connection, [target], values, audit)
        await audit.write(connection)
        return result

    return await run_write(context.engine, work)


async def remove_repository(context: Context, repository_id: str) -> int:
    """The primary key of the removed repository."""
    path = [INPUT, "repositoryId"]

    async def work(connection: AsyncConnection) -> int:
        key = decode_id(repository_id, "Repository", path)
        organization = await _lock_organization_of(
            connection, context, await organization_id_of_repository(connection, key), path, repository_id
        )
        record, _ = (await load_repositories(connection, organization.id, [key]))[key]
        await connection.execute(delete(repository).where(repository.c.id == key))
        audit = AuditBatch(organization.id, context.viewer.login, context.request_id)
        before = {"provider": record.provider, "name": record.name, **_audit_json(record)}
        audit.add(
            AuditAction.REPOSITORY_REMOVED,
            AuditTarget.REPOSITORY,
            key,
            field_changes(before, dict.fromkeys(before)),
        )
        await audit.write(connection)
        return key

    return await run_write(context.engine, work)


@dataclass(frozen=True)
class BulkRepositoriesResult:
    repositories: list[RepositoryInProject]
    batch_id: str | None


async def bulk_update_repositories(
    context: Context,
    repository_ids: list[str],
    ai_enabled: Maybe[bool | None],
    branch_patterns: Maybe[list[str] | None],
) -> BulkRepositoriesResult:
    """All or nothing, on repositories of the viewer's organization (a token acts in exactly one)."""
    path = [INPUT, "repositoryIds"]
    values = _repository_values(ai_enabled, branch_patterns)

    async def work(connection: AsyncConnection) -> BulkRepositoriesResult:
        viewer = context.viewer
        keys, errors = decode_ids(repository_ids, "Repository", path)
        organization = await lock_organization(connection, viewer, viewer.organization_id, Scope.PROJECT_READ)
        found = (
            {}
            if organization is None
            else await load_repositories(connection, organization.id, [k for k in keys if k is not None])
        )
        targets: dict[int, RepositoryInProject] = {}
        for index, key in enumerate(keys):
            if key is not None and key in found:
                targets.setdefault(key, found[key])
            elif key is not None:
                errors.append(not_found([*path, str(index)], "Repository", repository_ids[index]))
        raise_if_any(errors)
        if organization is None:
            return BulkRepositoriesResult([], None)
        authorize(viewer, organization.id, Scope.PROJECT_ADMIN, path)
        audit = AuditBatch(organization.id, viewer.login, context.request_id)
        results = await _apply_repository_values(connection, list(targets.values()), values, audit)
        await audit.write(connection)
        return BulkRepositoriesResult(results, audit.batch_id if audit.changed_anything else None)

    return await run_write(context.engine, work)
