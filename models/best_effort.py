"""Writes whose loss is harmless and whose wait is not: made on a request's way (authentication records a
token's use), they must never make it wait for a writer. Each gives up at once when the lock it needs is
taken, and the write is left to a later request."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, Update, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .database import SQLITE_BUSY_TIMEOUT_MS


async def update_unless_locked(
    engine: AsyncEngine, table: Table, row_id: int, values: Mapping[str, Any]
) -> bool:
    """Sets `values` on the row of `table` with the id `row_id`, in a transaction of its own, unless
    another transaction holds a lock the update needs: on PostgreSQL the row's (FOR UPDATE SKIP LOCKED
    passes over it), on SQLite the database's write lock (the busy timeout is set aside). Whether the
    row was updated."""
    unlocked = select(table.c.id).where(table.c.id == row_id).with_for_update(skip_locked=True)
    statement = update(table).where(table.c.id == unlocked.scalar_subquery()).values(**values)
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return await _update_without_busy_wait(connection, statement)
        updated = (await connection.execute(statement)).rowcount == 1
        await connection.commit()
        return updated


async def _update_without_busy_wait(connection: AsyncConnection, statement: Update) -> bool:
    # The busy timeout belongs to the connection, which goes back to the pool: it is restored whatever
    # happens.
    await connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        updated = (await connection.execute(statement)).rowcount == 1
        await connection.commit()
        return updated
    except OperationalError as error:
        if getattr(error.orig, "sqlite_errorcode", None) != sqlite3.SQLITE_BUSY:
            raise
        await connection.rollback()
        return False
    finally:
        await connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
