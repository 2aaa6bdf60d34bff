"""The OpenAPI 3.1 document of the REST API, made from its operations (app/rest/routes.py) and the
pydantic models of their bodies and answers (app/rest/serializers.py): what it describes is what runs."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from aisettings.models.access import PERMISSION_SCOPES
from aisettings.models.limits import MAX_REST_PAGE

from .endpoint import Operation
from .serializers import Detail

REFERENCE = "#/components/schemas/{model}"
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field refused, with its messages (a nested object, or a list's items by index).",
    "additionalProperties": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
}
BAD_REQUEST = {
    "anyOf": [{"$ref": "#/components/schemas/FieldErrors"}, {"$ref": "#/components/schemas/Detail"}]
}
REFUSALS = {
    "401": "No token, or not a valid one.",
    "403": "The token lacks the scope this needs.",
    "404": "No such object that the token may see.",
    "405": "The path does not take this method.",
    "413": "The body is over the size limit.",
    "415": "The body is not JSON.",
    "503": "The database cannot serve now, or the request took too long; retry.",
}
TEXT = {"type": "string"}
METADATA = {
    "type": "object",
    "required": ["name", "description", "renders", "parses"],
    "properties": {
        "name": TEXT,
        "description": TEXT,
        "renders": {"type": "array", "items": TEXT},
        "parses": {"type": "array", "items": TEXT},
        "actions": {
            "type": "object",
            "description": "Each write the token may make (PUT, POST): its fields, as DRF describes them.",
            "additionalProperties": {"type": "object"},
        },
    },
}
CONDITIONAL_METHODS = frozenset({"PUT", "PATCH", "DELETE"})


def _models(resources: Mapping[str, Mapping[str, Operation]]) -> list[type[BaseModel]]:
    found: dict[type[BaseModel], None] = {Detail: None}
    for operations in resources.values():
        for operation in operations.values():
            if operation.body is not None:
                found[operation.body] = None
            if (model := _answer_model(operation)) is not None:
                found[model] = None
    return list(found)


def _answer_model(operation: Operation) -> type[BaseModel] | None:
    if typing.get_origin(operation.answer) is list:
        (item,) = typing.get_args(operation.answer)
        return typing.cast(type[BaseModel], item)
    return typing.cast(type[BaseModel] | None, operation.answer)


def _reference(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REFERENCE.format(model=model.__name__)}


def _json(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _conditional(method: str, operation: Operation) -> bool:
    """Whether the operation takes If-Match: a change of an object that has a version."""
    return operation.versioned and method in CONDITIONAL_METHODS


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [{"name": name, "in": "path", "required": True, "schema": TEXT} for name in names]


def _parameters(path: str, method: str, operation: Operation) -> list[dict[str, Any]]:
    parameters = _path_parameters(path)
    if operation.paginated:
        parameters += [
            {
                "name": "per_page",
                "in": "query",
                "description": f"Items per page (at most {MAX_REST_PAGE}, the default).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_REST_PAGE},
            },
            {"name": "cursor", "in": "query", "description": "A cursor of the Link header.", "schema": TEXT},
        ]
    if _conditional(method, operation):
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "description": "The ETag read: the write fails with 412, changing nothing, if it moved.",
                "schema": TEXT,
            }
        )
    return parameters


def _success(operation: Operation) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "OK" if operation.status != 201 else "Created"}
    if operation.answer is None:
        return {"description": "No content"}
    model = _answer_model(operation)
    assert model is not None
    schema = (
        {"type": "array", "items": _reference(model)} if model is not operation.answer else _reference(model)
    )
    response["content"] = _json(schema)
    headers = {}
    if operation.versioned:
        headers["ETag"] = {"description": "The version, for If-Match.", "schema": TEXT}
    if operation.paginated:
        headers["Link"] = {
            "description": 'Sentry\'s: rel="previous" and rel="next", with results and cursor.',
            "schema": TEXT,
        }
    if operation.status == 201:
        headers["Location"] = {"description": "The new object.", "schema": TEXT}
    if headers:
        response["headers"] = headers
    return response


def _responses(method: str, operation: Operation) -> dict[str, Any]:
    responses = {str(operation.status): _success(operation)}
    responses["400"] = {"description": "The request is invalid.", "content": _json(BAD_REQUEST)}
    for status, description in REFUSALS.items():
        responses[status] = {"description": description, "content": _json(_reference(Detail))}
    if _conditional(method, operation):
        responses["412"] = {"description": "If-Match does not match.", "content": _json(_reference(Detail))}
    return responses


def _module_name(operation: Operation) -> str:
    return operation.handler.__module__.rsplit(".", 1)[-1]


def _operation(path: str, method: str, operation: Operation) -> dict[str, Any]:
    scopes = " and ".join(PERMISSION_SCOPES[permission].value for permission in operation.permissions)
    described: dict[str, Any] = {
        "operationId": f"{method.lower()}_{_module_name(operation)}_{operation.handler.__name__}",
        "summary": operation.summary,
        "description": f"Needs: {scopes}.",
        "parameters": _parameters(path, method, operation),
        "responses": _responses(method, operation),
    }
    if operation.body is not None:
        described["requestBody"] = {"required": False, "content": _json(_reference(operation.body))}
    return described


def _options(path: str, operations: Mapping[str, Operation]) -> dict[str, Any]:
    """OPTIONS of a path: DRF's metadata (app/rest/metadata.py)."""
    first = next(iter(operations.values()))
    return {
        "operationId": f"options_{_module_name(first)}_{first.handler.__name__}",
        "summary": "What the resource takes (Django REST Framework's metadata)",
        "description": "Needs a token; `actions` describes the fields of the writes (PUT, POST) it may make.",
        "parameters": _path_parameters(path),
        "responses": {
            "200": {
                "description": "OK",
                "headers": {"Allow": {"description": "The methods of the path.", "schema": TEXT}},
                "content": _json(METADATA),
            },
            **{
                status: {"description": REFUSALS[status], "content": _json(_reference(Detail))}
                for status in ("401", "404", "503")
            },
        },
    }


def openapi_document(resources: Mapping[str, Mapping[str, Operation]], prefix: str) -> bytes:
    models = _models(resources)
    _, schemas = models_json_schema([(model, "validation") for model in models], ref_template=REFERENCE)
    components = {**schemas.get("$defs", {}), "FieldErrors": FIELD_ERRORS}
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "aisettings REST API",
            "version": "0",
            "description": "The REST API of the original specification (Django REST Framework's "
            "conventions), over the same rules, transactions and audit log as GraphQL.",
        },
        "paths": {
            prefix + path: {
                **{
                    method.lower(): _operation(path, method, operation)
                    for method, operation in operations.items()
                },
                "options": _options(path, operations),
            }
            for path, operations in resources.items()
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
    return orjson.dumps(document)
