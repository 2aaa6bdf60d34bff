"""The launch's success metrics (`aisettings report adoption`), per organization, from the data and the
analytics events:

- defaults set: the organization saved its own settings at least once (its settings row exists);
- projects configured: projects whose settings someone chose, their organization's defaults or their own
  overrides; configuration completion is the share of organizations with defaults set and the share of
  projects configured;
- projects with AI scan on / fix on: now (the settings they run with, resolved as the API resolves them),
  and the change since the period's start. The state at the start is the present one with the audit log's
  changes since then undone (the events of project overrides name the settings changed, not their values);
  projects are those that exist now;
- saves and the median time to configure: the `ai_settings_save_success` events of the period and the
  median of their time_to_complete (milliseconds from a draft's first edit to its save)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.audit import AuditTarget
from aisettings.models.settings import SETTINGS, OrganizationSettingsValues, SettingValue
from aisettings.models.settings import resolve_project_settings as resolve
from aisettings.models.tables import audit_entry, organization, outbox_event, override_column, project
from aisettings.resolvers.loaders import organizations_with_settings
from aisettings.resolvers.mutations.events import SAVE_SUCCESS
from aisettings.resolvers.records import OrganizationRecord, organization_record

SCAN = "scan_enabled"
FIX = "fix_enabled"
Overrides = dict[str, SettingValue | None]


@dataclass(frozen=True)
class Adoption:
    """The metrics of one organization, or of several added up (`total`)."""

    organization: str  # its slug, or "total"
    organizations: int
    organizations_with_defaults: int
    projects: int
    projects_configured: int
    scan_on: int
    scan_on_change: int
    fix_on: int
    fix_on_change: int
    save_times: tuple[int, ...]  # time_to_complete of the period's saves, in milliseconds

    @property
    def median_time_to_configure(self) -> float | None:
        """In milliseconds; None without a save in the period."""
        return statistics.median(self.save_times) if self.save_times else None


class UnknownOrganizationError(Exception):
    pass


async def adoption_report(engine: AsyncEngine, since: dt.datetime, slug: str | None) -> list[Adoption]:
    """The organizations' metrics since `since`, by slug (only `slug`'s when given)."""
    statement = organizations_with_settings().order_by(organization.c.slug)
    if slug is not None:
        statement = statement.where(organization.c.slug == slug)
    async with engine.connect() as connection:
        records = [organization_record(row) for row in (await connection.execute(statement)).all()]
        if slug is not None and not records:
            raise UnknownOrganizationError(f"There is no organization {slug!r}.")
        return [await _adoption(connection, record, since) for record in records]


def total(rows: Iterable[Adoption]) -> Adoption:
    rows = list(rows)
    return Adoption(
        organization="total",
        organizations=sum(row.organizations for row in rows),
        organizations_with_defaults=sum(row.organizations_with_defaults for row in rows),
        projects=sum(row.projects for row in rows),
        projects_configured=sum(row.projects_configured for row in rows),
        scan_on=sum(row.scan_on for row in rows),
        scan_on_change=sum(row.scan_on_change for row in rows),
        fix_on=sum(row.fix_on for row in rows),
        fix_on_change=sum(row.fix_on_change for row in rows),
        save_times=tuple(time for row in rows for time in row.save_times),
    )


async def _adoption(connection: AsyncConnection, record: OrganizationRecord, since: dt.datetime) -> Adoption:
    overrides = await _overrides(connection, record.id)
    settings_then, overrides_then = await _undone_since(connection, record, overrides, since)
    defaults_set = record.settings_version > 0
    now = _counts(record.settings, overrides.values())
    then = _counts(settings_then, overrides_then.values())
    return Adoption(
        organization=record.slug,
        organizations=1,
        organizations_with_defaults=int(defaults_set),
        projects=len(overrides),
        projects_configured=sum(
            defaults_set or any(value is not None for value in own.values()) for own in overrides.values()
        ),
        scan_on=now[SCAN],
        scan_on_change=now[SCAN] - then[SCAN],
        fix_on=now[FIX],
        fix_on_change=now[FIX] - then[FIX],
        save_times=await _save_times(connection, record.id, since),
    )


def _counts(settings: OrganizationSettingsValues, overrides: Iterable[Overrides]) -> dict[str, int]:
    """How many projects run with scanning on, and with fixes on."""
    counts = {SCAN: 0, FIX: 0}
    for own in overrides:
        effective = resolve(settings, own)
        for name in counts:
            counts[name] += effective[name].value is True
    return counts


async def _overrides(connection: AsyncConnection, organization_id: int) -> dict[int, Overrides]:
    columns = [project.c[override_column(setting)] for setting in SETTINGS]
    statement = select(project.c.id, *columns).where(project.c.organization_id == organization_id)
    return {
        row[0]: {setting.name: row[index + 1] for index, setting in enumerate(SETTINGS)}
        for row in (await connection.execute(statement)).all()
    }


async def _undone_since(
    connection: AsyncConnection,
    record: OrganizationRecord,
    overrides: Mapping[int, Overrides],
    since: dt.datetime,
) -> tuple[OrganizationSettingsValues, dict[int, Overrides]]:
    """The organization's settings and its projects' overrides as they were at `since`: each change of
    the audit log since then undone, newest first."""
    values, locked = dict(record.settings.values), set(record.settings.locked)
    then = {key: dict(own) for key, own in overrides.items()}
    statement = (
        select(audit_entry.c.target_type, audit_entry.c.target_id, audit_entry.c.changes)
        .where(audit_entry.c.organization_id == record.id, audit_entry.c.created_at >= since)
        .order_by(audit_entry.c.id.desc())
    )
    for entry in (await connection.execute(statement)).all():
        for change in entry.changes:
            field, before = change["field"], change["before"]
            setting = SETTINGS.by_field_name.get(field)
            if entry.target_type == AuditTarget.PROJECT.value:
                if setting is not None and entry.target_id in then:
                    then[entry.target_id][setting.name] = _parsed(field, before)
            elif entry.target_type != AuditTarget.ORGANIZATION.value:
                continue  # a repository's change: no setting of a project's
            elif field == "lockedSettings":
                locked = {each.name for each in SETTINGS if each.enum_name in before}
            elif setting is not None:
                values[setting.name] = _parsed(field, before)
    return OrganizationSettingsValues(values=values, locked=frozenset(locked)), then


def _parsed(field: str, raw: object) -> SettingValue | None:
    return None if raw is None else SETTINGS.by_field_name[field].parse(raw)


async def _save_times(
    connection: AsyncConnection, organization_id: int, since: dt.datetime
) -> tuple[int, ...]:
    statement = select(outbox_event.c.data).where(
        outbox_event.c.organization_id == organization_id,
        outbox_event.c.type == SAVE_SUCCESS,
        outbox_event.c.time >= since,
    )
    return tuple(int(data["time_to_complete"]) for data in (await connection.execute(statement)).scalars())
