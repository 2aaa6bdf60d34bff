"""A bulk update of 1000 projects whose server process is killed (SIGKILL) while its write transaction is
open leaves all or nothing: after a restart on the same database, either every project has the new value
and the audit log holds the batch's 1000 entries and the outbox 1000 events, or no project changed and no
entry or event exists.

The moment is not left to a sleep: the test watches the database until the server's transaction is open
and late in its work, freezes the server (SIGSTOP), checks while it is frozen that the transaction is still
open, then kills it. A server that committed before it was frozen was not caught: the test notices, tries
again on a new database, and fails when it never catches one."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models import migrate
from aisettings.models.database import create_engine
from aisettings.models.tables import outbox_event
from tests.databases import ON_SQLITE, new_database
from tests.factories import Org, make_organization, make_projects, make_token
from tests.graphql import document, execute, organization_id, post
from tests.read_back import audit_log, organization_tree
from tests.server_process import ServerProcess, server_process

PROJECTS = 1000
# How late in the transaction each attempt aims, where the database shows no progress (SQLite): a fraction
# of the time the dry run held the write lock. Later catches more; an attempt too late misses its moment.
LATENESS = (0.75, 0.5, 0.25)
WATCH_SECONDS = 30
NEW_STOPPING_POINT = "MERGE"
BULK_UPDATE = document("BulkUpdateProjectSettings")


class TransactionWatch(Protocol):
    async def rehearse(self, dry_run: Awaitable[httpx.Response]) -> None:
        """Watches `dry_run`, the same mutation rolled back, to learn where in a transaction to aim."""

    async def writing(self) -> bool:
        """Whether the server holds a write transaction open now, late in its work."""

    async def still_open_while_frozen(self) -> bool:
        """With the server frozen: whether that transaction is open and waits for the server (it cannot
        commit any more), rather than ended."""


class SqliteWatch:
    """SQLite has one writer at a time: the write lock is held from BEGIN IMMEDIATE to COMMIT, and a second
    connection that does not wait fails to take it meanwhile. The file shows nothing else of a transaction
    before its COMMIT (the changes stay in the writer's page cache), so the watch aims by time: `lateness`
    times as long as the dry run held the lock."""

    def __init__(self, path: str, lateness: float) -> None:
        self._connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        self._lateness = lateness
        self._aim_seconds = 0.0
        self._held_since: float | None = None

    async def rehearse(self, dry_run: Awaitable[httpx.Response]) -> None:
        request = asyncio.ensure_future(dry_run)
        taken = await self._lock_held_at(True, request)
        if taken is None:
            # The dry run took and released the lock between two looks (a loaded machine stretches
            # them): aim at the first moment the lock is seen held.
            self._aim_seconds = 0.0
        else:
            released = await self._lock_held_at(False, request)
            self._aim_seconds = ((released or time.monotonic()) - taken) * self._lateness
        assert (await request).status_code == 200

    async def writing(self) -> bool:
        if not self._locked():
            self._held_since = None
            return False
        self._held_since = self._held_since or time.monotonic()
        return time.monotonic() - self._held_since >= self._aim_seconds

    async def still_open_while_frozen(self) -> bool:
        # A frozen process keeps its locks: the lock held now was held when the process stopped.
        return self._locked()

    async def _lock_held_at(self, held: bool, request: asyncio.Future[httpx.Response]) -> float | None:
        """The time when the lock is first seen `held` (or not); None when `request` ended first."""
        while not request.done():
            if self._locked() == held:
                return time.monotonic()
            await asyncio.sleep(0.001)
        return None

    def _locked(self) -> bool:
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            return True
        self._connection.execute("ROLLBACK")
        return False

    def close(self) -> None:
        self._connection.close()


class PostgresWatch:
    """The server's backend, seen from another connection. Once it holds the lock of an INSERT INTO
    audit_entry, its transaction has updated the projects and writes their audit entries (the last rows
    before COMMIT). With the server frozen, the backend soon waits for it, to read its next message or to
    send it results, with the transaction open: a client that never speaks again commits nothing."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._pid: int | None = None

    async def rehearse(self, dry_run: Awaitable[httpx.Response]) -> None:
        # The lock on audit_entry marks the late moment: nothing to learn.
        assert (await dry_run).status_code == 200

    async def writing(self) -> bool:
        self._pid = (
            await self._connection.execute(
                text(
                    "SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE a.datname = current_database() AND l.relation = 'audit_entry'::regclass "
                    "AND l.mode = 'RowExclusiveLock' AND l.granted"
                )
            )
        ).scalar_one_or_none()
        return self._pid is not None

    async def still_open_while_frozen(self) -> bool:
        deadline = time.monotonic() + WATCH_SECONDS
        while time.monotonic() < deadline:
            backend = (
                await self._connection.execute(
                    text(
                        "SELECT xact_start IS NOT NULL AS in_transaction, wait_event_type "
                        "FROM pg_stat_activity WHERE pid = :pid"
                    ),
                    {"pid": self._pid},
                )
            ).one_or_none()
            if backend is None or not backend.in_transaction:
                return False
            if backend.wait_event_type == "Client":
                return True
            await asyncio.sleep(0.005)
        raise AssertionError(f"The server's backend did not wait for the frozen server in {WATCH_SECONDS} s.")


@asynccontextmanager
async def watching(database_url: str, lateness: float) -> AsyncIterator[TransactionWatch]:
    if ON_SQLITE:
        watch = SqliteWatch(str(make_url(database_url).database), lateness)
        try:
            yield watch
        finally:
            watch.close()
        return
    engine = create_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            yield PostgresWatch(connection)
    finally:
        await engine.dispose()


async def given_an_organization_of_1000_projects(database_url: str) -> tuple[Org, str]:
    """The organization acme with PROJECTS projects that override nothing, and its owner's token."""
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        org = await make_organization(engine)
        await make_projects(engine, org, PROJECTS)
        return org, await make_token(engine, org)
    finally:
        await engine.dispose()


def bulk_update_variables(org: Org, *, dry_run: bool = False) -> dict[str, Any]:
    """A new stopping point for every project of `org`."""
    changes = {"stoppingPoint": NEW_STOPPING_POINT}
    return {
        "input": {"organizationId": organization_id(org), "filter": {}, "changes": changes, "dryRun": dry_run}
    }


async def kill_during_its_transaction(
    server: ServerProcess, request: asyncio.Task[httpx.Response], watch: TransactionWatch
) -> str | None:
    """Kills `server` while the transaction of `request` is open: None, or why it could not."""
    deadline = time.monotonic() + WATCH_SECONDS
    while not await watch.writing():
        if request.done():
            return f"the request was answered before its transaction was seen: {request.result()}"
        if time.monotonic() > deadline:
            request.cancel()
            return f"no write transaction within {WATCH_SECONDS} s"
        await asyncio.sleep(0.001)
    os.kill(server.pid, signal.SIGSTOP)
    open_while_frozen = await watch.still_open_while_frozen()
    os.kill(server.pid, signal.SIGKILL)
    await server.process.wait()
    if not open_while_frozen:
        await asyncio.gather(request, return_exceptions=True)
        return "the transaction ended before the server was frozen"
    with pytest.raises(httpx.TransportError):
        await request  # the connection died with the server: no answer
    return None


async def read_back(client: httpx.AsyncClient, token: str) -> tuple[set[Any], int, int]:
    """The stopping point overrides of acme's projects, the entries of its audit log, and how many of them
    are in the batch of the newest one."""
    tree = await organization_tree(client, token, first=PROJECTS)
    assert tree["projects"]["totalCount"] == PROJECTS
    overrides = {node["overrides"]["stoppingPoint"] for node in tree["projects"]["nodes"]}
    log = await audit_log(client, token, first=1)
    if not log["nodes"]:
        return overrides, log["totalCount"], 0
    batch = await audit_log(client, token, first=1, filter={"batchId": log["nodes"][0]["batchId"]})
    return overrides, log["totalCount"], batch["totalCount"]


def assert_sqlite_file_intact(database_url: str) -> None:
    with sqlite3.connect(str(make_url(database_url).database)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


async def outbox_events(database_url: str) -> int:
    """How many analytics events the outbox holds."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(select(func.count()).select_from(outbox_event))).scalar_one()
    finally:
        await engine.dispose()


async def one_attempt(tmp_path: Path, attempt: int) -> tuple[str | None, set[Any], int, int, int]:
    """A server killed during the bulk update of a new database, then read back through a new server: why
    the kill missed the transaction (or None), what `read_back` reads, and the events in the outbox."""
    async with new_database(f"crash_{attempt}") as database_url:
        org, token = await given_an_organization_of_1000_projects(database_url)
        log = tmp_path / f"serve-{attempt}.log"
        async with (
            server_process(database_url, log) as server,
            watching(database_url, LATENESS[attempt]) as watch,
            httpx.AsyncClient(base_url=server.url, timeout=60) as client,
        ):
            await execute(client, token, "query { viewer { login } }")  # records the token's use now
            await watch.rehearse(post(client, token, BULK_UPDATE, bulk_update_variables(org, dry_run=True)))
            request = asyncio.create_task(post(client, token, BULK_UPDATE, bulk_update_variables(org)))
            missed = await kill_during_its_transaction(server, request, watch)

        async with (
            server_process(database_url, log) as restarted,
            httpx.AsyncClient(base_url=restarted.url, timeout=60) as client,
        ):
            overrides, entries, in_batch = await read_back(client, token)
            events = await outbox_events(database_url)
            await execute(client, token, BULK_UPDATE, bulk_update_variables(org))  # it writes again
        if ON_SQLITE:
            assert_sqlite_file_intact(database_url)
        return missed, overrides, entries, in_batch, events


async def test_a_bulk_update_killed_during_its_transaction_leaves_all_or_nothing(tmp_path: Path) -> None:
    missed_attempts: list[str] = []
    for attempt in range(len(LATENESS)):
        missed, overrides, entries, in_batch, events = await one_attempt(tmp_path, attempt)

        all_changed = overrides == {NEW_STOPPING_POINT} and entries == in_batch == events == PROJECTS
        nothing_changed = overrides == {None} and entries == events == 0
        assert all_changed or nothing_changed, (overrides, entries, in_batch, events)
        if missed is None:
            return
        missed_attempts.append(missed)
    pytest.fail(f"The kill never came during the transaction: {missed_attempts}")
