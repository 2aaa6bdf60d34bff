"""A document of several operations runs the one `operationName` names, and without a name none of
them: as the GraphQL specification says (Strawberry alone would run the first)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from .strawberry_internals import provided_operation_name


class RequireOperationName(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operations = (
            [d for d in document.definitions if isinstance(d, OperationDefinitionNode)] if document else []
        )
        # `operation_name` falls back to the first operation's name; what the client sent is kept apart.
        if len(operations) > 1 and not provided_operation_name(context):
            message = "The document holds several operations: name the one to run with operationName."
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})]
            )
        yield
