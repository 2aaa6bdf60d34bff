"""Settings by their GraphQL names, turned into what the factories take: written out here so that
expectations never come from the code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue, StoppingPoint
from tests.factories import Org, make_organization

# GraphQL field name -> registry name.
SETTING_NAMES = {
    "scanEnabled": "scan_enabled",
    "fixEnabled": "fix_enabled",
    "stoppingPoint": "stopping_point",
}

JsonValues = Mapping[str, bool | str | None]


def registry_values(values: JsonValues) -> dict[str, SettingValue | None]:
    """GraphQL-named JSON values as the factories take them (registry names, StoppingPoint members)."""
    return {
        SETTING_NAMES[field]: StoppingPoint(value) if isinstance(value, str) else value
        for field, value in values.items()
    }


async def make_org(
    engine: AsyncEngine,
    settings: JsonValues | None = None,
    locked: Sequence[str] | None = None,
    slug: str = "acme",
) -> Org:
    """An organization; with `settings` or `locked` (GraphQL names), also its settings row."""
    return await make_organization(
        engine,
        slug,
        settings=None if settings is None else registry_values(settings),
        locked=None if locked is None else [SETTING_NAMES[field] for field in locked],
    )
