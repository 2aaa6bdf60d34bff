"""/healthz says the process runs; /readyz says whether it can reach its database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from tests.databases import UNREACHABLE_DATABASES


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_ok_when_the_database_is_reachable(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.fixture(params=list(UNREACHABLE_DATABASES.values()), ids=list(UNREACHABLE_DATABASES))
async def unready_client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app configured with a database it cannot reach."""
    app = create_app(Config(database_url=request.param))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_readyz_answers_503_with_json_when_the_database_is_unreachable(
    unready_client: httpx.AsyncClient,
) -> None:
    response = await unready_client.get("/readyz")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert response.json()["status"] != "ok"


async def test_healthz_answers_ok_even_when_the_database_is_unreachable(
    unready_client: httpx.AsyncClient,
) -> None:
    response = await unready_client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
