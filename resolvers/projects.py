"""The projects of an organization: filtered, ordered and paginated by keyset, in two statements (the
page and its total count), whatever the size of the organization."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.limits import MAX_FILTER_SLUGS
from aisettings.models.settings import SETTINGS
from aisettings.models.tables import override_column, project

from .errors import BadUserInput, LimitExceeded
from .pagination import CursorValue, Page, decode_cursor, encode_cursor
from .records import OrganizationRecord, ProjectRecord, project_record


class ProjectOrderField(enum.Enum):
    SLUG = "slug"
    NAME = "name"
    UPDATED_AT = "updated_at"


@dataclass(frozen=True)
class ProjectOrder:
    field: ProjectOrderField = ProjectOrderField.SLUG
    descending: bool = False


@dataclass(frozen=True)
class ProjectFilter:
    """Every condition given must hold. `overrides` holds setting names (registry names)."""

    has_overrides: bool | None = None
    overrides: tuple[str, ...] | None = None
    search: str | None = None
    slugs: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.slugs is not None and len(self.slugs) > MAX_FILTER_SLUGS:
            raise LimitExceeded(
                f"`slugs` has {len(self.slugs)} slugs, over the maximum of {MAX_FILTER_SLUGS}."
            )


def filter_conditions(organization_id: int, spec: ProjectFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [project.c.organization_id == organization_id]
    any_override = or_(*(project.c[override_column(setting)].is_not(None) for setting in SETTINGS))
    if spec.has_overrides is not None:
        conditions.append(any_override if spec.has_overrides else ~any_override)
    if spec.overrides is not None:
        columns = [project.c[override_column(SETTINGS.by_name[name])] for name in spec.overrides]
        conditions.append(or_(*(column.is_not(None) for column in columns)) if columns else false())
    if spec.search:
        conditions.append(
            or_(
                project.c.slug.icontains(spec.search, autoescape=True),
                project.c.name.icontains(spec.search, autoescape=True),
            )
        )
    if spec.slugs is not None:
        conditions.append(project.c.slug.in_(spec.slugs) if spec.slugs else false())
    return conditions


async def fetch_project_page(
    connection: AsyncConnection,
    organization: OrganizationRecord,
    first: int,
    after: str | None,
    spec: ProjectFilter,
    order: ProjectOrder,
) -> Page[ProjectRecord]:
    conditions = filter_conditions(organization.id, spec)
    sort_column = project.c[order.field.value]
    keys = tuple_(sort_column, project.c.id)
    page = select(project).where(*conditions)
    if after is not None:
        position = tuple_(*_decode_project_cursor(after, order))
        page = page.where(keys < position if order.descending else keys > position)
    page = page.order_by(
        *(column.desc() if order.descending else column for column in (sort_column, project.c.id))
    )
    count: Select[Any] = select(func.count()).select_from(project).where(*conditions)
    rows = (await connection.execute(page.limit(first + 1))).all()
    total = (await connection.execute(count)).scalar_one()
    return Page(
        items=[project_record(row, organization.settings) for row in rows[:first]],
        cursor=lambda record: _encode_project_cursor(record, order),
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        total_count=total,
    )


def _cursor_kind(order: ProjectOrder) -> str:
    return f"project:{order.field.value}"


def _encode_project_cursor(record: ProjectRecord, order: ProjectOrder) -> str:
    value: CursorValue = getattr(record, order.field.value)
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return encode_cursor(_cursor_kind(order), [value, record.id])


def _decode_project_cursor(cursor: str, order: ProjectOrder) -> tuple[str | dt.datetime, int]:
    value, project_id = decode_cursor(cursor, _cursor_kind(order), [str, int])
    assert isinstance(value, str)
    assert isinstance(project_id, int)
    if order.field is not ProjectOrderField.UPDATED_AT:
        return value, project_id
    try:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a cursor's time lacks its time zone")
        return moment.astimezone(dt.UTC), project_id
    except (ValueError, OverflowError):
        raise BadUserInput(f"{cursor!r} is not a valid cursor.") from None


async def fetch_project_by_slug(
    connection: AsyncConnection, organization: OrganizationRecord, slug: str
) -> ProjectRecord | None:
    statement = select(project).where(project.c.organization_id == organization.id, project.c.slug == slug)
    row = (await connection.execute(statement)).one_or_none()
    return None if row is None else project_record(row, organization.settings)
