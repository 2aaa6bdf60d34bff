"""Writers of one organization that queue behind each other see what the one before them committed: no
lost update, no skipped version check, no override of a setting locked meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.database import write_transaction
from aisettings.models.tables import organization
from aisettings.resolvers.global_ids import encode_global_id
from tests.databases import ON_SQLITE
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, execute, post

UPDATE_ORGANIZATION = document("UpdateOrganizationSettings")
UPDATE_PROJECT = document("UpdateProjectSettings")
SETTINGS = (
    'query { organization(slug: "acme") { settings { fixEnabled stoppingPoint lockedSettings version } } }'
)


async def behind_a_held_lock(engine: AsyncEngine, organization_id: int, *calls: Awaitable[Any]) -> list[Any]:
    """Runs `calls` while another transaction holds the organization's write lock, so that they all
    queue behind it, then releases it and returns their results."""
    async with write_transaction(engine) as connection:
        await connection.execute(
            select(organization.c.id).where(organization.c.id == organization_id).with_for_update()
        )
        tasks = []
        for call in calls:  # one after the other, so that they queue in this order (PostgreSQL is FIFO)
            tasks.append(asyncio.ensure_future(call))
            await asyncio.sleep(0.2)
        assert not any(task.done() for task in tasks), "the calls did not wait for the lock"
    return list(await asyncio.gather(*tasks))


async def test_two_writers_with_the_same_expected_version_one_wins_and_nothing_is_lost(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": False})
    token = await make_token(engine, org)
    organization_id = encode_global_id("Organization", org.id)

    responses = await behind_a_held_lock(
        engine,
        org.id,
        post(
            client,
            token,
            UPDATE_ORGANIZATION,
            {"input": {"organizationId": organization_id, "fixEnabled": True, "expectedVersion": 1}},
        ),
        post(
            client,
            token,
            UPDATE_ORGANIZATION,
            {"input": {"organizationId": organization_id, "stoppingPoint": "MERGE", "expectedVersion": 1}},
        ),
    )

    codes = sorted(
        [error["code"] for error in r.json()["data"]["updateOrganizationSettings"]["userErrors"]]
        for r in responses
    )
    assert codes == [[], ["STALE_VERSION"]]
    settings = (await execute(client, token, SETTINGS))["organization"]["settings"]
    assert settings["version"] == 2
    assert (settings["fixEnabled"], settings["stoppingPoint"]) in [(True, "PULL_REQUEST"), (False, "MERGE")]


async def test_first_writers_of_an_organization_without_settings_both_land(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    organization_id = encode_global_id("Organization", org.id)

    responses = await behind_a_held_lock(
        engine,
        org.id,
        post(
            client,
            token,
            UPDATE_ORGANIZATION,
            {"input": {"organizationId": organization_id, "fixEnabled": True}},
        ),
        post(
            client,
            token,
            UPDATE_ORGANIZATION,
            {"input": {"organizationId": organization_id, "stoppingPoint": "MERGE"}},
        ),
    )

    assert [r.json()["data"]["updateOrganizationSettings"]["userErrors"] for r in responses] == [[], []]
    settings = (await execute(client, token, SETTINGS))["organization"]["settings"]
    assert (settings["fixEnabled"], settings["stoppingPoint"], settings["version"]) == (True, "MERGE", 2)


async def test_an_override_queued_behind_a_lock_of_its_setting_is_refused(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": False})
    project = await make_project(engine, org, "web")
    token = await make_token(engine, org)

    lock, override = await behind_a_held_lock(
        engine,
        org.id,
        post(
            client,
            token,
            UPDATE_ORGANIZATION,
            {
                "input": {
                    "organizationId": encode_global_id("Organization", org.id),
                    "lockedSettings": ["FIX_ENABLED"],
                }
            },
        ),
        post(
            client,
            token,
            UPDATE_PROJECT,
            {"input": {"projectId": encode_global_id("Project", project), "changes": {"fixEnabled": True}}},
        ),
    )

    assert lock.json()["data"]["updateOrganizationSettings"]["userErrors"] == []
    errors = override.json()["data"]["updateProjectSettings"]["userErrors"]
    if ON_SQLITE:  # SQLite's waiters retry in no set order: refused, or set first and ignored since
        assert [e["code"] for e in errors] in (["LOCKED"], [])
    else:  # PostgreSQL grants the lock in the order asked for: the lock was set first
        assert [e["code"] for e in errors] == ["LOCKED"]
