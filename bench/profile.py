"""`python -m bench.profile [--database-url URL]`: where the uncached tree query's time goes, in-process
under cProfile, as each library's share of the time spent in its own code (and our modules' one by one)."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG, create_demo_organization
from aisettings.app.tokens import create_token
from aisettings.models import migrate
from aisettings.models.database import create_engine

from .documents import PAGE, TREE

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
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://profile") as client:
        for first in range(PAGE, PAGE - REQUESTS - 1, -1):
            if first == PAGE - 1:
                profiler.enable()  # after a warm-up request
            body = {"query": TREE, "variables": {"slug": DEMO_SLUG, "first": first}}
            response = await client.post("/graphql", json=body, headers=headers)
            assert response.status_code == 200
            assert "errors" not in response.json()
        profiler.disable()
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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--database-url", help="a database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'profile.db'}"
        asyncio.run(profile_tree(url, PAGE + 1))


if __name__ == "__main__":
    main()
