"""The async engine: one per process, configured for the database it talks to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any

import orjson
from sqlalchemy import Connection, Dialect, Select, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from .sqlalchemy_internals import greenlet_spawn

SQLITE_BUSY_TIMEOUT_MS = 5000
_WRITE = "aisettings_write"
_SINGLE_READ = "aisettings_single_read"


# JSON columns (branch patterns, audit changes, locks) coded by orjson, 6x faster than the standard
# library on such short values (0.13 against 0.82 µs): a tree page decodes 3000 of them.
_JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}


def create_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    max_overflow: int | None = None,
    pool_timeout_seconds: float = 5.0,
    connect_timeout_seconds: float = 5.0,
    echo: bool = False,
) -> AsyncEngine:
    """An engine for `database_url`: SQLite in WAL mode with foreign keys on, or PostgreSQL via asyncpg.
    Its pool holds `pool_size` connections and opens up to `max_overflow` more (as many again when None)
    under load; a checkout that finds none free within `pool_timeout_seconds` raises TimeoutError, and so
    does connecting to PostgreSQL for longer than `connect_timeout_seconds`."""
    url = make_url(database_url)
    pool = {
        "pool_size": pool_size,
        "max_overflow": pool_size if max_overflow is None else max_overflow,
        "pool_timeout": pool_timeout_seconds,
    }
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, echo=echo, **pool, **_JSON_CODEC)
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        event.listen(engine.sync_engine, "begin", _begin_sqlite_transaction)
        return engine
    # No pre-ping: it would cost a round trip on every checkout (about half of a cached answer's time).
    # A connection a restart cut fails its request with a 503 (app/unavailable.py) and makes the pool
    # replace every connection older than the failure.
    return create_async_engine(
        url,
        echo=echo,
        connect_args={"timeout": connect_timeout_seconds},
        **pool,
        **_JSON_CODEC,
    )


def _configure_sqlite_connection(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside a writer; busy_timeout makes a second writer wait instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # The driver's own transaction handling off: SQLAlchemy's "begin" event below emits BEGIN itself.
    dbapi_connection.isolation_level = None


def _begin_sqlite_transaction(connection: Connection) -> None:
    # A write takes SQLite's write lock at BEGIN, so that two writers never both read, then one fails
    # to upgrade its lock; readers begin deferred and never block; a single statement needs no BEGIN.
    options = connection.get_execution_options()
    if options.get(_SINGLE_READ, False):
        return
    immediate = options.get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@asynccontextmanager
async def single_read(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for one reading statement, without the BEGIN and ROLLBACK round trips of a
    transaction (a statement sees one snapshot of the data whatever the mode). Reads of several statements
    that must agree (a page and its count) take a transaction instead: `engine.connect()`."""
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Switching SQLite's isolation level costs PRAGMAs; an option of ours skips the BEGIN instead.
            await connection.execution_options(**{_SINGLE_READ: True})
        else:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


class FrequentRead:
    """A read-only statement that runs on every request (authentication) or reads many rows (a tree's
    repositories). It goes to the driver directly (asyncpg, aiosqlite), on a connection of the pool,
    without SQLAlchemy's connection and result layers: on PostgreSQL 276 against 663 µs a call for one row,
    measured, and 12 against 20 ms for 3000 rows (the statement's own type conversions still apply). If
    anything fails there, the statement runs again the ordinary way, which reports the failure as every
    other statement does (and makes the pool replace the connections a restart cut). Without a
    transaction: PostgreSQL runs the statement alone, and SQLite connections have the driver's own
    transaction handling off (see _configure_sqlite_connection)."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._compiled: dict[str, _DriverStatement] = {}

    async def one_or_none(self, engine: AsyncEngine, parameters: dict[str, Any]) -> Mapping[str, Any] | None:
        """The statement's one row as a mapping of its column names, or None."""
        if engine.dialect.driver in _DRIVERS:
            with suppress(_DriverFailed):
                records = await self._by_driver(engine, parameters, one=True)
                return self._compiled[engine.dialect.driver].row(records[0]) if records else None
        async with single_read(engine) as connection:
            row = (await connection.execute(self._statement, parameters)).one_or_none()
        return None if row is None else row._mapping

    async def all(self, engine: AsyncEngine, parameters: dict[str, Any]) -> Sequence[Sequence[Any]]:
        """The statement's rows, each a sequence of its columns' values in order."""
        if engine.dialect.driver in _DRIVERS:
            with suppress(_DriverFailed):
                records = await self._by_driver(engine, parameters, one=False)
                return self._compiled[engine.dialect.driver].values(records)
        async with single_read(engine) as connection:
            rows: Sequence[Sequence[Any]] = (await connection.execute(self._statement, parameters)).all()
        return rows

    async def _by_driver(
        self, engine: AsyncEngine, parameters: dict[str, Any], *, one: bool
    ) -> Sequence[Sequence[Any]]:
        driver_name = engine.dialect.driver
        compiled = self._compiled.get(driver_name)
        if compiled is None:
            compiled = self._compiled[driver_name] = _DriverStatement(self._statement, engine.dialect)
        arguments = compiled.arguments(parameters)
        for listener in DRIVER_STATEMENT_LISTENERS:
            listener(engine, compiled.sql)
        connection = await engine.raw_connection()  # a pool timeout or a failed connect: as for any statement
        driver = connection.driver_connection
        assert driver is not None, "a pooled connection is open"
        try:
            records = await _DRIVERS[driver_name](driver, compiled.sql, arguments, one)
        except Exception as error:
            await greenlet_spawn(connection.invalidate, error)
            raise _DriverFailed from error
        except BaseException:
            # Cancelled mid-statement (a request past its time limit): the connection is in an unknown
            # state and must not go back to the pool as it is; left checked out, the pool would lose it.
            await asyncio.shield(greenlet_spawn(connection.invalidate))
            raise
        # Back to the pool, whose reset may call the driver the way SQLAlchemy's async layer does.
        await greenlet_spawn(connection.close)
        return records


# Who is told of each statement sent to the driver directly, which SQLAlchemy's events do not see: the
# statement counts of the tests and the benchmark (tests/sql_statements.py).
DRIVER_STATEMENT_LISTENERS: list[Callable[[AsyncEngine, str], None]] = []


async def _asyncpg_fetch(driver: Any, sql: str, arguments: list[Any], one: bool) -> Sequence[Sequence[Any]]:
    if one:
        record = await driver.fetchrow(sql, *arguments)
        return [] if record is None else [record]
    records: Sequence[Sequence[Any]] = await driver.fetch(sql, *arguments)
    return records


async def _aiosqlite_fetch(driver: Any, sql: str, arguments: list[Any], one: bool) -> Sequence[Sequence[Any]]:
    rows = list(await driver.execute_fetchall(sql, arguments))  # one trip to the driver's thread
    return rows[:1] if one else rows


_DRIVERS: dict[str, Callable[[Any, str, list[Any], bool], Awaitable[Sequence[Sequence[Any]]]]] = {
    "asyncpg": _asyncpg_fetch,
    "aiosqlite": _aiosqlite_fetch,
}


class _DriverFailed(Exception):
    pass


_REQUIRED = object()  # a parameter the caller must give


class _DriverStatement:
    """A statement compiled for the driver: its SQL, the order of its parameters and the conversions
    SQLAlchemy applies to them and to its columns."""

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        # Each parameter in the order of the SQL: its name, its conversion, and its value when the
        # statement holds one (a literal, which SQLAlchemy binds as an anonymous parameter).
        self._parameters = [
            (
                name,
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect),
                _REQUIRED if compiled.binds[name].required else compiled.binds[name].effective_value,
            )
            for name in compiled.positiontup or []
        ]
        self._columns = [
            (str(column.key), column.type.dialect_impl(dialect).result_processor(dialect, None))
            for column in statement.selected_columns
        ]
        self._converted = [
            (index, convert) for index, (_, convert) in enumerate(self._columns) if convert is not None
        ]

    def arguments(self, parameters: dict[str, Any]) -> list[Any]:
        values = [parameters.get(name, held) for name, _, held in self._parameters]
        if _REQUIRED in values:
            raise KeyError(f"a parameter of the statement is missing: {sorted(parameters)} given")
        return [
            value if convert is None else convert(value)
            for value, (_, convert, _) in zip(values, self._parameters, strict=True)
        ]

    def row(self, record: Sequence[Any]) -> dict[str, Any]:
        return {
            key: value if convert is None else convert(value)
            for (key, convert), value in zip(self._columns, record, strict=True)
        }

    def values(self, records: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        if not self._converted:
            return list(records)
        rows: list[Sequence[Any]] = []
        for record in records:
            values = list(record)
            for index, convert in self._converted:
                values[index] = convert(values[index])
            rows.append(values)
        return rows


def write_transaction(engine: AsyncEngine) -> AbstractAsyncContextManager[AsyncConnection]:
    """A transaction for a write: BEGIN IMMEDIATE on SQLite; on PostgreSQL, writers lock the rows they
    change (SELECT ... FOR UPDATE) inside it."""
    return engine.execution_options(**{_WRITE: True}).begin()
