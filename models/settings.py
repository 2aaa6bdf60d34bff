"""The settings registry and the pure inheritance rules.

Every setting is declared once in `SETTINGS`; tables, GraphQL types, filters, summaries, import and
export derive from it. Resolution is a pure function of plain values (no I/O), so queries, dry runs and
audit diffs share exactly the same rules:

    system default <- organization <- project override (None = inherit) <- repository gate

An organization may lock a setting: project overrides of it are kept but not in force
(`override_ignored`). A repository switched off for AI scans and fixes nothing.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TypeAlias


class StoppingPoint(enum.Enum):
    """How far an AI fix may go before a human takes over."""

    SUGGESTION = "SUGGESTION"
    PULL_REQUEST = "PULL_REQUEST"
    MERGE = "MERGE"


class SettingSource(enum.Enum):
    """The level a value in force comes from."""

    SYSTEM_DEFAULT = "SYSTEM_DEFAULT"
    ORGANIZATION = "ORGANIZATION"
    PROJECT = "PROJECT"
    REPOSITORY = "REPOSITORY"


SettingValue: TypeAlias = bool | StoppingPoint


@dataclass(frozen=True)
class SettingDefinition:
    """One setting: its storage name, what it means, its value type, its system default, and whether a
    repository switched off for AI forces it to False."""

    name: str
    description: str
    value_type: type[bool] | type[StoppingPoint]
    default: SettingValue
    gated_by_repository: bool

    @cached_property
    def field_name(self) -> str:
        """The camelCase name used in GraphQL and in import files (`scan_enabled` -> `scanEnabled`)."""
        head, *rest = self.name.split("_")
        return head + "".join(part.capitalize() for part in rest)

    @property
    def enum_name(self) -> str:
        """The `SettingName` enum value (`scan_enabled` -> `SCAN_ENABLED`)."""
        return self.name.upper()

    def parse(self, raw: object) -> SettingValue:
        """A stored or imported raw value as this setting's type; ValueError when it is not one."""
        if self.value_type is bool:
            if isinstance(raw, bool):
                return raw
            raise ValueError(f"{self.field_name} must be true or false")
        if isinstance(raw, StoppingPoint):
            return raw
        try:
            return StoppingPoint(raw)
        except ValueError:
            allowed = ", ".join(point.value for point in StoppingPoint)
            raise ValueError(f"{self.field_name} must be one of {allowed}") from None

    def serialize(self, value: SettingValue | None) -> bool | str | None:
        """The JSON form of a value (audit changes, exports)."""
        return value.value if isinstance(value, StoppingPoint) else value


SETTINGS: tuple[SettingDefinition, ...] = (
    SettingDefinition(
        "scan_enabled",
        "Whether the AI assistant scans issues to find the ones it could fix.",
        bool,
        default=True,
        gated_by_repository=True,
    ),
    SettingDefinition(
        "fix_enabled",
        "Whether the AI assistant may work on fixes for issues.",
        bool,
        default=False,
        gated_by_repository=True,
    ),
    SettingDefinition(
        "stopping_point",
        "How far an AI fix goes before a human takes over: a suggestion, a pull request, or a merge.",
        StoppingPoint,
        default=StoppingPoint.PULL_REQUEST,
        gated_by_repository=False,
    ),
)
SETTINGS_BY_NAME: Mapping[str, SettingDefinition] = {setting.name: setting for setting in SETTINGS}
SETTINGS_BY_FIELD_NAME: Mapping[str, SettingDefinition] = {
    setting.field_name: setting for setting in SETTINGS
}

# Raw values of one level, by setting name; None (or a missing key) means "no value at this level".
RawSettings: TypeAlias = Mapping[str, SettingValue | None]


@dataclass(frozen=True)
class OrganizationSettingsValues:
    """What an organization stores: its own values (None = the system default) and its locks."""

    values: RawSettings
    locked: frozenset[str]

    @cached_property
    def effective(self) -> dict[str, EffectiveValue]:
        """Each setting's organization value, computed once: every project of a page inherits them."""
        return {setting.name: organization_value(setting, self) for setting in SETTINGS}


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
    scans and fixes nothing. The repository holds no overrides of its own, so nothing is ignored here."""
    effective = {}
    for setting in SETTINGS:
        inherited = project[setting.name]
        gated = setting.gated_by_repository and not ai_enabled
        effective[setting.name] = EffectiveValue(
            value=False if gated else inherited.value,
            source=SettingSource.REPOSITORY if gated else inherited.source,
            inherited_value=inherited.value,
            inherited_from=inherited.source,
            locked=inherited.locked,
            override_ignored=False,
        )
    return effective


def settings_from_level(effective: EffectiveSettings, level: SettingSource) -> list[str]:
    """Names of the settings whose value in force comes from `level` (in registry order)."""
    return [setting.name for setting in SETTINGS if effective[setting.name].source is level]
