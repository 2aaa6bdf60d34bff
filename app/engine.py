"""The engine of the configured database, for the server and the command line alike."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import create_engine

from .config import Config


def configured_engine(config: Config, *, pool_size: int | None = None) -> AsyncEngine:
    """An engine as `config` says; `pool_size` instead of the configured one (the command line needs
    fewer connections than a server)."""
    return create_engine(
        config.database_url,
        pool_size=pool_size or config.database_pool_size,
        pool_timeout_seconds=config.database_pool_timeout_seconds,
        connect_timeout_seconds=config.database_connect_timeout_seconds,
    )
