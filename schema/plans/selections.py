"""The fields of selection sets, merged by response name in the order graphql-core collects them
(fragments expanded in place, each once per selection set), for a plan made once per document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    type_from_ast,
)

Fields = dict[str, list[FieldNode]]


class NotCovered(Exception):
    """What a plan does not do: graphql-core does it."""


def collect_fields(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    parent: GraphQLObjectType,
    selection_sets: Sequence[SelectionSetNode],
) -> Fields:
    """The fields of `selection_sets` on an object of type `parent`, by response name. A directive
    (`@skip`, `@include`) is not covered: its value may change from one request to the next."""
    fields: Fields = {}
    visited: set[str] = set()
    for selection_set in selection_sets:
        _collect(schema, fragments, parent, selection_set, fields, visited)
    return fields


def _collect(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fields: Fields,
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if selection.directives:
            raise NotCovered("a directive")
        if isinstance(selection, FieldNode):
            name = selection.alias.value if selection.alias else selection.name.value
            fields.setdefault(name, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if _applies(schema, selection.type_condition, parent):
                _collect(schema, fragments, parent, selection.selection_set, fields, visited)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in visited:
            visited.add(selection.name.value)
            fragment = fragments[selection.name.value]
            if _applies(schema, fragment.type_condition, parent):
                _collect(schema, fragments, parent, fragment.selection_set, fields, visited)


def _applies(schema: GraphQLSchema, condition: NamedTypeNode | None, parent: GraphQLObjectType) -> bool:
    """As graphql-core's does_fragment_condition_match, for an object type."""
    if condition is None:
        return True
    condition_type = type_from_ast(schema, condition)
    if condition_type is parent:
        return True
    return condition_type is not None and schema.is_sub_type(condition_type, parent)  # type: ignore[arg-type]
