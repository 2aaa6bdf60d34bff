"""The benchmarks: real `aisettings serve` processes (uvicorn) against a real database, each figure a
ratio to a reference measured in the same run, and the peer (PostGraphile) timed by the same client in
the same run when it can run."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.config import Config
from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG
from aisettings.app.tokens import create_token
from aisettings.models.database import create_engine
from tests.server_process import CLI, server_process

from .bare_server import bare_server
from .client import BenchClient
from .documents import PAGE, TREE
from .environments import ANSWER_CACHES_OFF, PRODUCTION
from .pages import walk_pages
from .peer import PeerServer, PeerUnavailable, peer_server
from .statements import count_statements
from .targets import Scorecard
from .throughput import Throughput, measure_throughput, peer_throughput
from .tree import TreeRequest, TreeTiming, time_trees
from .writes import time_writes


@dataclass(frozen=True)
class Options:
    database_url: str
    projects: int
    repetitions: int
    environment: Mapping[str, str]  # of every server of ours, over the settings each figure asks for
    throughput_seconds: int
    peer: Path | None  # the peer's folder, or None to leave it out
    profile_seconds: int  # of the small query's layers under wrk; 0: no profile


@dataclass
class Run:
    """What the phases share: the token, the server log, the peer when it runs."""

    options: Options
    token: str
    log: Path
    peer: PeerServer | None


async def run_benchmarks(options: Options) -> None:
    # The data is made by another process, and statements are counted (in-process) last: the timed
    # process stays lean, or its fragmented heap slows orjson.dumps, the reference, down several times.
    await run_cli(options.database_url, "demo", "--projects", str(options.projects + 1), "--replace")
    engine = create_engine(options.database_url)
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="bench")
    await vacuum_analyze(engine)
    print(f"database: {engine.dialect.name}; server environment: {dict(options.environment) or 'defaults'}")
    scorecard = Scorecard()
    with tempfile.TemporaryDirectory() as directory:
        fixture = Path(directory) / "fixture.json"
        await run_cli(options.database_url, "export", "--org", DEMO_SLUG, "-o", str(fixture))
        with _peer(options, fixture) as peer:
            run = Run(options, token, Path(directory) / "serve.log", peer)
            await bench_uncached_tree(run, scorecard)
            await bench_cached_tree(run, scorecard)
            await bench_writes_and_pages(run, scorecard)
            await bench_throughput(run, scorecard)
    counts = await count_statements(engine, options.database_url, token)
    print(f"SQL statements: {counts}")
    scorecard.add(f"SQL statements {counts}", "constant", counts.constant)
    await engine.dispose()
    if options.profile_seconds:
        await profile_layers(options.database_url, options.profile_seconds)
    scorecard.print(f"Targets ({engine.dialect.name}, {options.projects} projects):")


async def vacuum_analyze(engine: AsyncEngine) -> None:
    """On PostgreSQL, what autovacuum does on a server where it runs (this machine's has it off) and what
    the peer's loader does to its own database: the dead rows of earlier runs' `demo --replace` cleared,
    the planner's statistics current. Without it, after a few runs, the tree's two counting statements
    took 10 ms in the database instead of 4 (EXPLAIN ANALYZE)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE"))


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


async def profile_layers(database_url: str, seconds: int) -> None:
    """bench/profile.py's layers of the small query, in a process of its own: prometheus-client reads
    where it keeps its metrics when it is imported, as in a `serve` worker."""
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as metrics:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.profile",
            "--layers-only",
            "--seconds",
            str(seconds),
            "--database-url",
            database_url,
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": metrics},
        )
        if await process.wait():
            raise RuntimeError("the profile of the small query failed")


@contextlib.contextmanager
def _peer(options: Options, fixture: Path) -> Iterator[PeerServer | None]:
    if options.peer is None:
        print("peer: left out (--no-peer)")
        yield None
        return
    with contextlib.ExitStack() as stack:
        try:  # its set-up only: an error of the benchmarks themselves is no reason to leave it out
            peer = stack.enter_context(peer_server(options.peer, options.database_url, fixture))
        except PeerUnavailable as reason:
            print(f"peer: left out: {reason}")
            yield None
            return
        print(f"peer: PostGraphile 5 at {peer.url}, from {options.peer}, on the same fixture")
        yield peer


async def bench_uncached_tree(run: Run, scorecard: Scorecard) -> None:
    """The tree computed from the database on every request, in turn with the peer's."""
    environment = {**ANSWER_CACHES_OFF, **run.options.environment}
    async with server_process(run.options.database_url, run.log, environment=environment) as server:
        tree, peer_tree = await _uncached_trees(server.url, run.token, run.peer, run.options.repetitions)
        client = BenchClient(server.url, run.token)
        pages = walk_pages(client, server.pid, run.options.projects)
        client.close()
    print(f"tree, {PAGE} projects, full HTTP round trip, answer caches off: {tree}")
    print(f"pages, answer caches off: {pages}")
    scorecard.add(
        f"uncached tree {tree.ratio:.0f}x orjson ({tree.seconds * 1000:.0f} ms)", "≤ 20x", tree.ratio <= 20
    )
    if peer_tree is not None:
        print(f"tree, {PAGE} projects, the peer (PostGraphile 5): {peer_tree}")
        scorecard.add(
            f"uncached tree {tree.seconds * 1000:.0f} ms vs the peer's {peer_tree.seconds * 1000:.0f} ms "
            f"({peer_tree.ratio:.0f}x orjson): the peer takes {peer_tree.seconds / tree.seconds:.2f}x ours",
            "ahead of the peer: > 1x",
            peer_tree.seconds > tree.seconds,
        )
    # What the worker itself holds while a client walks the organization: what no cache keeps.
    scorecard.add(
        f"tree of {pages.projects} projects page by page, answer caches off: {pages.seconds:.2f} s, peak RSS "
        f"{pages.first_peak_mb:.0f} MiB after the first page, {pages.last_peak_mb:.0f} MiB after the last",
        "flat: last ≤ 1.1x first",
        pages.last_peak_mb <= pages.first_peak_mb * 1.1,
    )


async def bench_writes_and_pages(run: Run, scorecard: Scorecard) -> None:
    """The bulk update against one project's; the whole organization page by page, with the production
    defaults: the response cache keeps the pages it answered, up to its size."""
    environment = {**PRODUCTION, **run.options.environment}
    async with server_process(run.options.database_url, run.log, environment=environment) as server:
        client = BenchClient(server.url, run.token)
        writes = time_writes(client, run.options.repetitions)
        pages = walk_pages(client, server.pid, run.options.projects)
        client.close()
    print(f"writes: {writes}")
    print(f"pages: {pages}")
    # The response cache's size as the server reads it from its environment (tests/server_process.py).
    cache_mib = Config.from_environment({**os.environ, **environment}).response_cache_bytes / 2**20
    scorecard.add(f"bulk of {writes.projects} {writes.ratio:.1f}x one update", "≤ 20x", writes.ratio <= 20)
    scorecard.add(
        f"tree of {pages.projects} projects page by page, production defaults: {pages.seconds:.2f} s, "
        f"peak RSS {pages.first_peak_mb:.0f} MiB after the first page, {pages.last_peak_mb:.0f} MiB after "
        f"the last (the response cache keeps their {pages.answer_mb:.0f} MiB of answers, up to its "
        f"{cache_mib:.0f} MiB)",
        "reported",
    )


async def _uncached_trees(
    url: str, token: str, peer: PeerServer | None, repetitions: int
) -> tuple[TreeTiming, TreeTiming | None]:
    """Ours, and the peer's in turn with ours when it runs."""
    ours = TreeRequest(url, token, TREE, {"slug": DEMO_SLUG, "first": PAGE})
    if peer is None:
        (timing,) = await time_trees([ours], repetitions)
        return timing, None
    theirs = TreeRequest(peer.url, "none", peer.tree, peer.tree_variables(PAGE))
    timing, peer_timing = await time_trees([ours, theirs], repetitions)
    return timing, peer_timing


async def bench_cached_tree(run: Run, scorecard: Scorecard) -> None:
    """The same tree request again and again, with the production defaults (the response cache on)."""
    environment = {**PRODUCTION, **run.options.environment}
    variables = {"slug": DEMO_SLUG, "first": PAGE}
    async with server_process(run.options.database_url, run.log, environment=environment) as server:
        client = BenchClient(server.url, run.token)
        answer = client.raw(TREE, variables)
        client.close()
        with bare_server(answer) as bare_url:
            requests = [
                TreeRequest(server.url, run.token, TREE, variables),
                TreeRequest(bare_url, "", TREE, {}),
            ]
            tree, bare = await time_trees(requests, run.options.repetitions * 10)
    print(f"tree, {PAGE} projects, full HTTP round trip, cached: {tree}")
    print(f"the same bytes from a bare uvloop server (bench/bare_server.py), in turn with it: {bare}")
    scorecard.add(
        f"cached tree {tree.ratio:.1f}x orjson ({tree.seconds * 1000:.1f} ms; a bare server's round trip of "
        f"the same bytes {bare.ratio:.1f}x)",
        "≤ 2x",
        tree.ratio <= 2,
    )


async def bench_throughput(run: Run, scorecard: Scorecard) -> None:
    """The small query under wrk: production defaults with 1 and 2 workers, the peer right after, then
    the same with the answer caches off."""
    for label, environment in (
        ("production defaults", PRODUCTION),
        ("answer caches off", {**PRODUCTION, **ANSWER_CACHES_OFF}),
    ):
        by_workers: dict[int, Throughput] = {}
        for workers in (1, 2):
            result = await measure_throughput(
                run.options.database_url,
                run.log,
                run.token,
                workers,
                {**environment, **run.options.environment},
                run.options.throughput_seconds,
            )
            if result is None:
                print("throughput: skipped, wrk is not installed (Debian: apt-get install wrk)")
                return
            by_workers[workers] = result
            named = f"{workers} worker{'s' if workers > 1 else ''}, {label}"
            print(f"throughput, small query, {named}: {result}")
            target = (label, workers) == ("production defaults", 2)
            _score_throughput(scorecard, named, result, target=target)
        if run.peer is not None and label == "production defaults":
            await _peer_throughput(run.peer, run.options.throughput_seconds, by_workers[2], scorecard)


def _score_throughput(scorecard: Scorecard, label: str, result: Throughput, *, target: bool) -> None:
    line = f"small query, {label}: {result.requests_per_second:.0f} requests/s, p95 {result.p95_ms:.1f} ms"
    if target:
        met = result.requests_per_second >= 5000 and result.p95_ms < 20
        scorecard.add(line, "≥ 5,000 requests/s, p95 < 20 ms on PostgreSQL", met)
    else:
        scorecard.add(line, "reported")


async def _peer_throughput(peer: PeerServer, seconds: int, ours: Throughput, scorecard: Scorecard) -> None:
    """The peer's small query right after ours with 2 workers, as the issue compares them."""
    theirs = await peer_throughput(peer, seconds)
    print(f"throughput, small query, the peer (PostGraphile 5, one Node process): {theirs}")
    ratio = ours.requests_per_second / theirs.requests_per_second
    scorecard.add(
        f"small query, 2 workers {ours.requests_per_second:.0f} vs the peer's "
        f"{theirs.requests_per_second:.0f} requests/s: {ratio:.2f}x the peer",
        "≥ 2x",
        ratio >= 2,
    )
