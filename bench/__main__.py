"""`python -m bench [--database-url URL] [--projects N]`: every benchmark, on SQLite by default."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from .measure import run_benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--database-url", help="a database to fill (default: a temporary SQLite file)")
    parser.add_argument("--projects", type=int, default=1000, help="projects in the organization (1000)")
    parser.add_argument("--repetitions", type=int, default=15, help="timed runs of each request (15)")
    parser.add_argument(
        "--plain-execution", action="store_true", help="graphql-core's executor alone (no fast fields)"
    )
    parser.add_argument("--default-gc", action="store_true", help="Python's garbage-collector settings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        asyncio.run(
            run_benchmarks(
                url,
                args.projects,
                args.repetitions,
                fast_execution=not args.plain_execution,
                tune_gc=not args.default_gc,
            )
        )


main()
