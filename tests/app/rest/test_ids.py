"""A client moves between GraphQL and REST by `databaseId`, which is the REST API's id."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_repository
from tests.graphql import execute
from tests.rest import PROJECT_SETTINGS, REPOSITORIES, given_acme, ok

IDS = """query Ids {
  organization(slug: "acme") {
    databaseId
    project(slug: "web") { databaseId repositories { nodes { databaseId } } }
  }
}"""


async def test_the_database_ids_of_graphql_are_the_ids_of_rest(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    await make_repository(engine, acme.project, "acme/web")

    organization = (await execute(client, acme.member, IDS))["organization"]

    project = organization["project"]
    assert organization["databaseId"] == str(acme.org.id)
    assert project["databaseId"] == (await ok(client, "GET", PROJECT_SETTINGS, acme.member))["id"]
    repositories = await ok(client, "GET", REPOSITORIES, acme.member)
    assert [node["databaseId"] for node in project["repositories"]["nodes"]] == [
        r["id"] for r in repositories
    ]
