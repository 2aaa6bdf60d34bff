"""updateOrganizationSettings and setStoppingPoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.access import Permission
from aisettings.models.audit import AuditAction
from aisettings.models.settings import SETTINGS, OrganizationSettingsValues, SettingValue, StoppingPoint
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import AuditEntryRecord, OrganizationRecord, ProjectRecord

from .audit import AuditBatch
from .errors import UserError, UserErrorCode, raise_if_any
from .given import Given
from .settings_changes import (
    apply_organization_settings,
    apply_project_overrides,
    locked_errors,
    organization_settings_after,
)
from .targets import authorize, load_projects_in_order, lock_organization_of
from .unit_of_work import mutation_unit

INPUT = "input"


@dataclass(frozen=True)
class OrganizationSettingsResult:
    organization: OrganizationRecord
    audit_entries: list[AuditEntryRecord]


@dataclass(frozen=True)
class OrganizationChanges:
    """An organization's settings as a call gives them: each setting (by registry name) and the locks
    left out (None) or given, maybe as null, which an organization never is (INVALID_VALUE); and the
    version the caller read, if it says."""

    values: dict[str, Given[SettingValue | None] | None]
    locked_settings: Given[list[str] | None] | None
    expected_version: int | None = None

    @property
    def explicit_values(self) -> dict[str, SettingValue]:
        return {
            name: given.value
            for name, given in self.values.items()
            if given is not None and given.value is not None
        }

    @property
    def locks(self) -> frozenset[str] | None:
        """The locks to set; None: unchanged."""
        given = self.locked_settings
        return None if given is None or given.value is None else frozenset(given.value)

    def applied_to(self, settings: OrganizationSettingsValues) -> OrganizationSettingsValues:
        """The organization's `settings` as these changes will leave them."""
        return organization_settings_after(settings, self.explicit_values, self.locks)


def organization_changes_errors(
    organization: OrganizationRecord, changes: OrganizationChanges, path: list[str]
) -> list[UserError]:
    """What is wrong with `changes` (whose fields are at `path`): each null given; else an
    expectedVersion that is not the settings' version."""
    errors = [
        UserError(
            [*path, SETTINGS.by_name[name].field_name],
            UserErrorCode.INVALID_VALUE,
            f"{SETTINGS.by_name[name].field_name} cannot be null: an organization always has a value.",
        )
        for name, given in changes.values.items()
        if given is not None and given.value is None
    ]
    if changes.locked_settings is not None and changes.locked_settings.value is None:
        errors.append(
            UserError(
                [*path, "lockedSettings"],
                UserErrorCode.INVALID_VALUE,
                "lockedSettings cannot be null; pass [] to lock nothing.",
            )
        )
    expected = changes.expected_version
    if not errors and expected is not None and expected != organization.settings_version:
        errors.append(
            UserError(
                [*path, "expectedVersion"],
                UserErrorCode.STALE_VERSION,
                f"The settings are at version {organization.settings_version}, not {expected}: "
                "someone changed them since you read them. Read them again and retry.",
            )
        )
    return errors


async def apply_organization_changes(
    connection: AsyncConnection,
    organization: OrganizationRecord,
    changes: OrganizationChanges,
    audit: AuditBatch,
) -> OrganizationRecord:
    """Writes valid `changes` (see `organization_changes_errors`); the organization as it is now."""
    return await apply_organization_settings(
        connection, organization, changes.explicit_values, changes.locks, audit
    )


async def update_organization_settings(
    context: Context, organization_id: str, changes: OrganizationChanges
) -> OrganizationSettingsResult:
    async with mutation_unit(context) as unit:
        organization = await lock_organization_of(
            unit.connection,
            context.viewer,
            organization_id,
            [INPUT, "organizationId"],
            Permission.ADMINISTER_ORGANIZATION,
        )
        raise_if_any(organization_changes_errors(organization, changes, [INPUT]))
        audit = unit.audit(organization.id)
        updated = await apply_organization_changes(unit.connection, organization, changes, audit)
        entries = await unit.audit_entries()
    return OrganizationSettingsResult(updated, entries)


@dataclass(frozen=True)
class StoppingPointResult:
    organization: OrganizationRecord
    projects: list[ProjectRecord]
    batch_id: str | None


async def set_stopping_point(
    context: Context,
    organization_id: str,
    organization_stopping_point: Given[StoppingPoint | None] | None,
    project_ids: list[str] | None,
    project_stopping_point: Given[StoppingPoint | None] | None,
) -> StoppingPointResult:
    viewer = context.viewer
    async with mutation_unit(context) as unit:
        connection = unit.connection
        organization = await lock_organization_of(
            connection, viewer, organization_id, [INPUT, "organizationId"], Permission.READ_ORGANIZATION
        )
        errors: list[UserError] = []
        if organization_stopping_point is not None:
            authorize(
                viewer,
                organization.id,
                Permission.ADMINISTER_ORGANIZATION,
                [INPUT, "organizationStoppingPoint"],
            )
            if organization_stopping_point.value is None:
                errors.append(
                    UserError(
                        [INPUT, "organizationStoppingPoint"],
                        UserErrorCode.INVALID_VALUE,
                        "organizationStoppingPoint cannot be null: an organization always has one.",
                    )
                )
        targets: list[ProjectRecord] = []
        if project_ids is not None:
            authorize(viewer, organization.id, Permission.ADMINISTER_PROJECTS, [INPUT, "projectIds"])
            if project_stopping_point is None:
                errors.append(
                    UserError(
                        [INPUT, "projectStoppingPoint"],
                        UserErrorCode.INVALID_VALUE,
                        "projectStoppingPoint is required with projectIds (null makes the projects inherit).",
                    )
                )
            else:
                changes = {"stopping_point": project_stopping_point.value}
                errors += [
                    UserError([INPUT, "projectStoppingPoint"], error.code, error.message)
                    for error in locked_errors(organization.settings, changes, [INPUT])
                ]
            targets, missing = await load_projects_in_order(
                connection, organization.id, project_ids, [INPUT, "projectIds"]
            )
            errors += missing
        elif project_stopping_point is not None:
            errors.append(
                UserError(
                    [INPUT, "projectStoppingPoint"],
                    UserErrorCode.INVALID_VALUE,
                    "projectStoppingPoint needs projectIds: the projects to set it on.",
                )
            )
        raise_if_any(errors)
        audit = unit.audit(organization.id)
        if organization_stopping_point is not None and organization_stopping_point.value is not None:
            organization = await apply_organization_settings(
                connection, organization, {"stopping_point": organization_stopping_point.value}, None, audit
            )
        projects: list[ProjectRecord] = []
        if project_stopping_point is not None:
            diffs = await apply_project_overrides(
                connection,
                organization.settings,
                targets,
                {"stopping_point": project_stopping_point.value},
                audit,
                AuditAction.PROJECT_SETTINGS_UPDATED,
            )
            projects = [diff.after for diff in diffs]
    return StoppingPointResult(organization, projects, unit.batch_id)
