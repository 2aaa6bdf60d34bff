"""Signing a browser in to the settings page: an API token makes a server-side session whose cookie then
authenticates /graphql (with the CSRF header only); signing out, revoking the token or the session's
expiry ends it; a one-time link signs in once; the forms refuse other sites and paths to other hosts."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.sessions import SESSION_COOKIE, create_sign_in_link
from aisettings.app.tokens import list_tokens, revoke_token
from aisettings.models.tables import Role, api_token, browser_session
from tests.factories import make_organization, make_token
from tests.graphql import error_codes

VIEWER = {"query": "query { viewer { login } }"}
FROM_THE_PAGE = {"X-Requested-With": "aisettings"}
ORGANIZATION_PAGE = "/organizations/acme/settings/ai/"


async def signed_in(client: httpx.AsyncClient, token: str, next_path: str = "/") -> httpx.Response:
    return await client.post("/sign-in", data={"token": token, "next": next_path})


async def viewer_by_cookie(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/graphql", json=VIEWER, headers=FROM_THE_PAGE)


async def test_the_sign_in_form_asks_for_an_api_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/sign-in", params={"next": ORGANIZATION_PAGE})

    assert response.status_code == 200
    assert '<label for="token">API token</label>' in response.text
    assert '<button type="submit">Sign in</button>' in response.text
    assert f'name="next" value="{ORGANIZATION_PAGE}"' in response.text
    assert "script-src" not in response.headers["content-security-policy"]  # no script may run


async def test_a_good_token_sets_a_strict_http_only_cookie_and_returns_to_next(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine), "alice")

    response = await signed_in(client, token, ORGANIZATION_PAGE)

    assert response.status_code == 303
    assert response.headers["location"] == ORGANIZATION_PAGE
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # served over http here
    assert token not in cookie


async def test_the_cookie_is_secure_over_https(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    token = await make_token(engine, await make_organization(engine), "alice")
    client.base_url = httpx.URL("https://testserver")

    response = await signed_in(client, token)

    assert "Secure" in response.headers["set-cookie"]


async def test_the_session_authenticates_graphql_as_the_tokens_member(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))

    response = await viewer_by_cookie(client)

    assert response.json() == {"data": {"viewer": {"login": "alice"}}}


async def test_a_cookie_without_the_csrf_header_is_refused(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))

    response = await client.post("/graphql", json=VIEWER)

    assert response.status_code == 403
    assert error_codes(response.json()["errors"]) == ["FORBIDDEN"]
    assert "X-Requested-With" in response.json()["errors"][0]["message"]


async def test_a_bearer_token_wins_over_the_cookie(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    org = await make_organization(engine)
    await signed_in(client, await make_token(engine, org, "alice"))
    bob = await make_token(engine, org, "bob", Role.MEMBER)

    response = await client.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {bob}"})

    assert response.json() == {"data": {"viewer": {"login": "bob"}}}


async def test_a_bad_token_shows_the_form_again_with_an_error(client: httpx.AsyncClient) -> None:
    response = await signed_in(client, "ais_not-a-token", ORGANIZATION_PAGE)

    assert response.status_code == 401
    assert 'role="alert"' in response.text
    assert "not a valid API token" in response.text
    assert f'value="{ORGANIZATION_PAGE}"' in response.text
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/settings\r\nSet-Cookie: x=1",
        "",
    ],
)
async def test_next_goes_to_paths_of_this_site_only(
    client: httpx.AsyncClient, engine: AsyncEngine, next_path: str
) -> None:
    token = await make_token(engine, await make_organization(engine), "alice")

    response = await signed_in(client, token, next_path)

    assert response.headers["location"] == "/"


async def test_a_form_posted_from_another_site_is_refused(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine), "alice")

    cross_site = await client.post(
        "/sign-in", data={"token": token}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    other_origin = await client.post(
        "/sign-in", data={"token": token}, headers={"Origin": "https://evil.example"}
    )

    assert (cross_site.status_code, other_origin.status_code) == (403, 403)
    assert "set-cookie" not in cross_site.headers
    assert "set-cookie" not in other_origin.headers


async def test_a_form_of_this_site_signs_in_though_its_origin_is_null(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    # What Chromium sends for a form of a page under `Referrer-Policy: no-referrer`.
    token = await make_token(engine, await make_organization(engine), "alice")
    same_site = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}

    response = await client.post("/sign-in", data={"token": token}, headers=same_site)

    assert response.status_code == 303
    assert SESSION_COOKIE in response.cookies


async def test_a_form_with_a_null_origin_from_elsewhere_is_refused(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await make_token(engine, await make_organization(engine), "alice")

    unknown = await client.post("/sign-in", data={"token": token}, headers={"Origin": "null"})
    sandboxed = await client.post(
        "/sign-in", data={"token": token}, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"}
    )

    assert (unknown.status_code, sandboxed.status_code) == (403, 403)


async def test_signing_out_ends_the_session(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))
    cookie = client.cookies[SESSION_COOKIE]

    response = await client.post("/sign-out")

    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"
    assert SESSION_COOKIE not in client.cookies
    replayed = await client.post(
        "/graphql", json=VIEWER, headers={**FROM_THE_PAGE, "Cookie": f"{SESSION_COOKIE}={cookie}"}
    )
    assert replayed.status_code == 401
    assert error_codes(replayed.json()["errors"]) == ["UNAUTHENTICATED"]


async def test_revoking_the_token_ends_its_sessions(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))
    [token] = await list_tokens(engine)

    await revoke_token(engine, str(token.id))

    response = await viewer_by_cookie(client)
    assert response.status_code == 401
    assert "session has ended" in response.json()["errors"][0]["message"]


async def test_the_expiry_of_its_token_ends_a_session(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))
    async with engine.begin() as connection:
        await connection.execute(update(api_token).values(expires_at=dt.datetime.now(dt.UTC)))

    response = await viewer_by_cookie(client)

    assert response.status_code == 401


async def test_an_expired_session_is_refused(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))
    async with engine.begin() as connection:
        an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        await connection.execute(update(browser_session).values(expires_at=an_hour_ago))

    response = await viewer_by_cookie(client)

    assert response.status_code == 401


async def test_a_sign_in_link_signs_in_once(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    token = await make_token(engine, await make_organization(engine), "alice")
    code = await create_sign_in_link(engine, token)

    first = await client.get("/sign-in/link", params={"code": code})
    signed_in_viewer = (await viewer_by_cookie(client)).json()
    client.cookies.clear()
    again = await client.get("/sign-in/link", params={"code": code})

    assert first.status_code == 303
    assert first.headers["location"] == "/"
    assert signed_in_viewer == {"data": {"viewer": {"login": "alice"}}}
    assert again.status_code == 401
    assert "has been used or has expired" in again.text
    assert "set-cookie" not in again.headers


async def test_a_link_code_is_not_a_session(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    code = await create_sign_in_link(
        engine, await make_token(engine, await make_organization(engine), "alice")
    )

    response = await client.post(
        "/graphql", json=VIEWER, headers={**FROM_THE_PAGE, "Cookie": f"{SESSION_COOKIE}={code}"}
    )

    assert response.status_code == 401


async def test_home_leads_a_signed_in_browser_to_its_organizations_page(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    signed_out = await client.get("/")
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))

    response = await client.get("/")

    assert (signed_out.status_code, signed_out.headers["location"]) == (303, "/sign-in")
    assert (response.status_code, response.headers["location"]) == (303, ORGANIZATION_PAGE)


async def test_a_signed_in_visit_to_the_form_goes_on_to_next(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await signed_in(client, await make_token(engine, await make_organization(engine), "alice"))

    response = await client.get("/sign-in", params={"next": ORGANIZATION_PAGE})

    assert (response.status_code, response.headers["location"]) == (303, ORGANIZATION_PAGE)
