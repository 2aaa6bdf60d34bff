"""The launch's analytics events of a change, collected with its audit entries (audit.py) and written to
the outbox table by the unit of work in the same transaction: a rolled-back or dry-run change leaves none,
a committed one exactly one per changed object:

- `ai_settings_org_changed`: one per organization setting whose own value changes, and one when its locks
  change (setting_type `lockedSettings`); new_value as the API spells it;
- `ai_settings_project_override`: one per project whose overrides change; action `enabled` (it overrode
  nothing before), `disabled` (it overrides nothing now) or `modified`; inheritance_broken when a
  setting it inherited is overridden now;
- `ai_settings_repository_config`: one per repository added, removed, or whose aiEnabled or
  branchPatterns change;
- `ai_settings_save_success`: one per save the settings page reports (settings_saved.py), with the kind
  of settings saved and the milliseconds from the draft's first edit to the save's success.

app/events.py wraps them in CloudEvents envelopes and delivers them."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.settings import SETTINGS, SettingValue
from aisettings.models.tables import outbox_event, project
from aisettings.resolvers.global_ids import encode_global_id
from aisettings.resolvers.records import RepositoryRecord

ORG_CHANGED = "ai_settings_org_changed"
PROJECT_OVERRIDE = "ai_settings_project_override"
REPOSITORY_CONFIG = "ai_settings_repository_config"
SAVE_SUCCESS = "ai_settings_save_success"


class SavedSettingsType(enum.Enum):
    """What a save the settings page reports was about (the event's settings_type)."""

    ORGANIZATION = "organization"
    PROJECT = "project"
    REPOSITORY = "repository"
    BULK = "bulk"


@dataclass(frozen=True)
class Event:
    type: str
    data: dict[str, Any]


def organization_events(changes: Iterable[dict[str, Any]]) -> list[Event]:
    """One event per changed field of the organization's settings (`changes` as the audit log holds them);
    the unit of work adds project_count and user_role as it writes them."""
    return [Event(ORG_CHANGED, {"setting_type": c["field"], "new_value": c["after"]}) for c in changes]


def project_override_event(
    project_id: int, before: Mapping[str, SettingValue | None], after: Mapping[str, SettingValue | None]
) -> Event:
    overridden_before = {name for name, value in before.items() if value is not None}
    overridden_after = {name for name, value in after.items() if value is not None}
    action = "enabled" if not overridden_before else "disabled" if not overridden_after else "modified"
    changed = [s.field_name for s in SETTINGS if before.get(s.name) != after.get(s.name)]
    data = {
        "action": action,
        "project_id": encode_global_id("Project", project_id),
        "settings_changed": changed,
        "inheritance_broken": bool(overridden_after - overridden_before),
    }
    return Event(PROJECT_OVERRIDE, data)


def repository_event(action: Literal["added", "removed", "modified"], record: RepositoryRecord) -> Event:
    """The repository as the change leaves it (as it was, when removed)."""
    data = {
        "action": action,
        "repository_provider": record.provider,
        "ai_enabled": record.ai_enabled,
        "branch_pattern": list(record.branch_patterns),
    }
    return Event(REPOSITORY_CONFIG, data)


def save_success_event(settings_type: SavedSettingsType, time_to_complete_milliseconds: int) -> Event:
    data = {"settings_type": settings_type.value, "time_to_complete": time_to_complete_milliseconds}
    return Event(SAVE_SUCCESS, data)


async def write_events(
    connection: AsyncConnection, events: list[tuple[int, Event]], user_role: str | None, now: dt.datetime
) -> None:
    """Writes (organization id, event) pairs to the outbox in one executemany, in order."""
    counts = await _project_counts(connection, {org for org, event in events if event.type == ORG_CHANGED})
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "organization_id": organization_id,
            "type": event.type,
            "time": now,
            "data": (
                {**event.data, "project_count": counts[organization_id], "user_role": user_role}
                if event.type == ORG_CHANGED
                else event.data
            ),
        }
        for organization_id, event in events
    ]
    await connection.execute(insert(outbox_event), rows)


async def _project_counts(connection: AsyncConnection, organization_ids: set[int]) -> dict[int, int]:
    if not organization_ids:
        return {}
    statement = (
        select(project.c.organization_id, func.count())
        .where(project.c.organization_id.in_(organization_ids))
        .group_by(project.c.organization_id)
    )
    counts = {row[0]: row[1] for row in (await connection.execute(statement)).all()}
    return {organization_id: counts.get(organization_id, 0) for organization_id in organization_ids}
