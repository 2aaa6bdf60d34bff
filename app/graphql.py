"""The /graphql endpoint: GraphiQL for browsers, and for everything else a bearer token first, then
Strawberry with a per-request context."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import orjson
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from aisettings.resolvers.context import Context
from aisettings.resolvers.viewer import authenticate

from .logs import current_request_id


class StrawberryView(GraphQL[Context, None]):
    def __init__(self, schema: strawberry.Schema, engine: AsyncEngine, *, graphiql: bool) -> None:
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None)
        self._engine = engine

    async def get_context(self, request: Request | Any, response: Response | Any) -> Context:
        state = request.state
        return Context(engine=self._engine, viewer=state.viewer, request_id=state.request_id)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson's errors are all JSONDecodeError, which Strawberry answers with 400: the json module
        # raises UnicodeDecodeError for bytes that are not UTF-8 and RecursionError for deep nesting.
        return orjson.loads(data)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # Strawberry reads any JSON body but a list (a batch) as an object, and fails on a string, a number
        # or null with an AttributeError, which would be a 500 for the client's mistake.
        if request.method == "POST" and "application/json" in (request.content_type or ""):
            body = await request.get_body()  # Starlette keeps it for Strawberry's own read
            if body.lstrip()[:1] not in (b"{", b"["):
                raise HTTPException(400, 'The request body must be a JSON object: {"query": "..."}.')
        return await super().parse_http_body(request)


class GraphQLEndpoint:
    """An ASGI app: authenticates, reads a body of at most `max_body_bytes`, then hands the request to
    Strawberry for at most `timeout_seconds`."""

    def __init__(
        self,
        schema: strawberry.Schema,
        engine: AsyncEngine,
        *,
        graphiql: bool,
        max_body_bytes: int,
        timeout_seconds: float,
    ) -> None:
        self._view = StrawberryView(schema, engine, graphiql=graphiql)
        self._engine = engine
        self._max_body_bytes = max_body_bytes
        self._timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if self._view.graphql_ide and _wants_graphiql(request):
            # The GraphiQL page holds no data: no token is needed to load it.
            await (await self._view.render_graphql_ide(request))(scope, receive, send)
            return
        token = _bearer_token(request)
        viewer = None if token is None else await authenticate(self._engine, token)
        if viewer is None:
            await _unauthenticated(token)(scope, receive, send)
            return
        request.state.viewer = viewer
        request.state.request_id = _request_id(request)
        current_request_id.set(request.state.request_id)
        body = await _body_within(request, self._max_body_bytes)
        if body is None:
            await _error(413, f"The request body is over the limit of {self._max_body_bytes} bytes.")(
                scope, receive, send
            )
            return
        await self._run_in_time(scope, _replaying(body, receive), send)

    async def _run_in_time(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's answer, or 503 when it takes longer than the limit. A transaction cut short is
        rolled back: a write is whole or absent."""
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await asyncio.wait_for(self._view(scope, receive, tracking_send), self._timeout_seconds)
        except TimeoutError:
            if not started:
                message = (
                    f"The request took longer than the limit of {self._timeout_seconds:g} s and was stopped."
                )
                await _error(503, message)(scope, receive, send)


async def _body_within(request: Request, limit: int) -> bytes | None:
    """The whole body, or None as soon as it is known to be over `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands `body` over again (it has been read), then what the client sends next."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _error(status: int, message: str) -> Response:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "LIMIT_EXCEEDED"}}]}, status_code=status
    )


REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def _request_id(request: Request) -> str:
    """The caller's X-Request-ID when it is a plain token that fits the audit log, else a new one."""
    given = request.headers.get("x-request-id", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _wants_graphiql(request: Request) -> bool:
    """A browser opening /graphql (no query): it gets the GraphiQL page."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


def _bearer_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def _unauthenticated(token: str | None) -> Response:
    message = (
        "Authentication required: send an API token as `Authorization: Bearer <token>`."
        if token is None
        else "The API token is unknown or revoked."
    )
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": 'Bearer realm="aisettings"'},
    )
