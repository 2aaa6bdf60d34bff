"""Who sends a request to /graphql: the viewer of its bearer token, or a 401 as RFC 6750 (section 3.1)
has it. A request without credentials is asked for a token; every credential presented that is not a
valid token (unknown, revoked, malformed, of another scheme, of a member who left) gets one answer, the
same to the byte, so that no answer tells a revoked token from one that never existed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from aisettings.resolvers.viewer import Viewer, authenticate

from .graphql_over_http import ProtocolError
from .unavailable import unavailable

CHALLENGE = 'Bearer realm="aisettings"'
NO_TOKEN = "Authentication required: send an API token as `Authorization: Bearer <token>`."
INVALID_TOKEN = "The credentials are not a valid API token; send one as `Authorization: Bearer <token>`."


async def authenticated_viewer(engine: AsyncEngine, request: Request) -> Viewer:
    """The viewer the request's bearer token belongs to; a 401 without one or with any other."""
    authorization = request.headers.get("authorization", "").strip()
    scheme, _, credentials = authorization.partition(" ")
    token = credentials.strip()
    bearer = scheme.lower() == "bearer"
    if not authorization or (bearer and not token):
        raise _unauthenticated(NO_TOKEN, CHALLENGE)
    viewer = await _viewer(engine, token) if bearer else None
    if viewer is None:
        raise _unauthenticated(INVALID_TOKEN, f'{CHALLENGE}, error="invalid_token"')
    return viewer


async def _viewer(engine: AsyncEngine, token: str) -> Viewer | None:
    try:
        return await authenticate(engine, token)
    except Exception as error:
        if (refusal := unavailable(error)) is None:
            raise
        raise refusal from None


def _unauthenticated(message: str, challenge: str) -> ProtocolError:
    return ProtocolError(401, message, {"WWW-Authenticate": challenge}, code="UNAUTHENTICATED")
