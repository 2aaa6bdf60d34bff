"""Prometheus metrics (AISETTINGS_METRICS=1; served at /metrics). Every label takes a bounded set of values
the server chooses: route templates, never paths; the names of the trusted documents' operations, else
`other` or `anonymous`, never a name a client chose; error codes of our vocabulary; flag keys the code
knows. No token, organization or variable ever becomes a label.

With several workers (`serve --workers N`), each writes its values to files in PROMETHEUS_MULTIPROC_DIR
(app/metrics_directory.py) and /metrics, whichever worker answers it, adds up every worker's."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path
from typing import Any, Generic, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import events
from .request_facts import GraphQLFacts, recorded_graphql_facts

# Up to the 2 s of the latency alert (README, "Operating it") and the request timeout's 30 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
# The codes of faults of ours (app/errors.py, app/unavailable.py): the others are the client's.
SERVER_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})
_CODE = re.compile(r"[A-Z][A-Z_]{0,39}")
UNMATCHED = "unmatched"
M = TypeVar("M", Counter, Histogram)
logger = logging.getLogger(__name__)
_LIVE_GAUGE = re.compile(r"gauge_live\w*_(\d+)\.db")


class Metrics:
    """The server's metrics: in a registry of their own, or in the files of `multiprocess_directory`."""

    def __init__(self, multiprocess_directory: Path | None) -> None:
        self._directory = multiprocess_directory
        self._engine: AsyncEngine | None = None
        self._registry = CollectorRegistry()
        registry = None if multiprocess_directory else self._registry
        self.request_duration = Histogram(
            "aisettings_request_duration_seconds",
            "Time from a request's arrival to its answer's start, by route template, GraphQL operation "
            "(a trusted document's, else other or anonymous; empty beyond /graphql) and outcome.",
            ["route", "operation", "outcome"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.responses = Counter(
            "aisettings_http_responses",
            "Answers by route template and HTTP status.",
            ["route", "status"],
            registry=registry,
        )
        self.graphql_errors = Counter(
            "aisettings_graphql_errors",
            "GraphQL errors by operation and extensions.code.",
            ["operation", "code"],
            registry=registry,
        )
        self.response_cache = Counter(
            "aisettings_response_cache_requests",
            "Queries the response cache answered (hit) or that were computed (miss).",
            ["result"],
            registry=registry,
        )
        self.connections_in_use = Gauge(
            "aisettings_database_connections_in_use",
            "Database connections checked out of the pools of the live workers.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.database_unavailable = Counter(
            "aisettings_database_unavailable",
            "Requests refused with 503 because the database could not serve: pool_timeout (every pooled "
            "connection in use for AISETTINGS_DB_POOL_TIMEOUT), busy, down.",
            ["cause"],
            registry=registry,
        )
        self.outbox_backlog = Gauge(
            "aisettings_outbox_backlog",
            "Analytics events in the outbox not yet delivered, counted when /metrics is scraped.",
            registry=registry,
            multiprocess_mode="mostrecent",
        )
        self.delivery_failures = Counter(
            "aisettings_outbox_delivery_failures",
            "Batches of events (one organization's) a sink refused after its retries, by sink kind "
            "(stdout, file, webhook); they stay in the outbox for the next round.",
            ["sink"],
            registry=registry,
        )
        self.flag_evaluations = Counter(
            "aisettings_flag_evaluations",
            "Feature flag evaluations by flag and result (on, off).",
            ["flag", "result"],
            registry=registry,
        )
        self._unavailable_counter = _CountUnavailable(self.database_unavailable)
        # The metrics every request records, by their labels (a few µs less a request than `labels`).
        self._durations = _Children(self.request_duration)
        self._responses = _Children(self.responses)
        self._cache_results = _Children(self.response_cache)

    def watch(self, engine: AsyncEngine) -> None:
        """Counts `engine`'s connections in use, and the requests the database could not serve; counts
        the outbox's backlog in its database when scraped."""
        self.count_backlog_in(engine)
        event.listen(engine.sync_engine, "checkout", self._checked_out)
        event.listen(engine.sync_engine, "checkin", self._checked_in)
        logging.getLogger("aisettings.unavailable").addHandler(self._unavailable_counter)

    def stop(self, engine: AsyncEngine) -> None:
        """The end of `watch`, and of this worker's live values (its share of the gauges)."""
        event.remove(engine.sync_engine, "checkout", self._checked_out)
        event.remove(engine.sync_engine, "checkin", self._checked_in)
        logging.getLogger("aisettings.unavailable").removeHandler(self._unavailable_counter)
        if self._directory is not None:
            multiprocess.mark_process_dead(os.getpid(), str(self._directory))  # type: ignore[no-untyped-call]

    def _checked_out(self, *_: Any) -> None:
        self.connections_in_use.inc()

    def _checked_in(self, *_: Any) -> None:
        self.connections_in_use.dec()

    def count_backlog_in(self, engine: AsyncEngine) -> None:
        """Where the outbox is, for its backlog at each scrape."""
        self._engine = engine

    def delivery_failed(self, sink_kind: str) -> None:
        self.delivery_failures.labels(sink_kind).inc()

    def flag_evaluated(self, key: str, on: bool) -> None:
        self.flag_evaluations.labels(key, "on" if on else "off").inc()

    def request_done(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", UNMATCHED)
        facts = recorded_graphql_facts(scope)
        operation = "" if facts is None else facts.operation
        self._durations.of(route, operation, _outcome(status, facts)).observe(seconds)
        self._responses.of(route, str(status)).inc()
        if facts is None:
            return
        for code in facts.error_codes:
            self.graphql_errors.labels(operation, code if _CODE.fullmatch(code) else "OTHER").inc()
        if facts.cache_hit is not None:
            self._cache_results.of("hit" if facts.cache_hit else "miss").inc()

    async def endpoint(self, _: Request) -> Response:
        """/metrics: the text format Prometheus scrapes."""
        await self._count_backlog()
        return Response(self.exposition(), media_type=CONTENT_TYPE_LATEST)

    async def _count_backlog(self) -> None:
        """The backlog as the database has it now; left at its last value when the database cannot say
        (a scrape must answer all the same, and the database's own metrics tell why)."""
        if self._engine is None:
            return
        try:
            self.outbox_backlog.set(await events.backlog(self._engine))
        except (SQLAlchemyError, OSError):
            logger.warning("The outbox's backlog could not be counted for /metrics.", exc_info=True)

    def exposition(self) -> bytes:
        if self._directory is None:
            return generate_latest(self._registry)
        _forget_dead_workers(self._directory)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self._directory))  # type: ignore[no-untyped-call]
        return generate_latest(registry)


def _outcome(status: int, facts: GraphQLFacts | None) -> str:
    if status >= 500 or (facts is not None and SERVER_CODES.intersection(facts.error_codes)):
        return "server_error"
    if status >= 400 or (facts is not None and facts.error_codes):
        return "client_error"
    return "ok"


def _forget_dead_workers(directory: Path) -> None:
    """The library's bookkeeping for a worker that died (uvicorn replaces a killed one): its share of the
    live gauges goes. A worker that stops by itself does it on its way out (Metrics.stop)."""
    for path in directory.glob("gauge_live*.db"):
        match = _LIVE_GAUGE.fullmatch(path.name)
        if match is not None and not _alive(int(match[1])):
            multiprocess.mark_process_dead(int(match[1]), str(directory))  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


class _Children(Generic[M]):
    """The children of `metric` by their label values, kept once made: the values are bounded."""

    def __init__(self, metric: M) -> None:
        self._metric: M = metric
        self._children: dict[tuple[str, ...], M] = {}

    def of(self, *values: str) -> M:
        child = self._children.get(values)
        if child is None:
            child = self._children[values] = self._metric.labels(*values)
        return child


class _CountUnavailable(logging.Handler):
    """Counts the database's refusals by the cause app/unavailable.py logs each with."""

    def __init__(self, counter: Counter) -> None:
        super().__init__()
        self._counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        cause = getattr(record, "cause", None)
        if cause is not None:
            self._counter.labels(cause).inc()


class RecordRequests:
    """Times every HTTP request, from its arrival to its answer's end, and counts its status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts

        async def send_noting_the_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_the_status)
        finally:
            self._metrics.request_done(scope, status, time.perf_counter() - started)
