"""The ASGI application as uvicorn imports it in each worker: `aisettings.app.main:app`."""

from __future__ import annotations

from starlette.applications import Starlette

from .asgi import create_app
from .config import Config
from .logs import log_stray_output


def create_app_from_environment() -> Starlette:
    log_stray_output()  # uvicorn configures the logging of a worker, but not Python's own output
    return create_app(Config.from_environment())
