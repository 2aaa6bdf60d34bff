"""What one request may ask for, checked before anything runs: the depth of its selections, its aliases,
its tokens, and the number of objects its connections could return (like GitHub's node limit: the
product of `first` down every chain of connections, `first` defaulting to its declared default)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    VariableNode,
    get_named_type,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

LIMIT_EXCEEDED = "LIMIT_EXCEEDED"


@dataclass(frozen=True)
class RequestLimits:
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 10_000
    max_nodes: int = 250_000


@dataclass
class _Measure:
    depth: int = 0
    aliases: int = 0
    nodes: int = 0


class _Walker:
    """Walks an operation's selections with the schema's types, fragments resolved."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.measure = _Measure()

    def walk(
        self, selections: SelectionSetNode, parent: GraphQLNamedType, depth: int, multiplier: int
    ) -> None:
        for field, field_parent in self._fields(selections, parent, set()):
            if field.name.value.startswith("__"):
                continue  # introspection: bounded by the schema itself
            self.measure.depth = max(self.measure.depth, depth)
            self.measure.aliases += field.alias is not None
            if not isinstance(field_parent, GraphQLObjectType | GraphQLInterfaceType):
                continue
            definition = field_parent.fields.get(field.name.value)
            if definition is None or field.selection_set is None:
                continue
            count = multiplier
            if "first" in definition.args:
                count = multiplier * self._first(field, definition.args["first"].default_value)
                self.measure.nodes += count
            self.walk(field.selection_set, get_named_type(definition.type), depth + 1, count)

    def _fields(
        self, selections: SelectionSetNode, parent: GraphQLNamedType, seen: set[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(selection.selection_set, inner or parent, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    inner = self.schema.get_type(fragment.type_condition.name.value) or parent
                    yield from self._fields(fragment.selection_set, inner, seen | {selection.name.value})

    def _first(self, field: FieldNode, default: Any) -> int:
        value: Any = default
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                value = int(argument.value.value)
            elif isinstance(argument.value, VariableNode):
                value = self.variables.get(argument.value.name.value, default)
        if not isinstance(value, int) or value is Undefined:
            return 100  # the API's default page size
        return max(value, 0)


def measure_operation(
    schema: GraphQLSchema,
    document_definitions: list[Any],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
) -> _Measure:
    fragments = {d.name.value: d for d in document_definitions if isinstance(d, FragmentDefinitionNode)}
    walker = _Walker(schema, fragments, variables)
    root = schema.get_root_type(operation.operation)
    if root is not None:
        walker.walk(operation.selection_set, root, 1, 1)
    return walker.measure


class EnforceRequestLimits(SchemaExtension):
    """Refuses, with LIMIT_EXCEEDED naming the limit, a request over any of `limits`."""

    def __init__(self, limits: RequestLimits) -> None:
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        # graphql-core's parser stops counting at the limit: a huge document costs nothing more.
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if operation is not None and document is not None:
            measure = measure_operation(
                context.schema._schema, list(document.definitions), operation, context.variables or {}
            )
            problem = self._problem(measure)
            if problem is not None:
                context.result = ExecutionResult(data=None, errors=[problem])
        yield

    def _problem(self, measure: _Measure) -> GraphQLError | None:
        checks = (
            ("depth", measure.depth, self.limits.max_depth, "selections nested {actual} deep"),
            ("aliases", measure.aliases, self.limits.max_aliases, "{actual} aliases"),
            ("nodes", measure.nodes, self.limits.max_nodes, "up to {actual} objects from its connections"),
        )
        for name, actual, maximum, what in checks:
            if actual > maximum:
                message = f"The request asks for {what.format(actual=actual)}; the limit is {maximum}."
                return GraphQLError(
                    message,
                    extensions={"code": LIMIT_EXCEEDED, "limit": name, "maximum": maximum, "actual": actual},
                )
        return None
