"""A POST body that is not one GraphQL request, as JSON, is the client's mistake: HTTP 400, never a 500."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_token

VIEWER = '{"query": "{ viewer { login } }"'


@pytest.mark.parametrize(
    "body",
    [
        b'"{ viewer { login } }"',
        b"null",
        b" 5",
        b"true",
        b"not JSON",
        VIEWER.encode() + b', "operationName": "\xff"}',
        VIEWER.encode() + b', "variables": {"slug": "\\ud800"}}',
        b"[" * 100_000 + b"]" * 100_000,
        VIEWER.encode() + b', "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        b'{"query": 5}',
        VIEWER.encode() + b', "variables": []}',
        b"[" + VIEWER.encode() + b"}]",
    ],
    ids=[
        "string",
        "null",
        "number",
        "boolean",
        "not-json",
        "not-utf-8",
        "unpaired-surrogate",
        "nested-deeply",
        "variables-nested-deeply",
        "query-not-a-string",
        "variables-a-list",
        "batch",
    ],
)
async def test_a_body_that_is_not_a_graphql_request_is_a_bad_request(
    engine: AsyncEngine, client: httpx.AsyncClient, body: bytes
) -> None:
    token = await make_token(engine, await make_organization(engine))

    response = await client.post(
        "/graphql",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400, response.text
