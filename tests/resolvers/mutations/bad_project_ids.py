"""Project ids that name no project of the caller's organization. A mutation answers each NOT_FOUND at its
index in the input's list, the same for every kind, and writes nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import MAX_PRIMARY_KEY
from tests.factories import Org, make_organization, make_project
from tests.graphql import organization_id, project_id

# Makes a bad project id for a caller of the organization `org`.
MakeBadProjectId = Callable[[AsyncEngine, Org], Awaitable[str]]


async def _unknown_project(engine: AsyncEngine, org: Org) -> str:
    return project_id(MAX_PRIMARY_KEY)


async def _malformed_id(engine: AsyncEngine, org: Org) -> str:
    return "not-a-global-id"


async def _another_organizations_project(engine: AsyncEngine, org: Org) -> str:
    """A project that every mutation of these tests would change, were it the caller's."""
    other = await make_organization(engine, "other")
    return project_id(await make_project(engine, other, "secret", overrides={"fix_enabled": False}))


async def _id_of_another_type(engine: AsyncEngine, org: Org) -> str:
    return organization_id(org)


BAD_PROJECT_IDS: dict[str, MakeBadProjectId] = {
    "unknown": _unknown_project,
    "malformed": _malformed_id,
    "of-another-organization": _another_organizations_project,
    "of-another-type": _id_of_another_type,
}
