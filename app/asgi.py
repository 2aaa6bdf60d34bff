"""The ASGI application: /graphql, /healthz, /readyz, GraphiQL's files, the settings page and signing in
to it, the REST API (/api/0/), and /metrics when they are on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from strawberry.extensions import DisableIntrospection

from aisettings.schema.argument_sites import ArgumentSitesCache
from aisettings.schema.document_cache import CachedParsing
from aisettings.schema.input_text import CheckInputText
from aisettings.schema.limits import EnforceRequestLimits
from aisettings.schema.operation_name import RequireOperationName
from aisettings.schema.plans import CompiledPlans
from aisettings.schema.query_marker import MarkQueries
from aisettings.schema.schema import build_schema

from . import events
from .config import Config
from .engine import configured_engine
from .errors import ErrorCodes
from .feature_gate import FeatureGate
from .garbage_collection import tune_garbage_collector
from .graphiql import PREFIX as GRAPHIQL_FILES
from .graphiql import build_graphiql
from .graphql import GraphQLEndpoint
from .graphql_over_http import ProtocolError
from .metrics import Metrics, RecordRequests
from .request_ids import RequestIds
from .response_cache import ResponseCache
from .rest.routes import rest_routes
from .security_headers import SecurityHeaders
from .sessions import session_viewer
from .settings_page.files import PREFIX as SETTINGS_PAGE_FILES
from .settings_page.routes import settings_page_routes
from .sign_in import sign_in_routes
from .trusted_documents import TrustedDocuments
from .unexpected_errors import AnswerUnexpectedErrors


def create_app(config: Config, engine: AsyncEngine | None = None) -> Starlette:
    """The application. It disposes of the engine it creates, not of one it is given."""
    own_engine = engine is None
    database = engine or configured_engine(config)
    cache_size = config.document_cache_size  # parsing cached by query text, validation by document
    argument_sites = ArgumentSitesCache(cache_size)
    schema = build_schema(
        extensions=[
            *([lambda: CachedParsing(maxsize=cache_size)] if cache_size else []),
            lambda: EnforceRequestLimits(config.limits, validation_cache_size=cache_size),
            RequireOperationName,
            MarkQueries,
            lambda: CheckInputText(argument_sites),
            *([] if config.introspection else [DisableIntrospection]),
            ErrorCodes,
        ],
        fast_fields=config.fast_execution,
    )
    trusted_documents = TrustedDocuments.from_directory(
        config.trusted_documents, only=config.trusted_documents_only
    )
    # The trusted documents' queries by compiled plans: one of the fast ways (schema/plans/).
    plans = (
        CompiledPlans(schema, trusted_documents.documents, config.limits) if config.fast_execution else None
    )
    graphiql = build_graphiql(config.graphiql_assets, config.demo_token) if config.graphiql else None

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        try:
            async with database.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError):
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "reachable"})

    metrics = Metrics(config.metrics_directory) if config.metrics else None
    if metrics is not None:
        metrics.watch(database)
    # The settings page's and the REST API's flags.
    gate = FeatureGate(database, metrics.flag_evaluated if metrics else None)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        tune_garbage_collector(config.gc_young_threshold)
        relay = None
        if config.events.relay_seconds > 0:
            failed = metrics.delivery_failed if metrics is not None else None
            relay = asyncio.create_task(events.relay(database, config.events, failed))
        yield
        if metrics is not None:
            metrics.stop(database)
        if relay is not None:
            relay.cancel()
            await asyncio.gather(relay, return_exceptions=True)
        if own_engine:
            await database.dispose()

    return Starlette(
        routes=[
            Route(
                "/graphql",
                GraphQLEndpoint(
                    schema,
                    database,
                    graphiql=graphiql.page if graphiql else None,
                    max_body_bytes=config.max_body_bytes,
                    timeout_seconds=config.request_timeout_seconds,
                    response_cache=ResponseCache(config.answer_cache_bytes),
                    trusted_documents=trusted_documents,
                    plans=plans,
                ),
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            # With a port of their own, `serve` answers /metrics there (app/metrics_server.py).
            *([Route("/metrics", metrics.endpoint)] if metrics and config.metrics_port is None else []),
            *(graphiql.routes if graphiql else []),
            *sign_in_routes(database),
            *settings_page_routes(
                database,
                config.graphiql_assets,
                config.trusted_documents,
                viewer_of=session_viewer,
                gate=gate,
            ),
            *rest_routes(config, database, gate),
        ],
        # /graphql answers its refusals itself, in GraphQL's shape; the pages' are one line of text.
        exception_handlers={ProtocolError: _refusal},
        # Outermost first: the answer to an unexpected error gets the security headers and its id too;
        # the metrics time all of it.
        middleware=[
            *([Middleware(RecordRequests, metrics=metrics)] if metrics else []),
            Middleware(RequestIds),
            Middleware(SecurityHeaders, public_files=(GRAPHIQL_FILES, SETTINGS_PAGE_FILES)),
            Middleware(AnswerUnexpectedErrors),
        ],
        lifespan=lifespan,
    )


async def _refusal(_: Request, error: Exception) -> Response:
    assert isinstance(error, ProtocolError)
    return PlainTextResponse(error.message, status_code=error.status, headers=error.headers)
