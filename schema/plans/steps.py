"""A plan's steps, made once per document: for each field of a selection, how it is read and completed;
for each object, its fields in the order of the answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import CodeType

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    SelectionSetNode,
)

from ..execution import Completer, completer
from .selections import NotCovered, collect_fields
from .sources import FieldReader, field_reader


@dataclass(frozen=True)
class FieldStep:
    response_name: str
    field: GraphQLField
    node: FieldNode  # the first of the field's nodes: validation makes their arguments the same
    reader: FieldReader
    complete: Completer | None  # a leaf's, or None for an object (or list of objects)
    child: ObjectStep | None
    is_list: bool
    non_null: bool

    @property
    def is_async(self) -> bool:
        return self.reader.is_async or (self.child is not None and self.child.is_async)


@dataclass(frozen=True)
class ObjectStep:
    type_name: str
    fields: tuple[FieldStep, ...]
    # Defines `build(source)`, the object's dict as one display of its fields, `{"slug":
    # shape_1(read_1(source)), ...}`, given each field's `read_<index>` and `shape_<index>` (building.py):
    # a field then costs its read and its completion, not a loop over closures (a page has some 60,000).
    code: CodeType

    @property
    def is_async(self) -> bool:
        return any(field.is_async for field in self.fields)


def object_step(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    object_type: GraphQLObjectType,
    selection_sets: Sequence[SelectionSetNode],
    *,
    in_list: bool = False,
) -> ObjectStep:
    """The step of an object's selections; NotCovered when the plan cannot do one of them, or would
    await in each item of a list (the resolvers batch those reads, and a plan does not)."""
    collected = collect_fields(schema, fragments, object_type, selection_sets)
    fields = tuple(
        _field_step(schema, fragments, object_type, name, nodes, in_list) for name, nodes in collected.items()
    )
    return ObjectStep(object_type.name, fields, _build_code(fields))


def _build_code(fields: Sequence[FieldStep]) -> CodeType:
    entries = [
        f"{field.response_name!r}: shape_{index}(read_{index}({'*' if field.reader.unpacks else ''}source))"
        for index, field in enumerate(fields)
    ]
    # Response names are GraphQL names (letters, digits, underscores), repr() quotes them all the same.
    return compile("def build(source):\n    return {" + ", ".join(entries) + "}\n", "<plan>", "exec")


def _field_step(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    parent: GraphQLObjectType,
    response_name: str,
    nodes: list[FieldNode],
    in_list: bool,
) -> FieldStep:
    node = nodes[0]
    name = node.name.value
    if name == "__typename":
        field = GraphQLField(GraphQLNonNull(GraphQLString))
        typename = FieldReader(lambda _: lambda _source: parent.name)
        return FieldStep(response_name, field, node, typename, completer(field.type), None, False, True)
    field = parent.fields.get(name)
    reader = None if field is None else field_reader(parent.name, name, field)
    if field is None or reader is None:
        raise NotCovered(f"{parent.name}.{name}")
    output, non_null, is_list = _shape(field.type)
    if isinstance(output, GraphQLLeafType):
        step = FieldStep(response_name, field, node, reader, completer(field.type), None, is_list, non_null)
    elif isinstance(output, GraphQLObjectType):
        below = [field_node.selection_set for field_node in nodes if field_node.selection_set is not None]
        child = object_step(schema, fragments, output, below, in_list=in_list or is_list)
        step = FieldStep(response_name, field, node, reader, None, child, is_list, non_null)
    else:
        raise NotCovered(f"{parent.name}.{name}, of an abstract type")
    if step.is_async and (in_list or (is_list and step.child is not None and step.child.is_async)):
        raise NotCovered(f"{parent.name}.{name}, which awaits in each item of a list")
    return step


def _shape(output: GraphQLOutputType) -> tuple[GraphQLNamedType, bool, bool]:
    """The named type of a field's type, whether the field is non-null, and whether it is a list: of
    leaves (which its completer completes whole) or of non-null objects (a null item would be an error
    to report, or a null in the list: graphql-core's part)."""
    non_null = isinstance(output, GraphQLNonNull)
    nullable = output.of_type if isinstance(output, GraphQLNonNull) else output
    if not isinstance(nullable, GraphQLList):
        assert isinstance(nullable, GraphQLNamedType)
        return nullable, non_null, False
    item = nullable.of_type
    named = item.of_type if isinstance(item, GraphQLNonNull) else item
    if isinstance(named, GraphQLLeafType) or (
        isinstance(item, GraphQLNonNull) and isinstance(named, GraphQLObjectType)
    ):
        return named, non_null, True
    raise NotCovered("a list of nullable objects, or of lists")
