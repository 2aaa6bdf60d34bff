"""Errors the server did not expect: logged with their traceback and an id, answered with a masked
message that carries the same id, so that a report can be matched with the log."""

from __future__ import annotations

import logging
import uuid

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from aisettings.resolvers.errors import ClientError

logger = logging.getLogger("aisettings.errors")


def is_unexpected(error: GraphQLError) -> bool:
    # Errors without an original exception come from graphql-core itself (validation, coercion) and
    # describe the client's request; ClientError is ours for the same. Everything else is a bug.
    return error.original_error is not None and not isinstance(error.original_error, ClientError)


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal server error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex
        logger.error("unexpected error %s at %s", error_id, error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "errorId": error_id}
        return masked
