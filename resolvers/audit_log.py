"""An organization's audit log, newest first, filtered and paginated by keyset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.tables import audit_entry

from .errors import BadUserInput
from .pagination import Page, decode_id_cursor, id_cursor
from .records import AuditEntryRecord, OrganizationRecord, audit_entry_record

AUDIT_CURSOR = "audit"


@dataclass(frozen=True)
class AuditLogFilter:
    actions: tuple[str, ...] | None = None
    target: tuple[str, int] | None = None  # (target type, primary key)
    batch_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", utc_moment(self.since, "since"))
        object.__setattr__(self, "until", utc_moment(self.until, "until"))


def utc_moment(moment: dt.datetime | None, name: str) -> dt.datetime | None:
    """A filter's time in UTC; one without a zone is taken as UTC (the API speaks UTC)."""
    if moment is None or moment.tzinfo is None:
        return None if moment is None else moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise BadUserInput(f"`{name}` is outside the years 1 to 9999 once in UTC.") from None


def _conditions(organization_id: int, spec: AuditLogFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [audit_entry.c.organization_id == organization_id]
    if spec.actions is not None:
        conditions.append(audit_entry.c.action.in_(spec.actions))
    if spec.target is not None:
        target_type, target_id = spec.target
        conditions += [audit_entry.c.target_type == target_type.upper(), audit_entry.c.target_id == target_id]
    if spec.batch_id is not None:
        conditions.append(audit_entry.c.batch_id == spec.batch_id)
    if spec.since is not None:
        conditions.append(audit_entry.c.created_at >= spec.since)
    if spec.until is not None:
        conditions.append(audit_entry.c.created_at < spec.until)
    return conditions


async def fetch_audit_page(
    connection: AsyncConnection,
    organization: OrganizationRecord,
    first: int,
    after: str | None,
    spec: AuditLogFilter,
) -> Page[AuditEntryRecord]:
    conditions = _conditions(organization.id, spec)
    page = select(audit_entry).where(*conditions).order_by(audit_entry.c.id.desc()).limit(first + 1)
    if after is not None:
        page = page.where(audit_entry.c.id < decode_id_cursor(after, AUDIT_CURSOR))
    count = select(func.count()).select_from(audit_entry).where(*conditions)
    rows = (await connection.execute(page)).all()
    total = (await connection.execute(count)).scalar_one()
    return Page(
        items=[audit_entry_record(row) for row in rows[:first]],
        cursor=id_cursor(AUDIT_CURSOR),
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        total_count=total,
    )
