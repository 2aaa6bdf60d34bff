"""saveSettings: a settings page's draft (the organization's settings and projects' overrides) stored in
one unit of work, through the rules of updateOrganizationSettings and updateProjectSettings.

Projects are judged against the organization's locks as this call leaves them: a lock saved with the
draft refuses the overrides of the draft's projects (LOCKED), and a lock it lifts lets them in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.access import Permission
from aisettings.models.audit import AuditAction
from aisettings.models.settings import OrganizationSettingsValues
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import AuditEntryRecord, OrganizationRecord, ProjectRecord

from .errors import UserError, UserErrorCode, raise_if_any
from .organization_settings import (
    OrganizationChanges,
    apply_organization_changes,
    organization_changes_errors,
)
from .project_settings import ProjectChanges, project_changes_errors
from .settings_changes import apply_overrides_per_project
from .targets import authorize, decode_ids, load_projects, lock_organization_of, not_found
from .unit_of_work import mutation_unit

INPUT = "input"
PROJECTS = [INPUT, "projects"]
PROJECT_ID = ("projectId",)


@dataclass(frozen=True)
class SavedSettings:
    organization: OrganizationRecord
    projects: list[ProjectRecord]  # those of the call, in its order, as they are now
    audit_entries: list[AuditEntryRecord]
    batch_id: str | None


async def save_settings(
    context: Context,
    organization_id: str,
    organization_changes: OrganizationChanges | None,
    project_changes: list[ProjectChanges],
) -> SavedSettings:
    """Every problem of the call is answered at once, and nothing is written unless there is none."""
    viewer = context.viewer
    async with mutation_unit(context) as unit:
        connection = unit.connection
        organization = await lock_organization_of(
            connection, viewer, organization_id, [INPUT, "organizationId"], Permission.READ_ORGANIZATION
        )
        if organization_changes is not None:
            authorize(viewer, organization.id, Permission.ADMINISTER_ORGANIZATION, [INPUT, "organization"])
        if project_changes:
            authorize(viewer, organization.id, Permission.ADMINISTER_PROJECTS, PROJECTS)
        errors: list[UserError] = []
        settings = organization.settings
        if organization_changes is not None:
            errors += organization_changes_errors(organization, organization_changes, [INPUT, "organization"])
            settings = organization_changes.applied_to(settings)
        targets, project_errors = await _projects(connection, organization.id, settings, project_changes)
        raise_if_any(errors + project_errors)
        audit = unit.audit(organization.id)
        if organization_changes is not None:
            organization = await apply_organization_changes(
                connection, organization, organization_changes, audit
            )
        diffs = await apply_overrides_per_project(
            connection,
            organization.settings,
            [(record, changes.changes) for record, changes in targets],
            audit,
            AuditAction.PROJECT_SETTINGS_UPDATED,
        )
        entries = await unit.audit_entries()
    return SavedSettings(organization, [diff.after for diff in diffs], entries, unit.batch_id)


async def _projects(
    connection: AsyncConnection,
    organization_id: int,
    settings: OrganizationSettingsValues,
    project_changes: list[ProjectChanges],
) -> tuple[list[tuple[ProjectRecord, ProjectChanges]], list[UserError]]:
    """Each project with its changes, in order, and every error of them: an id that is no project of the
    organization (NOT_FOUND) or one given before (DUPLICATE), and what updateProjectSettings refuses in a
    project's changes, judged against the organization's `settings` as the call leaves them."""
    global_ids = [changes.project_id for changes in project_changes]
    keys, malformed = decode_ids(global_ids, "Project", PROJECTS, PROJECT_ID)
    found = await load_projects(connection, organization_id, [key for key in keys if key is not None])
    targets: list[tuple[ProjectRecord, ProjectChanges]] = []
    errors = malformed
    seen: set[int] = set()
    for index, (key, changes) in enumerate(zip(keys, project_changes, strict=True)):
        path = [*PROJECTS, str(index)]
        if key is None:
            continue  # malformed: decode_ids reported it
        if key not in found:
            errors.append(not_found([*path, *PROJECT_ID], "Project", changes.project_id))
        elif key in seen:
            errors.append(
                UserError(
                    [*path, *PROJECT_ID],
                    UserErrorCode.DUPLICATE,
                    "This project is already among the projects of this call; give each project once.",
                )
            )
        else:
            errors += project_changes_errors(settings, found[key], changes, path)
            targets.append((found[key], changes))
        seen.add(key)
    return targets, errors
