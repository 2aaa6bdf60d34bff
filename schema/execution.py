"""A faster way through graphql-core's execution for the fields that dominate our responses.

Most fields of a settings tree are plain attributes with a scalar or enum type (`slug`, `value`,
`source`, `locked`, ...): tens of thousands per page. graphql-core spends several microseconds on each
(a path, a resolve-info object, argument coercion, the completion dispatch). For exactly those fields -
Strawberry "basic" fields, without arguments, resolver or extensions - this executor calls the same
resolver function and the same output coercion directly. Whatever looks unusual (a null where the type
forbids one, a value that does not coerce, an awaitable) goes the ordinary way, which then reports it
exactly as graphql-core would: nothing has been recorded yet, and a basic field has no side effects.
Every other field, and everything around fields, is graphql-core's own code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

# A field completed the fast way: (response name, fields, its basic resolver, its output type).
FastField = tuple[str, FieldDetailsList, Callable[..., Any], GraphQLOutputType]
Plan = list[tuple[str, FieldDetailsList, FastField | None]]


class _Unusual(Exception):
    """A value the fast way does not complete: the ordinary way takes the field over."""


def _is_leaf_output(output_type: GraphQLOutputType) -> bool:
    while isinstance(output_type, GraphQLNonNull | GraphQLList):
        output_type = output_type.of_type
    return isinstance(output_type, GraphQLLeafType)


def _complete(output_type: GraphQLOutputType, value: Any) -> Any:
    """What graphql-core's complete_value gives for a leaf (or list of leaves) type, or _Unusual."""
    if isinstance(output_type, GraphQLNonNull):
        completed = _complete(output_type.of_type, value)
        if completed is None:
            raise _Unusual
        return completed
    if value is None or value is Undefined:
        return None
    if isinstance(output_type, GraphQLList):
        if not isinstance(value, list | tuple):
            raise _Unusual
        return [_complete(output_type.of_type, item) for item in value]
    if isinstance(value, Exception):
        raise _Unusual
    try:
        coerced = output_type.coerce_output_value(value)  # type: ignore[union-attr]
    except Exception:
        raise _Unusual from None
    if coerced is None or coerced is Undefined:
        raise _Unusual
    return coerced


class FastFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, completing basic scalar and enum fields directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request; graphql-core memoizes grouped field sets, so their ids are stable while the
        # cache keeps them alive.
        self._plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}
        # A middleware (a schema extension with a `resolve` hook) must see every field: no fast way then.
        self._fast_allowed = self.middleware_manager is None or not self.middleware_manager.middlewares

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        cached = self._plans.get(id(grouped_field_set))
        if cached is not None:
            return cached[1]
        plan: Plan = []
        for response_name, field_details_list in grouped_field_set.items():
            field_def = parent_type.fields.get(field_details_list[0].node.name.value)
            fast: FastField | None = None
            if field_def is not None and self._fast_allowed and not field_def.args:
                definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
                if (
                    isinstance(definition, StrawberryField)
                    and definition.is_basic_field
                    and not definition.extensions
                    and field_def.resolve is not None
                    and _is_leaf_output(field_def.type)
                ):
                    fast = (response_name, field_details_list, field_def.resolve, field_def.type)
            plan.append((response_name, field_details_list, fast))
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, fast in self._plan(parent_type, grouped_field_set):
                if fast is not None:
                    try:
                        # A basic resolver ignores its info: Strawberry makes it getattr on the source.
                        value = fast[2](source_value, None)
                        if is_awaitable(value):
                            raise _Unusual
                        results[response_name] = _complete(fast[3], value)
                        continue
                    except Exception:  # reported by the ordinary way, which meets it again
                        pass
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather(results, awaitable_fields)

    async def _gather(self, results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        # As graphql-core's execute_fields: await the pending fields together, keep the order.
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results
