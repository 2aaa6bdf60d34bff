"""The last resort: an exception that escapes a route (a fault of ours outside GraphQL's execution, whose
errors app/errors.py masks) is logged with its traceback under an error id and answered HTTP 500 with the
masked error every other fault gets. It runs inside SecurityHeaders, so that answer carries the headers
too; Starlette's own last resort sits outside every middleware and answers plain text without them."""

from __future__ import annotations

from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import INTERNAL_SERVER_ERROR, logged_fault
from .graphql_over_http import errors_response


class AnswerUnexpectedErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_noting_the_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_noting_the_start)
        except Exception as error:
            extensions = logged_fault(error, scope["path"])
            if started:
                return  # too late for another answer: the server closes the unfinished one
            masked = GraphQLError(INTERNAL_SERVER_ERROR, extensions=extensions)
            await errors_response(500, [masked])(scope, receive, send)
