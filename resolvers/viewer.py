"""Who is asking: the viewer behind an API token, and what it may see and do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.access import PERMISSION_SCOPES, Permission, Scope, granted_scopes, hash_token
from aisettings.models.best_effort import update_unless_locked
from aisettings.models.database import FrequentRead, single_read
from aisettings.models.tables import (
    SESSION,
    Role,
    api_token,
    browser_session,
    member,
    organization,
    user_account,
    utc_now,
)

# last_used_at is kept to the minute: writing it on every request would turn every read into a write.
# It is best effort: a use is left unrecorded when another writer holds the lock its update needs.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Viewer:
    """A user acting through one API token, in the one organization that token belongs to."""

    login: str
    organization_id: int
    role: Role
    scopes: frozenset[Scope]
    # The token's hash (never reused, unlike ids) and the organization's data_version as they were
    # when the request began: together with the scopes, what a cached answer must match to be served.
    token_hash: str
    data_version: int
    # The hash of the secret the request presented: its browser session's, else its token's. Limits per
    # session (models/rate_limits.py) count by it; it is no key of cached answers.
    credential_hash: str

    def may(self, permission: Permission, organization_id: int) -> bool:
        return organization_id == self.organization_id and PERMISSION_SCOPES[permission] in self.scopes

    def visible_organization_ids(self, permission: Permission | None = None) -> frozenset[int]:
        """The organizations the viewer may see anything of (with `permission`: where it has it). A token
        that may read projects sees their organization too: a project means nothing without the settings
        it inherits."""
        readable = (
            {PERMISSION_SCOPES[permission]}
            if permission is not None
            else {Scope.ORG_READ, Scope.PROJECT_READ}
        )
        return frozenset({self.organization_id}) if readable & self.scopes else frozenset()


def _viewer_read(*, of_session: bool) -> FrequentRead:
    """The read of a viewer by the hash of a token's secret, or of a browser session's, built once: it runs
    on every request. It reads the organization's data_version too, before the operation reads anything
    (app/response_cache.py relies on that order)."""
    session_columns = (browser_session.c.kind, browser_session.c.expires_at) if of_session else ()
    statement = (
        select(
            api_token.c.id,
            api_token.c.hashed_secret,
            api_token.c.scopes,
            api_token.c.organization_id,
            api_token.c.last_used_at,
            api_token.c.expires_at.label("token_expires_at"),
            user_account.c.login,
            member.c.role,
            organization.c.data_version,
            *session_columns,
        )
        .join(user_account, user_account.c.id == api_token.c.user_id)
        .join(organization, organization.c.id == api_token.c.organization_id)
        .join(
            member,
            (member.c.organization_id == api_token.c.organization_id)
            & (member.c.user_id == api_token.c.user_id),
        )
        .where(api_token.c.revoked_at.is_(None))
    )
    if of_session:
        # The session's kind and expiry are checked in _viewer: compared here, they would be parameters.
        statement = statement.join(browser_session, browser_session.c.token_id == api_token.c.id)
        return FrequentRead(statement.where(browser_session.c.hashed_secret == bindparam("secret_hash")))
    return FrequentRead(statement.where(api_token.c.hashed_secret == bindparam("secret_hash")))


VIEWER_OF_TOKEN = _viewer_read(of_session=False)
VIEWER_OF_SESSION = _viewer_read(of_session=True)


async def authenticate(engine: AsyncEngine, token: str) -> Viewer | None:
    """The viewer of a token, or None when the token is unknown, revoked or expired, or its user has left
    the organization."""
    return await _viewer(engine, VIEWER_OF_TOKEN, token)


async def authenticate_session(engine: AsyncEngine, session_secret: str) -> Viewer | None:
    """The viewer of a browser session: its token's, while the session lasts and the token would be
    accepted itself."""
    return await _viewer(engine, VIEWER_OF_SESSION, session_secret)


async def has_expired(engine: AsyncEngine, token: str) -> bool:
    """Whether `token` is a token that would be accepted but for its expiry (asked only of a token that
    authenticate refused, to say why)."""
    statement = select(api_token.c.id).where(
        api_token.c.hashed_secret == hash_token(token),
        api_token.c.revoked_at.is_(None),
        api_token.c.expires_at <= utc_now(),
    )
    async with single_read(engine) as connection:
        return (await connection.execute(statement)).first() is not None


async def _viewer(engine: AsyncEngine, read: FrequentRead, secret: str) -> Viewer | None:
    secret_hash = hash_token(secret)
    row = await read.one_or_none(engine, {"secret_hash": secret_hash})
    now = utc_now()
    if row is None or row.get("kind", SESSION) != SESSION or row.get("expires_at", now) < now:
        return None
    if row["token_expires_at"] is not None and row["token_expires_at"] <= now:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] >= LAST_USED_RESOLUTION:
        # Best effort: a read never waits for a writer to record it; a later request will.
        await update_unless_locked(engine, api_token, row["id"], {"last_used_at": now})
    return Viewer(
        login=row["login"],
        organization_id=row["organization_id"],
        role=row["role"],
        scopes=granted_scopes(row["role"], row["scopes"]),
        token_hash=row["hashed_secret"],
        data_version=row["data_version"],
        credential_hash=secret_hash,
    )
