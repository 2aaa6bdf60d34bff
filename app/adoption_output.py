"""`aisettings report adoption` as people and programs read it: an aligned table with one header row, or
JSON (app/adoption.py computes the numbers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .adoption import Adoption

COLUMNS = (
    "ORGANIZATION",
    "DEFAULTS SET",
    "PROJECTS CONFIGURED",
    "SCAN ON",
    "FIX ON",
    "SAVES",
    "MEDIAN TIME TO CONFIGURE",
)


def table_lines(rows: list[Adoption]) -> list[str]:
    """The header, a line per row, aligned: numbers to the right, the organization to the left."""
    cells = [list(COLUMNS), *([_cells(row) for row in rows])]
    widths = [max(len(line[index]) for line in cells) for index in range(len(COLUMNS))]
    return [
        "  ".join(
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in cells
    ]


def _cells(row: Adoption) -> list[str]:
    median = row.median_time_to_configure
    return [
        row.organization,
        _fraction(row.organizations_with_defaults, row.organizations),
        _fraction(row.projects_configured, row.projects),
        f"{row.scan_on} ({row.scan_on_change:+d})",
        f"{row.fix_on} ({row.fix_on_change:+d})",
        str(len(row.save_times)),
        "-" if median is None else f"{median / 1000:.1f} s",
    ]


def as_json(rows: list[Adoption], total: Adoption, since: dt.datetime) -> dict[str, Any]:
    return {
        "since": since.isoformat(),
        "organizations": [_json(row) for row in rows],
        "total": _json(total),
    }


def _json(row: Adoption) -> dict[str, Any]:
    return {
        "organization": row.organization,
        "organizations": row.organizations,
        "organizationsWithDefaults": row.organizations_with_defaults,
        "organizationCompletion": _share(row.organizations_with_defaults, row.organizations),
        "projects": row.projects,
        "projectsConfigured": row.projects_configured,
        "projectCompletion": _share(row.projects_configured, row.projects),
        "projectsWithScanOn": row.scan_on,
        "projectsWithScanOnChange": row.scan_on_change,
        "projectsWithFixOn": row.fix_on,
        "projectsWithFixOnChange": row.fix_on_change,
        "saves": len(row.save_times),
        "medianTimeToConfigureMilliseconds": row.median_time_to_configure,
    }


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _fraction(part: int, whole: int) -> str:
    """3/4 (75%)"""
    share = _share(part, whole)
    return f"{part}/{whole} ({'-' if share is None else f'{share:.0%}'})"
