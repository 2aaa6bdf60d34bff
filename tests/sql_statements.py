"""The SQL statements a block of code sends to the database (tests and benchmarks count them): those
SQLAlchemy's cursor events see, and those sent to the driver directly (models/database.FrequentRead).
`queries` leaves out transaction control and authentication's statement, one on every request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import DRIVER_STATEMENT_LISTENERS

TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"})
AUTHENTICATION = "SELECT api_token.id, api_token.hashed_secret, api_token.scopes,"


@contextmanager
def recorded_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block, in order."""
    statements: list[str] = []

    def record(
        connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        statements.append(statement)

    def record_driver_statement(sent_by: AsyncEngine, statement: str) -> None:
        if sent_by is engine:
            statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    DRIVER_STATEMENT_LISTENERS.append(record_driver_statement)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        DRIVER_STATEMENT_LISTENERS.remove(record_driver_statement)


def queries(statements: list[str]) -> list[str]:
    """The statements that read or write data, without transaction control and authentication."""
    return [
        statement
        for statement in statements
        if statement.split()[0].upper() not in TRANSACTION_CONTROL
        and not statement.startswith(AUTHENTICATION)
    ]
