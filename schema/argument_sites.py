"""Where an operation passes values to the schema: each argument with its type and its schema coordinate
("Organization.projects(after:)"), found by walking the operation's selections and its document's
fragments with the schema's types. The walk depends on the document alone: it is kept per document text,
so that a request pays only for looking at its values (the tree page's walk took ~45 µs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    get_named_type,
)


@dataclass(frozen=True, slots=True)
class ArgumentSite:
    value: ValueNode
    value_type: GraphQLInputType
    coordinate: str
    name: str


def argument_sites(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> tuple[ArgumentSite, ...]:
    """The arguments of `operation` and of every fragment of `document` (each fragment once, wherever it
    is spread)."""
    sites = list(_of_selections(schema, operation.selection_set, schema.get_root_type(operation.operation)))
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            parent = schema.get_type(definition.type_condition.name.value)
            sites += _of_selections(schema, definition.selection_set, parent)
    return tuple(sites)


def _of_selections(
    schema: GraphQLSchema, selections: SelectionSetNode, parent: GraphQLNamedType | None
) -> Iterator[ArgumentSite]:
    for selection in selections.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = schema.get_type(condition.name.value) if condition else parent
            yield from _of_selections(schema, selection.selection_set, inner)
        elif isinstance(selection, FieldNode) and isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            yield from _of_field(schema, selection, parent)


def _of_field(
    schema: GraphQLSchema, field: FieldNode, parent: GraphQLObjectType | GraphQLInterfaceType
) -> Iterator[ArgumentSite]:
    definition = parent.fields.get(field.name.value)
    if definition is None:
        return  # __typename and introspection's fields, which reach no resolver of ours
    for argument in field.arguments or ():
        name = argument.name.value
        if name in definition.args:
            coordinate = f"{parent.name}.{field.name.value}({name}:)"
            yield ArgumentSite(argument.value, definition.args[name].type, coordinate, name)
    if field.selection_set is not None:
        yield from _of_selections(schema, field.selection_set, get_named_type(definition.type))


class ArgumentSitesCache:
    """`argument_sites` by document text and operation name, for the `size` documents used last (0:
    found again for every request)."""

    def __init__(self, size: int) -> None:
        self._sites: LRUCache[tuple[str, str | None], tuple[ArgumentSite, ...]] | None = (
            LRUCache(maxsize=size) if size else None
        )

    def of(
        self,
        schema: GraphQLSchema,
        query: str | None,
        document: DocumentNode,
        operation: OperationDefinitionNode,
    ) -> tuple[ArgumentSite, ...]:
        if self._sites is None or query is None:
            return argument_sites(schema, document, operation)
        key = (query, operation.name.value if operation.name else None)
        sites = self._sites.get(key)
        if sites is None:
            sites = self._sites[key] = argument_sites(schema, document, operation)
        return sites
