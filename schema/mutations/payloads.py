"""What every mutation shares: the user errors, the client mutation id, and the one way a payload is made
from the operation's result or from the user errors it failed with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from strawberry import Some

from aisettings.models.limits import MAX_BULK_ITEMS, MAX_CLIENT_MUTATION_ID_LENGTH
from aisettings.resolvers.mutations.errors import MutationFailed, UserErrorCode
from aisettings.resolvers.mutations.given import Given

from ..enums import register_enum

register_enum(
    UserErrorCode,
    "What is wrong with a mutation's input.",
    {
        "NOT_FOUND": "No such object, or one the token may not see.",
        "INVALID_VALUE": "A value that is not allowed here (a null, a malformed name).",
        "INVALID_BRANCH_PATTERN": "A branch glob that git's ref-name rules refuse, or too many of them.",
        "STALE_VERSION": "expectedVersion is not the current version: someone changed the object since.",
        "LOCKED": "The organization locks this setting: projects cannot override it.",
        "TOO_MANY_ITEMS": f"More than {MAX_BULK_ITEMS} targets in one call.",
        "DUPLICATE": "The project already has this repository, or the call names a project twice.",
        "CONFLICTING_INPUT": "Fields that exclude each other were both given, or neither.",
        "FORBIDDEN": "The token may see the object but lacks the scope to change it.",
        "RATE_LIMITED": "Too many such calls from this session or token lately; try again later.",
    },
)

T = TypeVar("T")

CLIENT_MUTATION_ID = "Echoed in the payload, to match answers with calls."
CLIENT_MUTATION_ID_INPUT = (
    "Echoed in the payload, to match answers with calls "
    f"(at most {MAX_CLIENT_MUTATION_ID_LENGTH} characters)."
)
INPUT = strawberry.argument(description="What to change; see the input type.")
AUDIT_ENTRIES = "What the call wrote to the audit log."
BATCH_ID = "The audit batch of this call; null on error or when nothing changed."


@strawberry.type(description="Something in a mutation's input that the caller can fix. Nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='The path to the input at fault, e.g. ["input", "projectIds", "3"]; null: the whole call.'
    )
    code: UserErrorCode = strawberry.field(description="What kind of problem it is.")
    message: str = strawberry.field(description="What is wrong, in a sentence.")


@strawberry.type(description="What every mutation answers besides its result.")
class MutationPayload:
    user_errors: list[UserError] = strawberry.field(
        description="What is wrong with the input; empty on success."
    )
    client_mutation_id: str | None = strawberry.field(description=CLIENT_MUTATION_ID)


@strawberry.input(description="What every mutation's input may carry besides its arguments.")
class MutationInput:
    client_mutation_id: str | None = strawberry.field(default=None, description=CLIENT_MUTATION_ID_INPUT)


Payload = TypeVar("Payload", bound=MutationPayload)


async def payload(
    payload_type: type[Payload],
    client_mutation_id: str | None,
    operation: Awaitable[T],
    shown: Callable[[T], dict[str, Any]],
) -> Payload:
    """The payload of a mutation: the fields `shown` makes of the operation's result; or, when the
    operation failed with user errors (its unit of work rolled back: nothing written), those errors and
    the payload's other fields at their empty defaults."""
    try:
        result = await operation
    except MutationFailed as failure:
        errors = [
            UserError(field=error.field, code=error.code, message=error.message) for error in failure.errors
        ]
        return payload_type(user_errors=errors, client_mutation_id=client_mutation_id)
    return payload_type(**shown(result), user_errors=[], client_mutation_id=client_mutation_id)


def given(field: Some[T] | None) -> Given[T] | None:
    """Strawberry's Maybe as the resolvers' Given: left out (None), or given (its value maybe null)."""
    return None if field is None else Given(field.value)
