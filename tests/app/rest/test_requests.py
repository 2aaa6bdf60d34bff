"""What any REST request may get wrong, answered in DRF's shapes: credentials (401), other
organizations' and unknown objects (404 alike), methods (405 with Allow), bodies that are not JSON
(415) or not a JSON object (400); never a 5xx."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.sessions import SESSION_COOKIE
from aisettings.app.unavailable import DOWN, RETRY_AFTER_SECONDS
from aisettings.models.tables import api_token
from tests.conftest import LimitedClient
from tests.databases import UNREACHABLE_DATABASES
from tests.rest import ORGANIZATION_SETTINGS, PROJECT_SETTINGS, call, given_acme, other_owner

NOT_FOUND = {"detail": "The requested resource does not exist"}


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "Authentication credentials were not provided."),
        ("Basic YWxpY2U6c2VjcmV0", "Authentication credentials were not provided."),
        ("Bearer", "Invalid token header. No credentials provided."),
        ("Bearer ais_nothing", "Invalid token."),
        ("Bearer two words", "Invalid token header. Token string should not contain spaces."),
    ],
)
async def test_a_request_without_a_valid_token_is_a_401(
    client: httpx.AsyncClient, engine: AsyncEngine, authorization: str | None, detail: str
) -> None:
    await given_acme(engine)

    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.get(ORGANIZATION_SETTINGS, headers=headers)

    assert (response.status_code, response.json()) == (401, {"detail": detail})
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_an_expired_token_is_a_401_that_says_so(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)
    async with engine.begin() as connection:
        await connection.execute(update(api_token).values(expires_at=dt.datetime.now(dt.UTC)))

    response = await call(client, "GET", ORGANIZATION_SETTINGS, acme.member)

    assert (response.status_code, response.json()) == (401, {"detail": "Token expired"})


async def test_the_settings_pages_session_cookie_is_no_credential_here(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await given_acme(engine)
    client.cookies.set(SESSION_COOKIE, "anything")

    response = await client.get(ORGANIZATION_SETTINGS, headers={"X-Requested-With": "x"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/api/0/organizations/nowhere/ai-settings/",
        "/api/0/projects/acme/nowhere/ai-settings/",
        "/api/0/projects/acme/web%00/ai-settings/",
        f"/api/0/organizations/{'a' * 5000}/ai-settings/",
        "/api/0/no-such-endpoint/",
    ],
)
async def test_an_unknown_object_is_a_404(client: httpx.AsyncClient, engine: AsyncEngine, path: str) -> None:
    acme = await given_acme(engine)

    response = await call(client, "GET", path, acme.owner)

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("path", [ORGANIZATION_SETTINGS, PROJECT_SETTINGS])
async def test_another_organizations_object_is_a_404_as_if_unknown(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await given_acme(engine)
    stranger = await other_owner(engine)

    responses = [await call(client, method, path, stranger, {}) for method in ("GET", "PUT", "PATCH")]

    assert [(r.status_code, r.json()) for r in responses] == [(404, NOT_FOUND)] * 3


async def test_a_method_the_path_does_not_take_is_a_405_with_allow(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "DELETE", ORGANIZATION_SETTINGS, acme.owner)

    assert (response.status_code, response.json()) == (405, {"detail": 'Method "DELETE" not allowed.'})
    assert response.headers["allow"] == "GET, PUT, PATCH, HEAD, OPTIONS"


async def test_head_is_a_get_without_its_body(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)

    got = await call(client, "GET", ORGANIZATION_SETTINGS, acme.member)
    head = await call(client, "HEAD", ORGANIZATION_SETTINGS, acme.member)

    assert (head.status_code, head.headers["etag"]) == (200, got.headers["etag"])


async def test_options_describes_the_writes_the_caller_may_make_as_drf_does(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    owners = await call(client, "OPTIONS", ORGANIZATION_SETTINGS, acme.owner)
    members = await call(client, "OPTIONS", ORGANIZATION_SETTINGS, acme.member)

    assert (owners.status_code, owners.headers["allow"]) == (200, "GET, PUT, PATCH, HEAD, OPTIONS")
    metadata = owners.json()
    assert (metadata["name"], metadata["renders"], metadata["parses"]) == (
        "The organization's settings",
        ["application/json"],
        ["application/json"],
    )
    fields = metadata["actions"]["PUT"]
    assert {key: fields["scan_enabled"][key] for key in ("type", "required", "read_only", "label")} == {
        "type": "boolean",
        "required": False,
        "read_only": False,
        "label": "Scan enabled",
    }
    assert [choice["value"] for choice in fields["stopping_point"]["choices"]] == [
        "suggestion",
        "pull_request",
        "merge",
    ]
    assert fields["locked_settings"]["type"] == "list"
    assert (fields["version"]["type"], fields["version"]["read_only"]) == ("integer", True)
    # A member may not write: DRF leaves out the actions it would refuse.
    assert (members.status_code, "actions" in members.json()) == (200, False)


async def test_options_describes_required_and_nested_fields(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    fields = (await call(client, "OPTIONS", PROJECT_SETTINGS, acme.admin)).json()["actions"]["PUT"]

    assert fields["fix_enabled_override"]["required"] is True
    effective = fields["effective_settings"]
    assert (effective["type"], effective["read_only"]) == ("nested object", True)
    assert effective["children"]["stopping_point"]["children"]["source"]["type"] == "choice"


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("stranger", 404)])
async def test_options_asks_what_any_request_asks(
    client: httpx.AsyncClient, engine: AsyncEngine, who: str | None, status: int
) -> None:
    await given_acme(engine)
    token = await other_owner(engine) if who else None

    response = await call(client, "OPTIONS", PROJECT_SETTINGS, token)

    assert response.status_code == status


async def test_a_body_that_is_not_json_is_a_415(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)

    response = await client.patch(
        ORGANIZATION_SETTINGS,
        content=b"fix_enabled=true",
        headers={
            "Authorization": f"Bearer {acme.owner}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )

    assert response.status_code == 415
    assert response.json() == {
        "detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    }


async def patch_json(client: httpx.AsyncClient, token: str, content: bytes) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return await client.patch(ORGANIZATION_SETTINGS, content=content, headers=headers)


@pytest.mark.parametrize(("content", "kind"), [(b"[1, 2]", "list"), (b'"text"', "str"), (b"7", "int")])
async def test_a_body_that_is_not_a_json_object_is_a_400_of_no_field(
    client: httpx.AsyncClient, engine: AsyncEngine, content: bytes, kind: str
) -> None:
    acme = await given_acme(engine)

    response = await patch_json(client, acme.owner, content)

    message = f"Invalid data. Expected a dictionary, but got {kind}."
    assert (response.status_code, response.json()) == (400, {"non_field_errors": [message]})


@pytest.mark.parametrize("content", [b"{", b"\xff\xfe", b'{"a": 1e999999}', b"[" * 5000])
async def test_a_body_that_is_no_json_is_a_400_saying_why(
    client: httpx.AsyncClient, engine: AsyncEngine, content: bytes
) -> None:
    acme = await given_acme(engine)

    response = await patch_json(client, acme.owner, content)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - ")


async def test_a_body_over_the_limit_is_a_413(limited_client: LimitedClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)
    client = limited_client(max_body_bytes=100)

    response = await call(client, "PATCH", ORGANIZATION_SETTINGS, acme.owner, {"padding": "x" * 200})

    assert response.status_code == 413
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    "unreachable_url", list(UNREACHABLE_DATABASES.values()), ids=list(UNREACHABLE_DATABASES)
)
async def test_a_database_out_of_reach_is_a_503_with_retry_after(unreachable_url: str) -> None:
    app = create_app(Config(database_url=unreachable_url))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await call(client, "GET", ORGANIZATION_SETTINGS, "ais_any")

    assert (response.status_code, response.json()) == (503, {"detail": DOWN})
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
