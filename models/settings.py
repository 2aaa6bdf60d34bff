"""The settings registry and the pure inheritance rules.

Every setting is declared once in `SETTINGS`, each with its type (models/setting_types.py); tables,
GraphQL types, filters, summaries, the repository gate, import and export derive from it. Resolution is a
pure function of plain values (no I/O), so queries, dry runs and audit diffs share exactly the same rules:

    system default <- organization <- project override (None = inherit) <- repository gate

An organization may lock a setting: project overrides of it are kept but not in force
(`override_ignored`). A repository switched off for AI forces the settings its gate covers off.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeAlias

from .setting_types import BOOLEAN, EnumType, JsonValue, SettingType, ValueType
from .setting_types import SettingValue as SettingValue


class StoppingPoint(enum.Enum):
    """How far an AI fix goes before a human takes over."""

    SUGGESTION = "SUGGESTION"
    PULL_REQUEST = "PULL_REQUEST"
    MERGE = "MERGE"


STOPPING_POINT = EnumType(
    StoppingPoint,
    {
        "SUGGESTION": "The AI suggests a change; a human makes it.",
        "PULL_REQUEST": "The AI opens a pull request; a human reviews and merges it.",
        "MERGE": "The AI merges its own fix once the checks pass.",
    },
)


class SettingSource(enum.Enum):
    """The level a value in force comes from."""

    SYSTEM_DEFAULT = "SYSTEM_DEFAULT"
    ORGANIZATION = "ORGANIZATION"
    PROJECT = "PROJECT"
    REPOSITORY = "REPOSITORY"


@dataclass(frozen=True)
class SettingDefinition:
    """One setting: its storage name, what it means, its type, its system default, and whether a
    repository switched off for AI forces it off (what AI does there: scanning, fixing)."""

    name: str
    description: str
    type: SettingType
    default: SettingValue
    gated_by_repository: bool

    def __post_init__(self) -> None:
        # A mistaken entry fails when the registry loads, not on the first request it meets.
        if self.gated_by_repository and self.type.off_value is None:
            raise ValueError(f"{self.name}: a {self.type.noun} cannot be switched off by a repository")

    @cached_property
    def field_name(self) -> str:
        """The camelCase name used in GraphQL and in import files (`scan_enabled` -> `scanEnabled`)."""
        head, *rest = self.name.split("_")
        return head + "".join(part.capitalize() for part in rest)

    @property
    def enum_name(self) -> str:
        """The `SettingName` enum value (`scan_enabled` -> `SCAN_ENABLED`)."""
        return self.name.upper()

    @property
    def value_type(self) -> ValueType:
        """The Python type of its values, and their GraphQL type."""
        return self.type.python_type

    def parse(self, raw: object) -> SettingValue:
        """A stored or imported raw value as this setting's type; ValueError when it is not one."""
        try:
            return self.type.parse(raw)
        except ValueError as error:
            raise ValueError(f"{self.field_name} {error}") from None

    def serialize(self, value: SettingValue | None) -> JsonValue | None:
        """The JSON form of a value (audit changes, exports)."""
        return None if value is None else self.type.serialize(value)


@dataclass(frozen=True)
class SettingsRegistry:
    """The settings, in the order the API lists them, and looked up by their names."""

    settings: tuple[SettingDefinition, ...]

    def __iter__(self) -> Iterator[SettingDefinition]:
        return iter(self.settings)

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(setting.name for setting in self.settings)

    @cached_property
    def by_name(self) -> Mapping[str, SettingDefinition]:
        return {setting.name: setting for setting in self.settings}

    @cached_property
    def by_field_name(self) -> Mapping[str, SettingDefinition]:
        return {setting.field_name: setting for setting in self.settings}

    @cached_property
    def repository_gate(self) -> Mapping[str, SettingValue]:
        """The settings a repository switched off for AI forces off (what AI does there), each with the
        value it forces."""
        return {
            setting.name: setting.type.off_value
            for setting in self.settings
            if setting.gated_by_repository and setting.type.off_value is not None
        }


SETTINGS = SettingsRegistry(
    (
        SettingDefinition(
            "scan_enabled",
            "Whether the AI assistant scans issues to find the ones it could fix.",
            BOOLEAN,
            default=True,
            gated_by_repository=True,
        ),
        SettingDefinition(
            "fix_enabled",
            "Whether the AI assistant may work on fixes for issues.",
            BOOLEAN,
            default=False,
            gated_by_repository=True,
        ),
        SettingDefinition(
            "stopping_point",
            "How far an AI fix goes before a human takes over: a suggestion, a pull request, or a merge.",
            STOPPING_POINT,
            default=StoppingPoint.PULL_REQUEST,
            gated_by_repository=False,
        ),
    )
)

# Raw values of one level, by setting name; None (or a missing key) means "no value at this level".
RawSettings: TypeAlias = Mapping[str, SettingValue | None]


@dataclass(frozen=True)
class OrganizationSettingsValues:
    """What an organization stores: its own values (None = the system default) and its locks."""

    values: RawSettings
    locked: frozenset[str]
    # The settings resolved below these values, by the raw values of the levels between (a project's
    # overrides; a repository's key also holds its switch): a page of a thousand projects and their
    # repositories holds a handful of combinations.
    _resolved: dict[tuple[object, ...], EffectiveSettings] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def effective(self) -> dict[str, EffectiveValue]:
        """Each setting's organization value, computed once: every project of a page inherits them."""
        return {setting.name: organization_value(setting, self) for setting in SETTINGS}

    def for_project(self, overrides: RawSettings) -> EffectiveSettings:
        """resolve_project_settings(self, overrides), resolved once per distinct overrides (the same
        mapping for every project that has them: not to be changed)."""
        key = tuple(map(overrides.get, SETTINGS.names))
        resolved = self._resolved.get(key)
        if resolved is None:
            resolved = self._resolved[key] = resolve_project_settings(self, overrides)
        return resolved

    def for_repository(self, overrides: RawSettings, ai_enabled: bool) -> EffectiveSettings:
        """resolve_repository_settings of a repository of a project with `overrides`, resolved once per
        distinct overrides and switch."""
        key = (*map(overrides.get, SETTINGS.names), ai_enabled)
        resolved = self._resolved.get(key)
        if resolved is None:
            resolved = self._resolved[key] = resolve_repository_settings(
                self.for_project(overrides), ai_enabled
            )
        return resolved


NO_ORGANIZATION_SETTINGS = OrganizationSettingsValues(values={}, locked=frozenset())


@dataclass(frozen=True, slots=True)
class EffectiveValue:
    """A value in force and why: where it comes from and what it would be without this level."""

    value: SettingValue
    source: SettingSource
    inherited_value: SettingValue
    inherited_from: SettingSource
    locked: bool
    override_ignored: bool


EffectiveSettings: TypeAlias = Mapping[str, EffectiveValue]


def organization_value(
    setting: SettingDefinition, organization: OrganizationSettingsValues
) -> EffectiveValue:
    """The organization's value of a setting (its own, else the system default)."""
    own = organization.values.get(setting.name)
    if own is None:
        value, source = setting.default, SettingSource.SYSTEM_DEFAULT
    else:
        value, source = own, SettingSource.ORGANIZATION
    return EffectiveValue(
        value=value,
        source=source,
        inherited_value=setting.default,
        inherited_from=SettingSource.SYSTEM_DEFAULT,
        locked=setting.name in organization.locked,
        override_ignored=False,
    )


def resolve_project_settings(
    organization: OrganizationSettingsValues, overrides: RawSettings
) -> dict[str, EffectiveValue]:
    """The settings a project runs with, given its organization's settings and its own overrides."""
    effective = {}
    for setting in SETTINGS:
        inherited = organization.effective[setting.name]
        override = overrides.get(setting.name)
        in_force = override is not None and not inherited.locked
        effective[setting.name] = EffectiveValue(
            value=override if in_force and override is not None else inherited.value,
            source=SettingSource.PROJECT if in_force else inherited.source,
            inherited_value=inherited.value,
            inherited_from=inherited.source,
            locked=inherited.locked,
            override_ignored=override is not None and inherited.locked,
        )
    return effective


def resolve_repository_settings(project: EffectiveSettings, ai_enabled: bool) -> dict[str, EffectiveValue]:
    """The settings a repository runs with: its project's, except that a repository switched off for AI
    forces off the settings its gate covers (it scans and fixes nothing). The repository holds no
    overrides of its own, so nothing is ignored here."""
    effective = {}
    for setting in SETTINGS:
        inherited = project[setting.name]
        off = None if ai_enabled else SETTINGS.repository_gate.get(setting.name)
        effective[setting.name] = EffectiveValue(
            value=inherited.value if off is None else off,
            source=inherited.source if off is None else SettingSource.REPOSITORY,
            inherited_value=inherited.value,
            inherited_from=inherited.source,
            locked=inherited.locked,
            override_ignored=False,
        )
    return effective


def settings_from_level(effective: EffectiveSettings, level: SettingSource) -> list[str]:
    """Names of the settings whose value in force comes from `level` (in registry order)."""
    return [setting.name for setting in SETTINGS if effective[setting.name].source is level]
