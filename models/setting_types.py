"""The kinds of value a setting holds. A SettingType knows everything the layers need of its values: how to
parse them and write them as JSON (import and export files, audit entries), how to store them, what
GraphQL calls them and how the settings summary counts them. A setting of a known kind is then one
registry entry (models/settings.py); a new kind is one new SettingType here."""

from __future__ import annotations

import enum
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, TypeAlias

from sqlalchemy import Boolean, Enum
from sqlalchemy.types import TypeEngine

SettingValue: TypeAlias = bool | enum.Enum
ValueType: TypeAlias = type[bool] | type[enum.Enum]
# A value as JSON writes it.
JsonValue: TypeAlias = bool | str


class SummaryCount(enum.Enum):
    """How the settings summary counts the projects by a setting's value in force."""

    # One count, of the projects running with the setting true: `scanEnabledCount`.
    TRUE = "TRUE"
    # A count per value, zeros included: `stoppingPointCounts`.
    EACH_VALUE = "EACH_VALUE"


class SettingType(ABC):
    """A kind of value of settings. `python_type` is also their GraphQL type: Strawberry maps it (a
    Python enum is registered as a GraphQL enum by schema/enums.py)."""

    python_type: ValueType
    # Names the GraphQL type of a value in force, `Effective<graphql_name>`.
    graphql_name: str
    # What a value of this kind is, in a description: "A boolean setting in force, and why."
    noun: str
    # Every value, in the order the settings summary lists them.
    values: tuple[SettingValue, ...]
    summary_count: SummaryCount
    # The value a repository switched off for AI forces on a setting that its gate covers; None: settings
    # of this kind cannot be switched off.
    off_value: SettingValue | None = None

    @abstractmethod
    def parse(self, raw: object) -> SettingValue:
        """`raw` (a stored, imported or Python value) as a value of this kind; ValueError saying what is
        allowed (to follow a field name: "must be true or false") when it is not one."""

    @abstractmethod
    def serialize(self, value: SettingValue) -> JsonValue:
        """The JSON form of a value."""

    @abstractmethod
    def column_type(self, name: str) -> TypeEngine[Any]:
        """The type of a column `name` that stores values of this kind."""


class BooleanType(SettingType):
    python_type = bool
    graphql_name = "Boolean"
    noun = "boolean setting"
    values = (False, True)
    summary_count = SummaryCount.TRUE
    off_value = False

    def parse(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        raise ValueError("must be true or false")

    def serialize(self, value: SettingValue) -> bool:
        assert isinstance(value, bool)
        return value

    def column_type(self, name: str) -> TypeEngine[Any]:
        return Boolean()


BOOLEAN = BooleanType()


class EnumType(SettingType):
    """The members of a Python enum whose values are text (stored as such); GraphQL documents the enum
    with its docstring and `value_descriptions` (one per member name)."""

    summary_count = SummaryCount.EACH_VALUE

    def __init__(self, enum_class: type[enum.Enum], value_descriptions: Mapping[str, str]) -> None:
        self.python_type = self.enum_class = enum_class
        self.graphql_name = enum_class.__name__
        # StoppingPoint -> "stopping point"
        self.noun = re.sub(r"(?<!^)(?=[A-Z])", " ", enum_class.__name__).lower()
        self.values = tuple(enum_class)
        self.description = enum_class.__doc__ or ""
        self.value_descriptions = value_descriptions

    def parse(self, raw: object) -> enum.Enum:
        if isinstance(raw, self.enum_class):
            return raw
        try:
            return self.enum_class(raw)
        except ValueError:
            raise ValueError(
                f"must be one of {', '.join(member.value for member in self.enum_class)}"
            ) from None

    def serialize(self, value: SettingValue) -> str:
        assert isinstance(value, self.enum_class)
        return str(value.value)

    def column_type(self, name: str) -> TypeEngine[Any]:
        return text_enum(self.enum_class, name)


def text_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    # Stored as its value in a VARCHAR (no native enum type), so adding a value needs no ALTER TYPE.
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )
