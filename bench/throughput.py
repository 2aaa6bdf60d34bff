"""Small-query throughput measured with wrk (a Python load client would saturate before the server):
8 keep-alive connections, one wrk thread, every answer checked to be HTTP 200."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from aisettings.app.demo import DEMO_SLUG
from tests.server_process import server_process

from . import peer
from .client import BenchClient
from .documents import UPDATE_ORGANIZATION

# The organization's settings and one project's effective values: what a script asks before it acts.
SMALL_QUERY = """query SmallSettings($slug: String!, $project: String!) {
  organization(slug: $slug) {
    id
    settings { scanEnabled fixEnabled stoppingPoint lockedSettings }
    project(slug: $project) {
      effectiveSettings {
        scanEnabled { value source locked }
        fixEnabled { value source locked }
        stoppingPoint { value source locked }
      }
    }
  }
}"""
CONNECTIONS = 8

# wrk's Lua: the request, and at the end one JSON line with the figures (wrk prints no p95 of its own).
SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = {authorization}
done = function(summary, latency, requests)
  io.write(string.format(
    '{{"requests": %d, "seconds": %f, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"non_2xx": %d, "errors": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def small_query_variables() -> dict[str, Any]:
    return {"slug": DEMO_SLUG, "project": "project-00001"}


@dataclass(frozen=True)
class Throughput:
    requests: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failed: int

    def __str__(self) -> str:
        return (
            f"{self.requests_per_second:.0f} requests/s, p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, "
            f"p99 {self.p99_ms:.1f} ms, {self.failed} failed"
        )


async def wrk(url: str, token: str, document: str, variables: dict[str, Any], seconds: int) -> Throughput:
    body = orjson.dumps({"query": document, "variables": variables}).decode()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(SCRIPT.format(body=json.dumps(body), authorization=json.dumps(f"Bearer {token}")))
        script.flush()
        process = await asyncio.create_subprocess_exec(
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "-s",
            script.name,
            url,
            stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await process.communicate()
    figures = json.loads(output.decode().strip().splitlines()[-1])
    return Throughput(
        requests=figures["requests"],
        requests_per_second=figures["requests"] / figures["seconds"],
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        failed=figures["non_2xx"] + figures["errors"],
    )


async def measure_throughput(
    database_url: str, log: Path, token: str, workers: int, environment: Mapping[str, str], seconds: int
) -> Throughput | None:
    """The small query against a server of ours with `workers` (None: wrk is not installed), then a
    check that a write is seen by the very next read."""
    if shutil.which("wrk") is None:
        return None
    async with server_process(database_url, log, workers=workers, environment=environment) as server:
        result = await wrk(f"{server.url}/graphql", token, SMALL_QUERY, small_query_variables(), seconds)
        check_write_is_seen(BenchClient(server.url, token))
    return result


async def peer_throughput(server: peer.PeerServer, seconds: int) -> Throughput:
    """The same small query, in the peer's schema, with the same wrk settings."""
    return await wrk(f"{server.url}/graphql", "none", peer.SMALL_QUERY, small_query_variables(), seconds)


def check_write_is_seen(client: BenchClient) -> None:
    """After the load, a write and the very next read: the read must show it (the caches are exact)."""
    before = client.post(SMALL_QUERY, small_query_variables())["organization"]
    value = "MERGE" if before["settings"]["stoppingPoint"] != "MERGE" else "SUGGESTION"
    client.post(UPDATE_ORGANIZATION, {"input": {"organizationId": before["id"], "stoppingPoint": value}})
    after = client.post(SMALL_QUERY, small_query_variables())["organization"]
    if after["settings"]["stoppingPoint"] != value:
        raise RuntimeError("a read right after a write did not show it")
    client.close()
