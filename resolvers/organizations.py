"""The organizations a viewer may see, as a page."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.tables import organization

from .loaders import organizations_with_settings
from .pagination import Page, decode_cursor, encode_cursor
from .records import OrganizationRecord, organization_record

ORGANIZATION_CURSOR = "organization"


async def fetch_organization_page(
    connection: AsyncConnection, visible_ids: frozenset[int], first: int, after: str | None
) -> Page[OrganizationRecord]:
    """The organizations among `visible_ids`, ordered by slug."""
    page = organizations_with_settings().where(organization.c.id.in_(visible_ids))
    if after is not None:
        (slug,) = decode_cursor(after, ORGANIZATION_CURSOR, [str])
        page = page.where(organization.c.slug > slug)
    page = page.order_by(organization.c.slug).limit(first + 1)
    count = select(func.count()).select_from(organization).where(organization.c.id.in_(visible_ids))
    rows = (await connection.execute(page)).all()
    total = (await connection.execute(count)).scalar_one()
    return Page(
        items=[organization_record(row) for row in rows[:first]],
        cursor=lambda record: encode_cursor(ORGANIZATION_CURSOR, [record.slug]),
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        total_count=total,
    )
