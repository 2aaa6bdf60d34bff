"""/metrics on a port of its own (AISETTINGS_METRICS_PORT), so that the scraper's network can reach the
metrics and nothing else, and the API's port answers no /metrics. It runs in `serve`'s own process, in a
thread beside uvicorn's workers, and reads what the workers write to the metrics directory; the outbox's
backlog it counts in the database at each scrape."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from .config import Config
from .engine import configured_engine


class MetricsPortError(Exception):
    pass


def serve_metrics_in_background(config: Config, host: str, port: int, directory: Path) -> threading.Thread:
    """Answers /metrics at `host`:`port` in a daemon thread (it ends with the process), once it listens;
    MetricsPortError when it cannot (the port is taken, say): better not to start than to run unwatched."""
    server = uvicorn.Server(
        uvicorn.Config(
            metrics_app(config, directory), host=host, port=port, log_config=None, access_log=False
        )
    )
    thread = threading.Thread(target=server.run, name="metrics-server", daemon=True)
    thread.start()
    while thread.is_alive() and not server.started:
        time.sleep(0.01)
    if not server.started:
        raise MetricsPortError(f"/metrics cannot be served on {host}:{port} (AISETTINGS_METRICS_PORT).")
    return thread


def metrics_app(config: Config, directory: Path) -> Starlette:
    # prometheus-client reads PROMETHEUS_MULTIPROC_DIR when it is imported: only now is it set
    # (app/metrics_directory.py), so the module that imports it is imported here.
    from .metrics import Metrics

    metrics = Metrics(directory)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        engine = configured_engine(config, pool_size=1)
        metrics.count_backlog_in(engine)
        yield
        await engine.dispose()

    return Starlette(routes=[Route("/metrics", metrics.endpoint)], lifespan=lifespan)
