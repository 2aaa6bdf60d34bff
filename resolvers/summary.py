"""How an organization's projects run, counted by SQL aggregates rather than by loading every project."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.settings import SETTINGS, SettingValue, resolve_project_settings
from aisettings.models.tables import override_column, project

from .records import OrganizationRecord


@dataclass(frozen=True)
class SettingsSummary:
    project_count: int
    projects_with_overrides: int
    # Setting name -> value in force -> how many projects run with it (what the API shows of it is up to
    # the setting's type: schema/summary.py).
    value_counts: Mapping[str, Counter[SettingValue]]


async def summarize_settings(
    connection: AsyncConnection, organization: OrganizationRecord
) -> SettingsSummary:
    # Projects are grouped by their combination of overrides (a few dozen groups at most), and each
    # group goes through the same resolution function as everything else: no second copy of the rules.
    override_columns = [project.c[override_column(setting)] for setting in SETTINGS]
    statement = (
        select(*override_columns, func.count().label("projects"))
        .where(project.c.organization_id == organization.id)
        .group_by(*override_columns)
    )
    groups = (await connection.execute(statement)).all()
    project_count = projects_with_overrides = 0
    value_counts: dict[str, Counter[SettingValue]] = {setting.name: Counter() for setting in SETTINGS}
    for group in groups:
        overrides = {setting.name: group[index] for index, setting in enumerate(SETTINGS)}
        project_count += group.projects
        if any(value is not None for value in overrides.values()):
            projects_with_overrides += group.projects
        for name, effective in resolve_project_settings(organization.settings, overrides).items():
            value_counts[name][effective.value] += group.projects
    return SettingsSummary(project_count, projects_with_overrides, value_counts)
