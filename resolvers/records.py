"""Plain, immutable views of database rows: what loaders return and GraphQL types wrap."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from aisettings.models.settings import (
    SETTINGS,
    EffectiveValue,
    OrganizationSettingsValues,
    SettingValue,
    resolve_project_settings,
)
from aisettings.models.tables import override_column


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    id: int
    slug: str
    name: str
    settings: OrganizationSettingsValues
    # The version of the organization's settings row (GraphQL's OrganizationSettings.version): +1 per write
    # that changes it; 0 while the organization has never set anything. Not the organization's
    # data_version, which every write of anything it holds moves (the key of cached answers).
    settings_version: int
    settings_updated_at: dt.datetime | None

    def __hash__(self) -> int:
        # Records are compared whole; the settings values (a dict) are not hashable, and the settings'
        # version changes with them. Hashable, a record can key the reads of a request
        # (resolvers/shared_reads.py).
        return hash((self.id, self.settings_version))


@dataclass(frozen=True)
class ProjectRecord:
    id: int
    organization_id: int
    slug: str
    name: str
    overrides: dict[str, SettingValue | None]
    version: int
    updated_at: dt.datetime
    organization_settings: OrganizationSettingsValues

    @property
    def has_overrides(self) -> bool:
        return any(value is not None for value in self.overrides.values())

    @functools.cached_property
    def effective(self) -> dict[str, EffectiveValue]:
        """The settings the project runs with (resolved once per record)."""
        return resolve_project_settings(self.organization_settings, self.overrides)


@dataclass(frozen=True, slots=True)
class RepositoryRecord:
    id: int
    project_id: int
    provider: str
    name: str
    ai_enabled: bool
    branch_patterns: list[str]
    last_configured_at: dt.datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class AuditEntryRecord:
    id: int
    organization_id: int
    actor: str
    action: str
    target_type: str
    target_id: int
    changes: list[dict[str, Any]]
    batch_id: str
    created_at: dt.datetime


def organization_settings_values(row: Row[Any]) -> OrganizationSettingsValues:
    """The settings of a row that outer-joins organization_settings (all NULL when it has no row)."""
    locked = row.locked_settings or []
    return OrganizationSettingsValues(
        values={setting.name: getattr(row, setting.name) for setting in SETTINGS},
        locked=frozenset(name for name in locked if name in SETTINGS.by_name),
    )


def organization_record(row: Row[Any]) -> OrganizationRecord:
    return OrganizationRecord(
        id=row.id,
        slug=row.slug,
        name=row.name,
        settings=organization_settings_values(row),
        settings_version=row.version or 0,
        settings_updated_at=row.updated_at,
    )


def project_record(row: Row[Any], organization_settings: OrganizationSettingsValues) -> ProjectRecord:
    return ProjectRecord(
        id=row.id,
        organization_id=row.organization_id,
        slug=row.slug,
        name=row.name,
        overrides={setting.name: getattr(row, override_column(setting)) for setting in SETTINGS},
        version=row.version,
        updated_at=row.updated_at,
        organization_settings=organization_settings,
    )


def repository_record(row: Row[Any]) -> RepositoryRecord:
    return RepositoryRecord(
        id=row.id,
        project_id=row.project_id,
        provider=row.provider,
        name=row.name,
        ai_enabled=row.ai_enabled,
        branch_patterns=list(row.branch_patterns),
        last_configured_at=row.last_configured_at,
        version=row.version,
    )


def audit_entry_record(row: Row[Any]) -> AuditEntryRecord:
    return AuditEntryRecord(
        id=row.id,
        organization_id=row.organization_id,
        actor=row.actor,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        changes=list(row.changes),
        batch_id=row.batch_id,
        created_at=row.created_at,
    )
