"""Errors the client caused, as GraphQL errors with an `extensions.code` tools can tell apart."""

from __future__ import annotations

from typing import ClassVar

from graphql import GraphQLError


class ClientError(GraphQLError):
    """An error of the client's request; each subclass names its code."""

    code: ClassVar[str]

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": self.code})


class BadUserInput(ClientError):
    code = "BAD_USER_INPUT"


class Forbidden(ClientError):
    code = "FORBIDDEN"


class LimitExceeded(ClientError):
    code = "LIMIT_EXCEEDED"
