"""Django REST Framework's fields as pydantic types: what each accepts (DRF's boolean parsing, choices
spelled in lower case, lists of text) and its error messages word for word, with the JSON schema that
the OpenAPI document shows. A setting's REST field follows from its kind (models/setting_types.py)."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from aisettings.models.setting_types import BooleanType, EnumType, JsonValue, SettingType, SettingValue

from .errors import NOT_NULL

# DRF's BooleanField.TRUE_VALUES and FALSE_VALUES (1.0 and 0.0 are 1 and 0 in a set).
TRUE_VALUES = frozenset(
    {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1}
)
FALSE_VALUES = frozenset(
    {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0}
)
# What a BooleanField(allow_null=True) reads as null.
NULL_VALUES = frozenset({"null", "Null", "NULL", ""})


def refuse(message: str) -> PydanticCustomError:
    # The message is a template's argument, not the template: a value quoted in it may hold braces.
    return PydanticCustomError("drf", "{message}", {"message": message})


def _hashable(value: object) -> bool:
    return isinstance(value, str | int | float) or value is None


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if _hashable(value):
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
    raise refuse("Must be a valid boolean.")


def _not_null(parse: Callable[[object], Any]) -> Callable[[object], Any]:
    def parse_not_null(value: object) -> Any:
        if value is None:
            raise refuse(NOT_NULL)
        return parse(value)

    return parse_not_null


def _nullable(
    parse: Callable[[object], Any], null_values: frozenset[str] = frozenset()
) -> Callable[[object], Any]:
    def parse_nullable(value: object) -> Any:
        if value is None or (isinstance(value, str) and value in null_values):
            return None
        return parse(value)

    return parse_nullable


def _choice(choices: Mapping[str, Any]) -> Callable[[object], Any]:
    """DRF's ChoiceField: the value's text must be one of the choices."""

    def parse_choice(value: object) -> Any:
        choice = choices.get(str(value)) if not isinstance(value, dict | list) else None
        if choice is None:
            raise refuse(f'"{value}" is not a valid choice.')
        return choice

    return parse_choice


def _text(value: object) -> str:
    """DRF's CharField: text (numbers as their text), trimmed, not blank."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise refuse("Not a valid string.")
    text = str(value).strip()
    if not text:
        raise refuse("This field may not be blank.")
    return text


def _list_of(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise refuse(f'Expected a list of items but got type "{type(value).__name__}".')
    return value


def whole_number(text: str, digits: int = 18) -> int | None:
    """The number `text` writes in at most `digits` decimal digits (Python refuses to read one of
    thousands), or None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def _primary_key(value: object) -> int:
    """DRF's PrimaryKeyRelatedField, as far as the value goes (whether it exists is the rules')."""
    text = str(value) if isinstance(value, str) or (type(value) is int and value >= 0) else ""
    number = whole_number(text)
    if number is None:
        raise refuse(f"Incorrect type. Expected pk value, received {type(value).__name__}.")
    return number


BOOLEAN_SCHEMA = {"type": "boolean"}
Boolean = Annotated[bool, BeforeValidator(_not_null(_boolean)), WithJsonSchema(BOOLEAN_SCHEMA)]
NullableBoolean = Annotated[
    bool | None,
    BeforeValidator(_nullable(_boolean, NULL_VALUES)),
    WithJsonSchema({"type": ["boolean", "null"]}),
]
Text = Annotated[str, BeforeValidator(_not_null(_text)), WithJsonSchema({"type": "string", "minLength": 1})]
TextList = Annotated[
    list[Text],
    BeforeValidator(_not_null(_list_of)),
    WithJsonSchema({"type": "array", "items": {"type": "string"}}),
]
PrimaryKeys = Annotated[
    list[Annotated[int, BeforeValidator(_primary_key)]],
    BeforeValidator(_not_null(_list_of)),
    WithJsonSchema({"type": "array", "items": {"type": "string", "pattern": "^[0-9]+$"}}),
]


def choice(members: Mapping[str, Any], *, nullable: bool = False) -> Any:
    """A ChoiceField of `members` (REST spelling -> value)."""
    names = list(members)
    if nullable:
        schema: dict[str, Any] = {"type": ["string", "null"], "enum": [*names, None]}
        return Annotated[Any, BeforeValidator(_nullable(_choice(members))), WithJsonSchema(schema)]
    schema = {"type": "string", "enum": names}
    return Annotated[Any, BeforeValidator(_not_null(_choice(members))), WithJsonSchema(schema)]


def choice_list(members: Mapping[str, Any]) -> Any:
    """A ListField of ChoiceFields."""
    item = Annotated[Any, BeforeValidator(_not_null(_choice(members)))]
    schema = {"type": "array", "items": {"type": "string", "enum": list(members)}}
    return Annotated[list[item], BeforeValidator(_not_null(_list_of)), WithJsonSchema(schema)]


def lower_case(member: enum.Enum) -> str:
    """An enum value as REST spells it: `PULL_REQUEST` -> `pull_request`."""
    return str(member.value).lower()


def lower_case_members(enum_class: type[enum.Enum]) -> dict[str, enum.Enum]:
    return {lower_case(member): member for member in enum_class}


@dataclass(frozen=True)
class SettingField:
    """The REST field of a kind of setting: its pydantic type (as written, nullable or not), its JSON
    schema as answered, and how a value is answered."""

    annotation: Any
    nullable_annotation: Any
    answered_schema: dict[str, Any]
    answer: Callable[[SettingValue], JsonValue]


def setting_field(setting_type: SettingType) -> SettingField:
    """A new kind of setting needs its REST field here: the build fails at once without one."""
    if isinstance(setting_type, BooleanType):
        return SettingField(Boolean, NullableBoolean, BOOLEAN_SCHEMA, lambda value: bool(value))
    if isinstance(setting_type, EnumType):
        members = lower_case_members(setting_type.enum_class)
        return SettingField(
            choice(members),
            choice(members, nullable=True),
            {"type": "string", "enum": list(members)},
            lambda value: lower_case(value) if isinstance(value, enum.Enum) else str(value),
        )
    raise TypeError(f"The REST API has no field for a {setting_type.noun}: add one in app/rest/fields.py.")
