"""Managing feature flags (`aisettings flags ...`): every change is logged with its actor and the flag
before and after, and moves every organization's data_version in the same transaction, so that the next
request on every worker sees it and no cached answer outlives it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.database import write_transaction
from aisettings.models.flags import KNOWN_FLAGS, Flag, basis_points
from aisettings.models.tables import feature_flag, feature_flag_change, organization, utc_now
from aisettings.resolvers.flags import fetch_flags, flag_of

KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class FlagError(ValueError):
    pass


@dataclass(frozen=True)
class FlagInfo:
    """A flag as `flags list` shows it: organizations by slug; no `updated_at` for a default never set."""

    flag: Flag
    allowed: list[str]
    denied: list[str]
    updated_by: str | None
    updated_at: dt.datetime | None


async def list_flags(engine: AsyncEngine) -> list[FlagInfo]:
    async with engine.connect() as connection:
        rows = {row.key: row for row in await connection.execute(select(feature_flag))}
        organizations = await connection.execute(select(organization.c.id, organization.c.slug))
        slugs = {row.id: row.slug for row in organizations}
    flags = {**KNOWN_FLAGS, **{key: flag_of(row) for key, row in rows.items()}}
    return [
        FlagInfo(
            flag,
            sorted(slugs.get(key, f"#{key}") for key in flag.allowed),
            sorted(slugs.get(key, f"#{key}") for key in flag.denied),
            rows[flag.key].updated_by if flag.key in rows else None,
            rows[flag.key].updated_at if flag.key in rows else None,
        )
        for flag in sorted(flags.values(), key=lambda flag: flag.key)
    ]


async def set_flag(
    engine: AsyncEngine,
    key: str,
    actor: str,
    *,
    rollout_percent: float | None = None,
    allow: list[str] | None = None,
    deny: list[str] | None = None,
    killed: bool | None = None,
    description: str | None = None,
) -> Flag:
    """The flag after the change; what is not given stays as it was (a new flag starts at 0%)."""
    if KEY.fullmatch(key) is None:
        raise FlagError(f"{key!r} is not a flag key: lowercase letters, digits and '-', at most 64.")
    async with write_transaction(engine) as connection:
        stored = await fetch_flags(connection)
        existing = stored.get(key) or KNOWN_FLAGS.get(key)
        before = existing or Flag(key, 0)
        changes: dict[str, Any] = {}
        if rollout_percent is not None:
            try:
                changes["rollout_basis_points"] = basis_points(rollout_percent)
            except ValueError as error:
                raise FlagError(str(error)) from None
        if allow is not None:
            changes["allowed"] = await _organization_ids(connection, allow)
        if deny is not None:
            changes["denied"] = await _organization_ids(connection, deny)
        if killed is not None:
            changes["killed"] = killed
        if description is not None:
            changes["description"] = description
        after = dataclasses.replace(before, **changes)
        if after != before or key not in stored:
            await _store(connection, existing, after, actor)
    return after


async def _organization_ids(connection: AsyncConnection, slugs: list[str]) -> frozenset[int]:
    rows = await connection.execute(
        select(organization.c.slug, organization.c.id).where(organization.c.slug.in_(slugs))
    )
    found = {row.slug: row.id for row in rows}
    unknown = sorted(set(slugs) - set(found))
    if unknown:
        raise FlagError(f"No organization has the slug {', '.join(map(repr, unknown))}.")
    return frozenset(found.values())


async def _store(connection: AsyncConnection, before: Flag | None, after: Flag, actor: str) -> None:
    now = utc_now()
    values = {
        "rollout_basis_points": after.rollout_basis_points,
        "allowed": sorted(after.allowed),
        "denied": sorted(after.denied),
        "killed": after.killed,
        "description": after.description,
        "updated_by": actor,
        "updated_at": now,
    }
    await connection.execute(delete(feature_flag).where(feature_flag.c.key == after.key))
    await connection.execute(insert(feature_flag).values(key=after.key, **values))
    await connection.execute(
        insert(feature_flag_change).values(
            key=after.key,
            actor=actor,
            before=None if before is None else _logged(before),
            after=_logged(after),
            created_at=now,
        )
    )
    # Every organization's answers may change: each one's next request reads the new version.
    await connection.execute(update(organization).values(data_version=organization.c.data_version + 1))


def _logged(flag: Flag) -> dict[str, Any]:
    return {
        "rolloutPercent": flag.rollout_percent,
        "allowed": sorted(flag.allowed),
        "denied": sorted(flag.denied),
        "killed": flag.killed,
        "description": flag.description,
    }
