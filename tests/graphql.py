"""Sending GraphQL documents to the app over HTTP, as clients do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

QUERIES = Path(__file__).resolve().parent.parent / "queries"


def document(name: str) -> str:
    """The document queries/<name>.graphql."""
    return (QUERIES / f"{name}.graphql").read_text()


async def post(
    client: httpx.AsyncClient,
    token: str | None,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    body: dict[str, Any] = {"query": query, "variables": variables or {}}
    if operation_name is not None:
        body["operationName"] = operation_name
    return await client.post("/graphql", json=body, headers=headers)


async def execute(
    client: httpx.AsyncClient,
    token: str,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> dict[str, Any]:
    """The `data` of a request that must succeed without errors."""
    response = await post(client, token, query, variables, operation_name)
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def errors(
    client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The `errors` of a request that must fail."""
    response = await post(client, token, query, variables)
    body: dict[str, Any] = response.json()
    assert body.get("errors"), body
    found: list[dict[str, Any]] = body["errors"]
    return found
