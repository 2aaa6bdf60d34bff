"""A field error that nulls its parent makes graphql-core cancel the parent's other fields. Fields still
waiting for a load they share with a cancelled one (the same project twice in a list) must get their
answer, not a CancelledError: found by the fuzzer as an HTTP 500."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_project, make_repository, make_token
from tests.graphql import post, project_id

# `projects(first: -1)` fails, and its non-null type nulls the whole list of projects, whose other
# items are still loading what they share: their organization, its summary, a project's repositories.
QUERY = """mutation Reset($ids: [ID!]!) {
  resetProjectSettings(input: {projectIds: $ids}) {
    projects {
      organization {
        project(slug: "p0") {
          organization {
            project(slug: "nothing") { organization { slug viewerCanAdminister } }
            projects(first: -1, filter: {slugs: ["p1", "p2"]}) { totalCount }
            settingsSummary { fixEnabledCount stoppingPointCounts { count } }
          }
          repositories { edges { cursor } }
        }
      }
    }
  }
}"""


async def test_a_failing_field_beside_shared_loads_is_an_error_not_a_500(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    projects = [await make_project(engine, org, f"p{index}") for index in range(4)]
    for key in projects:
        await make_repository(engine, key, f"acme/p{key}")
    token = await make_token(engine, org)
    ids = [project_id(key) for key in [*projects, projects[1]]]

    response = await post(client, token, QUERY, {"ids": ids})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["resetProjectSettings"]["projects"] == [{"organization": {"project": None}}] * 4
    assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}
