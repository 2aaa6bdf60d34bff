"""Headers every answer carries: nothing is sniffed, framed, cached or sent on as a referrer. There is
no CORS: browsers on other origins cannot read answers (clients are scripts and this server's GraphiQL)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
]
# Answers hold an organization's settings and are per token: no shared cache may keep them.
NO_STORE = (b"cache-control", b"no-store")
# An answer's own policy is kept beside ours: browsers enforce every policy they get, so it can only add
# restrictions (GraphiQL's page allows only this server's scripts).
KEPT_IF_SET = {b"content-security-policy"}


class SecurityHeaders:
    """`public_files` are path prefixes whose answers are the same for everyone (GraphiQL's and the
    settings page's versioned files): they keep the caching they set."""

    def __init__(self, app: ASGIApp, public_files: tuple[str, ...] = ()) -> None:
        self.app = app
        self.public_files = public_files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        public = scope["path"].startswith(self.public_files)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                own_caching = public and any(name.lower() == b"cache-control" for name, _ in headers)
                added = SECURITY_HEADERS if own_caching else [*SECURITY_HEADERS, NO_STORE]
                replaced = {name for name, _ in added} - KEPT_IF_SET
                kept = [(name, value) for name, value in headers if name.lower() not in replaced]
                message = {**message, "headers": kept + added}
            await send(message)

        await self.app(scope, receive, send_with_headers)
