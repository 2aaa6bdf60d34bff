"""Every GraphQL error gets an `extensions.code`, so that tools tell the client's faults from ours:

- the document does not parse: GRAPHQL_PARSE_FAILED;
- it does not validate against the schema: GRAPHQL_VALIDATION_FAILED;
- the request cannot run as sent (a variable of the wrong type, an unknown operation): BAD_USER_INPUT;
- a resolver refused the request: the code of its ClientError (BAD_USER_INPUT, FORBIDDEN, ...);
- the database cannot serve now (app/unavailable.py): SERVICE_UNAVAILABLE, with a sentence that says so;
- anything else is a fault of ours: logged with its traceback and an id, answered with a masked
  message, INTERNAL_SERVER_ERROR and the same id - never SQL, paths or stack traces (as is an exception
  that escapes a route, app/unexpected_errors.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from aisettings.resolvers.errors import ClientError
from aisettings.schema.graphql_core_internals import is_over_token_limit

from .logs import current_operation, current_request_id
from .unavailable import SERVICE_UNAVAILABLE, unavailable_message

logger = logging.getLogger("aisettings.errors")

INTERNAL_SERVER_ERROR = "Internal server error."


class ErrorCodes(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        self._executing = True  # errors without a path from here on concern the variables or operation
        yield

    def on_operation(self) -> Iterator[None]:
        self._executing = False
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [self._coded(error) for error in result.errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        raised_by_us = error.path is not None and error.original_error is not None
        if raised_by_us and not isinstance(error.original_error, ClientError):
            return _unavailable(error) or _masked(error)
        if (error.extensions or {}).get("code"):
            return error
        if isinstance(error, GraphQLSyntaxError):
            # The parser's token limit (schema/limits.py) is a limit, not a syntax error of the client's.
            code = "LIMIT_EXCEEDED" if is_over_token_limit(error) else "GRAPHQL_PARSE_FAILED"
        elif self._executing:
            code = "BAD_USER_INPUT"
        else:
            code = "GRAPHQL_VALIDATION_FAILED"
        error.extensions = {**(error.extensions or {}), "code": code}
        return error


def _unavailable(error: GraphQLError) -> GraphQLError | None:
    message = unavailable_message(error.original_error)
    if message is None:
        return None
    return _replaced(error, message, {"code": SERVICE_UNAVAILABLE})


def _masked(error: GraphQLError) -> GraphQLError:
    return _replaced(error, INTERNAL_SERVER_ERROR, logged_fault(error.original_error, error.path))


def logged_fault(error: BaseException | None, place: object) -> dict[str, str]:
    """Logs `error`, a fault of ours at `place` (a path in the result, a URL path), with its traceback
    under a new error id; the extensions of the masked error that answers it, which show that id."""
    error_id = uuid.uuid4().hex
    logger.error(
        "unexpected error %s at %s",
        error_id,
        place,
        exc_info=error,
        extra={
            "error_id": error_id,
            "request_id": current_request_id.get(),
            "operation": current_operation.get(),
        },
    )
    return {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}


def _replaced(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    """`error` at the same place in the document and the result, with nothing of it but its place."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )
