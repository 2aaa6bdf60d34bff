"""How an organization's projects run, counted by SQL aggregates rather than by loading every project."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.settings import SETTINGS, StoppingPoint, resolve_project_settings
from aisettings.models.tables import override_column, project

from .records import OrganizationRecord


@dataclass(frozen=True)
class SettingsSummary:
    project_count: int
    projects_with_overrides: int
    scan_enabled_count: int
    fix_enabled_count: int
    stopping_point_counts: dict[StoppingPoint, int]


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
    counts: Counter[str] = Counter()
    stopping_points: Counter[StoppingPoint] = Counter()
    for group in groups:
        overrides = {setting.name: group[index] for index, setting in enumerate(SETTINGS)}
        effective = resolve_project_settings(organization.settings, overrides)
        counts["projects"] += group.projects
        counts["with_overrides"] += group.projects if any(v is not None for v in overrides.values()) else 0
        counts["scan_enabled"] += group.projects if effective["scan_enabled"].value else 0
        counts["fix_enabled"] += group.projects if effective["fix_enabled"].value else 0
        stopping_point = effective["stopping_point"].value
        assert isinstance(stopping_point, StoppingPoint)
        stopping_points[stopping_point] += group.projects
    return SettingsSummary(
        project_count=counts["projects"],
        projects_with_overrides=counts["with_overrides"],
        scan_enabled_count=counts["scan_enabled"],
        fix_enabled_count=counts["fix_enabled"],
        stopping_point_counts={point: stopping_points[point] for point in StoppingPoint},
    )
