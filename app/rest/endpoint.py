"""One REST resource (a path and its methods) as an ASGI app, and what its handlers share: the call of
one request (its viewer, its objects found by path, its parsed body, its If-Match) and the answers.

The order of the checks is DRF's and Sentry's: authentication (401), the method (405), the objects
the path names (404, the same for another organization's), the scope (403), then the body (413, 415,
400), and last the rules of the write, run by the GraphQL mutations' own functions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from aisettings.models.access import Permission
from aisettings.models.database import single_read
from aisettings.resolvers import lookups
from aisettings.resolvers.context import Context
from aisettings.resolvers.mutations.errors import MutationFailed
from aisettings.resolvers.records import OrganizationRecord, ProjectRecord
from aisettings.resolvers.viewer import Viewer

from ..errors import INTERNAL_SERVER_ERROR, logged_fault
from ..feature_gate import FeatureGate
from ..graphql import body_within
from ..graphql_over_http import ProtocolError
from ..logs import current_request_id
from ..unavailable import RETRY_AFTER, unavailable_message
from .authentication import rest_viewer
from .errors import (
    FieldNames,
    RestError,
    forbidden,
    non_field_error,
    not_found,
    user_errors,
    validation_errors,
)
from .fields import whole_number
from .metadata import options_metadata, write_fields

REST_API_FLAG = "rest-api"
# The order in which Django lists the methods a view allows.
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


@dataclass(frozen=True)
class RestSettings:
    engine: AsyncEngine
    max_body_bytes: int
    timeout_seconds: float
    gate: FeatureGate  # the API is there for the organizations the flag rest-api is on for


@dataclass
class Call:
    """One request to a resource, authenticated, and what its operation needs of the objects of its path."""

    request: Request
    context: Context
    settings: RestSettings
    permissions: tuple[Permission, ...]

    @property
    def viewer(self) -> Viewer:
        return self.context.viewer

    def may(self, permissions: tuple[Permission, ...], organization_id: int) -> bool:
        return all(self.viewer.may(permission, organization_id) for permission in permissions)

    def _require(self, organization_id: int) -> None:
        if not self.may(self.permissions, organization_id):
            raise forbidden()

    async def organization(self) -> OrganizationRecord:
        """The organization of the path (404), on which the viewer must have the permissions (403)."""
        async with single_read(self.settings.engine) as connection:
            found = await lookups.organization_by_slug(
                connection, self.viewer, self.request.path_params["organization"]
            )
        if found is None:
            raise not_found()
        self._require(found.id)
        return found

    async def project(self) -> ProjectRecord:
        """The project of the path (404), on which the viewer must have the permissions (403)."""
        async with single_read(self.settings.engine) as connection:
            found = await lookups.project_by_slugs(
                connection,
                self.viewer,
                self.request.path_params["organization"],
                self.request.path_params["project"],
            )
        if found is None:
            raise not_found()
        self._require(found.organization_id)
        return found

    async def body(self, model: type[M]) -> M:
        """The JSON body as `model` reads it (an empty body is an empty object, as in DRF)."""
        raw = await body_within(self.request, self.settings.max_body_bytes)
        if raw is None:
            raise RestError.detail(
                413, f"The request body is over the limit of {self.settings.max_body_bytes} bytes."
            )
        data = {} if not raw.strip() else _json(self.request.headers.get("content-type", ""), raw)
        if not isinstance(data, dict):
            raise non_field_error(f"Invalid data. Expected a dictionary, but got {type(data).__name__}.")
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise validation_errors(error) from None

    def expected_version(self) -> int | None:
        """The version If-Match asks for (ETags are versions: `"3"`); None without one, or with `*`."""
        header = self.request.headers.get("if-match")
        if header is None or header.strip() == "*":
            return None
        tags = {tag.strip() for tag in header.split(",")}
        if len(tags) > 1:
            raise RestError.detail(400, "If-Match takes one entity tag here.")
        (tag,) = tags
        version = whole_number(tag[1:-1]) if len(tag) > 2 and tag[0] == tag[-1] == '"' else None
        if version is None:
            # An entity tag that is none of ours matches nothing.
            raise RestError.detail(412, "The resource does not match the If-Match header.")
        return version


def _json(content_type: str, raw: bytes) -> Any:
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise RestError.detail(415, f'Unsupported media type "{content_type}" in request.')
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise RestError.detail(400, f"JSON parse error - {error}") from None


async def rules_of(work: Awaitable[T], rest_path: FieldNames) -> T:
    """What a write of the GraphQL mutations' functions returns; its user errors as DRF's refusals."""
    try:
        return await work
    except MutationFailed as failed:
        raise user_errors(failed.errors, rest_path) from None


def answer(
    body: BaseModel | list[Any] | None, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    content = body.model_dump_json() if isinstance(body, BaseModel) else _list_json(body)
    return Response(content, status, headers, media_type="application/json")


def _list_json(items: list[Any]) -> bytes:
    return b"[" + b",".join(item.model_dump_json().encode() for item in items) + b"]"


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


Handler = Callable[[Call], Awaitable[Response]]


@dataclass(frozen=True)
class Operation:
    """A method of a resource: its handler, the permissions it needs, and what the OpenAPI document
    says of it (app/rest/openapi.py): its body's model, its answer's (a model, a list of one, or None
    for no content) and status, whether it is paginated and whether it answers an ETag."""

    handler: Handler
    permissions: tuple[Permission, ...]
    summary: str
    answer: Any
    body: type[BaseModel] | None = None
    status: int = 200
    paginated: bool = False
    versioned: bool = False


class Resource:
    """The ASGI app of one path: an operation per method."""

    def __init__(self, settings: RestSettings, operations: Mapping[str, Operation]) -> None:
        self._settings = settings
        # HEAD is GET without its body (which the server leaves out), as in Django.
        self._operations = {**operations, **({"HEAD": operations["GET"]} if "GET" in operations else {})}
        allowed = [*self._operations, "OPTIONS"]
        self._allow = {"Allow": ", ".join(sorted(allowed, key=METHOD_ORDER.index))}
        # What OPTIONS says of the resource, made once: its name, description and each write's fields.
        self._name = next(iter(operations.values())).summary
        self._description = "\n".join(f"{method}: {o.summary}." for method, o in operations.items())
        self._write_fields = {
            method: write_fields(operation.body, operation.answer)
            for method, operation in operations.items()
            if operation.body is not None
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self._respond(Request(scope, receive))
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        request_id = current_request_id.get()
        assert request_id is not None, "every request has one (app/request_ids.py)"
        try:
            return await asyncio.wait_for(self._handle(request, request_id), self._settings.timeout_seconds)
        except RestError as error:
            return error.response()
        except ProtocolError as error:
            return RestError.detail(error.status, error.message, error.headers).response()
        except TimeoutError:
            limit = f"{self._settings.timeout_seconds:g}"
            return RestError.detail(
                503, f"The request took longer than the limit of {limit} s and was stopped."
            ).response()
        except Exception as error:
            message = unavailable_message(error)
            if message is not None:
                return RestError.detail(503, message, RETRY_AFTER).response()
            extensions = logged_fault(error, request.url.path)
            body = {"detail": INTERNAL_SERVER_ERROR, "error_id": extensions["errorId"]}
            return RestError(500, body).response()

    async def _handle(self, request: Request, request_id: str) -> Response:
        viewer = await rest_viewer(self._settings.engine, request)
        if not await self._settings.gate.is_on(REST_API_FLAG, viewer):
            raise not_found()  # for an organization the rollout leaves out, as if it were not there
        context = Context(engine=self._settings.engine, viewer=viewer, request_id=request_id)
        if request.method == "OPTIONS":
            return await self._options(Call(request, context, self._settings, permissions=()))
        operation = self._operations.get(request.method)
        if operation is None:
            raise RestError.detail(405, f'Method "{request.method}" not allowed.', self._allow)
        return await operation.handler(Call(request, context, self._settings, operation.permissions))

    async def _options(self, call: Call) -> Response:
        """DRF's metadata of the resource (app/rest/metadata.py), once the objects of the path are found
        (404 otherwise); its writes are those the caller may make."""
        found = await (call.project() if "project" in call.request.path_params else call.organization())
        organization_id = found.organization_id if isinstance(found, ProjectRecord) else found.id
        writes = {
            method: fields
            for method, fields in self._write_fields.items()
            if call.may(self._operations[method].permissions, organization_id)
        }
        metadata = options_metadata(self._name, self._description, writes)
        return Response(orjson.dumps(metadata), headers=self._allow, media_type="application/json")
