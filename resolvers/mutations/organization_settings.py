"""updateOrganizationSettings and setStoppingPoint."""

from __future__ import annotations

from dataclasses import dataclass

from aisettings.models.access import Permission
from aisettings.models.audit import AuditAction
from aisettings.models.settings import SETTINGS, SettingValue, StoppingPoint
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import AuditEntryRecord, OrganizationRecord, ProjectRecord

from .errors import UserError, UserErrorCode, fail, raise_if_any
from .given import Given
from .settings_changes import apply_organization_settings, apply_project_overrides, locked_errors
from .targets import authorize, load_projects_in_order, lock_organization_of
from .unit_of_work import mutation_unit

INPUT = "input"


@dataclass(frozen=True)
class OrganizationSettingsResult:
    organization: OrganizationRecord
    audit_entries: list[AuditEntryRecord]


def _explicit_values(
    values: dict[str, Given[SettingValue | None] | None], locked_settings: Given[list[str] | None] | None
) -> tuple[dict[str, SettingValue], frozenset[str] | None]:
    """The values and locks given; an organization's values are always explicit: null is INVALID_VALUE."""
    errors = [
        UserError(
            [INPUT, SETTINGS.by_name[name].field_name],
            UserErrorCode.INVALID_VALUE,
            f"{SETTINGS.by_name[name].field_name} cannot be null: an organization always has a value.",
        )
        for name, given in values.items()
        if given is not None and given.value is None
    ]
    if locked_settings is not None and locked_settings.value is None:
        errors.append(
            UserError(
                [INPUT, "lockedSettings"],
                UserErrorCode.INVALID_VALUE,
                "lockedSettings cannot be null; pass [] to lock nothing.",
            )
        )
    raise_if_any(errors)
    explicit = {
        name: given.value for name, given in values.items() if given is not None and given.value is not None
    }
    locks = (
        None if locked_settings is None or locked_settings.value is None else frozenset(locked_settings.value)
    )
    return explicit, locks


async def update_organization_settings(
    context: Context,
    organization_id: str,
    values: dict[str, Given[SettingValue | None] | None],
    locked_settings: Given[list[str] | None] | None,
    expected_version: int | None,
) -> OrganizationSettingsResult:
    """`values` by registry name (a setting left out is None)."""

    async with mutation_unit(context) as unit:
        organization = await lock_organization_of(
            unit.connection,
            context.viewer,
            organization_id,
            [INPUT, "organizationId"],
            Permission.ADMINISTER_ORGANIZATION,
        )
        explicit, locks = _explicit_values(values, locked_settings)
        if expected_version is not None and expected_version != organization.settings_version:
            raise fail(
                [INPUT, "expectedVersion"],
                UserErrorCode.STALE_VERSION,
                f"The settings are at version {organization.settings_version}, not {expected_version}: "
                "someone changed them since you read them. Read them again and retry.",
            )
        audit = unit.audit(organization.id)
        updated = await apply_organization_settings(unit.connection, organization, explicit, locks, audit)
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
