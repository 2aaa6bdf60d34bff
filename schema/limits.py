"""What one request may ask for, checked before graphql-core validates the document and before anything
runs: its tokens, its field selections, the depth of its selections, its aliases, and the number of
objects its lists could return (like GitHub's node limit: the product of the sizes down every chain of
lists, a connection's size being its `first`).

None of these checks can be interrupted (they run on the event loop, where the request's timeout cannot
stop them), so each is bounded by construction:
- the parser stops at `max_tokens`;
- the walk below reads every selection of the document once: a fragment is measured once, however often
  it is spread, so fragments spreading fragments cost what their text costs, not what they expand to;
- graphql-core's validation compares fields that share a response name pairwise (its
  OverlappingFieldsCanBeMerged rule) and fragments spread beside each other pairwise, which is quadratic
  in the selections of a document: `max_selections` bounds it (300 take at most ~0.15 s to validate,
  measured on the worst shapes found), and a document that holds more is refused before validation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableValues,
    get_argument_values,
    get_named_type,
    get_operation_ast,
    get_variable_values,
)
from strawberry.extensions import ValidationCache

from aisettings.models.limits import (
    DEFAULT_PAGE_SIZE,
    MAX_ALIASES,
    MAX_NODES,
    MAX_QUERY_DEPTH,
    MAX_SELECTIONS,
    MAX_TOKENS,
)

from .strawberry_internals import core_schema

LIMIT_EXCEEDED = "LIMIT_EXCEEDED"


@dataclass(frozen=True)
class RequestLimits:
    max_depth: int = MAX_QUERY_DEPTH
    max_aliases: int = MAX_ALIASES
    max_tokens: int = MAX_TOKENS
    max_selections: int = MAX_SELECTIONS
    max_nodes: int = MAX_NODES


@dataclass(frozen=True, slots=True)
class Cost:
    """What a selection set asks of one parent object: how deep its fields nest (its own are at depth 1),
    how many aliases it holds once its fragments are expanded, and how many objects its lists could
    return."""

    depth: int = 0
    aliases: int = 0
    nodes: int = 0

    def beside(self, other: Cost) -> Cost:
        return Cost(max(self.depth, other.depth), self.aliases + other.aliases, self.nodes + other.nodes)


NO_COST = Cost()


@cache  # one schema per process
def introspection_list_sizes(schema: GraphQLSchema) -> Mapping[tuple[str, str], int]:
    """The longest list each list field of the introspection types can return in `schema`: introspection
    is bounded like any other list, by what it could return."""
    types = list(schema.type_map.values())
    objects = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    inputs = [t for t in types if isinstance(t, GraphQLInputObjectType)]
    abstract = [t for t in types if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)]
    enums = [t for t in types if isinstance(t, GraphQLEnumType)]
    field_args = [len(f.args) for t in objects for f in t.fields.values()]
    return {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(schema.directives),
        ("__Type", "fields"): max((len(t.fields) for t in objects), default=0),
        ("__Type", "inputFields"): max((len(t.fields) for t in inputs), default=0),
        ("__Type", "interfaces"): max((len(t.interfaces) for t in objects), default=0),
        ("__Type", "possibleTypes"): max((len(schema.get_possible_types(t)) for t in abstract), default=0),
        ("__Type", "enumValues"): max((len(t.values) for t in enums), default=0),
        ("__Field", "args"): max(field_args, default=0),
        ("__Directive", "args"): max((len(d.args) for d in schema.directives), default=0),
    }


class _Walker:
    """Measures selections with the schema's types; each fragment once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables
        self._introspection_sizes = introspection_list_sizes(schema)
        self._fragment_costs: dict[str, Cost] = {}

    def selection_set(self, selections: SelectionSetNode, parent: GraphQLNamedType | None) -> Cost:
        cost = NO_COST
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                cost = cost.beside(self._field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._schema.get_type(condition.name.value) if condition else parent
                cost = cost.beside(self.selection_set(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                cost = cost.beside(self._fragment(selection.name.value))
        return cost

    def _fragment(self, name: str) -> Cost:
        if name in self._fragment_costs:
            return self._fragment_costs[name]
        self._fragment_costs[name] = NO_COST  # a fragment spreading itself (refused by validation)
        definition = self._fragments.get(name)
        if definition is not None:
            inner = self._schema.get_type(definition.type_condition.name.value)
            self._fragment_costs[name] = self.selection_set(definition.selection_set, inner)
        return self._fragment_costs[name]

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Cost:
        definition = self._definition(parent, node.name.value)
        below = NO_COST
        if node.selection_set is not None:
            named = get_named_type(definition.type) if definition is not None else None
            below = self.selection_set(node.selection_set, named)
        size = None if definition is None or parent is None else self._size(parent, definition, node)
        return Cost(
            depth=below.depth + 1,
            aliases=below.aliases + (node.alias is not None),
            nodes=(size or 0) + (1 if size is None else size) * below.nodes,
        )

    def _definition(self, parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is self._schema.query_type and name in ("__schema", "__type"):
            return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None

    def _size(self, parent: GraphQLNamedType, definition: GraphQLField, node: FieldNode) -> int | None:
        """How many objects the field could return when it is a list of them (a connection: its `first`;
        a list chosen by a list argument, as `nodes(ids:)`: that list's length); None otherwise."""
        if "first" in definition.args:
            first = self._arguments(definition, node).get("first")
            return DEFAULT_PAGE_SIZE if not isinstance(first, int) else max(first, 0)
        if not _is_list(definition):
            return None
        if (size := self._introspection_sizes.get((parent.name, node.name.value))) is not None:
            return size
        lists = [value for value in self._arguments(definition, node).values() if isinstance(value, list)]
        return len(lists[0]) if len(lists) == 1 else None

    def _arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        """The field's arguments coerced as the resolver will get them (operation defaults, `600.0` for an
        Int); none when they do not coerce, which validation or execution then reports."""
        try:
            return get_argument_values(definition, node, self._variables)
        except GraphQLError:
            return {}


def _is_list(definition: GraphQLField) -> bool:
    output = definition.type
    if isinstance(output, GraphQLNonNull):
        output = output.of_type
    return isinstance(output, GraphQLList)


def measure_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    raw_variables: Mapping[str, Any],
) -> Cost:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    variables = get_variable_values(schema, operation.variable_definitions or (), dict(raw_variables), 1)
    if isinstance(variables, list):  # does not coerce: execution reports it before anything runs
        variables = VariableValues(sources={}, coerced={})
    walker = _Walker(schema, fragments, variables)
    root = schema.get_root_type(operation.operation)
    return walker.selection_set(operation.selection_set, root) if root is not None else NO_COST


def count_selections(document: DocumentNode) -> int:
    """The selections written in the document (fields, fragment spreads, inline fragments), each once:
    fragments are not expanded."""

    def count(selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        total = 0
        for selection in selections.selections:
            total += 1 + count(getattr(selection, "selection_set", None))
        return total

    return sum(
        count(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, ExecutableDefinitionNode)
    )


class EnforceRequestLimits(ValidationCache):
    """Refuses, with LIMIT_EXCEEDED naming the limit, a request over any of `limits`, before graphql-core
    validates its document (validated documents are cached for `validation_cache_size` texts)."""

    def __init__(self, limits: RequestLimits, validation_cache_size: int) -> None:
        super().__init__(maxsize=validation_cache_size)
        self.limits = limits

    def on_operation(self) -> Iterator[None]:
        # graphql-core's parser stops counting at the limit: a huge document costs nothing more.
        self.execution_context.parse_options["max_tokens"] = self.limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        problem = self._problem()
        if problem is None:
            yield from super().on_validate()
            return
        self.execution_context.pre_execution_errors = [problem]  # validation does not run
        yield

    def _problem(self) -> GraphQLError | None:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return None
        return limits_problem(
            core_schema(context.schema), document, context.operation_name, context.variables, self.limits
        )


def limits_problem(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    limits: RequestLimits,
) -> GraphQLError | None:
    """The refusal of a request over any of `limits`, or None (the compiled plans check it too)."""
    selections = count_selections(document)
    if selections > limits.max_selections:
        return _refusal("selections", f"{selections} selections", limits.max_selections, selections)
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None  # several operations and no name, or none: execution refuses it
    cost = measure_operation(schema, document, operation, variables or {})
    checks = (
        ("depth", cost.depth, limits.max_depth, "selections nested {actual} deep"),
        ("aliases", cost.aliases, limits.max_aliases, "{actual} aliases"),
        ("nodes", cost.nodes, limits.max_nodes, "up to {actual} objects from its lists"),
    )
    for name, actual, maximum, what in checks:
        if actual > maximum:
            return _refusal(name, what.format(actual=actual), maximum, actual)
    return None


def _refusal(limit: str, what: str, maximum: int, actual: int) -> GraphQLError:
    return GraphQLError(
        f"The request asks for {what}; the limit is {maximum}.",
        extensions={"code": LIMIT_EXCEEDED, "limit": limit, "maximum": maximum, "actual": actual},
    )
