"""Prometheus metrics at /metrics (AISETTINGS_METRICS=1): what they count matches the requests made, over
one worker or two; their labels hold only values the server chose, never a slug, a token or a name a
client made up; without the setting, there is no /metrics."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app import events
from aisettings.app.asgi import create_app
from aisettings.app.config import Config, EventsConfig
from aisettings.app.metrics import Metrics
from aisettings.app.rest.routes import ORGANIZATION_SETTINGS, PREFIX
from aisettings.models.database import create_engine
from tests.cli import run_cli
from tests.conftest import LimitedClient
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, mutation, organization_id, post, project_id
from tests.server_process import CLI, free_port, server_process

DURATION_COUNT = "aisettings_request_duration_seconds_count"
update_organization_settings = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")
REST_SETTINGS = PREFIX + ORGANIZATION_SETTINGS


def value(exposition: str, name: str, **labels: str) -> float:
    """The sum of the samples `name` whose labels include `labels` (0 when there is none)."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def label_values(exposition: str) -> set[str]:
    return {
        label
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        for label in sample.labels.values()
    }


async def test_there_is_no_metrics_endpoint_unless_it_is_turned_on(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")

    assert response.status_code == 404


async def test_the_metrics_count_requests_by_operation_outcome_status_and_cache(
    limited_client: LimitedClient, engine: AsyncEngine
) -> None:
    client = limited_client(metrics=True)
    org = await make_organization(engine)
    token = await make_token(engine, org)
    variables = {"id": project_id(await make_project(engine, org, "web"))}

    for _ in range(3):  # computed once, then answered by the response cache twice
        await post(client, token, document("ProjectSettings"), variables)
    await post(client, token, "query Broken { organization(slug: 1) { id } }")
    await post(client, None, document("ProjectSettings"), variables)
    exposition = (await client.get("/metrics")).text

    graphql = {"route": "/graphql", "operation": "ProjectSettings"}
    assert value(exposition, DURATION_COUNT, **graphql, outcome="ok") == 3
    assert value(exposition, "aisettings_response_cache_requests_total", result="miss") == 1
    assert value(exposition, "aisettings_response_cache_requests_total", result="hit") == 2
    # The document that does not validate, and the request without a token (refused before it is read).
    assert value(exposition, DURATION_COUNT, route="/graphql", operation="other", outcome="client_error") == 2
    assert value(exposition, "aisettings_graphql_errors_total", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert value(exposition, "aisettings_http_responses_total", route="/graphql", status="401") == 1
    assert value(exposition, "aisettings_http_responses_total", route="/graphql", status="200") == 4
    assert value(exposition, "aisettings_graphql_errors_total", code="UNAUTHENTICATED") == 1


async def test_no_label_holds_a_slug_a_token_or_an_operation_name_of_the_clients(
    limited_client: LimitedClient, engine: AsyncEngine
) -> None:
    client = limited_client(metrics=True)
    org = await make_organization(engine, "secret-org")
    token = await make_token(engine, org)

    await post(client, token, "query Exfiltrate_secret_org { organization(slug: $s) { id } }")
    await post(client, token, 'query Custom { organization(slug: "secret-org") { id } }')
    await post(client, token, document("ProjectSettings"), {"id": "x"}, operation_name="NotInTheDocument")
    await client.get("/organizations/secret-org/settings/ai/", headers={"Cookie": f"session={token}"})
    await client.get(f"/nowhere/{token}")
    await client.get(
        REST_SETTINGS.format(organization="secret-org"), headers={"Authorization": f"Bearer {token}"}
    )
    exposition = (await client.get("/metrics")).text

    assert "secret" not in exposition
    assert token not in exposition
    assert {"Exfiltrate_secret_org", "Custom", "NotInTheDocument"}.isdisjoint(label_values(exposition))
    assert value(exposition, DURATION_COUNT, route="/graphql", operation="other") == 3
    assert value(exposition, DURATION_COUNT, route="/organizations/{organization}/settings/ai/") == 1
    assert value(exposition, DURATION_COUNT, route="unmatched") == 1
    assert value(exposition, "aisettings_http_responses_total", route=REST_SETTINGS, status="200") == 1


async def test_the_metrics_show_connections_in_use_and_requests_that_found_none_free(
    engine: AsyncEngine, database_url: str
) -> None:
    token = await make_token(engine, await make_organization(engine))
    app_engine = create_engine(database_url, pool_size=1, max_overflow=0, pool_timeout_seconds=0.2)
    app = create_app(Config(database_url=database_url, metrics=True), engine=app_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        async with app_engine.connect() as held:
            await held.execute(text("SELECT 1"))
            refused = await post(client, token, document("OrganizationTree"), {"slug": "acme"})
            while_held = (await client.get("/metrics")).text
        after = (await client.get("/metrics")).text
    await app_engine.dispose()

    assert refused.status_code == 503
    assert value(while_held, "aisettings_database_connections_in_use") == 1
    assert value(after, "aisettings_database_connections_in_use") == 0
    assert value(after, "aisettings_database_unavailable_total", cause="pool_timeout") == 1
    assert value(after, "aisettings_graphql_errors_total", code="SERVICE_UNAVAILABLE") == 1
    assert value(after, DURATION_COUNT, route="/graphql", outcome="server_error") == 1


async def test_two_workers_report_as_one(database_url: str, engine: AsyncEngine, tmp_path: Path) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    requests = 40
    headers = {"Authorization": f"Bearer {token}"}

    # The directory the workers share is made by `serve` in the temporary directory (TMPDIR).
    environment = {"AISETTINGS_METRICS": "1", "TMPDIR": str(tmp_path)}
    async with server_process(
        database_url, tmp_path / "serve.log", workers=2, environment=environment
    ) as server:
        for _ in range(requests):  # a new connection each time: the workers share them
            async with httpx.AsyncClient(base_url=server.url) as client:
                await post(client, token, document("OrganizationTree"), {"slug": "acme"})
        async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
            expositions = [(await client.get("/metrics")).text for _ in range(4)]

    graphql = {"route": "/graphql", "operation": "OrganizationTree", "outcome": "ok"}
    assert {value(text, DURATION_COUNT, **graphql) for text in expositions} == {requests}
    assert value(expositions[0], "aisettings_response_cache_requests_total") == requests
    assert value(expositions[0], "aisettings_database_connections_in_use") >= 0


async def test_serve_removes_the_directory_it_made_for_its_workers_when_it_stops(
    database_url: str, tmp_path: Path
) -> None:
    environment = {"AISETTINGS_METRICS": "1", "TMPDIR": str(tmp_path)}
    async with server_process(
        database_url, tmp_path / "serve.log", workers=2, environment=environment
    ) as server:
        (made,) = tmp_path.glob("aisettings-metrics-*")  # noqa: ASYNC240 - a directory of a few files
        assert any(made.glob("*.db"))  # the workers' values

        os.killpg(server.pid, signal.SIGTERM)  # as a service manager stops it
        await server.process.wait()

    assert not made.exists()


async def test_the_outbox_backlog_is_the_undelivered_events_when_scraped(
    limited_client: LimitedClient,
    engine: AsyncEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    database_environment: None,
) -> None:
    client = limited_client(metrics=True)
    org = await make_organization(engine)
    token = await make_token(engine, org)
    changes = {"fixEnabled": True, "stoppingPoint": "MERGE"}  # two events
    await update_organization_settings(client, token, organizationId=organization_id(org), **changes)

    waiting = (await client.get("/metrics")).text
    monkeypatch.setenv("AISETTINGS_EVENTS_SINK", f"file:{tmp_path / 'events.jsonl'}")
    assert await run_cli("events", "drain") == 0
    delivered = (await client.get("/metrics")).text

    assert value(waiting, "aisettings_outbox_backlog") == 2
    assert value(delivered, "aisettings_outbox_backlog") == 0


async def test_a_refused_delivery_counts_as_a_failure_of_its_kind_of_sink(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    await update_organization_settings(client, token, organizationId=organization_id(org), fixEnabled=True)
    metrics = Metrics(None)
    closed_port = EventsConfig(sink="http://127.0.0.1:1/events", webhook_attempts=1)

    await events.deliver(engine, closed_port, events.Lease(engine), metrics.delivery_failed)

    exposition = metrics.exposition().decode()
    assert value(exposition, "aisettings_outbox_delivery_failures_total", sink="webhook") == 1


async def test_a_metrics_port_of_their_own_serves_every_workers_metrics_and_the_api_port_none(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    metrics_port = free_port()
    environment = {"AISETTINGS_METRICS_PORT": str(metrics_port), "TMPDIR": str(tmp_path)}
    async with server_process(
        database_url, tmp_path / "serve.log", workers=2, environment=environment
    ) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            await update_organization_settings(
                client, token, organizationId=organization_id(org), fixEnabled=True
            )
            on_the_api_port = await client.get("/metrics")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{metrics_port}") as client:
            exposition = (await client.get("/metrics")).text

    assert on_the_api_port.status_code == 404
    operation = {"route": "/graphql", "operation": "UpdateOrganizationSettings"}
    assert value(exposition, DURATION_COUNT, **operation) == 1
    assert value(exposition, "aisettings_outbox_backlog") == 1


async def test_a_metrics_port_that_is_taken_stops_serve_and_says_why(
    database_url: str, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environment = {**os.environ, "DATABASE_URL": database_url, "AISETTINGS_METRICS_PORT": str(port)}
        serve = await asyncio.create_subprocess_exec(
            *CLI, "serve", "--port", str(free_port()), env=environment, stderr=asyncio.subprocess.PIPE
        )
        _, error = await asyncio.wait_for(serve.communicate(), timeout=60)

    assert serve.returncode == 1
    assert f"/metrics cannot be served on 127.0.0.1:{port}" in error.decode()
