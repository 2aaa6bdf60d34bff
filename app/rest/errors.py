"""The REST API's refusals, in Django REST Framework's shapes: `{"detail": "..."}` for the request as a
whole, and for its fields a map of each field to its messages (nested as the body is: `{"changes":
{"fix_enabled_override": [...]}}`, an item of a list by its index). The messages are DRF's, word for
word, where DRF has one; the rules' own (app-wide) messages otherwise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from pydantic import ValidationError
from starlette.responses import Response

from aisettings.models.settings import SETTINGS
from aisettings.resolvers.mutations.errors import UserError, UserErrorCode

NOT_AUTHENTICATED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."
NO_CREDENTIALS = "Invalid token header. No credentials provided."
PERMISSION_DENIED = "You do not have permission to perform this action."
NOT_FOUND = "The requested resource does not exist"
PRECONDITION_FAILED = "The resource has changed since you read it (If-Match): read it again and retry."
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NON_FIELD_ERRORS = "non_field_errors"
# A project's own value of a setting: `fix_enabled_override`.
OVERRIDE = "_override"

# A map of field errors: field -> messages, or field -> the errors of its parts (a nested object, or a
# list's items by index).
FieldErrors = dict[str, Any]


class RestError(Exception):
    """A refusal: its HTTP status, and its body (`{"detail": ...}` or field errors)."""

    def __init__(
        self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

    @classmethod
    def detail(cls, status: int, message: str, headers: Mapping[str, str] | None = None) -> RestError:
        return cls(status, {"detail": message}, headers)

    def response(self) -> Response:
        return Response(orjson.dumps(self.body), self.status, self.headers, media_type="application/json")


def not_found() -> RestError:
    return RestError.detail(404, NOT_FOUND)


def forbidden() -> RestError:
    return RestError.detail(403, PERMISSION_DENIED)


def invalid(errors: FieldErrors) -> RestError:
    return RestError(400, errors)


def non_field_error(message: str) -> RestError:
    return invalid({NON_FIELD_ERRORS: [message]})


def add_error(errors: FieldErrors, path: list[str], message: str) -> None:
    """Adds `message` to the errors of the field at `path` (["branch_patterns", "3"])."""
    *parents, last = path
    for part in parents:
        errors = errors.setdefault(part, {})
    errors.setdefault(last, []).append(message)


def validation_errors(error: ValidationError) -> RestError:
    """The 400 of a body that its pydantic model refused (app/rest/fields.py words the messages)."""
    errors: FieldErrors = {}
    for problem in error.errors(include_url=False, include_input=False):
        path = [str(part) for part in problem["loc"]] or [NON_FIELD_ERRORS]
        add_error(errors, path, _message(problem["type"], problem["msg"]))
    return invalid(errors)


def _message(error_type: str, message: str) -> str:
    if error_type == "missing":
        return REQUIRED
    if error_type in ("model_type", "model_attributes_type", "dict_type"):
        return "Invalid data. Expected a dictionary."
    return message


# Where a rule's error lands in REST: its path into the GraphQL input (after "input") as a REST path,
# or None for the object the request's path names.
FieldNames = Callable[[list[str]], list[str] | None]


def user_errors(errors: list[UserError], rest_path: FieldNames) -> RestError:
    """The refusal of a write whose rules (the GraphQL mutation's, run by the same function) failed:
    403 when it needs a scope the token lacks, 412 when the version moved (If-Match), 404 for the
    object of the path, and else a 400 of the fields."""
    codes = {error.code for error in errors}
    if UserErrorCode.FORBIDDEN in codes:
        return forbidden()
    if UserErrorCode.STALE_VERSION in codes:
        return RestError.detail(412, PRECONDITION_FAILED)
    fields: FieldErrors = {}
    for error in errors:
        path = rest_path((error.field or [])[1:])
        if path is None:
            return not_found()
        add_error(fields, path or [NON_FIELD_ERRORS], error.message)
    return invalid(fields)


def snake_case(name: str) -> str:
    """`branchPatterns` -> `branch_patterns`."""
    return "".join(f"_{character.lower()}" if character.isupper() else character for character in name)


def input_path(path: list[str], settings_under: list[str] | None = None) -> list[str] | None:
    """A path into a mutation's input as the REST body spells it: the target's id is the object of the
    path (None); a setting under `changes` is its override, under `settings_under` in the body
    (["changes", "fixEnabled"] -> ["fix_enabled_override"]); the rest in snake_case."""
    if not path:
        return []
    head, *rest = path
    if head.endswith("Id"):
        return None
    if head == "changes" and rest and settings_under is not None:
        return [*settings_under, SETTINGS.by_field_name[rest[0]].name + OVERRIDE]
    return [snake_case(head), *rest]
