"""API tokens: created for a member of an organization and shown once, listed, revoked."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.access import ROLE_SCOPES, Scope, hash_token, new_token_secret
from aisettings.models.database import write_transaction
from aisettings.models.tables import api_token, member, organization, user_account, utc_now

DURATION = re.compile(r"(\d{1,6})([dhm])")
DURATION_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# Of a prefix given to `token revoke`: `ais_` and four characters of the secret.
MIN_PREFIX = 8


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    organization: str
    login: str
    scopes: list[str] | None
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None


def expiry(text: str, now: dt.datetime) -> dt.datetime:
    """When a token given `--expires-in TEXT` at `now` expires: TEXT is a duration (`90d`, `12h`, `30m`)
    or a date (`2027-03-31`: the start of that day, UTC)."""
    match = DURATION.fullmatch(text.strip())
    if match is not None:
        moment = now + dt.timedelta(**{DURATION_UNITS[match[2]]: int(match[1])})
    else:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(text.strip()), dt.time(), dt.UTC)
        except ValueError:
            raise TokenError(
                f"{text!r} is neither a duration (90d, 12h, 30m) nor a date (2027-03-31)."
            ) from None
    if moment <= now:
        raise TokenError(f"{text!r} is not in the future.")
    return moment


async def create_token(
    engine: AsyncEngine,
    organization_slug: str,
    login: str,
    name: str,
    scopes: list[str] | None = None,
    expires_at: dt.datetime | None = None,
) -> str:
    """A new token for a member of an organization; the secret is returned here and never again."""
    known = {scope.value for scope in Scope}
    unknown = sorted(set(scopes or []) - known)
    if unknown:
        raise TokenError(f"Unknown scope(s) {', '.join(unknown)}; the scopes are {', '.join(sorted(known))}.")
    async with write_transaction(engine) as connection:
        row = (
            await connection.execute(
                select(organization.c.id, user_account.c.id.label("user_id"), member.c.role)
                .select_from(organization)
                .join(member, member.c.organization_id == organization.c.id)
                .join(user_account, user_account.c.id == member.c.user_id)
                .where(organization.c.slug == organization_slug, user_account.c.login == login)
            )
        ).one_or_none()
        if row is None:
            raise TokenError(f"{login!r} is not a member of an organization {organization_slug!r}.")
        beyond_role = sorted(set(scopes or []) - {scope.value for scope in ROLE_SCOPES[row.role]})
        if beyond_role:
            raise TokenError(
                f"{login!r} is a {row.role.value}, whose role does not grant {', '.join(beyond_role)}."
            )
        secret = new_token_secret()
        await connection.execute(
            insert(api_token).values(
                user_id=row.user_id,
                organization_id=row.id,
                name=name,
                hashed_secret=hash_token(secret),
                prefix=secret[:12],
                scopes=scopes,
                created_at=utc_now(),
                expires_at=expires_at,
            )
        )
    return secret


async def list_tokens(engine: AsyncEngine, organization_slug: str | None = None) -> list[TokenInfo]:
    statement = (
        select(api_token, organization.c.slug, user_account.c.login)
        .join(organization, organization.c.id == api_token.c.organization_id)
        .join(user_account, user_account.c.id == api_token.c.user_id)
        .order_by(api_token.c.id)
    )
    if organization_slug is not None:
        statement = statement.where(organization.c.slug == organization_slug)
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [
        TokenInfo(
            id=row.id,
            name=row.name,
            prefix=row.prefix,
            organization=row.slug,
            login=row.login,
            scopes=row.scopes,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
            expires_at=row.expires_at,
        )
        for row in rows
    ]


async def revoke_token(engine: AsyncEngine, reference: str) -> int:
    """Revokes the active token of this id, or of this prefix as `token list` shows it; its id."""
    prefix = reference.strip().rstrip("…")
    if not prefix.isdigit() and len(prefix) < MIN_PREFIX:
        raise TokenError(f"Give the token's id or at least {MIN_PREFIX} characters of its prefix.")
    match = api_token.c.id == int(prefix) if prefix.isdigit() else api_token.c.prefix.startswith(prefix)
    async with write_transaction(engine) as connection:
        ids = (
            (await connection.execute(select(api_token.c.id).where(match, api_token.c.revoked_at.is_(None))))
            .scalars()
            .all()
        )
        if len(ids) > 1:
            raise TokenError(f"{len(ids)} active tokens start with {prefix!r}: give more of it, or the id.")
        if not ids:
            raise TokenError(f"There is no active token with the id or prefix {prefix!r}.")
        await connection.execute(
            update(api_token).where(api_token.c.id == ids[0]).values(revoked_at=utc_now())
        )
    return int(ids[0])
