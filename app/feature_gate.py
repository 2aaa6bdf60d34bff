"""Whether a feature flag is on for the organization of a request (the settings page and the REST API ask;
GraphQL never does). The flags are read once per worker and organization for each of its data versions,
which every request reads with its viewer and a flag change moves: the next request after a change reads
the flags again, on every worker, and no other request reads them at all."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import single_read
from aisettings.models.flags import KNOWN_FLAGS, Flag
from aisettings.resolvers.flags import fetch_flags
from aisettings.resolvers.viewer import Viewer

from .unavailable import or_unavailable


class FeatureGate:
    def __init__(self, engine: AsyncEngine, evaluated: Callable[[str, bool], None] | None = None) -> None:
        self._engine = engine
        self._evaluated = evaluated  # told of every evaluation: the flag and whether it is on (metrics)
        # organization id -> (its data version, the flags as read then)
        self._flags: dict[int, tuple[int, dict[str, Flag]]] = {}

    async def is_on(self, key: str, viewer: Viewer) -> bool:
        """Whether flag `key` (a known one: models/flags.KNOWN_FLAGS) is on for the viewer's organization."""
        assert key in KNOWN_FLAGS, f"{key!r} is no known flag"
        organization_id = viewer.organization_id
        cached = self._flags.get(organization_id)
        if cached is None or cached[0] != viewer.data_version:
            cached = (viewer.data_version, await or_unavailable(self._read()))
            self._flags[organization_id] = cached
        on = cached[1].get(key, KNOWN_FLAGS[key]).is_on_for(organization_id)
        if self._evaluated is not None:
            self._evaluated(key, on)
        return on

    async def _read(self) -> dict[str, Flag]:
        async with single_read(self._engine) as connection:
            return await fetch_flags(connection)
