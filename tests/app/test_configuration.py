"""Configuration comes from the environment; GraphiQL and introspection can be switched off."""

from __future__ import annotations

import gc
from pathlib import Path

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config, ConfigurationError
from tests.factories import make_organization, make_token
from tests.graphql import errors, execute


@pytest.mark.parametrize(
    ("environ", "graphiql", "introspection"),
    [
        ({}, True, True),
        ({"AISETTINGS_ENV": "production"}, False, True),
        ({"AISETTINGS_ENV": "production", "AISETTINGS_GRAPHIQL": "1"}, True, True),
        ({"AISETTINGS_INTROSPECTION": "false"}, True, False),
    ],
    ids=["development", "production", "production with GraphiQL", "no introspection"],
)
def test_graphiql_and_introspection_follow_the_environment(
    environ: dict[str, str], graphiql: bool, introspection: bool
) -> None:
    config = Config.from_environment(environ)

    assert (config.graphiql, config.introspection) == (graphiql, introspection)


@pytest.mark.parametrize(
    ("environ", "pool_timeout", "connect_timeout"),
    [({}, 5.0, 5.0), ({"AISETTINGS_DB_POOL_TIMEOUT": "0.5", "AISETTINGS_DB_CONNECT_TIMEOUT": "2"}, 0.5, 2.0)],
    ids=["defaults", "set"],
)
def test_the_database_timeouts_follow_the_environment(
    environ: dict[str, str], pool_timeout: float, connect_timeout: float
) -> None:
    config = Config.from_environment(environ)

    assert config.database_pool_timeout_seconds == pool_timeout
    assert config.database_connect_timeout_seconds == connect_timeout


@pytest.mark.parametrize(
    "environ",
    [
        {"AISETTINGS_ENV": "staging"},
        {"AISETTINGS_MAX_NODES": "many"},
        {"AISETTINGS_GRAPHIQL": "maybe"},
        {"AISETTINGS_GC_THRESHOLD": "-1"},
        {"AISETTINGS_DB_POOL_TIMEOUT": "0"},
        {"AISETTINGS_DB_CONNECT_TIMEOUT": "soon"},
        {"AISETTINGS_DB_CONNECT_TIMEOUT": "inf"},
        {"AISETTINGS_METRICS_PORT": "70000"},
    ],
    ids=[
        "unknown environment",
        "not a number",
        "not a flag",
        "negative",
        "no time",
        "not seconds",
        "forever",
        "no port",
    ],
)
def test_a_wrong_value_is_a_configuration_error_naming_the_variable(environ: dict[str, str]) -> None:
    (name,) = environ

    with pytest.raises(ConfigurationError, match=name):
        Config.from_environment(environ)


def test_a_metrics_port_turns_the_metrics_on() -> None:
    config = Config.from_environment({"AISETTINGS_METRICS_PORT": "9100"})

    assert (config.metrics, config.metrics_port) == (True, 9100)


def test_trusted_documents_only_without_documents_refuses_to_start(tmp_path: Path) -> None:
    environ = {"AISETTINGS_TRUSTED_DOCUMENTS_ONLY": "1", "AISETTINGS_TRUSTED_DOCUMENTS": str(tmp_path)}

    with pytest.raises(ConfigurationError, match=r"holds no \.graphql documents"):
        Config.from_environment(environ)


def test_trusted_documents_only_with_the_checkouts_documents_starts() -> None:
    config = Config.from_environment({"AISETTINGS_TRUSTED_DOCUMENTS_ONLY": "1"})

    assert config.trusted_documents_only
    assert any(config.trusted_documents.glob("*.graphql"))


async def test_introspection_switched_off_is_refused_and_queries_still_run(
    engine: AsyncEngine, database_url: str
) -> None:
    token = await make_token(engine, await make_organization(engine))
    app = create_app(Config(database_url=database_url, introspection=False), engine=engine)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        refused = await errors(client, token, get_introspection_query())
        data = await execute(client, token, "{ viewer { login } }")

    assert {error["extensions"]["code"] for error in refused} == {"GRAPHQL_VALIDATION_FAILED"}
    assert data == {"viewer": {"login": "alice"}}


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_without_graphiql_a_browser_gets_no_page(engine: AsyncEngine, database_url: str) -> None:
    app = create_app(Config(database_url=database_url, graphiql=False), engine=engine)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/graphql", headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 401
    assert "text/html" not in response.headers["content-type"]


@pytest.mark.parametrize("threshold", [50_000, 0], ids=["tuned", "Python's defaults"])
async def test_the_server_tunes_the_garbage_collector_when_it_starts(
    engine: AsyncEngine, database_url: str, threshold: int
) -> None:
    before = gc.get_threshold()
    app = create_app(Config(database_url=database_url, gc_young_threshold=threshold), engine=engine)

    try:
        async with app.router.lifespan_context(app):
            young = gc.get_threshold()[0]
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()

    assert young == (threshold or before[0])
