"""The GraphQL enums, each value described (the descriptions are GraphiQL's documentation)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

import strawberry

from aisettings.models.audit import AuditAction
from aisettings.models.repositories import RepositoryProvider, RepositoryStatus
from aisettings.models.setting_types import EnumType
from aisettings.models.settings import SETTINGS, SettingSource
from aisettings.resolvers.projects import ProjectOrderField

from .strawberry_internals import enum_values

__all__ = [
    "AuditAction",
    "OrderDirection",
    "ProjectOrderField",
    "RepositoryProvider",
    "RepositoryStatus",
    "SettingName",
    "SettingSource",
    "register_enum",
]

E = TypeVar("E", bound=type[enum.Enum])


def register_enum(enum_class: E, description: str, values: Mapping[str, str]) -> E:
    """`enum_class` as a GraphQL enum, with a description for every value (KeyError if one lacks it)."""
    registered = strawberry.enum(enum_class, description=description)
    for value in enum_values(registered):
        value.description = values[value.name]
    return registered


def _setting_name_enum() -> type[enum.Enum]:
    members = {setting.enum_name: setting.name for setting in SETTINGS}
    # mypy reads the functional Enum API with a computed argument as a member, not as a class.
    return enum.Enum("SettingName", members)  # type: ignore[return-value]


# Generated from the registry, so that a new setting appears here by itself. Values are registry names.
SettingName = register_enum(
    _setting_name_enum(),
    "The settings an organization sets and its projects may override.",
    {setting.enum_name: setting.description for setting in SETTINGS},
)


def _register_setting_enums() -> None:
    """The enums that settings take their values from (StoppingPoint, ...), documented by their types."""
    for setting_type in dict.fromkeys(setting.type for setting in SETTINGS):
        if isinstance(setting_type, EnumType):
            register_enum(setting_type.enum_class, setting_type.description, setting_type.value_descriptions)


_register_setting_enums()
register_enum(
    SettingSource,
    "The level a value in force comes from.",
    {
        "SYSTEM_DEFAULT": "No level sets it: the product's default.",
        "ORGANIZATION": "The organization's own value.",
        "PROJECT": "The project's override.",
        "REPOSITORY": "The repository: switched off for AI, it scans and fixes nothing.",
    },
)
register_enum(
    RepositoryProvider,
    "Where a repository is hosted.",
    {"GITHUB": "github.com", "GITLAB": "gitlab.com", "BITBUCKET": "bitbucket.org"},
)
register_enum(
    RepositoryStatus,
    "Whether AI runs in a repository, and if not, why.",
    {
        "ACTIVE": "AI runs here: it is switched on, and its project scans or fixes.",
        "DISABLED_BY_REPOSITORY": "The repository is switched off for AI (aiEnabled: false).",
        "DISABLED_BY_SETTINGS": "Its project neither scans nor fixes.",
    },
)
register_enum(
    ProjectOrderField,
    "The orders of an organization's projects; ties are broken by id.",
    {"SLUG": "By slug, by code point.", "NAME": "By name, by code point.", "UPDATED_AT": "By last change."},
)


class OrderDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


register_enum(
    OrderDirection,
    "Ascending or descending.",
    {"ASC": "Smallest first.", "DESC": "Largest first."},
)
register_enum(
    AuditAction,
    "What an audit entry records.",
    {
        "ORGANIZATION_SETTINGS_UPDATED": "An organization's settings or locks changed.",
        "PROJECT_SETTINGS_UPDATED": "A project's overrides changed.",
        "PROJECT_SETTINGS_RESET": "A project's overrides were removed (resetProjectSettings).",
        "REPOSITORY_ADDED": "A repository was added to a project.",
        "REPOSITORY_UPDATED": "A repository was switched on or off for AI, or its branches changed.",
        "REPOSITORY_REMOVED": "A repository was removed from its project.",
    },
)
