"""Delivering the outbox's analytics events (resolvers/mutations/events.py writes them): each as a
CloudEvents 1.0 JSON envelope, to the sink the configuration names (JSON lines on stdout or a file, or an
HTTP webhook), at least once and in order per organization. An event is marked delivered once its sink
took it; a crash in between delivers it again, and consumers deduplicate on its id."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import httpx
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from sqlalchemy import RowMapping, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import single_read, write_transaction
from aisettings.models.tables import outbox_event, utc_now

from .config import EventsConfig

SOURCE = "aisettings"
BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 60.0
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
_FORMAT = JSONFormat()


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


class Sink(Protocol):
    async def send(self, events: list[bytes]) -> None:
        """Delivers `events` (of one organization, in order) or raises DeliveryFailed."""


class LinesSink:
    """One JSON object a line, flushed after each batch."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    async def send(self, events: list[bytes]) -> None:
        self._stream.write(b"".join(event + b"\n" for event in events))
        self._stream.flush()


class WebhookSink:
    """POSTs a JSON array of events (CloudEvents batch mode) and retries with exponential back-off until a
    2xx answer, `attempts` times at most."""

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
        yield LinesSink(sys.stdout.buffer)
    elif config.sink.startswith("file:"):
        stream = await asyncio.to_thread(Path(config.sink.removeprefix("file:")).open, "ab")
        try:
            yield LinesSink(stream)
        finally:
            stream.close()
    else:
        async with httpx.AsyncClient(timeout=config.webhook_timeout_seconds) as client:
            yield WebhookSink(client, config.sink, config.webhook_attempts, config.webhook_backoff_seconds)


@dataclass
class DrainReport:
    delivered: int = 0
    failures: list[str] = field(default_factory=list)  # one per organization left behind


async def drain(engine: AsyncEngine, sink: Sink) -> DrainReport:
    """Delivers every undelivered event, oldest first, each organization's in order: an organization whose
    events its sink refused keeps them, and its later ones, for the next drain."""
    report = DrainReport()
    held_back: set[int] = set()
    after = 0
    while rows := await _undelivered(engine, after):
        for organization_id, group in _by_organization(rows):
            if organization_id in held_back:
                continue
            try:
                await sink.send([envelope(row) for row in group])
            except DeliveryFailed as error:
                held_back.add(organization_id)
                report.failures.append(f"organization {organization_id}: {error}")
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
