"""`python -m bench`: every benchmark, each figure a ratio measured in the same run; SQLite by default."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from .environments import NO_CACHES_NO_FAST_PATHS
from .measure import Options, run_benchmarks
from .peer import DEFAULT_FOLDER


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--database-url", help="a database to fill (default: a temporary SQLite file)")
    parser.add_argument("--projects", type=int, default=10_000, help="projects in the organization (10000)")
    parser.add_argument("--repetitions", type=int, default=15, help="timed runs of each request (15)")
    parser.add_argument("--throughput-seconds", type=int, default=10, help="length of each wrk run (10)")
    parser.add_argument(
        "--no-caches-no-fast-paths",
        action="store_true",
        help="time the tree and the writes with every cache and fast path off, as a plain server",
    )
    parser.add_argument("--default-gc", action="store_true", help="Python's garbage-collector settings")
    parser.add_argument(
        "--peer",
        type=Path,
        default=DEFAULT_FOLDER,
        help="the peer's folder, PostGraphile 5 (default: ../shared/anchors/postgraphile); it runs when the "
        "database is PostgreSQL",
    )
    parser.add_argument("--no-peer", action="store_true", help="leave the peer out")
    parser.add_argument(
        "--profile-seconds", type=int, default=5, help="profile of the small query's layers (5; 0: none)"
    )
    args = parser.parse_args()
    environment = {
        **(NO_CACHES_NO_FAST_PATHS if args.no_caches_no_fast_paths else {}),
        **({"AISETTINGS_GC_THRESHOLD": "0"} if args.default_gc else {}),
    }
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        peer = None if args.no_peer else args.peer
        options = Options(
            url,
            args.projects,
            args.repetitions,
            environment,
            args.throughput_seconds,
            peer,
            args.profile_seconds,
        )
        asyncio.run(run_benchmarks(options))


# Guarded: the trees are timed in spawned processes, which import this module again.
if __name__ == "__main__":
    main()
