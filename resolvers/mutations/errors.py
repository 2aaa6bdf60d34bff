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


def stale_version(path: list[str], noun: str, current: int, expected: int) -> UserError:
    """The refusal of a write to `noun` ("project") whose caller read version `expected`, no longer
    `current`: optimistic concurrency, told apart by its code."""
    return UserError(
        [*path, "expectedVersion"],
        UserErrorCode.STALE_VERSION,
        f"The {noun} is at version {current}, not {expected}: someone changed it since you read it. "
        "Read it again and retry.",
    )


def raise_if_any(errors: list[UserError]) -> None:
    if errors:
        raise MutationFailed(errors)
