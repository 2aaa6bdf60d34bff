"""The ASGI application: /graphql, /healthz and /readyz."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.extensions import DisableIntrospection, ValidationCache

from aisettings.schema.document_cache import CachedParsing
from aisettings.schema.limits import EnforceRequestLimits
from aisettings.schema.operation_name import RequireOperationName
from aisettings.schema.schema import build_schema
from aisettings.schema.storable_text import RejectUnstorableText

from .config import Config
from .engine import configured_engine
from .errors import ErrorCodes
from .garbage_collection import tune_garbage_collector
from .graphql import GraphQLEndpoint
from .security_headers import SecurityHeaders


def create_app(config: Config, engine: AsyncEngine | None = None) -> Starlette:
    """The application. It disposes of the engine it creates, not of one it is given."""
    own_engine = engine is None
    database = engine or configured_engine(config)
    schema = build_schema(
        extensions=[
            lambda: EnforceRequestLimits(config.limits),
            lambda: CachedParsing(maxsize=config.document_cache_size),
            lambda: ValidationCache(maxsize=config.document_cache_size),
            RequireOperationName,
            RejectUnstorableText,
            *([] if config.introspection else [DisableIntrospection]),
            ErrorCodes,
        ],
        fast_fields=config.fast_execution,
    )

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        try:
            async with database.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "reachable"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        tune_garbage_collector(config.gc_young_threshold)
        yield
        if own_engine:
            await database.dispose()

    return Starlette(
        routes=[
            Route(
                "/graphql",
                GraphQLEndpoint(
                    schema,
                    database,
                    graphiql=config.graphiql,
                    max_body_bytes=config.max_body_bytes,
                    timeout_seconds=config.request_timeout_seconds,
                ),
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=[Middleware(SecurityHeaders)],
        lifespan=lifespan,
    )
