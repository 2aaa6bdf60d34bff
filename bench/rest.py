"""`python -m bench.rest`: a REST GET of a project's settings next to the GraphQL query that answers the
same fields, timed interleaved over keep-alive connections against a running server (AISETTINGS_URL, its
/graphql, and AISETTINGS_TOKEN, as .ci/with-demo-server sets them):

    .ci/with-demo-server .venv .venv/bin/python -m bench.rest

GraphQL is timed twice: the same request again (the response cache answers) and a request whose text
differs each time by a comment (parsed, validated and executed anew, as a REST GET always is)."""

from __future__ import annotations

import http.client
import os
import statistics
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import orjson

REPETITIONS = 500
PROJECT = "project-00001"
EFFECTIVE = "value source inheritedValue inheritedFrom locked overrideIgnored"
QUERY = f"""query ProjectSettings {{
  organization(slug: "demo") {{
    project(slug: "{PROJECT}") {{
      databaseId slug name version overrides {{ scanEnabled fixEnabled stoppingPoint }}
      effectiveSettings {{
        scanEnabled {{ {EFFECTIVE} }} fixEnabled {{ {EFFECTIVE} }} stoppingPoint {{ {EFFECTIVE} }}
      }}
    }}
  }}
}}"""


class Connection:
    def __init__(self, url: str, token: str) -> None:
        address = urlsplit(url)
        self._connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        self._connection.request(method, path, body, self._headers)
        response = self._connection.getresponse()
        content = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {content[:300]!r}")
        return content


def timed(run: Callable[[int], bytes], times: list[float], index: int) -> None:
    started = time.perf_counter()
    run(index)
    times.append(time.perf_counter() - started)


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95)]
    return f"{name:<34} median {statistics.median(times) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"


def main() -> None:
    url, token = os.environ["AISETTINGS_URL"], os.environ["AISETTINGS_TOKEN"]
    connection = Connection(url, token)
    rest_path = f"/api/0/projects/demo/{PROJECT}/ai-settings/"

    def rest(_: int) -> bytes:
        return connection.request("GET", rest_path)

    def graphql_cached(_: int) -> bytes:
        return connection.request("POST", "/graphql", orjson.dumps({"query": QUERY}))

    def graphql_uncached(index: int) -> bytes:
        return connection.request("POST", "/graphql", orjson.dumps({"query": f"# {index}\n{QUERY}"}))

    runs = {
        "REST GET": rest,
        "GraphQL, cached answer": graphql_cached,
        "GraphQL, new text each time": graphql_uncached,
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for index in range(-50, REPETITIONS):  # the first 50 warm up
        for name, run in runs.items():
            timed(run, times[name] if index >= 0 else [], index)
    print(f"{REPETITIONS} requests each, interleaved, one keep-alive connection:")
    for name, measured in times.items():
        print(summary(name, measured))
    print(f"REST answer {len(rest(0))} bytes, GraphQL answer {len(graphql_cached(0))} bytes")


if __name__ == "__main__":
    main()
