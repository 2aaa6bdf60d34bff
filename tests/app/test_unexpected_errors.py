"""A fault of ours outside GraphQL's execution - any exception that escapes a route - is answered as every
other fault is: HTTP 500, a GraphQL-shaped body with a masked message and an error id, the security
headers; its traceback is logged under that id."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.config import Config
from tests.app.test_graphiql import BROWSER, Links, graphiql_client, install_assets
from tests.app.test_security_headers import EXPECTED


async def test_a_route_that_fails_answers_a_masked_500_with_the_security_headers_and_logs_why(
    engine: AsyncEngine, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    install_assets(tmp_path)
    config = Config(database_url=database_url, graphiql_assets=tmp_path)
    async with graphiql_client(engine, config) as client:
        react = Links((await client.get("/graphql", headers=BROWSER)).text).scripts[0]
        # Removed under the running server, as a careless deployment would: serving it fails.
        (tmp_path / "react" / "umd" / "react.production.min.js").unlink()

        with caplog.at_level(logging.ERROR, logger="aisettings.errors"):
            response = await client.get(react)

    (error,) = response.json()["errors"]
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert error == {
        "message": "Internal server error.",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "errorId": error["extensions"]["errorId"]},
    }
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED
    (record,) = [record for record in caplog.records if record.name == "aisettings.errors"]
    assert record.error_id == error["extensions"]["errorId"]  # type: ignore[attr-defined]
    assert record.exc_info is not None
    assert "react.production.min.js" in str(record.exc_info[1])
