"""`python -m bench.metrics_cost`: what the Prometheus metrics cost, as small-query throughput with
AISETTINGS_METRICS=1 against without, 2 workers each, runs alternated so that a slow spell of the machine
weighs on both alike; SQLite by default, `--database-url` for PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
from pathlib import Path

from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG
from aisettings.app.tokens import create_token
from aisettings.models.database import create_engine
from tests.server_process import server_process

from .measure import run_cli
from .throughput import SMALL_QUERY, small_query_variables, wrk

SETTINGS = {"off": {"AISETTINGS_METRICS": "0"}, "on": {"AISETTINGS_METRICS": "1"}}


async def measure(database_url: str, rounds: int, seconds: int, workers: int) -> None:
    await run_cli(database_url, "demo", "--projects", "10", "--replace")
    engine = create_engine(database_url)
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="bench-metrics")
    await engine.dispose()
    rates: dict[str, list[float]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory() as directory:
        for round_number in range(rounds):
            # off first, then on first: a machine that speeds up or slows down favours neither
            order = list(SETTINGS.items())[:: 1 if round_number % 2 == 0 else -1]
            for label, environment in order:
                log = Path(directory) / f"serve-{label}.log"
                async with server_process(
                    database_url, log, workers=workers, environment=environment
                ) as server:
                    result = await wrk(
                        f"{server.url}/graphql", token, SMALL_QUERY, small_query_variables(), seconds
                    )
                rates[label].append(result.requests_per_second)
                print(f"metrics {label}: {result}")
    off, on = statistics.median(rates["off"]), statistics.median(rates["on"])
    print(
        f"small query, {workers} workers, medians of {rounds} runs each: metrics off {off:.0f} requests/s, "
        f"on {on:.0f} requests/s: cost {(off - on) / off:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.metrics_cost", description=__doc__)
    parser.add_argument("--database-url", help="a database to fill (default: a temporary SQLite file)")
    parser.add_argument("--rounds", type=int, default=3, help="runs with and without metrics (3 each)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run (10)")
    parser.add_argument("--workers", type=int, default=2, help="workers of each server (2)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        asyncio.run(measure(url, args.rounds, args.seconds, args.workers))


if __name__ == "__main__":
    main()
