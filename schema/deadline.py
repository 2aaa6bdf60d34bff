"""A query's execution stopped at the request's deadline.

The app stops a request that takes too long with asyncio's timeout, which acts only where the request
awaits (the database). A query whose data is loaded completes its answer without awaiting anything: a
page of 249 projects, each with its organization's page of 1000 projects, is a quarter of a million
objects and ten seconds of work in one go, during which nothing else runs on the worker. So the executor
looks at the time once per object it completes, and past the deadline refuses to complete more: the
work stops within one object of the limit, and the app answers as for any request over its time.

Mutations are not stopped here: their work is done (committed) before their payload is completed, and
a payload is bounded by its input."""

from __future__ import annotations

import math
import time
from typing import Any

from graphql import GraphQLObjectType, OperationType
from graphql.pyutils import Path

from aisettings.resolvers.context import Context
from aisettings.resolvers.errors import LimitExceeded

from .graphql_core_internals import GroupedFieldSet
from .strawberry_internals import StrawberryGraphQLCoreExecutionContext


class DeadlineExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, stopping a query at its context's deadline."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        context = self.context_value
        is_query = self.operation.operation is OperationType.QUERY
        self._context = context if is_query and isinstance(context, Context) else None
        self._deadline = self._context.deadline if self._context is not None else math.inf

    def check_deadline(self) -> None:
        if time.monotonic() > self._deadline:
            assert self._context is not None
            self._context.stopped_at_deadline = True
            raise LimitExceeded("The request took longer than its time limit and was stopped.")

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        # internals: graphql-core's execute_fields, called for every object the executor completes.
        self.check_deadline()
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
