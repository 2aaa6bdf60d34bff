"""The request id of X-Request-ID reaches the audit log when it is a plain token that fits there; any
other value is replaced, and never fails the request."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import audit_entry
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document

UPDATE_PROJECT = document("UpdateProjectSettings")


@pytest.mark.parametrize(
    ("header", "kept"),
    [("req-1.a_B", True), ("x" * 100, False), ("with space", False), ("", False), ("ais_secret1", False)],
    ids=["plain", "too long", "odd characters", "empty", "a token by mistake"],
)
async def test_the_request_id_is_kept_only_when_it_fits(
    engine: AsyncEngine, client: httpx.AsyncClient, header: str, kept: bool
) -> None:
    org = await make_organization(engine)
    project = await make_project(engine, org, "web")
    token = await make_token(engine, org)

    response = await client.post(
        "/graphql",
        json={
            "query": UPDATE_PROJECT,
            "variables": {
                "input": {"projectId": encode_global_id("Project", project), "changes": {"fixEnabled": True}}
            },
        },
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": header},
    )

    assert response.json()["data"]["updateProjectSettings"]["userErrors"] == []
    async with engine.connect() as connection:
        stored = (await connection.execute(select(audit_entry.c.request_id))).scalar_one()
    assert (stored == header) is kept
    assert stored is not None
    assert len(stored) <= 64


@pytest.mark.parametrize("path", ["/graphql", "/healthz", "/sign-in", "/no-such-page"])
async def test_the_answer_echoes_the_request_id(client: httpx.AsyncClient, path: str) -> None:
    given = await client.get(path, headers={"X-Request-ID": "trace-42"})
    made = await client.get(path)

    assert given.headers["x-request-id"] == "trace-42"
    assert len(made.headers["x-request-id"]) == 32
    assert made.headers["x-request-id"] != (await client.get(path)).headers["x-request-id"]
