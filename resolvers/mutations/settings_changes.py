"""Applying settings to an organization or to many projects at once, set-based, with audit entries."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.audit import AuditAction, AuditTarget, field_changes
from aisettings.models.settings import (
    SETTINGS,
    OrganizationSettingsValues,
    SettingValue,
)
from aisettings.models.tables import organization_settings, override_column, project, utc_now
from aisettings.resolvers.records import OrganizationRecord, ProjectRecord

from .audit import AuditBatch
from .errors import UserError, UserErrorCode
from .events import organization_events, project_override_event

# Registry name -> new value; None = inherit (for projects). A setting left out is left as it is.
SettingsChanges = Mapping[str, SettingValue | None]


@dataclass(frozen=True)
class ProjectDiff:
    before: ProjectRecord
    after: ProjectRecord

    @property
    def changed(self) -> bool:
        return self.before.overrides != self.after.overrides

    def changed_settings(self) -> list[str]:
        """The settings whose value in force changes (registry order)."""
        before, after = self.before.effective, self.after.effective
        return [s.name for s in SETTINGS if before[s.name].value != after[s.name].value]


def locked_errors(
    organization: OrganizationSettingsValues, changes: SettingsChanges, path: list[str]
) -> list[UserError]:
    """A LOCKED error for each change that sets a value the organization enforces (removing an override,
    null, stays allowed: it only drops an override that is not in force)."""
    return [
        UserError(
            [*path, SETTINGS.by_name[name].field_name],
            UserErrorCode.LOCKED,
            # The field path names the setting, in GraphQL's words or REST's: the message names neither.
            "The organization locks this setting: projects cannot override it.",
        )
        for name, value in changes.items()
        if value is not None and name in organization.locked
    ]


def _overrides_json(overrides: Mapping[str, SettingValue | None]) -> dict[str, Any]:
    return {s.field_name: s.serialize(overrides.get(s.name)) for s in SETTINGS}


async def apply_project_overrides(
    connection: AsyncConnection,
    organization: OrganizationSettingsValues,
    targets: list[ProjectRecord],
    changes: SettingsChanges,
    audit: AuditBatch,
    action: AuditAction,
) -> list[ProjectDiff]:
    """Sets the same `changes` on every target (see `apply_overrides_per_project`)."""
    return await apply_overrides_per_project(
        connection, organization, [(record, changes) for record in targets], audit, action
    )


async def apply_overrides_per_project(
    connection: AsyncConnection,
    organization: OrganizationSettingsValues,
    changes_by_target: Sequence[tuple[ProjectRecord, SettingsChanges]],
    audit: AuditBatch,
    action: AuditAction,
) -> list[ProjectDiff]:
    """Sets each target's changes, in one UPDATE for all the targets that change alike; a diff per
    target, in order (`after` is also where an unchanged target picks up `organization`, the
    organization's settings now)."""
    now = utc_now()
    diffs: list[ProjectDiff] = []
    changed_ids: dict[frozenset[tuple[str, SettingValue | None]], list[int]] = {}
    for record, changes in changes_by_target:
        overrides = {**record.overrides, **changes}
        after = dataclasses.replace(record, organization_settings=organization)
        if overrides != record.overrides:
            after = dataclasses.replace(
                after, overrides=overrides, version=record.version + 1, updated_at=now
            )
            changed_ids.setdefault(frozenset(changes.items()), []).append(record.id)
            audit.add(
                action,
                AuditTarget.PROJECT,
                record.id,
                field_changes(_overrides_json(record.overrides), _overrides_json(overrides)),
            )
            audit.emit(project_override_event(record.id, record.overrides, overrides))
        diffs.append(ProjectDiff(before=record, after=after))
    for alike_changes, ids in changed_ids.items():
        values = {override_column(SETTINGS.by_name[name]): value for name, value in alike_changes}
        await connection.execute(
            update(project)
            .where(project.c.id.in_(ids))
            .values(**values, version=project.c.version + 1, updated_at=now)
        )
    return diffs


def organization_json(settings: OrganizationSettingsValues) -> dict[str, Any]:
    """The organization's own values and locks as the API and import files spell them."""
    values: dict[str, Any] = {s.field_name: s.serialize(settings.values.get(s.name)) for s in SETTINGS}
    values["lockedSettings"] = [s.enum_name for s in SETTINGS if s.name in settings.locked]
    return values


def organization_settings_after(
    current: OrganizationSettingsValues,
    values: Mapping[str, SettingValue | None],
    locked: frozenset[str] | None,
) -> OrganizationSettingsValues:
    """The organization's settings once `values` and, unless None, `locked` are set on `current`."""
    return OrganizationSettingsValues(
        values={**current.values, **values}, locked=current.locked if locked is None else locked
    )


async def apply_organization_settings(
    connection: AsyncConnection,
    organization: OrganizationRecord,
    values: Mapping[str, SettingValue | None],
    locked: frozenset[str] | None,
    audit: AuditBatch,
) -> OrganizationRecord:
    """Sets the organization's own values (None: back to the system default) and its locks, unless
    None; the organization as it is now."""
    current = organization.settings
    updated = organization_settings_after(current, values, locked)
    changes = field_changes(organization_json(current), organization_json(updated))
    if not changes:
        return organization
    now = utc_now()
    row = {
        **{s.name: updated.values.get(s.name) for s in SETTINGS},
        "locked_settings": [s.name for s in SETTINGS if s.name in updated.locked],
        "updated_at": now,
    }
    if organization.settings_version == 0:  # the organization has no settings row yet
        await connection.execute(
            insert(organization_settings).values(organization_id=organization.id, version=1, **row)
        )
    else:
        await connection.execute(
            update(organization_settings)
            .where(organization_settings.c.organization_id == organization.id)
            .values(**row, version=organization_settings.c.version + 1)
        )
    audit.add(AuditAction.ORGANIZATION_SETTINGS_UPDATED, AuditTarget.ORGANIZATION, organization.id, changes)
    audit.emit(*organization_events(changes))
    return dataclasses.replace(
        organization,
        settings=updated,
        settings_version=organization.settings_version + 1,
        settings_updated_at=now,
    )
