"""Who calls the REST API: the viewer of its bearer token (the same tokens, and the same `authenticate`,
as /graphql), or a 401 worded as Django REST Framework's token authentication words it. The settings
page's session cookie counts for nothing here."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from aisettings.resolvers.viewer import Viewer, authenticate, has_expired

from ..unavailable import or_unavailable
from .errors import INVALID_TOKEN, NO_CREDENTIALS, NOT_AUTHENTICATED, RestError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}
SPACES = "Invalid token header. Token string should not contain spaces."
# Sentry's words for the one refusal that says why: the owner of a token that was real can act on it.
EXPIRED = "Token expired"


async def rest_viewer(engine: AsyncEngine, request: Request) -> Viewer:
    scheme, _, credentials = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        raise RestError.detail(401, NOT_AUTHENTICATED, CHALLENGE)
    token = credentials.strip()
    if not token:
        raise RestError.detail(401, NO_CREDENTIALS, CHALLENGE)
    if " " in token:
        raise RestError.detail(401, SPACES, CHALLENGE)
    viewer = await or_unavailable(authenticate(engine, token))
    if viewer is None:
        expired = await or_unavailable(has_expired(engine, token))
        raise RestError.detail(401, EXPIRED if expired else INVALID_TOKEN, CHALLENGE)
    return viewer
