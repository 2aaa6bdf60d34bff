"""`python -m bench.profile [--database-url URL]`: where the time goes, under cProfile. The uncached tree
query in-process, as each library's share of the time spent in its own code (and our modules' one by
one); then the small query through a uvicorn server in this process (on uvloop, as `serve` runs) under
wrk's load, as the share of each layer of a request (bench/layers.py), with the production defaults and
with the answer caches off. `--layers-only` profiles the small query alone, on an organization that
`python -m bench` made."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import httpx
import orjson
import uvicorn
import uvloop

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG, create_demo_organization
from aisettings.app.logs import logging_config, set_up_process_logging
from aisettings.app.tokens import create_token
from aisettings.models import migrate
from aisettings.models.database import create_engine

from .documents import PAGE, TREE
from .environments import ANSWER_CACHES_OFF, PRODUCTION
from .layers import layer_shares, print_shares, stats_of
from .ports import free_port
from .throughput import SMALL_QUERY, small_query_variables, wrk

REQUESTS = 10


def _owner(filename: str) -> str:
    """Who owns the code of `filename`: a library's top-level package, or one of our modules."""
    if "/aisettings/" in filename:
        return "aisettings." + filename.split("/aisettings/", 1)[1].removesuffix(".py").replace("/", ".")
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if filename.startswith(("~", "<")):
        return "built-ins (C code: JSON, sockets, ...)"
    return "Python's standard library (asyncio, ...)"


async def profile_tree(database_url: str, projects: int) -> None:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await create_demo_organization(engine, projects, 3, replace=True)
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="profile")
    app = create_app(Config(database_url=database_url, answer_caches=False), engine=engine)
    headers = {"Authorization": f"Bearer {token}"}
    profiler = cProfile.Profile()
    # The app's lifespan, as a server runs it: it tunes the garbage collector, whose passes at Python's
    # defaults would take a third of the time.
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://profile") as client,
    ):
        responses = []
        for first in range(PAGE, PAGE - REQUESTS - 1, -1):
            if first == PAGE - 1:
                profiler.enable()  # after a warm-up request
            body = {"query": TREE, "variables": {"slug": DEMO_SLUG, "first": first}}
            responses.append(await client.post("/graphql", json=body, headers=headers))
        profiler.disable()
    # Checked once the profiler is off: decoding the 1.5 MB answers would count as the server's time.
    for response in responses:
        assert response.status_code == 200
        assert "errors" not in orjson.loads(response.content)
    await engine.dispose()
    stats = pstats.Stats(profiler)
    shares: Counter[str] = Counter()
    for (filename, _, _), (_, _, own_seconds, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        shares[_owner(filename)] += own_seconds
    total = sum(shares.values())
    each = total / REQUESTS * 1000
    print(f"tree query, {PAGE} projects, {REQUESTS} requests in-process, profiled: {each:.0f} ms each")
    for owner, seconds in shares.most_common(15):
        print(f"{seconds / total:6.1%}  {owner}")


async def profile_layers(database_url: str, seconds: int) -> None:
    """The small query's layers, with the production defaults and with the answer caches off."""
    engine = create_engine(database_url)
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="profile")
    await engine.dispose()
    with tempfile.TemporaryDirectory() as directory:
        for label, environment in (
            ("production defaults", PRODUCTION),
            ("answer caches off", {**PRODUCTION, **ANSWER_CACHES_OFF}),
        ):
            log = Path(directory) / "server.log"
            shares, requests = await _profile_small_query(database_url, token, environment, seconds, log)
            print_shares(shares, requests, f"small query, 1 worker, {label}, profiled under wrk")
        print("  (an answer from the response cache runs one statement: authentication's)")


async def _profile_small_query(
    database_url: str, token: str, environment: Mapping[str, str], seconds: int, log: Path
) -> tuple[dict[str, float], int]:
    config = Config.from_environment({**os.environ, **environment, "DATABASE_URL": database_url})
    set_up_process_logging()  # as each process of `serve` does
    logging = logging_config(json_lines=config.json_logs)  # as `serve` logs, to a file
    logging["handlers"]["default"] = {
        "class": "logging.FileHandler",
        "formatter": "default",
        "filename": str(log),
    }
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_config=logging)
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn's Server tells it by a flag only)
        await asyncio.sleep(0.05)
    url = f"http://127.0.0.1:{port}/graphql"
    await wrk(url, token, SMALL_QUERY, small_query_variables(), 1)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    result = await wrk(url, token, SMALL_QUERY, small_query_variables(), seconds)
    profiler.disable()
    server.should_exit = True
    await serving
    if result.failed:
        raise RuntimeError(f"{result.failed} requests of the profile failed")
    return layer_shares(stats_of(pstats.Stats(profiler))), result.requests


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--database-url", help="a database to fill (default: a temporary SQLite file)")
    parser.add_argument("--seconds", type=int, default=5, help="length of each profiled wrk run (5)")
    parser.add_argument("--layers-only", action="store_true", help="the small query's layers alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'profile.db'}"
        if not args.layers_only:
            uvloop.run(profile_tree(url, PAGE + 1))
        uvloop.run(profile_layers(url, args.seconds))


if __name__ == "__main__":
    main()
