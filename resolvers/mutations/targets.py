"""Finding, locking and authorizing what a mutation writes. Everything of another organization, or that
does not exist, is NOT_FOUND alike; what the viewer may see but not change is FORBIDDEN."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.access import PERMISSION_SCOPES, Permission
from aisettings.models.limits import MAX_BULK_ITEMS
from aisettings.models.tables import organization, project, repository
from aisettings.resolvers.errors import BadUserInput
from aisettings.resolvers.global_ids import decode_global_id_of_type, quoted_id
from aisettings.resolvers.loaders import organizations_with_settings, projects_with_settings
from aisettings.resolvers.records import (
    OrganizationRecord,
    ProjectRecord,
    RepositoryRecord,
    organization_record,
    organization_settings_values,
    project_record,
    repository_record,
)
from aisettings.resolvers.viewer import Viewer

from .errors import MutationFailed, UserError, UserErrorCode, fail

T = TypeVar("T")


def not_found(path: list[str], type_name: str, global_id: str) -> UserError:
    return UserError(
        path, UserErrorCode.NOT_FOUND, f"There is no {type_name.lower()} with id {quoted_id(global_id)}."
    )


def decode_id(global_id: str, type_name: str, path: list[str]) -> int:
    try:
        return decode_global_id_of_type(global_id, type_name)
    except BadUserInput:
        raise MutationFailed([not_found(path, type_name, global_id)]) from None


def decode_ids(
    global_ids: list[str], type_name: str, path: list[str], id_field: tuple[str, ...] = ()
) -> tuple[list[int | None], list[UserError]]:
    """The primary keys (None where malformed) and a NOT_FOUND error for each malformed id, at its index
    in `path`, or at `id_field` of the item there (["input", "projects", "3", "projectId"])."""
    if len(global_ids) > MAX_BULK_ITEMS:
        raise fail(
            path,
            UserErrorCode.TOO_MANY_ITEMS,
            f"{len(global_ids)} ids were given; at most {MAX_BULK_ITEMS} are allowed in one call.",
        )
    keys: list[int | None] = []
    errors: list[UserError] = []
    for index, global_id in enumerate(global_ids):
        try:
            keys.append(decode_global_id_of_type(global_id, type_name))
        except BadUserInput:
            keys.append(None)
            errors.append(not_found([*path, str(index), *id_field], type_name, global_id))
    return keys, errors


def authorize(viewer: Viewer, organization_id: int, permission: Permission, path: list[str]) -> None:
    """FORBIDDEN, naming the input that needs `permission`, unless the viewer has it in the organization."""
    if not viewer.may(permission, organization_id):
        raise fail(
            path,
            UserErrorCode.FORBIDDEN,
            f"You may not do this: it needs the {PERMISSION_SCOPES[permission].value} scope in this "
            "organization.",
        )


async def lock_organization(
    connection: AsyncConnection, viewer: Viewer, organization_id: int, visibility: Permission | None = None
) -> OrganizationRecord | None:
    """The organization with its settings, its row locked until the transaction ends (on PostgreSQL; on
    SQLite, BEGIN IMMEDIATE already holds the database's write lock). Every write of an organization
    locks this row first, so writers of one organization never deadlock and never lose an update.
    None when the viewer may not see it (or, with `visibility`, what in it the mutation targets)."""
    if organization_id not in viewer.visible_organization_ids(visibility):
        return None
    return await lock_organization_row(connection, organization_id)


async def lock_organization_row(
    connection: AsyncConnection, organization_id: int
) -> OrganizationRecord | None:
    """The organization, locked as `lock_organization` says, whoever asks (the import)."""
    lock = select(organization.c.id).where(organization.c.id == organization_id).with_for_update()
    if (await connection.execute(lock)).scalar_one_or_none() is None:
        return None
    # Read in a statement of its own, after the lock: under READ COMMITTED a statement that waited for a
    # lock still sees joined rows as they were when it began, so it would miss the settings that the
    # writer before us committed.
    row = (
        await connection.execute(organizations_with_settings().where(organization.c.id == organization_id))
    ).one()
    return organization_record(row)


async def lock_organization_of(
    connection: AsyncConnection, viewer: Viewer, global_id: str, path: list[str], permission: Permission
) -> OrganizationRecord:
    """The organization of `global_id`, locked and authorized for `permission`."""
    record = await lock_organization(connection, viewer, decode_id(global_id, "Organization", path))
    if record is None:
        raise fail(path, UserErrorCode.NOT_FOUND, f"There is no organization with id {global_id!r}.")
    authorize(viewer, record.id, permission, path)
    return record


async def organization_id_of_project(connection: AsyncConnection, project_id: int) -> int | None:
    statement = select(project.c.organization_id).where(project.c.id == project_id)
    return (await connection.execute(statement)).scalar_one_or_none()


async def organization_id_of_repository(connection: AsyncConnection, repository_id: int) -> int | None:
    statement = (
        select(project.c.organization_id)
        .join(repository, repository.c.project_id == project.c.id)
        .where(repository.c.id == repository_id)
    )
    return (await connection.execute(statement)).scalar_one_or_none()


async def load_projects(
    connection: AsyncConnection, organization_id: int, project_ids: list[int]
) -> dict[int, ProjectRecord]:
    """The projects among `project_ids` that belong to the organization (read after its lock)."""
    statement = projects_with_settings().where(
        project.c.id.in_(project_ids), project.c.organization_id == organization_id
    )
    rows = (await connection.execute(statement)).all()
    if not rows:
        return {}
    # Every row carries the one organization's settings: read them once, and their effective values
    # (cached on them) are then resolved once for all the projects.
    settings = organization_settings_values(rows[0])
    return {row.id: project_record(row, settings) for row in rows}


async def load_repositories(
    connection: AsyncConnection, organization_id: int, repository_ids: list[int]
) -> dict[int, tuple[RepositoryRecord, ProjectRecord]]:
    """The repositories among `repository_ids` of the organization's projects, each with its project."""
    statement = (
        select(repository)
        .join(project, project.c.id == repository.c.project_id)
        .where(repository.c.id.in_(repository_ids), project.c.organization_id == organization_id)
    )
    rows = (await connection.execute(statement)).all()
    project_ids = sorted({row.project_id for row in rows})
    projects = await load_projects(connection, organization_id, project_ids)
    return {row.id: (repository_record(row), projects[row.project_id]) for row in rows}


def in_order(
    global_ids: list[str], keys: list[int | None], found: Mapping[int, T], path: list[str], type_name: str
) -> tuple[list[T], list[UserError]]:
    """The objects `found` for `keys` (decoded from `global_ids`), in order and without repeats, and a
    NOT_FOUND error naming the index of each id that is unknown or of another organization."""
    targets: dict[int, T] = {}
    errors: list[UserError] = []
    for index, key in enumerate(keys):
        if key is None:
            continue  # malformed: decode_ids reported it
        if key in found:
            targets.setdefault(key, found[key])
        else:
            errors.append(not_found([*path, str(index)], type_name, global_ids[index]))
    return list(targets.values()), errors


async def load_projects_in_order(
    connection: AsyncConnection, organization_id: int, global_ids: list[str], path: list[str]
) -> tuple[list[ProjectRecord], list[UserError]]:
    """The projects of `global_ids` in the organization (see `in_order`), with every error."""
    keys, errors = decode_ids(global_ids, "Project", path)
    found = await load_projects(connection, organization_id, [key for key in keys if key is not None])
    targets, missing = in_order(global_ids, keys, found, path, "Project")
    return targets, errors + missing


async def load_repositories_in_order(
    connection: AsyncConnection, organization_id: int, global_ids: list[str], path: list[str]
) -> tuple[list[tuple[RepositoryRecord, ProjectRecord]], list[UserError]]:
    """The repositories of `global_ids` in the organization, each with its project (see `in_order`)."""
    keys, errors = decode_ids(global_ids, "Repository", path)
    found = await load_repositories(connection, organization_id, [key for key in keys if key is not None])
    targets, missing = in_order(global_ids, keys, found, path, "Repository")
    return targets, errors + missing


async def lock_organization_of_target(
    connection: AsyncConnection,
    viewer: Viewer,
    type_name: Literal["Project", "Repository"],
    global_id: str,
    path: list[str],
    permission: Permission,
) -> tuple[OrganizationRecord, int]:
    """The locked organization of a project or repository, authorized for `permission`, and the target's
    primary key; NOT_FOUND when there is no such target the viewer may see."""
    key = decode_id(global_id, type_name, path)
    owner = organization_id_of_project if type_name == "Project" else organization_id_of_repository
    organization_id = await owner(connection, key)
    organization = (
        None
        if organization_id is None
        else await lock_organization(connection, viewer, organization_id, Permission.READ_PROJECTS)
    )
    if organization is None:
        raise MutationFailed([not_found(path, type_name, global_id)])
    authorize(viewer, organization.id, permission, path)
    return organization, key
