"""recordSettingsSaved: the settings page's report of a save becomes one `ai_settings_save_success` event
in the outbox; a report out of bounds, over the session's limit or without credentials writes nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.sessions import SESSION_COOKIE
from aisettings.models.database import create_engine
from aisettings.models.limits import MAX_SAVE_REPORTS, MAX_TIME_TO_COMPLETE_MILLISECONDS
from aisettings.models.tables import Role
from tests.events import exported_data, exported_events
from tests.factories import make_organization, make_token
from tests.graphql import document, error_fields_and_codes, mutation

pytestmark = pytest.mark.usefixtures("database_environment")

RECORD = document("RecordSettingsSaved")
record_settings_saved = mutation(RECORD, "recordSettingsSaved")
FROM_THE_PAGE = {"X-Requested-With": "aisettings"}


async def session_of(client: httpx.AsyncClient, token: str) -> str:
    """The cookie of a new browser session signed in with `token` (the client's own jar left empty)."""
    response = await client.post("/sign-in", data={"token": token, "next": "/"})
    assert response.status_code == 303
    cookie = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    return cookie


async def report_from_the_page(
    client: httpx.AsyncClient, cookie: str, settings_type: str = "ORGANIZATION", milliseconds: int = 1500
) -> dict[str, Any]:
    """The payload of a report sent as the page sends it: the session's cookie and the CSRF header."""
    variables = {"input": {"settingsType": settings_type, "timeToCompleteMilliseconds": milliseconds}}
    response = await client.post(
        "/graphql",
        json={"query": RECORD, "variables": variables},
        headers={**FROM_THE_PAGE, "Cookie": f"{SESSION_COOKIE}={cookie}"},
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["recordSettingsSaved"]
    return payload


async def test_a_report_from_the_page_writes_one_save_success_event(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    org = await make_organization(engine)
    cookie = await session_of(client, await make_token(engine, org))

    payload = await report_from_the_page(client, cookie, "PROJECT", 42_000)

    assert payload == {"userErrors": [], "recorded": True}
    events = await exported_events(tmp_path)
    assert [(e["specversion"], e["source"], e["type"], e["subject"]) for e in events] == [
        ("1.0", "aisettings", "ai_settings_save_success", f"organization/{org.id}")
    ]
    assert uuid.UUID(events[0]["id"])
    assert events[0]["data"] == {"settings_type": "project", "time_to_complete": 42_000}


async def test_a_script_may_report_with_its_token(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))

    payload = await record_settings_saved(
        client, token, settingsType="BULK", timeToCompleteMilliseconds=MAX_TIME_TO_COMPLETE_MILLISECONDS
    )

    assert payload["recorded"] is True
    assert await exported_data(tmp_path) == [
        (
            "ai_settings_save_success",
            {"settings_type": "bulk", "time_to_complete": MAX_TIME_TO_COMPLETE_MILLISECONDS},
        )
    ]


@pytest.mark.parametrize("milliseconds", [-1, MAX_TIME_TO_COMPLETE_MILLISECONDS + 1])
async def test_a_time_out_of_bounds_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path, milliseconds: int
) -> None:
    token = await make_token(engine, await make_organization(engine))

    payload = await record_settings_saved(
        client, token, settingsType="ORGANIZATION", timeToCompleteMilliseconds=milliseconds
    )

    assert error_fields_and_codes(payload) == [(["input", "timeToCompleteMilliseconds"], "INVALID_VALUE")]
    assert payload["recorded"] is False
    assert await exported_events(tmp_path) == []


@pytest.mark.parametrize(
    ("role", "settings_type"),
    [(Role.MEMBER, "PROJECT"), (Role.MEMBER, "ORGANIZATION"), (Role.ADMIN, "ORGANIZATION")],
)
async def test_who_may_not_make_such_a_save_may_not_report_one(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path, role: Role, settings_type: str
) -> None:
    token = await make_token(engine, await make_organization(engine), role=role)

    payload = await record_settings_saved(
        client, token, settingsType=settings_type, timeToCompleteMilliseconds=1000
    )

    assert error_fields_and_codes(payload) == [(["input", "settingsType"], "FORBIDDEN")]
    assert await exported_events(tmp_path) == []


async def test_an_unknown_settings_type_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))
    variables = {"input": {"settingsType": "EVERYTHING", "timeToCompleteMilliseconds": 1}}

    response = await client.post(
        "/graphql",
        json={"query": RECORD, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code < 500
    assert "EVERYTHING" in response.json()["errors"][0]["message"]
    assert await exported_events(tmp_path) == []


async def test_a_session_over_its_limit_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))
    cookie = await session_of(client, token)
    for _ in range(MAX_SAVE_REPORTS):
        assert (await report_from_the_page(client, cookie))["recorded"] is True

    refused = await report_from_the_page(client, cookie)

    assert error_fields_and_codes(refused) == [(None, "RATE_LIMITED")]
    assert refused["recorded"] is False
    assert len(await exported_events(tmp_path)) == MAX_SAVE_REPORTS


async def test_the_limit_holds_across_servers_of_one_database(
    client: httpx.AsyncClient, engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))
    cookie = await session_of(client, token)
    other_engine = create_engine(database_url)  # a pool of its own, as another worker's
    other_server = create_app(Config(database_url=database_url), engine=other_engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=other_server), base_url="http://testserver"
    ) as other:
        for index in range(MAX_SAVE_REPORTS):
            await report_from_the_page(client if index % 2 else other, cookie)

        refused = [await report_from_the_page(each, cookie) for each in (client, other)]
    await other_engine.dispose()

    assert [error_fields_and_codes(payload) for payload in refused] == [[(None, "RATE_LIMITED")]] * 2
    assert len(await exported_events(tmp_path)) == MAX_SAVE_REPORTS


async def test_the_limit_is_per_session(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    token = await make_token(engine, await make_organization(engine))
    busy, other = await session_of(client, token), await session_of(client, token)
    for _ in range(MAX_SAVE_REPORTS + 1):
        await report_from_the_page(client, busy)

    payload = await report_from_the_page(client, other)

    assert payload == {"userErrors": [], "recorded": True}
    assert len(await exported_events(tmp_path)) == MAX_SAVE_REPORTS + 1


async def test_an_anonymous_report_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    await make_organization(engine)
    variables = {"input": {"settingsType": "ORGANIZATION", "timeToCompleteMilliseconds": 1}}

    response = await client.post("/graphql", json={"query": RECORD, "variables": variables})

    assert response.status_code == 401
    assert await exported_events(tmp_path) == []
