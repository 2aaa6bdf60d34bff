"""Trusted documents: the documents of queries/ sent by their SHA-256 instead of their text, and a mode
where nothing else runs."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from tests.factories import make_organization, make_token
from tests.graphql import QUERIES, document, organization_id

TREE = document("OrganizationTree")
TREE_ID = "sha256:" + hashlib.sha256(TREE.encode()).hexdigest()
VARIABLES = {"slug": "acme", "first": 10}


async def _send(client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/graphql-response+json"}
    return await client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    "reference",
    [{"documentId": TREE_ID}, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": TREE_ID[7:]}}}],
    ids=["documentId", "Apollo persistedQuery"],
)
async def test_a_trusted_document_sent_by_its_id_answers_as_its_text(
    client: httpx.AsyncClient, engine: AsyncEngine, reference: dict[str, Any]
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    by_id = await _send(client, token, {**reference, "variables": VARIABLES})
    by_text = await _send(client, token, {"query": TREE, "variables": VARIABLES})

    assert by_id.status_code == 200
    assert by_id.json() == by_text.json()
    assert by_id.json()["data"]["organization"]["id"] == organization_id(org)


async def test_a_trusted_document_runs_over_get_by_its_id(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    response = await client.get(
        "/graphql",
        params={"documentId": TREE_ID, "variables": '{"slug": "acme"}'},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200
    assert response.json()["data"]["organization"]["id"] == organization_id(org)


async def test_an_unknown_document_id_is_a_request_error(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine))

    response = await _send(client, token, {"documentId": "sha256:" + "0" * 64})

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "data" not in response.json()


FILES = {path.stem: path.read_bytes() for path in sorted(QUERIES.glob("*.graphql"))}


@pytest.mark.parametrize("name", FILES)
async def test_every_document_of_queries_is_trusted_by_the_hash_of_its_file(
    client: httpx.AsyncClient, engine: AsyncEngine, name: str
) -> None:
    token = await make_token(engine, await make_organization(engine))
    digest = hashlib.sha256(FILES[name]).hexdigest()

    response = await _send(client, token, {"documentId": f"sha256:{digest}"})

    codes = {error["extensions"]["code"] for error in response.json().get("errors", [])}
    assert "PERSISTED_QUERY_NOT_FOUND" not in codes


@pytest.fixture
async def trusted_only(engine: AsyncEngine, database_url: str) -> Any:
    app = create_app(Config(database_url=database_url, trusted_documents_only=True), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


async def test_in_trusted_only_mode_another_document_is_refused_unrun(
    trusted_only: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine))

    response = await _send(trusted_only, token, {"query": "query Login { viewer { login } }"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "TRUSTED_DOCUMENT_REQUIRED"


async def test_in_trusted_only_mode_trusted_documents_run_by_id_or_by_text(
    trusted_only: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    by_id = await _send(trusted_only, token, {"documentId": TREE_ID, "variables": VARIABLES})
    by_text = await _send(trusted_only, token, {"query": TREE, "variables": VARIABLES})

    assert (by_id.status_code, by_text.status_code) == (200, 200)
    assert by_id.json()["data"]["organization"]["id"] == organization_id(org)
