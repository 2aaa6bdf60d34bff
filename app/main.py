"""The ASGI application as uvicorn imports it in each worker: `aisettings.app.main:app`."""

from __future__ import annotations

from starlette.applications import Starlette

from .asgi import create_app
from .config import Config
from .error_tracking import start_error_tracking
from .logs import set_up_process_logging


def create_app_from_environment() -> Starlette:
    set_up_process_logging()  # uvicorn configures a worker's loggers, not the rest of its logging
    config = Config.from_environment()
    start_error_tracking(config)
    return create_app(config)
