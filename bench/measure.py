"""The benchmarks: real `aisettings serve` processes (uvicorn) against a real database, each figure a
ratio to a reference measured in the same run, with the SQL statements each request issues."""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG
from aisettings.app.tokens import create_token
from aisettings.models.database import create_engine
from tests.server_process import CLI, server_process
from tests.sql_statements import queries, recorded_statements

from .client import BenchClient
from .throughput import SMALL_QUERY, Throughput, small_query_variables, wrk
from .timing import interleaved_medians

QUERIES = Path(__file__).resolve().parent.parent / "queries"
TREE = (QUERIES / "OrganizationTree.graphql").read_text()
BULK = (QUERIES / "BulkUpdateProjectSettings.graphql").read_text()
SINGLE = (QUERIES / "UpdateProjectSettings.graphql").read_text()
UPDATE_ORGANIZATION = (QUERIES / "UpdateOrganizationSettings.graphql").read_text()
# The first project after the bulk's page.
OUTSIDE = (
    "query Outside($slug: String!, $after: String) "
    "{ organization(slug: $slug) { projects(first: 1, after: $after) { nodes { id } } } }"
)
PAGE = 1000
# Everything a worker caches or completes the fast way, off: parsing, validation, answers, fast fields.
NO_CACHES_NO_FAST_PATHS = {
    "AISETTINGS_RESPONSE_CACHE_BYTES": "0",
    "AISETTINGS_DOCUMENT_CACHE_SIZE": "0",
    "AISETTINGS_FAST_EXECUTION": "0",
}


@dataclass(frozen=True)
class Options:
    database_url: str
    projects: int
    repetitions: int
    environment: Mapping[str, str]  # of the server whose latencies are measured
    throughput_seconds: int


async def run_benchmarks(options: Options) -> None:
    # The data is made by another process, and statements are counted (in-process) last: the timed
    # process stays lean, or its fragmented heap slows orjson.dumps, the reference, down several times.
    await run_cli(options.database_url, "demo", "--projects", str(options.projects + 1), "--replace")
    engine = create_engine(options.database_url)
    # One project more than the organization has: the single update's, outside the bulk's page.
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="bench")
    print(f"database: {engine.dialect.name}; server environment: {dict(options.environment) or 'defaults'}")
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "serve.log"
        async with server_process(options.database_url, log, environment=options.environment) as server:
            client = BenchClient(server.url, token)
            bench_tree(client, options.repetitions)
            bench_writes(client, options.repetitions)
            bench_memory(client, server.pid, options.projects)
            client.close()
        await bench_throughput(options, token, log)
    await count_statements(engine, options.database_url, token)
    await engine.dispose()


async def run_cli(database_url: str, *arguments: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *CLI,
        *arguments,
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(f"`aisettings {' '.join(arguments)}` failed:\n{output.decode()}")


async def count_statements(engine: AsyncEngine, database_url: str, token: str) -> None:
    """The SQL statements of each kind of request, counted in-process (same code, same database)."""
    app = create_app(Config(database_url=database_url, answer_caches=False), engine=engine)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

        async def statements_of(document: str, variables: dict[str, Any]) -> int:
            with recorded_statements(engine) as statements:
                response = await http.post(
                    "/graphql", json={"query": document, "variables": variables}, headers=headers
                )
            assert "errors" not in response.json(), response.text
            # Not counted: authentication's once-a-minute record of the token's use.
            return len([s for s in queries(statements) if not s.startswith("UPDATE api_token")])

        tree = await statements_of(TREE, {"slug": DEMO_SLUG, "first": PAGE})
        page = (
            await http.post(
                "/graphql", json={"query": TREE, "variables": {"slug": DEMO_SLUG}}, headers=headers
            )
        ).json()
        organization = page["data"]["organization"]
        ids = [node["id"] for node in organization["projects"]["nodes"]]
        bulk_input = {
            "organizationId": organization["id"],
            "projectIds": ids,
            "changes": {"fixEnabled": True},
        }
        bulk = await statements_of(BULK, {"input": bulk_input})
        single = await statements_of(
            SINGLE, {"input": {"projectId": ids[0], "changes": {"fixEnabled": False}}}
        )
    print(
        f"SQL statements (transaction control aside, plus authentication's on every request): tree page "
        f"{tree} + 1, bulk update of {len(ids)} projects {bulk} + 1, one project's update {single} + 1"
    )


def bench_tree(client: BenchClient, repetitions: int) -> None:
    """The settings page's tree, 1000 projects: every request a cache miss (a different `first` each
    time), then the same request again and again; both against orjson encoding the same answer."""
    variables = {"slug": DEMO_SLUG, "first": PAGE}
    answer = client.post(TREE, variables)
    projects = len(answer["organization"]["projects"]["nodes"])
    body = {"data": answer}
    size = len(orjson.dumps(body))
    firsts = itertools.count(PAGE - 1, -1)
    # Each request timed next to an encoding of the answer, so that a slow spell weighs on both alike.
    uncached, encode = interleaved_medians(
        lambda: client.raw(TREE, {**variables, "first": next(firsts)}),
        lambda: orjson.dumps(body),
        repetitions,
    )
    cached, encode_too = interleaved_medians(
        lambda: client.raw(TREE, variables), lambda: orjson.dumps(body), repetitions * 10
    )
    print(
        f"tree query, {projects} projects ({size / 1e6:.2f} MB), full HTTP round trip: "
        f"uncached {uncached * 1000:.1f} ms = {uncached / encode:.0f}x orjson.dumps "
        f"({encode * 1000:.2f} ms); cached {cached * 1000:.2f} ms = {cached / encode_too:.1f}x "
        f"({encode_too * 1000:.2f} ms)"
    )


def bench_writes(client: BenchClient, repetitions: int) -> None:
    """The bulk update of a page of projects against one project's update, timed interleaved."""
    organization = client.post(TREE, {"slug": DEMO_SLUG, "first": PAGE})["organization"]
    ids = [node["id"] for node in organization["projects"]["nodes"]]
    outside = client.post(
        OUTSIDE, {"slug": DEMO_SLUG, "after": organization["projects"]["pageInfo"]["endCursor"]}
    )
    single_id = outside["organization"]["projects"]["nodes"][0]["id"]
    # Each side alternates its own value, so that every call changes every project it targets.
    bulk_values, single_values = (
        itertools.cycle(["MERGE", "SUGGESTION"]),
        itertools.cycle(["MERGE", "SUGGESTION"]),
    )

    def bulk() -> object:
        changes = {"stoppingPoint": next(bulk_values)}
        return client.post(
            BULK, {"input": {"organizationId": organization["id"], "projectIds": ids, "changes": changes}}
        )

    def single() -> object:
        return client.post(
            SINGLE, {"input": {"projectId": single_id, "changes": {"stoppingPoint": next(single_values)}}}
        )

    bulk(), single()
    bulk_seconds, single_seconds = interleaved_medians(bulk, single, repetitions)
    print(
        f"bulk update of {len(ids)} projects: {bulk_seconds * 1000:.1f} ms; one project: "
        f"{single_seconds * 1000:.1f} ms -> ratio {bulk_seconds / single_seconds:.1f}x"
    )


def bench_memory(client: BenchClient, pid: int, projects: int) -> None:
    """Peak RSS of the (single) worker after the first page of the tree and after every page."""
    after: str | None = None
    peaks = []
    for _ in range(-(-projects // PAGE)):
        page = client.post(TREE, {"slug": DEMO_SLUG, "first": PAGE, "after": after})["organization"][
            "projects"
        ]
        peaks.append(_peak_rss_mb(pid))
        after = page["pageInfo"]["endCursor"]
    print(
        f"memory: peak RSS of the worker {peaks[0]:.0f} MB after the first page of {PAGE} projects, "
        f"{peaks[-1]:.0f} MB after all {len(peaks)} pages ({projects} projects)"
    )


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: peak memory is measured on Linux only")


async def bench_throughput(options: Options, token: str, log: Path) -> None:
    if shutil.which("wrk") is None:
        print("throughput: skipped, wrk is not installed (Debian: apt-get install wrk)")
        return
    for environment, label in (
        (options.environment, "as configured"),
        (NO_CACHES_NO_FAST_PATHS, "caches and fast paths off"),
    ):
        for workers in (1, 2):
            async with server_process(
                options.database_url, log, workers=workers, environment=environment
            ) as server:
                result: Throughput = await wrk(
                    f"{server.url}/graphql",
                    token,
                    SMALL_QUERY,
                    small_query_variables(),
                    options.throughput_seconds,
                )
                check_write_is_seen(BenchClient(server.url, token))
            print(f"throughput, small query, {workers} worker(s), {label}: {result}")


def check_write_is_seen(client: BenchClient) -> None:
    """After the load, a write and the very next read: the read must show it (the caches are exact)."""
    before = client.post(SMALL_QUERY, small_query_variables())["organization"]
    value = "MERGE" if before["settings"]["stoppingPoint"] != "MERGE" else "SUGGESTION"
    client.post(UPDATE_ORGANIZATION, {"input": {"organizationId": before["id"], "stoppingPoint": value}})
    after = client.post(SMALL_QUERY, small_query_variables())["organization"]
    if after["settings"]["stoppingPoint"] != value:
        raise RuntimeError("a read right after a write did not show it")
    client.close()
