"""What a user can fix in a mutation's input: typed errors with a path into the input."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class UserErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_VALUE = "INVALID_VALUE"
    INVALID_BRANCH_PATTERN = "INVALID_BRANCH_PATTERN"
    STALE_VERSION = "STALE_VERSION"
    LOCKED = "LOCKED"
    TOO_MANY_ITEMS = "TOO_MANY_ITEMS"
    DUPLICATE = "DUPLICATE"
    CONFLICTING_INPUT = "CONFLICTING_INPUT"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class UserError:
    field: list[str] | None
    code: UserErrorCode
    message: str


class MutationFailed(Exception):
    """Raised inside a mutation's transaction: it rolls back, and the payload carries the errors."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(errors)
        self.errors = errors


def fail(field: list[str] | None, code: UserErrorCode, message: str) -> MutationFailed:
    return MutationFailed([UserError(field, code, message)])


def raise_if_any(errors: list[UserError]) -> None:
    if errors:
        raise MutationFailed(errors)
