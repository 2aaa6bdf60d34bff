"""Browser sessions of the settings page: signed in with an API token, kept server-side (the cookie holds a
random secret, the database its hash), ended by signing out, by their expiry, or by revoking the token.
A one-time sign-in link (`serve --demo` prints one) is a row of the same table until it is opened."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import Request
from starlette.responses import Response

from aisettings.models.access import hash_token
from aisettings.models.database import write_transaction
from aisettings.models.tables import LINK, SESSION, api_token, browser_session, utc_now
from aisettings.resolvers.viewer import Viewer, authenticate, authenticate_session

from .unavailable import or_unavailable

SESSION_COOKIE = "aisettings_session"
# A working day: long enough not to interrupt one, short enough that a forgotten browser signs out.
SESSION_LIFETIME = dt.timedelta(hours=12)
LINK_LIFETIME = dt.timedelta(hours=24)


async def session_viewer(engine: AsyncEngine, request: Request) -> Viewer | None:
    """The viewer of the request's session cookie; None without one, or when the session has ended."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return await or_unavailable(authenticate_session(engine, secret))


async def start_session(engine: AsyncEngine, token: str) -> str | None:
    """The secret of a new session of `token`; None when the token would not be accepted itself."""
    viewer = await authenticate(engine, token)
    if viewer is None:
        return None
    return await _new(engine, viewer.token_hash, SESSION, SESSION_LIFETIME)


async def create_sign_in_link(engine: AsyncEngine, token: str) -> str:
    """The code of a one-time sign-in link as `token` (which must exist)."""
    return await _new(engine, hash_token(token), LINK, LINK_LIFETIME)


async def redeem_sign_in_link(engine: AsyncEngine, code: str) -> str | None:
    """The secret of a new session made from a sign-in link, which is used up; None when the link is
    unknown, used or expired."""
    async with write_transaction(engine) as connection:
        link = (
            await connection.execute(
                delete(browser_session)
                .where(browser_session.c.hashed_secret == hash_token(code), browser_session.c.kind == LINK)
                .returning(browser_session.c.token_id, browser_session.c.expires_at)
            )
        ).one_or_none()
        if link is None or link.expires_at < utc_now():
            return None
        return await _insert(connection, link.token_id, SESSION, SESSION_LIFETIME)


async def end_session(engine: AsyncEngine, request: Request) -> None:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        async with write_transaction(engine) as connection:
            await connection.execute(
                delete(browser_session).where(
                    browser_session.c.hashed_secret == hash_token(secret), browser_session.c.kind == SESSION
                )
            )


def set_session_cookie(response: Response, request: Request, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


async def _new(engine: AsyncEngine, token_hash: str, kind: str, lifetime: dt.timedelta) -> str:
    async with write_transaction(engine) as connection:
        token_id = (
            await connection.execute(select(api_token.c.id).where(api_token.c.hashed_secret == token_hash))
        ).scalar_one()
        return await _insert(connection, token_id, kind, lifetime)


async def _insert(connection: AsyncConnection, token_id: int, kind: str, lifetime: dt.timedelta) -> str:
    now = utc_now()
    # Expired rows go as new ones come: the table holds only live sessions and links, without a timer.
    await connection.execute(delete(browser_session).where(browser_session.c.expires_at < now))
    secret = secrets.token_urlsafe(32)
    await connection.execute(
        insert(browser_session).values(
            hashed_secret=hash_token(secret),
            token_id=token_id,
            kind=kind,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return secret
