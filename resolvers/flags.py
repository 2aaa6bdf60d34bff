"""Reading the feature flags operators set (models/flags.py says who each one is on for)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from aisettings.models.flags import Flag
from aisettings.models.tables import feature_flag


def flag_of(row: Row[Any]) -> Flag:
    return Flag(
        key=row.key,
        rollout_basis_points=row.rollout_basis_points,
        allowed=frozenset(row.allowed),
        denied=frozenset(row.denied),
        killed=row.killed,
        description=row.description,
    )


async def fetch_flags(connection: AsyncConnection) -> dict[str, Flag]:
    """Every flag an operator set, by key (one statement)."""
    return {row.key: flag_of(row) for row in await connection.execute(select(feature_flag))}
