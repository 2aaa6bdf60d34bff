"""A faster way through graphql-core's execution for the fields that dominate our responses.

Most fields of a settings tree are plain attributes (`slug`, `value`, `source`, `locked`, the
`scanEnabled` object of an EffectiveSettings, ...): tens of thousands per page. graphql-core spends
several microseconds on each (a path, a resolve-info object, argument coercion, the completion
dispatch). For exactly those fields - Strawberry "basic" fields, without arguments, resolver or
extensions, of a scalar or enum type or of an object type without an is_type_of check - this executor
calls the same resolver function and completes the value directly: scalars and enums with the same
output coercion, objects with graphql-core's own sub-field execution and error handling. Whatever looks
unusual (a null where the type forbids one, a value that does not coerce, an awaitable) goes the
ordinary way, which then reports it exactly as graphql-core would: nothing has been recorded yet, and a
basic field has no side effects. Every other field is graphql-core's own code.

The executor's per-field methods it overrides and calls are graphql-core's internals
(graphql_core_internals.py), as are the Strawberry definitions it reads (strawberry_internals.py).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any

import orjson
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    Undefined,
)
from graphql.pyutils import Path

from .deadline import DeadlineExecutor
from .graphql_core_internals import FieldDetailsList, GroupedFieldSet, gather_with_cancel
from .strawberry_internals import DEFINITION_BACKREF, StrawberryField, python_enum, serializes_by_isoformat

Completer = Callable[[Any], Any]
Resolver = Callable[[Any], Any]


class FastObject:
    """An object field (or list of objects) completed the fast way: its resolver, output type and object
    type, and the sub-fields of its selection, collected once per request and field."""

    __slots__ = ("field_details_list", "is_list", "object_type", "output_type", "resolve", "subfields")

    def __init__(
        self,
        resolve: Resolver,
        output_type: GraphQLOutputType,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
    ) -> None:
        self.resolve = resolve
        self.output_type = output_type
        self.object_type = object_type
        nullable = output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type
        self.is_list = isinstance(nullable, GraphQLList)
        self.field_details_list = field_details_list
        self.subfields: GroupedFieldSet | None = None


# Each field of a selection, in order: its response name and nodes, then for a scalar or enum field
# completed the fast way its resolver and completer (both or neither), for an object field its
# FastObject; None for what graphql-core executes.
PlanEntry = tuple[str, FieldDetailsList, Resolver | None, Completer | None, FastObject | None]
Plan = list[PlanEntry]


_ORDINARY = object()


class _Unusual(Exception):
    """A value the fast way does not complete: the ordinary way takes the field over."""


def _is_leaf_output(output_type: GraphQLOutputType) -> bool:
    while isinstance(output_type, GraphQLNonNull | GraphQLList):
        output_type = output_type.of_type
    return isinstance(output_type, GraphQLLeafType)


def _plain_object(output_type: GraphQLOutputType) -> GraphQLObjectType | None:
    """The object type of a (non-null) object field whose is_type_of check, if any, is Strawberry's own,
    which looks at the value alone (a type's custom is_type_of may want the resolve info)."""
    if isinstance(output_type, GraphQLNonNull):
        output_type = output_type.of_type
    if not isinstance(output_type, GraphQLObjectType):
        return None
    # internals: Strawberry's definition of the type, whose is_type_of is None when the check is its own.
    definition = output_type.extensions.get(DEFINITION_BACKREF)
    if output_type.is_type_of is None or getattr(definition, "is_type_of", True) is None:
        return output_type
    return None


def _plain_object_items(output_type: GraphQLOutputType) -> GraphQLObjectType | None:
    """The item type of a list of non-null plain objects (the nodes of a page, the diffs of a bulk
    change). Items that may be null are left to graphql-core: an error there nulls the item alone."""
    if isinstance(output_type, GraphQLNonNull):
        output_type = output_type.of_type
    if isinstance(output_type, GraphQLList) and isinstance(output_type.of_type, GraphQLNonNull):
        return _plain_object(output_type.of_type)
    return None


@cache  # the schema's types live as long as the process, and a small query's plan is built per request
def completer(output_type: GraphQLOutputType) -> Completer:
    """A function giving what graphql-core's complete_value gives for a value of a leaf (or list of
    leaves) type, or raising when graphql-core would report an error. Built once per type."""
    # internals: graphql-core's complete_value and complete_leaf_value, for these types.
    general = _completer(output_type)
    nullable = output_type.of_type if isinstance(output_type, GraphQLNonNull) else output_type
    # A null of a nullable field completes as null: the overrides a project does not set, mostly.
    null_is_exact = nullable is output_type
    exact = _SERIALIZED_AS_IS.get(nullable) if isinstance(nullable, GraphQLScalarType) else None
    names = _enum_names(nullable) if isinstance(nullable, GraphQLEnumType) else {}
    if exact is not None:
        # Most values are a str or a bool, which these scalars serialize as they are.
        def complete_exact(value: Any) -> Any:
            return value if type(value) is exact or (value is None and null_is_exact) else general(value)

        return complete_exact
    if isinstance(nullable, GraphQLScalarType) and serializes_by_isoformat(nullable):
        # Timestamps are read from the database in UTC: orjson writes them as isoformat() does, 3x faster.
        def complete_utc(value: Any) -> Any:
            if type(value) is dt.datetime and value.tzinfo is dt.UTC:
                return orjson.dumps(value)[1:-1].decode()
            return None if value is None and null_is_exact else general(value)

        return complete_utc
    if nullable is GraphQLInt:
        # Counts and versions: an int within 32 bits serializes as it is.
        def complete_int(value: Any) -> Any:
            return value if type(value) is int and _MIN_INT <= value <= _MAX_INT else general(value)

        return complete_int
    if names:
        completed: dict[Any, str | None] = {**names, None: None} if null_is_exact else {**names}

        def complete_member(value: Any) -> Any:
            try:
                return completed[value]
            except (KeyError, TypeError):  # not a member, or unhashable: the general way
                return general(value)

        return complete_member
    return general


# What graphql-core completes as a list (of those we hand it). Made once: `list | tuple` written in a
# check makes a new union object at every call, and a tree checks thousands of lists.
_SEQUENCES = (list, tuple)
# GraphQL's Int: 32 bits, signed.
_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1
# Built-in scalars whose serialize() returns a value of this exact Python type unchanged.
_SERIALIZED_AS_IS: dict[GraphQLScalarType, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


def _completer(output_type: GraphQLOutputType) -> Completer:
    if isinstance(output_type, GraphQLNonNull):
        inner = _completer(output_type.of_type)

        def complete_non_null(value: Any) -> Any:
            completed = inner(value)
            if completed is None:
                raise _Unusual
            return completed

        return complete_non_null
    if isinstance(output_type, GraphQLList):
        item = completer(output_type.of_type)

        def complete_list(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if not isinstance(value, _SEQUENCES):
                raise _Unusual
            return [item(member) for member in value]

        return complete_list
    assert isinstance(output_type, GraphQLLeafType)
    coerce = output_type.coerce_output_value
    # Strawberry's enum types look members up by a loop over their values; a dict gives the same names.
    names = _enum_names(output_type)

    def complete_leaf(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        name = names.get(value) if names and isinstance(value, Hashable) else None
        if name is not None:
            return name
        if isinstance(value, Exception):
            raise _Unusual
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _Unusual
        return coerced

    return complete_leaf


def _enum_names(output_type: GraphQLLeafType) -> dict[Any, str]:
    if not isinstance(output_type, GraphQLEnumType):
        return {}
    wrapped = python_enum(output_type)
    if wrapped is None:
        return {}
    return {
        member: name
        for name, value in output_type.values.items()
        for member in wrapped
        if member.value == value.value
    }


def source_resolver(definition: StrawberryField, resolve: Callable[..., Any]) -> Callable[[Any], Any] | None:
    """What Strawberry's resolver of the field returns for a source, as a function of the source alone;
    None for a field that needs more (arguments, the resolve info, an async resolver, extensions).

    A basic field: Strawberry calls its default resolver with its Python name; with the default,
    getattr, that is one attrgetter. A field with a resolver of `self` alone (a method computing a value
    from its object, such as a global id): Strawberry calls it with the source and nothing else."""
    # internals: the field's definition and its resolver's, and how Strawberry calls them.
    if definition.extensions:
        return None
    if definition.is_basic_field:
        if definition.default_resolver is getattr:
            return operator.attrgetter(definition.python_name)
        return lambda source: resolve(source, None)  # a basic field's resolver ignores its info
    resolver = definition.base_resolver
    if resolver is None or resolver.is_async or resolver.arguments:
        return None
    if resolver.info_parameter or resolver.root_parameter or resolver.parent_parameter:
        return None
    function = resolver.wrapped_func
    if not callable(function):
        return None
    if resolver.self_parameter is None:
        return lambda _: function()
    return function


class FastFieldsExecutor(DeadlineExecutor):
    """graphql-core's executor, completing basic scalar and enum fields directly (and stopping a query at its
    deadline)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per request; graphql-core memoizes grouped field sets, so their ids are stable while the
        # cache keeps them alive.
        self._plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}
        # A middleware (a schema extension with a `resolve` hook) must see every field: no fast way then.
        # internals: the executor's middleware manager.
        self._fast_allowed = self.middleware_manager is None or not self.middleware_manager.middlewares

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        cached = self._plans.get(id(grouped_field_set))
        if cached is not None:
            return cached[1]
        plan: Plan = []
        for response_name, field_details_list in grouped_field_set.items():
            field_def = parent_type.fields.get(field_details_list[0].node.name.value)
            entry: PlanEntry = (response_name, field_details_list, None, None, None)
            if field_def is not None and self._fast_allowed and not field_def.args:
                definition = field_def.extensions.get(DEFINITION_BACKREF)
                resolve = (
                    source_resolver(definition, field_def.resolve)
                    if isinstance(definition, StrawberryField) and field_def.resolve is not None
                    else None
                )
                if resolve is not None:
                    object_type = _plain_object(field_def.type) or _plain_object_items(field_def.type)
                    if object_type is not None:
                        fast_object = FastObject(resolve, field_def.type, object_type, field_details_list)
                        entry = (response_name, field_details_list, None, None, fast_object)
                    elif _is_leaf_output(field_def.type):
                        entry = (response_name, field_details_list, resolve, completer(field_def.type), None)
            plan.append(entry)
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
        # internals: graphql-core's execute_fields, with its execute_field and settle_in_background.
        self.check_deadline()
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list, resolve, complete, fast_object in self._plan(
                parent_type, grouped_field_set
            ):
                if complete is not None:
                    # Scalars and enums, most fields of all, inline: resolve, complete, done.
                    try:
                        results[response_name] = complete(resolve(source_value))  # type: ignore[misc]  # set with `complete`
                        continue
                    except Exception:  # reported by the ordinary way, which meets it again
                        pass
                elif fast_object is not None:
                    result = self._execute_fast(
                        parent_type, source_value, path, response_name, fast_object, position_context
                    )
                    if result is not _ORDINARY:
                        results[response_name] = result
                        if type(result) is not dict and is_awaitable(result):
                            awaitable_fields.append(response_name)
                        continue
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

    def _execute_fast(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        response_name: str,
        fast: FastObject,
        position_context: Any,
    ) -> Any:
        """An object field's completed value (or a list of objects'), or _ORDINARY to let graphql-core
        execute it."""
        # internals: graphql-core's execute_field after its resolver, with its handle_field_error.
        try:
            value = fast.resolve(source_value)
            if self.is_awaitable(value) or isinstance(value, Exception):
                return _ORDINARY
        except Exception:  # reported by the ordinary way, which meets it again
            return _ORDINARY
        output_type, object_type = fast.output_type, fast.object_type
        if value is None or value is Undefined:
            return _ORDINARY if isinstance(output_type, GraphQLNonNull) else None
        if fast.is_list and not isinstance(value, _SEQUENCES):
            return _ORDINARY
        # Anything graphql-core would report (a null item, a value of a wrong type) goes its way, and
        # before any item has been executed, so that nothing is executed twice.
        if not all(self._is_plain(object_type, item) for item in (value if fast.is_list else (value,))):
            return _ORDINARY
        field_path = Path(path, response_name, parent_type.name)
        # From here on as graphql-core's execute_field after its resolver: the same sub-field execution
        # and the same handling of errors met on the way (a non-null item's error is the list's).
        try:
            if fast.is_list:
                completed = self._complete_items(fast, field_path, value, position_context)
            else:
                completed = self._execute_subfields(fast, field_path, value, position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, output_type, fast.field_details_list, field_path)
            return None
        if type(completed) is not dict and self.is_awaitable(completed):
            return self._await_completed(completed, output_type, fast.field_details_list, field_path)
        return completed

    def _execute_subfields(self, fast: FastObject, path: Path, value: Any, position_context: Any) -> Any:
        """As graphql-core's collect_and_execute_subfields, with the sub-fields collected once: outside
        deferred fragments (which this schema does not enable), that is executing them."""
        # internals: the executor's collect_subfields and collect_and_execute_subfields.
        if position_context is not None:
            return self.collect_and_execute_subfields(
                fast.object_type, fast.field_details_list, path, value, position_context
            )
        subfields = fast.subfields
        if subfields is None:
            subfields, defer_usages, _ = self.collect_subfields(fast.object_type, fast.field_details_list)
            if defer_usages:
                return self.collect_and_execute_subfields(
                    fast.object_type, fast.field_details_list, path, value, position_context
                )
            fast.subfields = subfields
        return self.execute_fields(fast.object_type, value, path, subfields, None)

    def _is_plain(self, object_type: GraphQLObjectType, value: Any) -> bool:
        if value is None or value is Undefined or self.is_awaitable(value) or isinstance(value, Exception):
            return False
        # internals: Strawberry's own is_type_of (see _plain_object) reads no info.
        return object_type.is_type_of is None or bool(object_type.is_type_of(value, None))  # type: ignore[arg-type]

    def _complete_items(
        self, fast: FastObject, path: Path, items: list[Any] | tuple[Any, ...], position_context: Any
    ) -> Any:
        """As graphql-core's complete_iterable_value for non-null objects: each item's sub-fields, the
        pending ones awaited together."""
        # internals: graphql-core's complete_iterable_value, with its settle_in_background.
        completed: list[Any] = []
        pending: list[int] = []
        is_awaitable = self.is_awaitable
        try:
            for index, item in enumerate(items):
                result = self._execute_subfields(fast, path.add_key(index, None), item, position_context)
                completed.append(result)
                if type(result) is not dict and is_awaitable(result):
                    pending.append(index)
        except Exception:
            if pending:
                self.settle_in_background([completed[index] for index in pending])
            raise
        if not pending:
            return completed
        return self._gather_items(completed, pending)

    async def _gather_items(self, completed: list[Any], pending: list[int]) -> list[Any]:
        if len(pending) == 1:
            completed[pending[0]] = await completed[pending[0]]
        else:
            awaited = await gather_with_cancel(*(completed[index] for index in pending))
            for index, result in zip(pending, awaited, strict=True):
                completed[index] = result
        return completed

    async def _await_completed(
        self,
        completed: Any,
        output_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        field_path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, output_type, field_details_list, field_path)
            return None

    async def _gather(self, results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        # As graphql-core's execute_fields: await the pending fields together, keep the order.
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results
