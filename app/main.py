"""The ASGI application as uvicorn imports it in each worker: `aisettings.app.main:app`."""

from __future__ import annotations

from starlette.applications import Starlette

from .asgi import create_app
from .config import Config


def create_app_from_environment() -> Starlette:
    return create_app(Config.from_environment())
