"""The SQL statements a block of code sends to the database, as SQLAlchemy's cursor events see them
(tests and benchmarks count them). Authentication's statement, one on every request, is left out: on
PostgreSQL it goes to the driver directly, which those events do not see (models/database.FrequentRead)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"})
AUTHENTICATION = "SELECT api_token.id, api_token.scopes,"


@contextmanager
def recorded_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block, in order."""
    statements: list[str] = []

    def record(
        connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def queries(statements: list[str]) -> list[str]:
    """The statements that read or write data, without transaction control and authentication."""
    return [
        statement
        for statement in statements
        if statement.split()[0].upper() not in TRANSACTION_CONTROL
        and not statement.startswith(AUTHENTICATION)
    ]
