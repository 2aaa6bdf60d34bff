"""updateProjectSettings, bulkUpdateProjectSettings and resetProjectSettings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.access import Permission
from aisettings.models.audit import AuditAction
from aisettings.models.limits import MAX_BULK_ITEMS
from aisettings.models.settings import SETTINGS, OrganizationSettingsValues
from aisettings.models.tables import project
from aisettings.resolvers.context import Context
from aisettings.resolvers.loaders import projects_with_settings
from aisettings.resolvers.projects import ProjectFilter, filter_conditions
from aisettings.resolvers.records import (
    AuditEntryRecord,
    OrganizationRecord,
    ProjectRecord,
    organization_settings_values,
    project_record,
)

from .errors import UserError, UserErrorCode, fail, raise_if_any, stale_version
from .settings_changes import ProjectDiff, SettingsChanges, apply_project_overrides, locked_errors
from .targets import (
    authorize,
    load_projects,
    load_projects_in_order,
    lock_organization,
    lock_organization_of,
    lock_organization_of_target,
    not_found,
)
from .unit_of_work import mutation_unit

INPUT = "input"


@dataclass(frozen=True)
class ProjectSettingsResult:
    project: ProjectRecord
    audit_entries: list[AuditEntryRecord]


@dataclass(frozen=True)
class ProjectChanges:
    """One project's changes as a call gives them, and the version the caller read, if it says."""

    project_id: str
    changes: SettingsChanges
    expected_version: int | None = None


def project_changes_errors(
    organization: OrganizationSettingsValues, record: ProjectRecord, changes: ProjectChanges, path: list[str]
) -> list[UserError]:
    """What is wrong with `changes` of the project `record` (whose fields are at `path`) when the
    organization's settings are `organization`: an expectedVersion that is not the project's version;
    else each value of a setting the organization locks."""
    expected = changes.expected_version
    if expected is not None and expected != record.version:
        return [stale_version(path, "project", record.version, expected)]
    return locked_errors(organization, changes.changes, [*path, "changes"])


async def update_project_settings(context: Context, changes: ProjectChanges) -> ProjectSettingsResult:
    async with mutation_unit(context) as unit:
        organization, key = await lock_organization_of_target(
            unit.connection,
            context.viewer,
            "Project",
            changes.project_id,
            [INPUT, "projectId"],
            Permission.ADMINISTER_PROJECTS,
        )
        record = (await load_projects(unit.connection, organization.id, [key]))[key]
        raise_if_any(project_changes_errors(organization.settings, record, changes, [INPUT]))
        (diff,) = await apply_project_overrides(
            unit.connection,
            organization.settings,
            [record],
            changes.changes,
            unit.audit(organization.id),
            AuditAction.PROJECT_SETTINGS_UPDATED,
        )
        entries = await unit.audit_entries()
    return ProjectSettingsResult(diff.after, entries)


@dataclass(frozen=True)
class BulkResult:
    diffs: list[ProjectDiff]  # every target, changed or not
    batch_id: str | None

    @property
    def changed(self) -> list[ProjectDiff]:
        return [diff for diff in self.diffs if diff.changed]


async def bulk_update_project_settings(
    context: Context,
    organization_id: str,
    project_ids: list[str] | None,
    project_filter: ProjectFilter | None,
    changes: SettingsChanges,
    *,
    dry_run: bool,
) -> BulkResult:
    async with mutation_unit(context, dry_run=dry_run) as unit:
        connection = unit.connection
        organization = await lock_organization_of(
            connection,
            context.viewer,
            organization_id,
            [INPUT, "organizationId"],
            Permission.ADMINISTER_PROJECTS,
        )
        if (project_ids is None) == (project_filter is None):
            raise fail(
                [INPUT],
                UserErrorCode.CONFLICTING_INPUT,
                "Give exactly one of projectIds and filter to choose the projects.",
            )
        if project_ids is not None:
            targets, errors = await load_projects_in_order(
                connection, organization.id, project_ids, [INPUT, "projectIds"]
            )
            raise_if_any(errors)
        else:
            assert project_filter is not None
            targets = await _filtered_projects(connection, organization, project_filter)
        raise_if_any(locked_errors(organization.settings, changes, [INPUT, "changes"]))
        audit = unit.audit(organization.id)
        diffs = await apply_project_overrides(
            connection, organization.settings, targets, changes, audit, AuditAction.PROJECT_SETTINGS_UPDATED
        )
    return BulkResult(diffs, unit.batch_id)


async def _filtered_projects(
    connection: AsyncConnection, organization: OrganizationRecord, project_filter: ProjectFilter
) -> list[ProjectRecord]:
    statement = (
        projects_with_settings()
        .where(*filter_conditions(organization.id, project_filter))
        .order_by(project.c.slug)
        .limit(MAX_BULK_ITEMS + 1)
    )
    rows = (await connection.execute(statement)).all()
    if len(rows) > MAX_BULK_ITEMS:
        raise fail(
            [INPUT, "filter"],
            UserErrorCode.TOO_MANY_ITEMS,
            f"The filter matches more than {MAX_BULK_ITEMS} projects; narrow it or make several calls.",
        )
    return [project_record(row, organization_settings_values(row)) for row in rows]


async def reset_project_settings(
    context: Context, project_ids: list[str], settings: list[str] | None, *, dry_run: bool
) -> BulkResult:
    """Removes the projects' overrides of `settings` (all when None). The projects must belong to the
    viewer's organization (a token acts in exactly one)."""
    changes = {s.name: None for s in SETTINGS if settings is None or s.name in settings}

    viewer = context.viewer
    path = [INPUT, "projectIds"]
    async with mutation_unit(context, dry_run=dry_run) as unit:
        connection = unit.connection
        organization = await lock_organization(
            connection, viewer, viewer.organization_id, Permission.READ_PROJECTS
        )
        if organization is None:
            raise_if_any(
                [not_found([*path, str(index)], "Project", gid) for index, gid in enumerate(project_ids)]
            )
            return BulkResult([], None)
        authorize(viewer, organization.id, Permission.ADMINISTER_PROJECTS, path)
        targets, errors = await load_projects_in_order(connection, organization.id, project_ids, path)
        raise_if_any(errors)
        audit = unit.audit(organization.id)
        diffs = await apply_project_overrides(
            connection, organization.settings, targets, changes, audit, AuditAction.PROJECT_SETTINGS_RESET
        )
    return BulkResult(diffs, unit.batch_id)
