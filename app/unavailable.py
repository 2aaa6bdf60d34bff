"""When the database cannot serve now - every pooled connection is in use, it is unreachable, silent or
refuses connections, or (SQLite) another writer holds it past the busy timeout - a request fails within
the pool, connect or busy timeout with HTTP 503, Retry-After, and a GraphQL-shaped body with the code
SERVICE_UNAVAILABLE and a sentence that says so: no hanging, no 500, no traceback or SQL. Nothing is
remembered between requests: each tries the database again, so the service recovers by itself when the
database is back."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from strawberry.types import ExecutionResult

from .graphql_over_http import ProtocolError
from .logs import current_request_id

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 5
RETRY_AFTER = {"Retry-After": str(RETRY_AFTER_SECONDS)}
BUSY = "The database is too busy to take this request now; retry in a few seconds."
DOWN = "The database is unavailable right now; retry in a few seconds."

logger = logging.getLogger("aisettings.unavailable")

T = TypeVar("T")


def unavailable_message(error: BaseException | None) -> str | None:
    """What to tell the client when `error` means that the database cannot serve now, logged in one line
    for the operators (no traceback: the cause is outside this process); None for any other error."""
    found = _message_and_cause(error)
    if found is None:
        return None
    message, cause = found
    logger.warning(
        "%s (%s: %s)",
        message,
        type(error).__name__,
        error,
        # The cause, for the metrics (app/metrics.py): pool_timeout, busy or down.
        extra={"request_id": current_request_id.get(), "cause": cause},
    )
    return message


def _message_and_cause(error: BaseException | None) -> tuple[str, str] | None:
    if isinstance(error, PoolTimeoutError):
        return BUSY, "pool_timeout"
    message = _message(error)
    return None if message is None else (message, "busy" if message == BUSY else "down")


def _message(error: BaseException | None) -> str | None:
    if isinstance(error, PoolTimeoutError):
        return BUSY
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:  # the connection broke during the request
            return DOWN
        return _message(error.orig)
    # The driver's own error: asyncpg raises them unwrapped while it connects.
    sqlstate = str(getattr(error, "sqlstate", None) or "")
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    # PostgreSQL's insufficient resources (53: too many connections, out of memory or disk); SQLite held
    # by another writer past the busy timeout.
    if sqlstate.startswith("53") or sqlite_code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return BUSY
    # PostgreSQL shutting down or starting up (57P); no SQLite file to open.
    if sqlstate.startswith("57P") or sqlite_code == sqlite3.SQLITE_CANTOPEN:
        return DOWN
    # Connecting refused, timed out (TimeoutError is an OSError), or to an unknown host.
    return DOWN if isinstance(error, OSError) else None


def unavailable(error: BaseException) -> ProtocolError | None:
    """The 503 answer to a request that `error` stopped before it ran, or None when `error` does not mean
    that the database is unavailable."""
    message = unavailable_message(error)
    if message is None:
        return None
    return ProtocolError(503, message, RETRY_AFTER, code=SERVICE_UNAVAILABLE)


async def or_unavailable(work: Awaitable[T]) -> T:
    """What `work` returns; the 503 refusal when the database cannot serve it now."""
    try:
        return await work
    except Exception as error:
        if (refusal := unavailable(error)) is None:
            raise
        raise refusal from None


def is_unavailable(result: ExecutionResult) -> bool:
    """Whether an executed `result` holds no data because the database was unavailable (with data, the
    client has an answer, and a 200 as GraphQL has it)."""
    return result.data is None and any(
        (error.extensions or {}).get("code") == SERVICE_UNAVAILABLE for error in result.errors or []
    )
