"""Small-query throughput measured with wrk (a Python load client would saturate before the server):
8 keep-alive connections, one wrk thread, every answer checked to be HTTP 200."""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from typing import Any

import orjson

from aisettings.app.demo import DEMO_SLUG

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
        requests_per_second=figures["requests"] / figures["seconds"],
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        failed=figures["non_2xx"] + figures["errors"],
    )
