"""The words of an import file's structure problems, as pydantic finds them: each shows the value given
and, where a name or value was mistyped, the closest one the format knows (`unknown field 'fixEnable';
did you mean 'fixEnabled'?`)."""

from __future__ import annotations

import difflib
import enum
import json
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

# Problems whose input is not the value at their location (a missing field's is its object).
_WITHOUT_INPUT = {"missing", "json_invalid", "extra_forbidden"}
_SHOWN_LENGTH = 60


def problem_message(problem: ErrorDetails, root: type[BaseModel]) -> str:
    """The message of `problem`, found validating a `root`."""
    location = problem["loc"]
    if problem["type"] == "extra_forbidden":
        return _unknown_field(str(location[-1]), _type_at(root, location[:-1]))
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] in _WITHOUT_INPUT:
        return message
    given = problem["input"]
    message += f"; got {_shown(given)}"
    closest = _closest(given, _allowed_values(_type_at(root, location)))
    return message + (f"; did you mean {closest!r}?" if closest else "")


def _unknown_field(name: str, owner: Any) -> str:
    known = [field for model in _models(owner) for field in model.model_fields]
    closest = _closest(name, known)
    if closest is not None:
        return f"unknown field {name!r}; did you mean {closest!r}?"
    return f"unknown field {name!r}; the fields here are {', '.join(known)}"


def _closest(given: Any, names: list[str]) -> str | None:
    """The name of `names` nearest to `given`, ignoring case, if any is near."""
    if not isinstance(given, str):
        return None
    by_lowercase = {name.lower(): name for name in names}
    matches = difflib.get_close_matches(given.lower(), by_lowercase, n=1)
    return by_lowercase[matches[0]] if matches else None


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN_LENGTH else f"{text[: _SHOWN_LENGTH - 1]}…"


def _type_at(root: type[BaseModel], location: tuple[int | str, ...]) -> Any:
    """The type the format expects at `location` (a JSON path's parts), or None outside the format."""
    annotation: Any = root
    for part in location:
        annotation = _part_type(annotation, part)
    return annotation


def _part_type(annotation: Any, part: int | str) -> Any:
    for candidate in _alternatives(annotation):
        if isinstance(part, int) and get_origin(candidate) is list:
            return get_args(candidate)[0]
        if isinstance(part, str) and candidate in _models(candidate) and part in candidate.model_fields:
            return candidate.model_fields[part].annotation
    return None


def _allowed_values(annotation: Any) -> list[str]:
    """The values of a literal or an enum type (or a union holding one)."""
    values: list[str] = []
    for candidate in _alternatives(annotation):
        if get_origin(candidate) is Literal:
            values += [str(value) for value in get_args(candidate)]
        elif isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            values += [str(member.value) for member in candidate]
    return values


def _models(annotation: Any) -> list[type[BaseModel]]:
    return [
        candidate
        for candidate in _alternatives(annotation)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel)
    ]


def _alternatives(annotation: Any) -> list[Any]:
    """The types `annotation` allows: the members of a union, without their Annotated metadata."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _alternatives(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [member for argument in get_args(annotation) for member in _alternatives(argument)]
    return [annotation]
