"""Limits that hold across workers and hosts: a fixed-window counter per key in the database, taken inside
the caller's transaction, so that a refused or rolled-back call counts for nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from .tables import rate_limit


async def take(
    connection: AsyncConnection, key: str, limit: int, window: dt.timedelta, now: dt.datetime
) -> bool:
    """Counts one use of `key` and says whether it is within `limit` uses a `window`. One upsert, atomic on
    both databases (the row's lock orders concurrent callers), so two workers never both take the last
    use. Ended windows go on the way, so that the table holds only live counters; those another caller
    has locked are passed over (two callers deleting the same rows in different orders could deadlock)."""
    ended = rate_limit.c.window_started_at <= now - window
    unlocked = select(rate_limit.c.key).where(ended).with_for_update(skip_locked=True)
    await connection.execute(delete(rate_limit).where(rate_limit.c.key.in_(unlocked)))
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    first_use = insert(rate_limit).values(key=key, window_started_at=now, count=1)
    statement = first_use.on_conflict_do_update(
        index_elements=[rate_limit.c.key],
        set_={
            "count": case((ended, 1), else_=rate_limit.c.count + 1),
            "window_started_at": case(
                (ended, literal(now, rate_limit.c.window_started_at.type)),
                else_=rate_limit.c.window_started_at,
            ),
        },
    ).returning(rate_limit.c.count)
    count: int = (await connection.execute(statement)).scalar_one()
    return count <= limit
