"""Every request's id: the caller's X-Request-ID when it is a plain token that fits the audit log, else a
new one. Set for the logs and the audit entries of the request (app/logs.py's current_request_id) and
echoed in the answer's X-Request-ID, so that a caller can quote it and an operator find its lines."""

from __future__ import annotations

import re
import uuid

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aisettings.models.access import TOKEN_PREFIX

from .logs import current_request_id

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_of(headers: Headers) -> str:
    given = headers.get("x-request-id", "")
    # A token sent here by mistake would reach the logs and the audit log: it is replaced, as any odd value.
    if REQUEST_ID.fullmatch(given) and not given.startswith(TOKEN_PREFIX):
        return given
    return uuid.uuid4().hex


class RequestIds:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(Headers(scope=scope))
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        reset = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(reset)
