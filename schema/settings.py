"""The GraphQL types of settings values. Those with one field per setting are generated from the
registry, so that a new setting appears in the API without touching this file."""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import strawberry

from aisettings.models.setting_types import SettingType
from aisettings.models.settings import (
    SETTINGS,
    EffectiveValue,
    SettingDefinition,
    SettingSource,
    SettingValue,
    settings_from_level,
)

from .enums import SettingName

T = TypeVar("T")


@strawberry.type
class EffectiveValueFields(Generic[T]):
    value: T = strawberry.field(description="The value in force.")
    source: SettingSource = strawberry.field(description="The level the value in force comes from.")
    inherited_value: T = strawberry.field(
        description="What would be in force without this level's own value."
    )
    inherited_from: SettingSource = strawberry.field(description="The level `inheritedValue` comes from.")
    locked: bool = strawberry.field(
        description="Whether the organization enforces this setting: overrides of it are not in force."
    )
    override_ignored: bool = strawberry.field(
        description="Whether this level holds an override that the organization's lock keeps out of force."
    )


def _effective_type(setting_type: SettingType) -> type[EffectiveValueFields[Any]]:
    """The GraphQL type of a value in force of this kind: EffectiveBoolean, EffectiveStoppingPoint, ..."""
    # types.new_class, unlike type(), resolves the generic base, which Strawberry specializes.
    base = EffectiveValueFields[setting_type.python_type]  # type: ignore[name-defined]
    effective_type = types.new_class(f"Effective{setting_type.graphql_name}", (base,))
    return strawberry.type(effective_type, description=f"A {setting_type.noun} in force, and why.")


_EFFECTIVE_TYPES = {
    setting_type: _effective_type(setting_type)
    for setting_type in dict.fromkeys(setting.type for setting in SETTINGS)
}


def generated_type(
    name: str, description: str, fields: Mapping[str, tuple[object, object]], *, is_input: bool = False
) -> type:
    """A Strawberry type with `fields` (name -> (annotation, strawberry.field(...))), in their order."""
    annotations: dict[str, object] = {}
    namespace: dict[str, object] = {"__annotations__": annotations}
    for field_name, (annotation, field) in fields.items():
        annotations[field_name] = annotation
        namespace[field_name] = field
    decorate = strawberry.input if is_input else strawberry.type
    return decorate(type(name, (), namespace), description=description)


def registry_type(
    name: str,
    description: str,
    field_type: Callable[[SettingDefinition], object],
    *,
    is_input: bool = False,
    leading_fields: Mapping[str, tuple[object, object]] = {},
    extra_fields: Mapping[str, tuple[object, object]] = {},
) -> type:
    """A Strawberry type with one field per registered setting, between `leading_fields` and
    `extra_fields` (name -> (annotation, strawberry.field(...)))."""
    fields = {
        setting.name: (field_type(setting), strawberry.field(description=setting.description))
        for setting in SETTINGS
    }
    return generated_type(name, description, {**leading_fields, **fields, **extra_fields}, is_input=is_input)


EffectiveSettings = registry_type(
    "EffectiveSettings",
    "The settings in force at one level (a project or a repository), each with where it comes from.",
    lambda setting: _EFFECTIVE_TYPES[setting.type],
    extra_fields={
        "overridden_settings": (
            list[SettingName],  # type: ignore[valid-type]
            strawberry.field(description="The settings whose value in force comes from this level."),
        )
    },
)

SettingsOverrides = registry_type(
    "SettingsOverrides",
    "A project's own values, as stored. null: the project inherits that setting.",
    lambda setting: setting.value_type | None,
)


def effective_settings(effective: Mapping[str, EffectiveValue], level: SettingSource) -> Any:
    """The GraphQL EffectiveSettings of resolved settings at `level` (PROJECT or REPOSITORY)."""
    values = {
        name: _EFFECTIVE_TYPES[SETTINGS.by_name[name].type](
            value=value.value,
            source=value.source,
            inherited_value=value.inherited_value,
            inherited_from=value.inherited_from,
            locked=value.locked,
            override_ignored=value.override_ignored,
        )
        for name, value in effective.items()
    }
    return EffectiveSettings(**values, overridden_settings=overridden_settings(effective, level))


def overridden_settings(effective: Mapping[str, EffectiveValue], level: SettingSource) -> list[Any]:
    """EffectiveSettings.overriddenSettings: the settings whose value in force comes from `level`."""
    return [SettingName(name) for name in settings_from_level(effective, level)]


def settings_overrides(overrides: Mapping[str, SettingValue | None]) -> Any:
    return SettingsOverrides(**{setting.name: overrides.get(setting.name) for setting in SETTINGS})


def _organization_settings_fields() -> dict[str, tuple[object, object]]:
    return {
        "locked_settings": (
            list[SettingName],  # type: ignore[valid-type]
            strawberry.field(
                description="The settings the organization enforces: projects' overrides of them are kept "
                "but not in force."
            ),
        ),
        "version": (
            int,
            strawberry.field(
                description="The version of these settings: +1 per write that changes them (expectedVersion)."
            ),
        ),
        "updated_at": (
            dt.datetime | None,
            strawberry.field(description="When these settings last changed; null if never."),
        ),
    }


OrganizationSettings = registry_type(
    "OrganizationSettings",
    "An organization's settings: the values its projects inherit unless they override them, and its locks.",
    lambda setting: setting.value_type,
    extra_fields=_organization_settings_fields(),
)
