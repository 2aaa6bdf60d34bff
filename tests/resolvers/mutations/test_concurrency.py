"""Concurrent writers, sent at once over HTTP: optimistic concurrency lets exactly one of many writers
of the same version through, and writers of different projects all land."""

from __future__ import annotations

import asyncio
import itertools

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_project, make_projects, make_token, stored_rows
from tests.graphql import document, error_fields_and_codes, mutation, organization_id, project_id

update_project_settings = mutation(document("UpdateProjectSettings"), "updateProjectSettings")
bulk_update_project_settings = mutation(document("BulkUpdateProjectSettings"), "bulkUpdateProjectSettings")

# Twenty different sets of changes, each of which changes a project that overrides nothing.
DIFFERENT_CHANGES = [
    {"scanEnabled": scan, "fixEnabled": fix, "stoppingPoint": stopping_point}
    for scan, fix, stopping_point in itertools.product(
        [None, True, False], [None, True, False], [None, "SUGGESTION", "PULL_REQUEST", "MERGE"]
    )
    if (scan, fix, stopping_point) != (None, None, None)
][:20]


async def test_of_twenty_concurrent_updates_of_one_version_exactly_one_lands(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    key = await make_project(engine, org, "web")
    token = await make_token(engine, org)

    results = await asyncio.gather(
        *(
            update_project_settings(
                client, token, projectId=project_id(key), changes=changes, expectedVersion=1
            )
            for changes in DIFFERENT_CHANGES
        )
    )

    landed = [result for result in results if not result["userErrors"]]
    refused = [error_fields_and_codes(result) for result in results if result["userErrors"]]
    assert len(landed) == 1
    assert refused == [[(["input", "expectedVersion"], "STALE_VERSION")]] * 19
    rows = await stored_rows(engine)
    (project,) = rows["project"]
    assert (project["version"], len(rows["audit_entry"])) == (2, 1)
    assert landed[0]["project"]["overrides"] == DIFFERENT_CHANGES[results.index(landed[0])]


async def test_concurrent_bulk_updates_of_disjoint_projects_all_land(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    keys = await make_projects(engine, org, 250)
    token = await make_token(engine, org)
    batches = [keys[start : start + 50] for start in range(0, 250, 50)]

    results = await asyncio.gather(
        *(
            bulk_update_project_settings(
                client,
                token,
                organizationId=organization_id(org),
                projectIds=[project_id(key) for key in batch],
                changes={"fixEnabled": True},
            )
            for batch in batches
        )
    )

    assert [(result["userErrors"], result["affectedCount"]) for result in results] == [([], 50)] * 5
    rows = await stored_rows(engine)
    assert {(row["fix_enabled_override"], row["version"]) for row in rows["project"]} == {(True, 2)}
    assert len(rows["project"]) == 250
    assert len({entry["batch_id"] for entry in rows["audit_entry"]}) == 5
    assert len(rows["audit_entry"]) == 250
