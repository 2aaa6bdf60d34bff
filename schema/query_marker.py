"""Tells the app whether the operation it ran was a query: only a query's answer may be cached."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from aisettings.resolvers.context import Context

from .strawberry_internals import OperationType


class MarkQueries(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.ran_query = self.execution_context.operation_type is OperationType.QUERY
        yield
