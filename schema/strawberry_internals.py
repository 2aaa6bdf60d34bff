"""Every use of Strawberry beyond its public API, in one place. Written against strawberry-graphql 0.341.2,
which pyproject.toml pins (0.341.x); `.ci/newest-releases` runs the tests on the newest release, and an
upgrade is checked against this list.

Read through the functions below (none is on a per-field path):
- `core_schema`: a schema's graphql-core schema, its `_schema` attribute.
- `raw_info`: graphql-core's resolve info that an Info wraps, its `_raw_info` field.
- `has_exception_handlers`: whether Strawberry's resolver wrapper converts a field's exceptions, from the
  schema converter's `_get_field_exception_handlers` (schema/direct_resolvers.py leaves such fields alone).
- `provided_operation_name`: the operation name the client sent, an ExecutionContext's
  `_provided_operation_name` (its `operation_name` falls back to the document's first operation's).
- `parse_with_cache`: ParserCache's `cached_parse_document`, the parser behind its cache.
- `enum_values`: the value definitions behind `__strawberry_definition__` of a registered enum, whose
  descriptions Strawberry prints in the schema when they are set after registration.
- `python_enum`: the Python enum behind a graphql-core enum type Strawberry made, its `wrapped_cls`.
- `serializes_by_isoformat`: whether a scalar is one of Strawberry's built-in date and time scalars, whose
  serialize is the `isoformat` methodcaller of its base_scalars module.
- `python_arguments`: a field's arguments converted as Strawberry's resolver wrapper converts them
  (`convert_arguments`, with the schema converter's scalar registry), for the compiled plans (schema/plans/).

Names from modules that are not Strawberry's public API, re-exported as they are:
- `StrawberryGraphQLCoreExecutionContext`, graphql-core's executor as Strawberry runs it, which
  schema/deadline.py extends (graphql-core's side of it: graphql_core_internals.py);
- `DEFINITION_BACKREF`, the key of the `extensions` entry in which a graphql-core type, field or argument
  that Strawberry made keeps Strawberry's definition of it;
- `StrawberryField`, `StrawberryArgument`, `StrawberryOptional`: those definitions;
- `NameConverter` (`CachedNameConverter` overrides its `apply_naming_config`), `OperationType`,
  `CannotGetOperationTypeError`, `InvalidOperationTypeError` and `get_graphql_ide_html`.

Used in place, where Strawberry's conventions are the logic itself or the code runs for every field, and
marked `# internals:` there:
- schema/execution.py, `source_resolver`: a field's resolver as Strawberry calls it, from a StrawberryField
  (`is_basic_field`, `default_resolver`, `python_name`, `extensions`, `base_resolver`) and its resolver
  (`is_async`, `arguments`, `info_parameter`, `root_parameter`, `parent_parameter`, `self_parameter`,
  `wrapped_func`); a basic field's resolver (`_get_basic_result`) ignores its info, which is None there;
- schema/execution.py, `_plain_object`: an object type's definition's `is_type_of`, None when the type's
  check is Strawberry's own, which looks at the value alone (FastFieldsExecutor calls it without info);
- schema/direct_resolvers.py: the same attributes, and each call builds the resolver's Info as Strawberry's
  wrapper does, `info_class(_raw_info=..., _field=...)`.

Behaviour relied upon through public names: an extension's `on_validate` that sets `pre_execution_errors`
before it yields replaces Strawberry's validation (schema/limits.py), as ValidationCache's does.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLEnumType, GraphQLResolveInfo, GraphQLScalarType, GraphQLSchema
from strawberry.extensions import ParserCache
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.name_converter import NameConverter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.schema.types import base_scalars
from strawberry.types import ExecutionContext
from strawberry.types.arguments import StrawberryArgument, convert_arguments
from strawberry.types.base import StrawberryOptional
from strawberry.types.enum import EnumValue, has_enum_definition
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType

__all__ = [
    "DEFINITION_BACKREF",
    "CannotGetOperationTypeError",
    "InvalidOperationTypeError",
    "NameConverter",
    "OperationType",
    "StrawberryArgument",
    "StrawberryField",
    "StrawberryGraphQLCoreExecutionContext",
    "StrawberryOptional",
    "core_schema",
    "enum_values",
    "get_graphql_ide_html",
    "has_exception_handlers",
    "parse_with_cache",
    "provided_operation_name",
    "python_arguments",
    "python_enum",
    "raw_info",
]

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


def core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    return schema._schema


def raw_info(info: strawberry.Info[Any, Any]) -> GraphQLResolveInfo[Any]:
    return info._raw_info


def has_exception_handlers(schema: strawberry.Schema, field: StrawberryField) -> bool:
    return bool(schema.schema_converter._get_field_exception_handlers(field))


def provided_operation_name(context: ExecutionContext) -> str | None:
    provided: str | None = getattr(context, "_provided_operation_name", None)
    return provided


def parse_with_cache(cache: ParserCache, query: str, parse_options: Mapping[str, Any]) -> DocumentNode:
    document: DocumentNode = cache.cached_parse_document(query, **parse_options)
    return document


def enum_values(registered: type[enum.Enum]) -> list[EnumValue]:
    definition = registered.__strawberry_definition__ if has_enum_definition(registered) else None
    assert definition is not None
    return definition.values


def python_enum(enum_type: GraphQLEnumType) -> type[enum.Enum] | None:
    wrapped: type[enum.Enum] | None = getattr(enum_type, "wrapped_cls", None)
    return wrapped


def python_arguments(
    schema: strawberry.Schema, field: StrawberryField, values: dict[str, Any]
) -> dict[str, Any]:
    """A field's arguments (as graphql-core coerces them) as Strawberry's resolver wrapper passes them to
    the resolver: by Python names, input objects and enums converted."""
    return convert_arguments(
        values, field.arguments, scalar_registry=schema.schema_converter.scalar_registry, config=schema.config
    )


def serializes_by_isoformat(scalar: GraphQLScalarType) -> bool:
    """Whether the scalar serializes a value as `value.isoformat()` (Strawberry's Date, DateTime, Time)."""
    return scalar.serialize is base_scalars.isoformat
