"""The text of every argument and input field, checked before any resolver sees it, whether it comes as a
literal of the document or in a variable: text no database can store (NUL characters, which PostgreSQL
refuses, and unpaired surrogates, which JSON can carry and UTF-8 cannot encode) is BAD_USER_INPUT; text
longer than its place in the schema allows is LIMIT_EXCEEDED. One check for every argument, instead of
one in front of every query."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    OperationDefinitionNode,
    get_nullable_type,
    get_operation_ast,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from aisettings.models.limits import (
    MAX_BATCH_ID_LENGTH,
    MAX_CLIENT_MUTATION_ID_LENGTH,
    MAX_CURSOR_LENGTH,
    MAX_REPOSITORY_NAME_LENGTH,
    MAX_SEARCH_LENGTH,
    MAX_SLUG_LENGTH,
)
from aisettings.models.text import is_storable

from .argument_sites import ArgumentSitesCache
from .limits import LIMIT_EXCEEDED
from .strawberry_internals import core_schema

UNSTORABLE = "A string of the request holds a NUL character or an unpaired surrogate, which cannot be stored."

# The longest text of each String argument and input field, by its schema coordinate; the names of
# LIMITS_BY_NAME mean the same wherever they appear. The others (a repository's name and branch patterns)
# are checked by the mutations that take them, which answer a userError (models/repositories.py); IDs
# are global ids, checked as they are decoded (resolvers/global_ids.py).
LIMITS_BY_COORDINATE: Mapping[str, int] = {
    "Query.organization(slug:)": MAX_SLUG_LENGTH,
    "Organization.project(slug:)": MAX_SLUG_LENGTH,
    "Organization.repository(name:)": MAX_REPOSITORY_NAME_LENGTH,
    "RepositoryReference.name": MAX_REPOSITORY_NAME_LENGTH,
    "ProjectFilter.search": MAX_SEARCH_LENGTH,
    "ProjectFilter.slugs": MAX_SLUG_LENGTH,
    "AuditLogFilter.batchId": MAX_BATCH_ID_LENGTH,
}
LIMITS_BY_NAME: Mapping[str, int] = {
    "after": MAX_CURSOR_LENGTH,
    "clientMutationId": MAX_CLIENT_MUTATION_ID_LENGTH,
}


def text_limit(coordinate: str, name: str) -> int | None:
    """The longest text the argument or input field at `coordinate`, named `name`, takes; None: it is
    checked where it is used."""
    return LIMITS_BY_COORDINATE.get(coordinate, LIMITS_BY_NAME.get(name))


# (schema coordinate, the longest text allowed there, a text of the request)
Text = tuple[str, int | None, str]


def _texts(value: object, value_type: GraphQLInputType, coordinate: str, name: str) -> Iterator[Text]:
    """The strings of `value`, given where the schema expects `value_type`, each with its place."""
    nullable = get_nullable_type(value_type)
    if isinstance(nullable, GraphQLList):
        # A single value where a list is expected is a list of one.
        for item in value if isinstance(value, list) else [value]:
            yield from _texts(item, nullable.of_type, coordinate, name)
    elif isinstance(nullable, GraphQLInputObjectType) and isinstance(value, dict):
        for key, item in value.items():
            if key in nullable.fields:
                yield from _texts(item, nullable.fields[key].type, f"{nullable.name}.{key}", key)
    elif isinstance(value, str):
        yield coordinate, text_limit(coordinate, name), value


def _variable_values(
    operation: OperationDefinitionNode, variables: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The variables as given, and the defaults of those left out."""
    defaults = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    return {**defaults, **(variables or {})}


def _problem(texts: Iterator[Text]) -> GraphQLError | None:
    for coordinate, maximum, text in texts:
        if not is_storable(text):
            return GraphQLError(UNSTORABLE, extensions={"code": "BAD_USER_INPUT"})
        if maximum is not None and len(text) > maximum:
            return GraphQLError(
                f"The text of {coordinate} is {len(text)} characters long; the limit is {maximum}.",
                extensions={
                    "code": LIMIT_EXCEEDED,
                    "limit": "length",
                    "coordinate": coordinate,
                    "maximum": maximum,
                    "actual": len(text),
                },
            )
    return None


class CheckInputText(SchemaExtension):
    def __init__(self, sites: ArgumentSitesCache) -> None:
        self.sites = sites

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            variables = _variable_values(operation, context.variables)
            problem = _problem(
                text
                for site in self.sites.of(core_schema(context.schema), context.query, document, operation)
                for text in _texts(
                    value_from_ast_untyped(site.value, variables), site.value_type, site.coordinate, site.name
                )
            )
            if problem is not None:
                context.result = ExecutionResult(data=None, errors=[problem])
        yield
