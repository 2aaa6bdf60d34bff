"""A REST write is visible to the very next GraphQL read, whose answer the response cache keeps (the
write bumps the organization's data version in the same unit of work), and a GraphQL write to the very
next REST read."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.graphql import document, execute, mutation, organization_id
from tests.rest import ORGANIZATION_SETTINGS, REPOSITORIES, given_acme, ok

SETTINGS = 'query Settings { organization(slug: "acme") { settings { fixEnabled } } }'
REPOSITORY_NAMES = """query RepositoryNames {
  organization(slug: "acme") { project(slug: "web") { repositories { nodes { name } } } }
}"""
update_organization_settings = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")


async def test_a_rest_write_is_seen_by_the_next_graphql_read_of_a_cached_answer(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    cached = await execute(client, acme.member, SETTINGS)

    await ok(client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"fix_enabled": True})

    assert cached["organization"]["settings"]["fixEnabled"] is False
    assert (await execute(client, acme.member, SETTINGS))["organization"]["settings"]["fixEnabled"] is True


async def test_a_rest_repository_write_is_seen_by_the_next_graphql_read(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    cached = await execute(client, acme.member, REPOSITORY_NAMES)

    await ok(client, "POST", REPOSITORIES, acme.admin, {"provider": "github", "name": "acme/web"}, status=201)

    assert cached["organization"]["project"]["repositories"]["nodes"] == []
    fresh = await execute(client, acme.member, REPOSITORY_NAMES)
    assert fresh["organization"]["project"]["repositories"]["nodes"] == [{"name": "acme/web"}]


async def test_a_graphql_write_is_seen_by_the_next_rest_read(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    before = await ok(client, "GET", ORGANIZATION_SETTINGS, acme.member)

    payload = await update_organization_settings(
        client, acme.owner, organizationId=organization_id(acme.org), fixEnabled=True
    )

    assert payload["userErrors"] == []
    after = await ok(client, "GET", ORGANIZATION_SETTINGS, acme.member)
    assert (before["fix_enabled"], after["fix_enabled"], after["version"]) == (
        False,
        True,
        before["version"] + 1,
    )
