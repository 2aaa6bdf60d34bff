"""`aisettings events drain` and `events export`: the outbox's events delivered at least once, in order per
organization, to JSON lines on a file or an HTTP webhook (a real local receiver that fails on purpose),
marked delivered, and pruned after the retention."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.config import ConfigurationError, EventsConfig
from aisettings.models.database import write_transaction
from aisettings.models.tables import outbox_event, utc_now
from tests.cli import run_cli
from tests.events import exported_events
from tests.factories import Org, make_organization, make_projects, make_token
from tests.graphql import document, execute, organization_id
from tests.server_process import server_process

pytestmark = pytest.mark.usefixtures("database_environment")

BULK_UPDATE = document("BulkUpdateProjectSettings")


async def given_events(engine: AsyncEngine, client: Any, slug: str, projects: int) -> Org:
    """An organization `slug` whose `projects` projects each changed once: as many events."""
    org = await make_organization(engine, slug)
    await make_projects(engine, org, projects)
    await change_every_project(client, await make_token(engine, org), org, fix_enabled=True)
    return org


async def change_every_project(client: Any, token: str, org: Org, *, fix_enabled: bool) -> None:
    changes = {"organizationId": organization_id(org), "filter": {}, "changes": {"fixEnabled": fix_enabled}}
    await execute(client, token, BULK_UPDATE, {"input": changes})


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def undelivered(engine: AsyncEngine) -> int:
    statement = select(func.count()).select_from(outbox_event).where(outbox_event.c.delivered_at.is_(None))
    async with engine.connect() as connection:
        return int((await connection.execute(statement)).scalar_one())


async def test_drain_writes_every_event_once_as_json_lines(
    client: Any, engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await given_events(engine, client, "acme", 3)
    sink = tmp_path / "events.jsonl"
    monkeypatch.setenv("AISETTINGS_EVENTS_SINK", f"file:{sink}")

    first = await run_cli("events", "drain")
    second = await run_cli("events", "drain")

    assert (first, second) == (0, 0)
    assert [event["id"] for event in lines(sink)] == [
        event["id"] for event in await exported_events(tmp_path)
    ]
    assert len(lines(sink)) == 3
    assert await undelivered(engine) == 0


async def test_export_since_a_time_prints_the_events_from_then_on(
    client: Any, engine: AsyncEngine, tmp_path: Path
) -> None:
    await given_events(engine, client, "acme", 2)
    async with write_transaction(engine) as connection:
        first_id = (await connection.execute(select(func.min(outbox_event.c.id)))).scalar_one()
        await connection.execute(
            outbox_event.update()
            .where(outbox_event.c.id == first_id)
            .values(time=utc_now().replace(year=2020))
        )

    events = await exported_events(tmp_path, since="2021-01-01T00:00:00")

    assert len(events) == 1


async def test_export_refuses_a_time_that_is_not_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = await run_cli("events", "export", "--since", "yesterday")

    assert status == 1
    assert "--since must be an ISO 8601 date or time" in capsys.readouterr().err


async def test_drain_prunes_delivered_events_older_than_the_retention(
    client: Any, engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await given_events(engine, client, "acme", 2)
    monkeypatch.setenv("AISETTINGS_EVENTS_SINK", f"file:{tmp_path / 'events.jsonl'}")
    monkeypatch.setenv("AISETTINGS_EVENTS_RETENTION_DAYS", "0.000001")  # 86 ms
    assert await run_cli("events", "drain") == 0
    await asyncio.sleep(0.2)

    assert await run_cli("events", "drain") == 0

    assert await exported_events(tmp_path) == []


def test_an_events_sink_that_is_none_of_the_three_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="AISETTINGS_EVENTS_SINK"):
        EventsConfig.from_environment({"AISETTINGS_EVENTS_SINK": "kafka://broker"})


@dataclass
class Receiver:
    """A webhook that answers 500 to the requests `refuses` says no to, and keeps the events it took."""

    url: str
    refuses: Callable[[int, list[dict[str, Any]]], bool]
    requests: int = 0
    taken: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Receiver(f"http://127.0.0.1:{server.server_address[1]}/events", lambda n, events: False)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            assert self.headers["content-type"] == "application/cloudevents-batch+json"
            state.requests += 1
            refused = state.refuses(state.requests, body)
            if not refused:
                state.taken.extend(body)
            self.send_response(500 if refused else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> Receiver:
    monkeypatch.setenv("AISETTINGS_EVENTS_SINK", receiver.url)
    monkeypatch.setenv("AISETTINGS_EVENTS_WEBHOOK_ATTEMPTS", "3")
    monkeypatch.setenv("AISETTINGS_EVENTS_WEBHOOK_BACKOFF", "0.01")
    return receiver


async def test_the_webhook_gets_every_event_once_it_stops_failing(
    client: Any, engine: AsyncEngine, tmp_path: Path, webhook: Receiver
) -> None:
    await given_events(engine, client, "acme", 4)
    webhook.refuses = lambda request, events: request <= 2  # the first two attempts fail

    status = await run_cli("events", "drain")

    assert status == 0
    assert webhook.requests == 3
    assert [e["id"] for e in webhook.taken] == [e["id"] for e in await exported_events(tmp_path)]
    assert await undelivered(engine) == 0


async def test_events_a_failing_webhook_refused_are_delivered_in_order_by_the_next_drain(
    client: Any, engine: AsyncEngine, tmp_path: Path, webhook: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    acme = await given_events(engine, client, "acme", 2)
    await given_events(engine, client, "globex", 2)
    await given_events(engine, client, "acme2", 1)
    webhook.refuses = lambda request, events: events[0]["subject"] == f"organization/{acme.id}"
    assert await run_cli("events", "drain") == 1
    assert "some events stay undelivered" in capsys.readouterr().err
    assert await undelivered(engine) == 2
    webhook.refuses = lambda request, events: False

    assert await run_cli("events", "drain") == 0

    exported = await exported_events(tmp_path)
    for subject in {event["subject"] for event in exported}:
        taken = [event["id"] for event in webhook.taken if event["subject"] == subject]
        assert taken == [event["id"] for event in exported if event["subject"] == subject]
    assert await undelivered(engine) == 0


async def test_a_webhook_that_never_answers_leaves_every_event_undelivered(
    client: Any, engine: AsyncEngine, webhook: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    await given_events(engine, client, "acme", 2)
    monkeypatch.setenv("AISETTINGS_EVENTS_SINK", "http://127.0.0.1:1/events")  # nothing listens

    status = await run_cli("events", "drain")

    assert status == 1
    assert await undelivered(engine) == 2


async def eventually_lines(path: Path, count: int, seconds: float = 30) -> list[dict[str, Any]]:
    """The lines of `path` once it holds `count` of them (or what it holds after `seconds`)."""
    for _ in range(int(seconds / 0.05)):
        if len(lines(path)) >= count:
            break
        await asyncio.sleep(0.05)
    return lines(path)


def relay_environment(sink: Path) -> dict[str, str]:
    return {"AISETTINGS_EVENTS_SINK": f"file:{sink}", "AISETTINGS_EVENTS_RELAY_SECONDS": "0.05"}


async def test_the_relay_of_two_workers_delivers_each_event_once_in_order(
    client: Any, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    for slug in ("acme", "globex", "initech"):
        await given_events(engine, client, slug, 20)
    sink = tmp_path / "events.jsonl"

    async with server_process(
        database_url, tmp_path / "serve.log", workers=2, environment=relay_environment(sink)
    ):
        await eventually_lines(sink, 60)
        await asyncio.sleep(0.5)  # time for a second relay to deliver them again, were there one
        delivered = lines(sink)

    assert [event["id"] for event in delivered] == [event["id"] for event in await exported_events(tmp_path)]
    assert await undelivered(engine) == 0


async def test_a_drain_does_nothing_while_the_relay_of_serve_delivers(
    client: Any,
    engine: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    acme = await given_events(engine, client, "acme", 2)
    token = await make_token(engine, acme, "bob")
    sink = tmp_path / "events.jsonl"
    async with (
        server_process(database_url, tmp_path / "serve.log", environment=relay_environment(sink)) as server,
        httpx.AsyncClient(base_url=server.url) as server_client,
    ):
        await eventually_lines(sink, 2)
        await change_every_project(server_client, token, acme, fix_enabled=False)  # 2 events more
        monkeypatch.setenv("AISETTINGS_EVENTS_SINK", f"file:{tmp_path / 'drained.jsonl'}")

        status = await run_cli("events", "drain")

        assert status == 0
        assert "nothing done" in capsys.readouterr().err
        assert lines(tmp_path / "drained.jsonl") == []
