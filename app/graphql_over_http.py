"""The GraphQL-over-HTTP protocol (https://graphql.github.io/graphql-over-http/draft/), as its reference
implementation, the npm package `graphql-http`, audits it: which media type to answer with, reading the
request's parameters from a GET query string or a JSON body, and the status of an answer.

- `application/graphql-response+json` when the client accepts it: a request error (the document does
  not parse or validate, a variable does not coerce, a limit is exceeded) is HTTP 400 without `data`.
- `application/json` for older clients (and `*/*`): every well-formed request is HTTP 200.
- Not a GraphQL request at all (a method, media type or body the protocol does not allow): 405, 406,
  415 or 400, with a GraphQL-shaped `errors` body all the same, so that every client reads one format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.datastructures import QueryParams
from starlette.responses import Response

from aisettings.models.limits import MAX_PARAMETER_DEPTH


class MediaType(StrEnum):
    GRAPHQL_RESPONSE = "application/graphql-response+json"
    JSON = "application/json"


ACCEPTED = f"{MediaType.GRAPHQL_RESPONSE}; charset=utf-8, {MediaType.JSON}; charset=utf-8"


class ProtocolError(Exception):
    """A request the protocol refuses before any GraphQL runs: answered with `status`."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        *,
        code: str = "BAD_REQUEST",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.code = code

    def response(self, media_type: MediaType = MediaType.JSON) -> Response:
        error = GraphQLError(self.message, extensions={"code": self.code})
        return errors_response(self.status, [error], media_type, self.headers)


class RequestError(Exception):
    """A GraphQL request error found before execution (`code` says which): answered as one that the
    document does not validate is, without `data`."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code
        self.error = GraphQLError(message, extensions={"code": code})

    def response(self, media_type: MediaType) -> Response:
        return errors_response(request_error_status(media_type), [self.error], media_type)


@dataclass(frozen=True)
class Params:
    """The GraphQL request's parameters: the document itself (`query`), or the id of a trusted one."""

    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None
    document_id: str | None = None


def negotiate(accept: str | None) -> MediaType:
    """The media type of the answer: the one of ours the Accept header ranks highest (by `q`, ties going to
    the newer type); `application/json` when there is no header, as the spec says for older clients."""
    if not accept or not accept.strip():
        return MediaType.JSON
    ranked: list[tuple[float, bool, MediaType]] = []
    for entry in accept.split(","):
        media_range, *parameters = (part.strip().lower() for part in entry.split(";"))
        options = dict(_parameter(parameter) for parameter in parameters)
        weight = _weight(options.get("q", "1"))
        media_type = _matching(media_range)
        if media_type and weight > 0 and options.get("charset", "utf-8") in ("utf-8", "utf8"):
            ranked.append((weight, media_type is MediaType.GRAPHQL_RESPONSE, media_type))
    if not ranked:
        raise ProtocolError(
            406, f"None of the media types in Accept can be served: accept {ACCEPTED}.", {"Accept": ACCEPTED}
        )
    return max(ranked)[2]


def _parameter(parameter: str) -> tuple[str, str]:
    name, _, value = parameter.partition("=")
    return name.strip(), value.strip().strip('"')


def _weight(value: str) -> float:
    try:
        weight = float(value)
    except ValueError:
        return 0.0
    return weight if 0 <= weight <= 1 else 0.0


def _matching(media_range: str) -> MediaType | None:
    """Our media type that `media_range` names. A wildcard gets `application/json`, the spec's default
    until a client asks for the newer type by name."""
    if media_range == MediaType.GRAPHQL_RESPONSE:
        return MediaType.GRAPHQL_RESPONSE
    if media_range in (MediaType.JSON, "application/*", "*/*"):
        return MediaType.JSON
    return None


def params_from_query_string(query_params: QueryParams) -> Params:
    """A GET request's parameters: `variables` and `extensions` are JSON in the query string."""
    return _params(
        {
            "query": query_params.get("query"),
            "operationName": query_params.get("operationName"),
            "variables": _json_parameter(query_params, "variables"),
            "extensions": _json_parameter(query_params, "extensions"),
            "documentId": query_params.get("documentId"),
        }
    )


def _json_parameter(query_params: QueryParams, name: str) -> object:
    raw = query_params.get(name)
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError(400, f"The `{name}` parameter is not valid JSON.") from None


def params_from_body(content_type: str | None, body: bytes) -> Params:
    """A POST request's parameters: a JSON object in UTF-8."""
    media_type, *parameters = (part.strip().lower() for part in (content_type or "").split(";"))
    charset = dict(_parameter(parameter) for parameter in parameters).get("charset", "utf-8")
    if media_type != MediaType.JSON or charset not in ("utf-8", "utf8"):
        raise ProtocolError(
            415,
            "Send the request as `Content-Type: application/json` (UTF-8).",
            {"Accept-Post": MediaType.JSON},
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ProtocolError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError(
            400, "The request body must be a JSON object with a `query` (batches are not supported)."
        )
    return _params(data)


def _params(data: Mapping[str, object]) -> Params:
    query, variables = data.get("query"), data.get("variables")
    operation_name, extensions = data.get("operationName"), data.get("extensions")
    document_id = data.get("documentId")
    if document_id is None:
        document_id = _persisted_query_id(extensions)
    if query is None and document_id is None:
        raise ProtocolError(400, "The request has no `query` (nor a `documentId`).")
    if query is not None and not isinstance(query, str):
        raise ProtocolError(400, "The `query` must be a string.")
    if document_id is not None and not isinstance(document_id, str):
        raise ProtocolError(400, "The `documentId` must be a string.")
    if variables is not None and not isinstance(variables, dict):
        raise ProtocolError(400, "The `variables` must be an object (or null).")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ProtocolError(400, "The `operationName` must be a string (or null).")
    if extensions is not None and not isinstance(extensions, dict):
        raise ProtocolError(400, "The `extensions` must be an object (or null).")
    _refuse_deep_nesting("variables", variables)
    _refuse_deep_nesting("extensions", extensions)
    return Params(query, variables, operation_name, extensions, document_id)


def _refuse_deep_nesting(name: str, value: dict[str, Any] | None) -> None:
    if value is not None and not _nests_within(value, MAX_PARAMETER_DEPTH):
        message = f"The `{name}` nest deeper than the limit of {MAX_PARAMETER_DEPTH} levels."
        raise ProtocolError(400, message, code="LIMIT_EXCEEDED")


def _nests_within(value: dict[str, Any] | list[Any], levels: int) -> bool:
    """Whether `value` holds at most `levels` levels of objects and lists, its own included. It recurses
    `levels` calls deep at most, however deep `value` is."""
    children = value.values() if isinstance(value, dict) else value
    return levels > 0 and all(
        _nests_within(child, levels - 1) for child in children if isinstance(child, dict | list)
    )


def _persisted_query_id(extensions: object) -> str | None:
    """The document id of Apollo's persisted-query extension, `{"persistedQuery": {"sha256Hash": ...}}`,
    which Apollo Client and others send."""
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return f"sha256:{digest}" if isinstance(digest, str) else None


def request_error_status(media_type: MediaType) -> int:
    """The status of a GraphQL request error (nothing was executed)."""
    return 400 if media_type is MediaType.GRAPHQL_RESPONSE else 200


def errors_response(
    status: int,
    errors: Sequence[GraphQLError],
    media_type: MediaType = MediaType.JSON,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An answer with `errors` and no `data`."""
    return json_response(status, {"errors": [error.formatted for error in errors]}, media_type, headers)


def json_response(
    status: int, body: object, media_type: MediaType, headers: Mapping[str, str] | None = None
) -> Response:
    return encoded_response(status, orjson.dumps(body), media_type, headers)


def encoded_response(
    status: int, content: bytes, media_type: MediaType, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        content,
        status_code=status,
        headers={**(headers or {}), "Content-Type": f"{media_type}; charset=utf-8"},
    )
