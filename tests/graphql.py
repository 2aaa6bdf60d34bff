"""Sending GraphQL documents to the app over HTTP, as clients do, and reading their answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import httpx

from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import Org

QUERIES = Path(__file__).resolve().parent.parent / "queries"


def document(name: str) -> str:
    """The document queries/<name>.graphql."""
    return (QUERIES / f"{name}.graphql").read_text()


def organization_id(org: Org) -> str:
    """The global id of the organization `org`."""
    return encode_global_id("Organization", org.id)


def project_id(key: int) -> str:
    """The global id of the project with the primary key `key`."""
    return encode_global_id("Project", key)


def repository_id(key: int) -> str:
    """The global id of the repository with the primary key `key`."""
    return encode_global_id("Repository", key)


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


def error_codes(found: list[dict[str, Any]]) -> list[str]:
    """The code of each of the `errors` of a response."""
    return [error["extensions"]["code"] for error in found]


class Mutation(Protocol):
    async def __call__(self, client: httpx.AsyncClient, token: str, /, **input: Any) -> dict[str, Any]:
        """The payload of the mutation with `input`, from a request that must succeed."""


def mutation(query: str, field: str, operation_name: str | None = None) -> Mutation:
    """The mutation `field` of the document `query` (its operation `operation_name`, where it has several),
    as a function of the client, the token and the input."""

    async def send(client: httpx.AsyncClient, token: str, /, **input: Any) -> dict[str, Any]:
        data = await execute(client, token, query, {"input": input}, operation_name)
        payload: dict[str, Any] = data[field]
        return payload

    return send


def error_fields_and_codes(payload: dict[str, Any]) -> list[tuple[list[str] | None, str]]:
    """The payload's user errors as (field, code); each must also explain itself in a message."""
    assert all(error["message"] for error in payload["userErrors"]), payload["userErrors"]
    return [(error["field"], error["code"]) for error in payload["userErrors"]]
