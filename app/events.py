"""Delivering the outbox's analytics events (resolvers/mutations/events.py writes them): each as a
CloudEvents 1.0 JSON envelope, to the sink the configuration names (JSON lines on stdout or a file, or an
HTTP webhook), at least once and in order per organization. An event is marked delivered once its sink
took it; a crash in between delivers it again, and consumers deduplicate on its id."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import httpx
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from sqlalchemy import RowMapping, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import single_read, write_transaction
from aisettings.models.tables import outbox_event, outbox_lease, utc_now

from .config import EventsConfig

SOURCE = "aisettings"
LEASE_NAME = "outbox"
# Longer than one delivery can take (a webhook's attempts, back-off and timeouts), renewed before each.
LEASE_SECONDS = 600.0
BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 60.0
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
_FORMAT = JSONFormat()

logger = logging.getLogger(__name__)


def envelope(row: RowMapping) -> bytes:
    """The event of an outbox row as CloudEvents structured JSON (one line)."""
    attributes: dict[str, Any] = {
        "id": row["event_id"],
        "source": SOURCE,
        "type": row["type"],
        "subject": f"organization/{row['organization_id']}",
        "time": row["time"],
        "datacontenttype": "application/json",
    }
    return _FORMAT.write(CloudEvent(attributes, row["data"]))


class DeliveryFailed(Exception):
    """A sink did not take events (after its retries)."""


# Told the kind of sink (stdout, file, webhook) that refused events after its retries: the metrics count it.
DeliveryFailureHook = Callable[[str], None]


class Sink(Protocol):
    kind: str  # stdout, file or webhook: a bounded label of the metrics

    async def send(self, events: list[bytes]) -> None:
        """Delivers `events` (of one organization, in order) or raises DeliveryFailed."""


class LinesSink:
    """One JSON object a line, flushed after each batch."""

    def __init__(self, stream: IO[bytes], kind: str) -> None:
        self._stream = stream
        self.kind = kind

    async def send(self, events: list[bytes]) -> None:
        self._stream.write(b"".join(event + b"\n" for event in events))
        self._stream.flush()


class WebhookSink:
    """POSTs a JSON array of events (CloudEvents batch mode) and retries with exponential back-off until a
    2xx answer, `attempts` times at most."""

    kind = "webhook"

    def __init__(self, client: httpx.AsyncClient, url: str, attempts: int, backoff_seconds: float) -> None:
        self._client = client
        self._url = url
        self._attempts = attempts
        self._backoff = backoff_seconds

    async def send(self, events: list[bytes]) -> None:
        body = b"[" + b",".join(events) + b"]"
        headers = {"content-type": BATCH_CONTENT_TYPE}
        failure = ""
        for attempt in range(self._attempts):
            if attempt:
                await asyncio.sleep(min(self._backoff * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))
            try:
                response = await self._client.post(self._url, content=body, headers=headers)
            except httpx.HTTPError as error:
                failure = f"{type(error).__name__}: {error}"
                continue
            if response.is_success:
                return
            failure = f"HTTP {response.status_code}"
        raise DeliveryFailed(f"{self._url} refused {len(events)} events {self._attempts} times ({failure})")


@asynccontextmanager
async def opened_sink(config: EventsConfig) -> AsyncIterator[Sink]:
    """The sink `config` names, open for a drain."""
    if config.sink == "stdout":
        yield LinesSink(sys.stdout.buffer, "stdout")
    elif config.sink.startswith("file:"):
        stream = await asyncio.to_thread(Path(config.sink.removeprefix("file:")).open, "ab")
        try:
            yield LinesSink(stream, "file")
        finally:
            stream.close()
    else:
        async with httpx.AsyncClient(timeout=config.webhook_timeout_seconds) as client:
            yield WebhookSink(client, config.sink, config.webhook_attempts, config.webhook_backoff_seconds)


@dataclass
class DrainReport:
    delivered: int = 0
    failures: list[str] = field(default_factory=list)  # one per organization left behind


class Lease:
    """The right to deliver the outbox, held by one relay or drain at a time across workers and hosts:
    taken when free or expired, renewed by its holder while it works, released when it stops. A holder
    that dies without releasing it holds it until it expires."""

    def __init__(self, engine: AsyncEngine, seconds: float = LEASE_SECONDS) -> None:
        self._engine = engine
        self._seconds = seconds
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def take(self) -> bool:
        """Takes or renews the lease; whether this holder has it now. Writes only to take it, or to renew
        it once half its time is gone: the relays of every worker ask often."""
        now = utc_now()
        held = select(outbox_lease.c.holder, outbox_lease.c.expires_at).where(
            outbox_lease.c.name == LEASE_NAME
        )
        async with single_read(self._engine) as connection:
            current = (await connection.execute(held)).first()
        if current is not None and current.expires_at > now:
            if current.holder != self.holder:
                return False
            if current.expires_at - now > dt.timedelta(seconds=self._seconds / 2):
                return True
        values = {"holder": self.holder, "expires_at": now + dt.timedelta(seconds=self._seconds)}
        async with write_transaction(self._engine) as connection:
            result = await connection.execute(
                update(outbox_lease)
                .where(
                    outbox_lease.c.name == LEASE_NAME,
                    or_(outbox_lease.c.holder == self.holder, outbox_lease.c.expires_at < now),
                )
                .values(**values)
            )
            if result.rowcount == 1:
                return True
            exists = select(outbox_lease.c.name).where(outbox_lease.c.name == LEASE_NAME)
            if (await connection.execute(exists)).first() is not None:
                return False
        try:
            async with write_transaction(self._engine) as connection:
                await connection.execute(insert(outbox_lease).values(name=LEASE_NAME, **values))
        except IntegrityError:
            return False  # another took it first
        return True

    async def release(self) -> None:
        async with write_transaction(self._engine) as connection:
            await connection.execute(
                delete(outbox_lease).where(
                    outbox_lease.c.name == LEASE_NAME, outbox_lease.c.holder == self.holder
                )
            )


async def drain(
    engine: AsyncEngine, sink: Sink, lease: Lease, failed: DeliveryFailureHook | None = None
) -> DrainReport:
    """Delivers every undelivered event, oldest first, each organization's in order: an organization whose
    events its sink refused keeps them, and its later ones, for the next drain. `lease` (held) is renewed
    before each delivery; a drain that lost it stops.

    Ids follow commits within an organization (its writes lock its row), not across organizations: an
    event that commits behind a higher id it was passed over for goes with the next drain, which starts
    from the oldest undelivered again."""
    report = DrainReport()
    held_back: set[int] = set()
    after = 0
    while rows := await _undelivered(engine, after):
        for organization_id, group in _by_organization(rows):
            if organization_id in held_back:
                continue
            if not await lease.take():
                report.failures.append("another relay took the outbox's lease; it delivers the rest")
                return report
            try:
                await sink.send([envelope(row) for row in group])
            except DeliveryFailed as error:
                held_back.add(organization_id)
                report.failures.append(f"organization {organization_id}: {error}")
                if failed is not None:
                    failed(sink.kind)
                continue
            await _mark_delivered(engine, [row["id"] for row in group])
            report.delivered += len(group)
        after = rows[-1]["id"]
    return report


async def _undelivered(engine: AsyncEngine, after: int) -> list[RowMapping]:
    statement = (
        select(outbox_event)
        .where(outbox_event.c.delivered_at.is_(None), outbox_event.c.id > after)
        .order_by(outbox_event.c.id)
        .limit(BATCH_SIZE)
    )
    async with single_read(engine) as connection:
        return list((await connection.execute(statement)).mappings().all())


def _by_organization(rows: list[RowMapping]) -> list[tuple[int, list[RowMapping]]]:
    """The rows grouped by organization, each group in id order, groups in order of their first row."""
    groups: dict[int, list[RowMapping]] = {}
    for row in rows:
        groups.setdefault(row["organization_id"], []).append(row)
    return list(groups.items())


async def _mark_delivered(engine: AsyncEngine, ids: list[int]) -> None:
    async with write_transaction(engine) as connection:
        await connection.execute(
            update(outbox_event).where(outbox_event.c.id.in_(ids)).values(delivered_at=utc_now())
        )


async def backlog(engine: AsyncEngine) -> int:
    """How many events wait for delivery (a count over the index on delivered_at)."""
    statement = select(func.count()).select_from(outbox_event).where(outbox_event.c.delivered_at.is_(None))
    async with single_read(engine) as connection:
        return int((await connection.execute(statement)).scalar_one())


async def export(engine: AsyncEngine, since: dt.datetime, stream: IO[bytes]) -> int:
    """Writes every event since `since`, delivered or not, as JSON lines (for backfills); how many."""
    statement = select(outbox_event).where(outbox_event.c.time >= since).order_by(outbox_event.c.id)
    count = 0
    async with engine.connect() as connection:  # a transaction: PostgreSQL streams rows in one
        async for row in (await connection.stream(statement)).mappings():
            stream.write(envelope(row) + b"\n")
            count += 1
    stream.flush()
    return count


async def prune(engine: AsyncEngine, retention: dt.timedelta) -> int:
    """Deletes the events delivered longer than `retention` ago; how many."""
    cutoff = utc_now() - retention
    async with write_transaction(engine) as connection:
        result = await connection.execute(delete(outbox_event).where(outbox_event.c.delivered_at < cutoff))
    return result.rowcount


async def deliver(
    engine: AsyncEngine, config: EventsConfig, lease: Lease, failed: DeliveryFailureHook | None = None
) -> tuple[DrainReport, int] | None:
    """One round of delivery under `lease`: drains to the configured sink, then prunes what is past the
    retention (how many); None when another holds the lease."""
    if not await lease.take():
        return None
    async with opened_sink(config) as sink:
        report = await drain(engine, sink, lease, failed)
    return report, await prune(engine, config.retention)


async def relay(engine: AsyncEngine, config: EventsConfig, failed: DeliveryFailureHook | None = None) -> None:
    """The relay of a `serve` worker: every `relay_seconds`, a round of delivery when this worker holds the
    lease or can take it (it keeps it while it lives: one relay delivers at a time). Runs until cancelled,
    then releases the lease."""
    lease = Lease(engine, seconds=max(LEASE_SECONDS, 3 * config.relay_seconds))
    try:
        while True:
            try:
                done = await deliver(engine, config, lease, failed)
                if done is not None and done[0].failures:
                    logger.warning("Events stay undelivered: %s", "; ".join(done[0].failures))
            except Exception:
                logger.exception("The events relay failed; it tries again in %s s.", config.relay_seconds)
            await asyncio.sleep(config.relay_seconds)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(lease.release())
