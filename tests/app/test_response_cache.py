"""Answers to repeated queries come from the response cache, and never once a write has changed what they
show: not in the worker that wrote, not in another worker."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.tokens import list_tokens
from aisettings.models.tables import organization
from tests.cli import run_cli
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, execute, post, project_id
from tests.server_process import server_process
from tests.sql_statements import queries, recorded_statements

SETTINGS = "query Settings($slug: String!) { organization(slug: $slug) { settings { stoppingPoint } } }"
AUDIT_LOG = 'query Audit { organization(slug: "acme") { auditLog(first: 5) { totalCount } } }'
UPDATE_ORGANIZATION = document("UpdateOrganizationSettings")
NAME = 'query Name { organization(slug: "acme") { name } }'
PROJECTS = 'query Projects { organization(slug: "acme") { projects { nodes { slug name } } } }'


async def _stopping_point(client: httpx.AsyncClient, token: str) -> str:
    data = await execute(client, token, SETTINGS, {"slug": "acme"})
    stopping_point: str = data["organization"]["settings"]["stoppingPoint"]
    return stopping_point


async def _set_stopping_point(
    client: httpx.AsyncClient, token: str, organization_id: str, value: str
) -> None:
    data = await execute(
        client,
        token,
        UPDATE_ORGANIZATION,
        {"input": {"organizationId": organization_id, "stoppingPoint": value}},
    )
    assert data["updateOrganizationSettings"]["userErrors"] == []


async def _organization_id(client: httpx.AsyncClient, token: str) -> str:
    data = await execute(client, token, 'query Id { organization(slug: "acme") { id } }')
    found: str = data["organization"]["id"]
    return found


async def test_a_repeated_query_is_answered_without_running_it_again(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    project = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    variables = {"id": project_id(project)}
    first = await post(client, token, document("ProjectSettings"), variables)

    with recorded_statements(engine) as statements:
        again = await post(client, token, document("ProjectSettings"), variables)

    assert again.content == first.content
    assert queries(statements) == []  # authentication's aside, which reads the organization's version too


async def test_variables_in_another_order_are_the_same_request(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine))
    query = (
        "query Page($first: Int, $slug: String!) "
        "{ organization(slug: $slug) { projects(first: $first) { totalCount } } }"
    )
    await post(client, token, query, {"first": 5, "slug": "acme"})

    with recorded_statements(engine) as statements:
        await post(client, token, query, {"slug": "acme", "first": 5})

    assert queries(statements) == []


async def test_a_write_is_seen_by_the_very_next_query(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    token = await make_token(engine, await make_organization(engine))
    organization_id = await _organization_id(client, token)
    assert await _stopping_point(client, token) == "PULL_REQUEST"

    await _set_stopping_point(client, token, organization_id, "MERGE")

    assert await _stopping_point(client, token) == "MERGE"


@pytest.mark.usefixtures("database_environment")
async def test_an_import_is_seen_by_the_very_next_query(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    await make_project(engine, org, "web", name="Web")
    token = await make_token(engine, org)
    answered = await execute(client, token, PROJECTS)
    assert await execute(client, token, PROJECTS) == answered  # from the cache now
    new_and_renamed = [{"slug": "api", "name": "API"}, {"slug": "web", "name": "Web shop"}]
    path = tmp_path / "acme.json"
    path.write_text(json.dumps({"organizations": [{"slug": "acme", "projects": new_and_renamed}]}))

    assert await run_cli("import", str(path)) == 0

    assert (await execute(client, token, PROJECTS))["organization"]["projects"]["nodes"] == new_and_renamed


@pytest.mark.usefixtures("database_environment")
async def test_a_token_revoked_through_the_command_line_is_refused_though_its_answer_is_cached(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine))
    await execute(client, token, PROJECTS)
    (info,) = await list_tokens(engine, "acme")

    assert await run_cli("token", "revoke", str(info.id)) == 0

    assert (await post(client, token, PROJECTS)).status_code == 401


async def test_a_write_through_another_app_is_seen_too(engine: AsyncEngine, database_url: str) -> None:
    token = await make_token(engine, await make_organization(engine))
    reader, writer = (create_app(Config(database_url=database_url), engine=engine) for _ in range(2))
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=reader), base_url="http://reader") as reading,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=writer), base_url="http://writer") as writing,
    ):
        assert await _stopping_point(reading, token) == "PULL_REQUEST"

        await _set_stopping_point(writing, token, await _organization_id(writing, token), "SUGGESTION")

        assert await _stopping_point(reading, token) == "SUGGESTION"


async def test_a_token_with_fewer_scopes_never_gets_anothers_answer(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    owner = await make_token(engine, org)
    narrow = await make_token(engine, org, "bob", scopes=["project:read"])
    full = await post(client, owner, AUDIT_LOG)

    refused = await post(client, narrow, AUDIT_LOG)

    assert full.json() == {"data": {"organization": {"auditLog": {"totalCount": 0}}}}
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_answer_with_errors_is_not_kept(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    token = await make_token(engine, await make_organization(engine))
    query = 'query Page { organization(slug: "acme") { projects(first: 5000) { totalCount } } }'
    await post(client, token, query)

    with recorded_statements(engine) as statements:
        await post(client, token, query)

    assert queries(statements)


async def test_a_mutation_is_never_answered_from_the_cache(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine))
    organization_id = await _organization_id(client, token)
    await _set_stopping_point(client, token, organization_id, "MERGE")
    await _set_stopping_point(client, token, organization_id, "SUGGESTION")

    await _set_stopping_point(client, token, organization_id, "MERGE")

    assert await _stopping_point(client, token) == "MERGE"


async def test_without_a_cache_every_request_runs(engine: AsyncEngine, database_url: str) -> None:
    token = await make_token(engine, await make_organization(engine))
    app = create_app(Config(database_url=database_url, response_cache_bytes=0), engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        await _stopping_point(client, token)

        with recorded_statements(engine) as statements:
            await _stopping_point(client, token)

    assert queries(statements)


async def test_with_the_answer_caches_off_a_repeated_query_sees_the_database_as_it_is(
    engine: AsyncEngine, database_url: str
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    config = Config.from_environment({"DATABASE_URL": database_url, "AISETTINGS_ANSWER_CACHES": "0"})
    app = create_app(config, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        await execute(client, token, NAME)
        # Written behind the API's back: the organization's data_version, which keys the cache, stays.
        async with engine.begin() as connection:
            await connection.execute(update(organization).values(name="Renamed"))

        data = await execute(client, token, NAME)

    assert data["organization"]["name"] == "Renamed"


async def test_two_server_processes_never_serve_an_answer_older_than_a_write(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))
    async with (
        server_process(database_url, tmp_path / "one.log") as one,
        server_process(database_url, tmp_path / "two.log") as two,
        httpx.AsyncClient(base_url=one.url) as first,
        httpx.AsyncClient(base_url=two.url) as second,
    ):
        organization_id = await _organization_id(first, token)
        for value in ("MERGE", "SUGGESTION", "PULL_REQUEST", "MERGE"):
            # Both servers hold the current answer in their caches ...
            assert await _stopping_point(first, token) == await _stopping_point(second, token)
            # ... a write through one is what both answer next.
            await _set_stopping_point(first, token, organization_id, value)
            assert (await _stopping_point(second, token), await _stopping_point(first, token)) == (
                value,
                value,
            )
