"""Operators' feature flags: `aisettings flags ...` sets them, logs every change with its actor, and the
next request on every worker sees the change (`Organization.features`), never a cached answer of before."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import feature_flag_change
from tests.cli import run_cli
from tests.factories import make_organization, make_token
from tests.graphql import execute
from tests.server_process import server_process

pytestmark = pytest.mark.usefixtures("database_environment")

FEATURES = 'query { organization(slug: "acme") { features } }'


async def features(client: httpx.AsyncClient, token: str) -> list[str]:
    data = await execute(client, token, FEATURES)
    found: list[str] = data["organization"]["features"]
    return found


async def test_known_flags_are_on_for_every_organization_until_an_operator_sets_them(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))

    assert await features(client, token) == ["rest-api", "settings-page"]


async def test_kill_takes_effect_on_the_next_request_despite_the_cached_answer(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))
    await features(client, token)  # an answer the response cache keeps

    status = await run_cli("flags", "kill", "settings-page")

    assert status == 0
    assert await features(client, token) == ["rest-api"]
    await run_cli("flags", "unkill", "settings-page")
    assert await features(client, token) == ["rest-api", "settings-page"]


async def test_deny_and_allow_name_organizations_by_slug(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await make_token(engine, await make_organization(engine, "acme"), "alice")
    await make_organization(engine, "globex")

    await run_cli("flags", "set", "beta", "--rollout", "0", "--allow", "acme,globex")
    await run_cli("flags", "set", "rest-api", "--deny", "acme")

    assert await features(client, acme) == ["beta", "settings-page"]


async def test_every_change_is_logged_with_its_actor_before_and_after(engine: AsyncEngine) -> None:
    await run_cli("flags", "set", "settings-page", "--rollout", "10", "--actor", "release-bot")

    async with engine.connect() as connection:
        [change] = (await connection.execute(select(feature_flag_change))).all()

    assert (change.key, change.actor) == ("settings-page", "release-bot")
    assert (change.before["rolloutPercent"], change.after["rolloutPercent"]) == (100, 10)


async def test_flags_list_shows_each_flag_with_its_state(capsys: pytest.CaptureFixture[str]) -> None:
    await run_cli("flags", "set", "settings-page", "--rollout", "12.5", "--actor", "ops")
    await run_cli("flags", "kill", "rest-api", "--actor", "ops")
    capsys.readouterr()

    await run_cli("flags", "list")

    header, rest_api, settings_page = capsys.readouterr().out.splitlines()
    assert header.startswith("KEY\tROLLOUT")
    assert rest_api.split("\t")[:5] == ["rest-api", "100%", "-", "-", "KILLED"]
    assert settings_page.split("\t")[:5] == ["settings-page", "12.5%", "-", "-", "live"]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (("set", "Bad_Key"), "is not a flag key"),
        (("set", "beta", "--rollout", "101"), "from 0 to 100"),
        (("set", "beta", "--allow", "nobody"), "No organization has the slug 'nobody'"),
    ],
)
async def test_a_bad_change_is_one_line_and_changes_nothing(
    engine: AsyncEngine, arguments: tuple[str, ...], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_organization(engine)

    status = await run_cli("flags", *arguments)

    assert status == 1
    [line] = capsys.readouterr().err.splitlines()
    assert said in line
    async with engine.connect() as connection:
        assert (await connection.execute(select(feature_flag_change))).all() == []


async def test_a_kill_reaches_both_workers_of_a_server_on_the_next_request(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))
    async with (
        server_process(database_url, tmp_path / "serve.log", workers=2) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        # New connections, so that both workers answer (and cache) the features before the kill.
        for _ in range(20):
            async with httpx.AsyncClient(base_url=server.url) as fresh:
                assert "settings-page" in await features(fresh, token)

        await run_cli("flags", "kill", "settings-page")

        answers = []
        for _ in range(20):
            async with httpx.AsyncClient(base_url=server.url) as fresh:
                answers.append(await features(fresh, token))
        assert await features(client, token) == ["rest-api"]
    assert answers == [["rest-api"]] * 20
