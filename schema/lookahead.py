"""What a query asks below the field being resolved, read before its items are made: the resolver of a
list can then load in one batch what every item's sub-fields will need, and the items complete at once
instead of each awaiting its own share of the batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    VariableValues,
    get_argument_values,
    get_directive_values,
)

from .strawberry_internals import raw_info


def arguments_at(
    info: strawberry.Info[Any, Any], path: Sequence[str], type_name: str
) -> Iterator[dict[str, Any]]:
    """The arguments (coerced as the resolver gets them) of each selection of the field reached from the
    field being resolved by the field names of `path`, whose last is a field of the type `type_name`;
    through fragments, and without what `@skip` or `@include` leaves out."""
    resolve_info = raw_info(info)  # graphql-core's, whose fragments and schema Strawberry's Info keeps
    parent = resolve_info.schema.get_type(type_name)
    assert isinstance(parent, GraphQLObjectType)
    walk = _Walk(resolve_info.fragments, VariableValues(sources={}, coerced=info.variable_values))
    selection_sets = [
        node.selection_set for node in resolve_info.field_nodes if node.selection_set is not None
    ]
    return walk.arguments(selection_sets, path, parent.fields[path[-1]])


class _Walk:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: VariableValues) -> None:
        self._fragments = fragments
        # Strawberry gives resolvers the coerced values alone, which is all that the coercion of
        # arguments and directives reads.
        self._variables = variables

    def arguments(
        self, selection_sets: Iterable[SelectionSetNode], path: Sequence[str], field: GraphQLField
    ) -> Iterator[dict[str, Any]]:
        name, rest = path[0], path[1:]
        selected = [node for node in self._fields(selection_sets, set()) if node.name.value == name]
        if not rest:
            for node in selected:
                yield get_argument_values(field, node, self._variables)
            return
        below = [node.selection_set for node in selected if node.selection_set is not None]
        if below:
            yield from self.arguments(below, rest, field)

    def _fields(self, selection_sets: Iterable[SelectionSetNode], visited: set[str]) -> Iterator[FieldNode]:
        """The fields of the selection sets, through their fragments, each fragment once, as graphql-core
        collects them: a fragment spread twice at every level costs its text, not 2^levels walks."""
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    yield selection
                elif isinstance(selection, InlineFragmentNode):
                    yield from self._fields([selection.selection_set], visited)
                elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in visited:
                    visited.add(selection.name.value)
                    yield from self._fields([self._fragments[selection.name.value].selection_set], visited)

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self._variables)
        include = get_directive_values(GraphQLIncludeDirective, node, self._variables)
        return not (skip and skip["if"]) and not (include and not include["if"])
