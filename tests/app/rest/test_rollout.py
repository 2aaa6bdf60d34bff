"""The REST API is there for the organizations its flag (rest-api) is on for: one the rollout leaves out
gets DRF's 404, as if it were not there, from the next request on; GraphQL is never gated."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.cli import run_cli
from tests.graphql import execute
from tests.rest import ORGANIZATION_SETTINGS, PROJECT_SETTINGS, call, given_acme

pytestmark = pytest.mark.usefixtures("database_environment")

NOT_FOUND = {"detail": "The requested resource does not exist"}


@pytest.mark.parametrize("path", [ORGANIZATION_SETTINGS, PROJECT_SETTINGS])
async def test_an_organization_left_out_of_the_rollout_gets_a_404_from_the_next_request(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    acme = await given_acme(engine)
    assert (await call(client, "GET", path, acme.owner)).status_code == 200

    await run_cli("flags", "set", "rest-api", "--deny", "acme")

    refused = await call(client, "GET", path, acme.owner)
    assert (refused.status_code, refused.json()) == (404, NOT_FOUND)
    graphql = await execute(client, acme.owner, 'query { organization(slug: "acme") { slug } }')
    assert graphql == {"organization": {"slug": "acme"}}


async def test_a_killed_rest_api_is_back_when_unkilled(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    await run_cli("flags", "kill", "rest-api")
    killed = await call(client, "GET", ORGANIZATION_SETTINGS, acme.owner)

    await run_cli("flags", "unkill", "rest-api")

    assert killed.status_code == 404
    assert (await call(client, "GET", ORGANIZATION_SETTINGS, acme.owner)).status_code == 200
