"""The benchmarks: requests through the ASGI app against a real database, each compared with a
reference measured in the same run, with the SQL statements each request issues."""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG, create_demo_organization
from aisettings.app.garbage_collection import tune_garbage_collector
from aisettings.app.tokens import create_token
from aisettings.models import migrate
from aisettings.models.database import create_engine

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@contextmanager
def counting_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def median_seconds(work: Callable[[], Awaitable[object]], repetitions: int) -> float:
    await work()  # warm-up: caches, connections, the token's last-used time
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        await work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


async def interleaved_medians(
    first: Callable[[], Awaitable[object]], second: Callable[[], Awaitable[object]], repetitions: int
) -> tuple[float, float]:
    """The median seconds of each of two calls, timed one after the other `repetitions` times."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repetitions):
        for work, spent in zip((first, second), timings, strict=True):
            started = time.perf_counter()
            await work()
            spent.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


def median_sync_seconds(work: Callable[[], object], repetitions: int) -> float:
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


class Client:
    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.token = token

    async def post(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": document, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or "errors" in body:
            raise RuntimeError(f"a benchmark request failed: {body}")
        return body


async def bench_tree(client: Client, engine: AsyncEngine, repetitions: int) -> None:
    document = (QUERIES / "OrganizationTree.graphql").read_text()
    variables = {"slug": DEMO_SLUG, "first": 1000}
    body = await client.post(document, variables)
    with counting_statements(engine) as statements:
        await client.post(document, variables)
    request = await median_seconds(lambda: client.post(document, variables), repetitions)
    encode = median_sync_seconds(lambda: orjson.dumps(body), repetitions * 20)
    size = len(orjson.dumps(body))
    projects = len(body["data"]["organization"]["projects"]["nodes"])
    print(
        f"tree query, {projects} projects ({size / 1e6:.2f} MB): {request * 1000:.1f} ms per request, "
        f"orjson.dumps {encode * 1000:.2f} ms -> ratio {request / encode:.0f}x; "
        f"{len(statements)} SQL statements"
    )


async def bench_bulk_update(client: Client, engine: AsyncEngine, repetitions: int, single_slug: str) -> None:
    tree = await client.post(
        (QUERIES / "OrganizationTree.graphql").read_text(), {"slug": DEMO_SLUG, "first": 1000}
    )
    organization = tree["data"]["organization"]
    project_ids = [node["id"] for node in organization["projects"]["nodes"]]
    bulk = (QUERIES / "BulkUpdateProjectSettings.graphql").read_text()
    single = (QUERIES / "UpdateProjectSettings.graphql").read_text()
    # Each side alternates its own value, so that every call changes every project it targets (and
    # writes); the single update's project is one more, outside the bulk's page.
    bulk_values, single_values = (
        itertools.cycle(["MERGE", "SUGGESTION"]),
        itertools.cycle(["MERGE", "SUGGESTION"]),
    )
    bulk_ids = project_ids
    outside = await client.post(
        'query ($slug: String!) { organization(slug: "demo") { project(slug: $slug) { id } } }',
        {"slug": single_slug},
    )
    single_id = outside["data"]["organization"]["project"]["id"]

    async def bulk_update() -> None:
        changes = {"stoppingPoint": next(bulk_values)}
        await client.post(
            bulk,
            {"input": {"organizationId": organization["id"], "projectIds": bulk_ids, "changes": changes}},
        )

    async def single_update() -> None:
        changes = {"stoppingPoint": next(single_values)}
        await client.post(single, {"input": {"projectId": single_id, "changes": changes}})

    with counting_statements(engine) as bulk_statements:
        await bulk_update()
    with counting_statements(engine) as single_statements:
        await single_update()
    # Interleaved, so that a slow spell of the machine weighs on both sides of the ratio alike.
    bulk_seconds, single_seconds = await interleaved_medians(bulk_update, single_update, repetitions)
    print(
        f"bulk update of {len(bulk_ids)} projects: {bulk_seconds * 1000:.1f} ms "
        f"({len(bulk_statements)} SQL statements); one project: {single_seconds * 1000:.1f} ms "
        f"({len(single_statements)} SQL statements) -> ratio {bulk_seconds / single_seconds:.1f}x"
    )


async def run_benchmarks(
    database_url: str, projects: int, repetitions: int, *, fast_execution: bool = True, tune_gc: bool = True
) -> None:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    # One project more than the tree shows: the single update's, outside the bulk's 1000.
    await create_demo_organization(engine, projects + 1, 3, replace=True)
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="bench")
    config = Config(database_url=database_url, fast_execution=fast_execution)
    app = create_app(config, engine=engine)
    if tune_gc:  # as the server does when it starts (the ASGI transport runs no lifespan)
        tune_garbage_collector(config.gc_young_threshold)
    print(
        f"database: {engine.dialect.name}, fast execution: {'on' if fast_execution else 'off'}, "
        f"garbage collector: {'tuned' if tune_gc else 'Python defaults'}"
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
        client = Client(http, token)
        await bench_tree(client, engine, repetitions)
        await bench_bulk_update(client, engine, repetitions, single_slug=f"project-{projects:05d}")
    await engine.dispose()
