"""Every answer, data or error, carries the security headers; none allows another origin to read it."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_token

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


@pytest.mark.parametrize(
    ("method", "path", "authorized"),
    [
        ("POST", "/graphql", True),
        ("POST", "/graphql", False),
        ("GET", "/healthz", False),
        ("GET", "/graphql", False),
    ],
    ids=["data", "401", "health", "graphiql"],
)
async def test_every_answer_carries_the_security_headers_and_no_cors(
    engine: AsyncEngine, client: httpx.AsyncClient, method: str, path: str, authorized: bool
) -> None:
    token = await make_token(engine, await make_organization(engine))
    headers = {"Origin": "https://elsewhere.example", "Accept": "text/html" if method == "GET" else "*/*"}
    if authorized:
        headers["Authorization"] = f"Bearer {token}"

    response = await client.request(
        method, path, headers=headers, json={"query": "{ viewer { login } }"} if method == "POST" else None
    )

    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
    # GraphiQL's page adds a policy of its own (tests/app/test_graphiql.py); browsers enforce both.
    assert "frame-ancestors 'none'" in response.headers.get_list("content-security-policy")
    assert "access-control-allow-origin" not in response.headers
