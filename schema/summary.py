"""Organization.settingsSummary's type, generated from the registry: each setting's type says how its
projects are counted (SummaryCount), `scanEnabledCount` for a boolean, `stoppingPointCounts` (a list of
StoppingPointCount) for an enum."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from typing import Any

import strawberry

from aisettings.models.setting_types import SettingValue, SummaryCount
from aisettings.models.settings import SETTINGS, SettingDefinition
from aisettings.resolvers import summary

from .settings import generated_type


class _SettingCounts(ABC):
    """The field of the summary that counts one setting's projects."""

    name: str
    field: tuple[object, object]

    @abstractmethod
    def shown(self, counts: Counter[SettingValue]) -> object:
        """The field's value, from how many projects run with each value of the setting."""


class _TrueCount(_SettingCounts):
    """`scanEnabledCount`: how many projects run with the setting true."""

    def __init__(self, setting: SettingDefinition) -> None:
        self.name = f"{setting.name}_count"
        self.field = (int, strawberry.field(description=f"How many run with {setting.field_name} true."))

    def shown(self, counts: Counter[SettingValue]) -> int:
        return counts[True]


class _EachValueCount(_SettingCounts):
    """`stoppingPointCounts`: how many projects run with each value (StoppingPointCount items)."""

    def __init__(self, setting: SettingDefinition) -> None:
        words = setting.name.replace("_", " ")
        self.setting = setting
        self.name = f"{setting.name}_counts"
        self.item_type = generated_type(
            f"{setting.field_name[0].upper()}{setting.field_name[1:]}Count",
            f"How many of an organization's projects run with one {words}.",
            {
                setting.name: (setting.value_type, strawberry.field(description=f"The {words} in force.")),
                "count": (int, strawberry.field(description="How many projects run with it.")),
            },
        )
        self.field = (
            list[self.item_type],  # type: ignore[name-defined]
            strawberry.field(
                description=f"How many run with each {words} (every {words}, zero counts included)."
            ),
        )

    def shown(self, counts: Counter[SettingValue]) -> list[Any]:
        return [
            self.item_type(**{self.setting.name: value, "count": counts[value]})
            for value in self.setting.type.values
        ]


_COUNTS: dict[SummaryCount, type[_TrueCount] | type[_EachValueCount]] = {
    SummaryCount.TRUE: _TrueCount,
    SummaryCount.EACH_VALUE: _EachValueCount,
}
_SETTING_COUNTS = {setting.name: _COUNTS[setting.type.summary_count](setting) for setting in SETTINGS}

SettingsSummary = generated_type(
    "SettingsSummary",
    "How an organization's projects run, counted over all of them.",
    {
        "project_count": (int, strawberry.field(description="How many projects the organization has.")),
        "projects_with_overrides": (
            int,
            strawberry.field(description="How many override at least one setting."),
        ),
        **{counts.name: counts.field for counts in _SETTING_COUNTS.values()},
    },
)


def settings_summary(counted: summary.SettingsSummary) -> Any:
    """The GraphQL SettingsSummary of an organization's counted projects."""
    return SettingsSummary(
        project_count=counted.project_count,
        projects_with_overrides=counted.projects_with_overrides,
        **{counts.name: counts.shown(counted.value_counts[name]) for name, counts in _SETTING_COUNTS.items()},
    )
