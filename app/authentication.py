"""Who sends a request to /graphql: the viewer of its bearer token, or a 401 as RFC 6750 (section 3.1)
has it; without an Authorization header, the viewer of the settings page's session cookie. A request
without credentials is asked for a token; every credential presented that is not a valid token (unknown,
revoked, malformed, of another scheme, of a member who left) gets one answer, the same to the byte, so
that no answer tells a revoked token from one that never existed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from aisettings.resolvers.viewer import Viewer, authenticate, has_expired

from .graphql_over_http import ProtocolError
from .sessions import SESSION_COOKIE, session_viewer
from .unavailable import or_unavailable

CHALLENGE = 'Bearer realm="aisettings"'
NO_TOKEN = "Authentication required: send an API token as `Authorization: Bearer <token>`."
INVALID_TOKEN = "The credentials are not a valid API token; send one as `Authorization: Bearer <token>`."
# The one refusal that says why: the owner of a token that was real can do something about it.
EXPIRED_TOKEN = "The API token has expired; create a new one (`aisettings token create`)."
SESSION_ENDED = "The session has ended: sign in again at /sign-in, or send an API token."
# Cross-site request forgery: browsers attach the session cookie to any page's requests (SameSite=Strict
# only spares cross-site ones), but no other origin can set a custom header without a CORS preflight,
# which this server never grants. So a cookie counts only on requests that carry this header.
CSRF_HEADER = "X-Requested-With"
CSRF_REFUSED = (
    f"A request signed in by the session cookie must carry the header `{CSRF_HEADER}` "
    "(as the settings page sends it); scripts send an API token instead."
)


async def authenticated_viewer(engine: AsyncEngine, request: Request) -> Viewer:
    """The viewer the request's bearer token belongs to (or its session's, without a token); a 401
    without one or with any other."""
    authorization = request.headers.get("authorization", "").strip()
    if not authorization and request.cookies.get(SESSION_COOKIE):
        return await _session_viewer(engine, request)
    scheme, _, credentials = authorization.partition(" ")
    token = credentials.strip()
    bearer = scheme.lower() == "bearer"
    if not authorization or (bearer and not token):
        raise _unauthenticated(NO_TOKEN, CHALLENGE)
    viewer = await or_unavailable(authenticate(engine, token)) if bearer else None
    if viewer is None:
        expired = bearer and await or_unavailable(has_expired(engine, token))
        message = EXPIRED_TOKEN if expired else INVALID_TOKEN
        raise _unauthenticated(message, f'{CHALLENGE}, error="invalid_token"')
    return viewer


async def _session_viewer(engine: AsyncEngine, request: Request) -> Viewer:
    if not request.headers.get(CSRF_HEADER):
        raise ProtocolError(403, CSRF_REFUSED, code="FORBIDDEN")
    viewer = await session_viewer(engine, request)
    if viewer is None:
        raise _unauthenticated(SESSION_ENDED, f'{CHALLENGE}, error="invalid_token"')
    return viewer


def _unauthenticated(message: str, challenge: str) -> ProtocolError:
    return ProtocolError(401, message, {"WWW-Authenticate": challenge}, code="UNAUTHENTICATED")
