"""The ASGI application as uvicorn imports it in each worker: `aisettings.app.main:app`."""

from __future__ import annotations

from starlette.applications import Starlette

from .asgi import create_app
from .config import Config
from .error_tracking import start_error_tracking
from .logs import log_stray_output


def create_app_from_environment() -> Starlette:
    log_stray_output()  # uvicorn configures the logging of a worker, but not Python's own output
    config = Config.from_environment()
    start_error_tracking(config)
    return create_app(config)
