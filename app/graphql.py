"""The /graphql endpoint: GraphiQL for browsers, and for everything else a bearer token first, then the
operation, run by the Strawberry schema with a per-request context."""

from __future__ import annotations

import asyncio
import time

import orjson
import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.types import ExecutionResult

from aisettings.resolvers.context import Context
from aisettings.schema.plans import CompiledPlans
from aisettings.schema.strawberry_internals import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
    OperationType,
)

from .authentication import authenticated_viewer
from .graphql_over_http import (
    MediaType,
    Params,
    ProtocolError,
    RequestError,
    encoded_response,
    negotiate,
    params_from_body,
    params_from_query_string,
    request_error_status,
)
from .logs import current_operation, current_request_id
from .request_facts import graphql_facts
from .response_cache import ResponseCache, request_key
from .trusted_documents import TrustedDocuments
from .unavailable import RETRY_AFTER, is_unavailable


class GraphQLEndpoint:
    """An ASGI app speaking GraphQL over HTTP (app/graphql_over_http.py): authenticates, reads a body of at
    most `max_body_bytes`, then runs the operation for at most `timeout_seconds`."""

    def __init__(
        self,
        schema: strawberry.Schema,
        engine: AsyncEngine,
        *,
        graphiql: ASGIApp | None,
        max_body_bytes: int,
        timeout_seconds: float,
        response_cache: ResponseCache,
        trusted_documents: TrustedDocuments,
        plans: CompiledPlans | None = None,
    ) -> None:
        self._trusted = trusted_documents
        self._plans = plans
        self._graphiql = graphiql
        self._schema = schema
        self._cache = response_cache
        self._engine = engine
        self._max_body_bytes = max_body_bytes
        self._timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if self._graphiql is not None and _wants_graphiql(request):
            # The GraphiQL page (app/graphiql.py) holds no data: no token is needed to load it (`serve
            # --demo` puts the demo token in it).
            await self._graphiql(scope, receive, send)
            return
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        try:
            if request.method not in ("GET", "POST"):
                raise ProtocolError(405, "GraphQL is served over GET and POST.", {"Allow": "GET, POST"})
            media_type = negotiate(request.headers.get("accept"))
        except ProtocolError as error:
            return error.response()
        try:
            return await self._graphql(request, media_type)
        except (ProtocolError, RequestError) as error:
            graphql_facts(request.scope).error_codes.append(error.code)
            return error.response(media_type)

    async def _graphql(self, request: Request, media_type: MediaType) -> Response:
        request_id = current_request_id.get()
        assert request_id is not None, "every request has one (app/request_ids.py)"
        viewer = await authenticated_viewer(self._engine, request)
        params = self._trusted.resolve(await self._params(request))
        facts = graphql_facts(request.scope)
        facts.operation = self._trusted.operation_label(params)
        current_operation.set(facts.operation)  # for the log lines and error reports of the request
        key = request_key(params, viewer)
        if (cached := self._cache.get(key)) is not None:
            facts.cache_hit = True
            return encoded_response(200, cached, media_type)
        deadline = time.monotonic() + self._timeout_seconds
        context = Context(engine=self._engine, viewer=viewer, request_id=request_id, deadline=deadline)
        try:
            # Stops the request where it awaits; where it computes, the executor stops at the deadline.
            result = await asyncio.wait_for(self._execute(request, params, context), self._timeout_seconds)
        except TimeoutError:
            # The transaction cut short is rolled back: a write is whole or absent.
            raise self._stopped() from None
        context.release()
        if context.stopped_at_deadline:
            raise self._stopped()
        executed, answer = _encoded(result)
        facts.error_codes = [str((error.extensions or {}).get("code")) for error in result.errors or []]
        if context.ran_query:
            facts.cache_hit = False
            if not result.errors:
                self._cache.put(key, answer)
        if is_unavailable(result):
            return encoded_response(503, answer, media_type, RETRY_AFTER)
        return encoded_response(200 if executed else request_error_status(media_type), answer, media_type)

    def _stopped(self) -> ProtocolError:
        message = f"The request took longer than the limit of {self._timeout_seconds:g} s and was stopped."
        return ProtocolError(503, message, code="LIMIT_EXCEEDED")

    async def _params(self, request: Request) -> Params:
        if request.method == "GET":
            return params_from_query_string(request.query_params)
        body = await body_within(request, self._max_body_bytes)
        if body is None:
            message = f"The request body is over the limit of {self._max_body_bytes} bytes."
            raise ProtocolError(413, message, code="LIMIT_EXCEEDED")
        return params_from_body(request.headers.get("content-type"), body)

    async def _execute(self, request: Request, params: Params, context: Context) -> ExecutionResult:
        if self._plans is not None:
            # A trusted document's query, by its compiled plan (schema/plans/); else graphql-core.
            document = self._trusted.id_of(params)
            data = await self._plans.answer(document, params.operation_name, params.variables, context)
            if data is not None:
                return ExecutionResult(data=data, errors=None)
        try:
            return await self._schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=ALLOWED_OPERATIONS[request.method],
                operation_extensions=params.extensions,
            )
        except InvalidOperationTypeError as error:
            raise ProtocolError(
                405,
                f"A {error.operation_type.value} is sent with POST, not {request.method}.",
                {"Allow": "POST"},
            ) from None
        except CannotGetOperationTypeError as error:
            message = f"The document has no operation named {error.operation_name!r}."
            raise RequestError(message, "BAD_USER_INPUT") from None
        except MissingQueryError:
            raise RequestError("The query is empty.", "GRAPHQL_PARSE_FAILED") from None


ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


def _encoded(result: ExecutionResult) -> tuple[bool, bytes]:
    """Whether the operation was executed, and the result encoded as the protocol wants it: after a
    request error (nothing executed: no error has a path) without `data`."""
    errors = result.errors or []
    executed = result.data is not None or any(error.path is not None for error in errors)
    body: dict[str, object] = {"data": result.data} if executed else {}
    if errors:
        body["errors"] = [error.formatted for error in errors]
    if result.extensions:
        body["extensions"] = result.extensions
    return executed, orjson.dumps(body)


async def body_within(request: Request, limit: int) -> bytes | None:
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


def _wants_graphiql(request: Request) -> bool:
    """A browser opening /graphql (no query): it gets the GraphiQL page."""
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )
