"""Signing a browser in and out of the settings page: a form that takes an API token (/sign-in), a
one-time link (/sign-in/link?code=..., printed by `serve --demo`), /sign-out, and / which leads a
signed-in browser to its organization's page. The forms post from this origin only."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from aisettings.models.tables import organization

from .graphql_over_http import ProtocolError
from .sessions import (
    clear_session_cookie,
    end_session,
    redeem_sign_in_link,
    session_viewer,
    set_session_cookie,
    start_session,
)
from .unavailable import or_unavailable

STYLESHEET = Path(__file__).with_name("sign_in.css")
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'"
)
# A form holds a token (~50 characters) and a path: anything much longer is not ours.
MAX_FORM_BYTES = 8192
BAD_TOKEN = "That is not a valid API token: it is unknown or revoked, or its user has left the organization."
BAD_LINK = "This sign-in link has been used or has expired: sign in with an API token."
CROSS_SITE = "Signing in and out is only possible from this site's own pages."

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · AI settings</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sign-in/style.css">
</head>
<body>
<main class="sign-in">
<h1>AI settings</h1>
<p>Sign in with an API token of your organization.</p>
{error}<form method="post" action="/sign-in">
<input type="hidden" name="next" value="{next}">
<label for="token">API token</label>
<input id="token" name="token" type="text" autocomplete="off" spellcheck="false" required autofocus
  aria-describedby="token-hint"{invalid}>
<p id="token-hint" class="hint">Create one with
  <code>aisettings token create --org SLUG --user LOGIN</code>.</p>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
"""


def sign_in_routes(engine: AsyncEngine) -> list[Route]:
    async def home(request: Request) -> Response:
        viewer = await session_viewer(engine, request)
        if viewer is None:
            return RedirectResponse("/sign-in", status_code=303)
        async with engine.connect() as connection:
            slug = (
                await connection.execute(
                    select(organization.c.slug).where(organization.c.id == viewer.organization_id)
                )
            ).scalar_one()
        return RedirectResponse(f"/organizations/{quote(slug)}/settings/ai/", status_code=303)

    async def sign_in(request: Request) -> Response:
        if request.method == "GET":
            if await session_viewer(engine, request) is not None:
                return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
            return sign_in_page(request.query_params.get("next"))
        form = await _form(request)
        next_path = safe_next(form.get("next"))
        secret = await or_unavailable(start_session(engine, form.get("token", "").strip()))
        if secret is None:
            return sign_in_page(next_path, error=BAD_TOKEN)
        response = RedirectResponse(next_path, status_code=303)
        set_session_cookie(response, request, secret)
        return response

    async def sign_in_link(request: Request) -> Response:
        secret = await or_unavailable(redeem_sign_in_link(engine, request.query_params.get("code", "")))
        if secret is None:
            return sign_in_page(None, error=BAD_LINK)
        response = RedirectResponse("/", status_code=303)
        set_session_cookie(response, request, secret)
        return response

    async def sign_out(request: Request) -> Response:
        await _form(request)  # only this site's pages may sign a browser out
        await or_unavailable(end_session(engine, request))
        response = RedirectResponse("/sign-in", status_code=303)
        clear_session_cookie(response, request)
        return response

    async def stylesheet(_: Request) -> Response:
        return FileResponse(STYLESHEET, media_type="text/css; charset=utf-8")

    return [
        Route("/", home),
        Route("/sign-in", sign_in, methods=["GET", "POST"]),
        Route("/sign-in/link", sign_in_link),
        Route("/sign-in/style.css", stylesheet),
        Route("/sign-out", sign_out, methods=["POST"]),
    ]


def sign_in_redirect(request: Request) -> RedirectResponse:
    """Where a visit without a session goes: the sign-in form, which comes back here afterwards."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={quote(here, safe='/')}", status_code=303)


def safe_next(value: str | None) -> str:
    """`value` when it is a path of this site; "/" for anything else (another host, a scheme, `//host`,
    backslashes that browsers read as slashes, control characters)."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(character) < 0x20 or ord(character) == 0x7F for character in value):
        return "/"
    parts = urlsplit(value)
    return "/" if parts.scheme or parts.netloc else value


def sign_in_page(next_path: str | None, *, error: str | None = None) -> HTMLResponse:
    return HTMLResponse(
        PAGE.format(
            next=html.escape(safe_next(next_path)),
            error="" if error is None else f'<p class="error" role="alert">{html.escape(error)}</p>\n',
            invalid="" if error is None else ' aria-invalid="true"',
        ),
        status_code=200 if error is None else 401,
        headers={"content-security-policy": CONTENT_SECURITY_POLICY},
    )


async def _form(request: Request) -> dict[str, str]:
    """The fields of a form posted by one of this site's pages. Browsers say where a request comes from
    (Sec-Fetch-Site, Origin); one from another site is refused, so that no page elsewhere can sign a
    browser in as someone else, or out."""
    site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    # The host alone: behind a proxy that ends TLS, the scheme seen here may not be the browser's. Under
    # this site's `Referrer-Policy: no-referrer` browsers send a form's Origin as "null"; Sec-Fetch-Site then
    # says where it comes from.
    opaque = origin == "null"
    if (
        site not in (None, "same-origin", "none")
        or (opaque and site != "same-origin")
        or (origin is not None and not opaque and urlsplit(origin).netloc != request.url.netloc)
    ):
        raise ProtocolError(403, CROSS_SITE, code="FORBIDDEN")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise ProtocolError(413, f"A form is at most {MAX_FORM_BYTES} bytes.", code="LIMIT_EXCEEDED")
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=10)
    except ValueError:
        raise ProtocolError(400, "The form has too many fields.") from None
    return {name: values[0] for name, values in fields.items()}
