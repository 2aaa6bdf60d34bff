"""The text of every argument and input field, checked before any resolver sees it, whether it comes as a
literal of the document or in a variable: text no database can store (NUL characters, which PostgreSQL
refuses, and unpaired surrogates, which JSON can carry and UTF-8 cannot encode) is BAD_USER_INPUT; text
longer than its place in the schema allows is LIMIT_EXCEEDED. One check for every argument, instead of
one in front of every query."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLSchema,
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

UNSTORABLE = "holds a NUL character or an unpaired surrogate, which cannot be stored"
# Text that a mutation validates itself, answering a userError at its place in the input (a repository's
# name and branch patterns: models/repositories.py): a script sending 100 repositories learns which one.
OWN_VALIDATION = frozenset(
    {
        "AddRepositoryInput.name",
        "AddRepositoryInput.branchPatterns",
        "UpdateRepositoryInput.branchPatterns",
        "BulkUpdateRepositoriesInput.branchPatterns",
    }
)

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


@dataclass(frozen=True, slots=True)
class Text:
    """A text of the request: its schema coordinate, its path from the argument, and its longest length."""

    coordinate: str
    path: tuple[str, ...]
    maximum: int | None
    value: str


def _texts(
    value: object, value_type: GraphQLInputType, coordinate: str, name: str, path: tuple[str, ...]
) -> Iterator[Text]:
    """The strings of `value`, given where the schema expects `value_type`, each with its place."""
    nullable = get_nullable_type(value_type)
    if isinstance(nullable, GraphQLList):
        # A single value where a list is expected is a list of one.
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            yield from _texts(item, nullable.of_type, coordinate, name, (*path, str(index)))
    elif isinstance(nullable, GraphQLInputObjectType) and isinstance(value, dict):
        for key, item in value.items():
            if key in nullable.fields:
                field_type = nullable.fields[key].type
                yield from _texts(item, field_type, f"{nullable.name}.{key}", key, (*path, key))
    elif isinstance(value, str):
        yield Text(coordinate, path, text_limit(coordinate, name), value)


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
    for text in texts:
        if not is_storable(text.value) and text.coordinate not in OWN_VALIDATION:
            return GraphQLError(
                f"The text at {'.'.join(text.path)} ({text.coordinate}) {UNSTORABLE}.",
                extensions={"code": "BAD_USER_INPUT", "inputPath": list(text.path)},
            )
        if text.maximum is not None and len(text.value) > text.maximum:
            return GraphQLError(
                f"The text of {text.coordinate} is {len(text.value)} characters long; "
                f"the limit is {text.maximum}.",
                extensions={
                    "code": LIMIT_EXCEEDED,
                    "limit": "length",
                    "coordinate": text.coordinate,
                    "maximum": text.maximum,
                    "actual": len(text.value),
                    "inputPath": list(text.path),
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
            problem = input_text_problem(
                self.sites, core_schema(context.schema), context.query, document, operation, context.variables
            )
            if problem is not None:
                context.result = ExecutionResult(data=None, errors=[problem])
        yield


def input_text_problem(
    sites: ArgumentSitesCache,
    schema: GraphQLSchema,
    query: str | None,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
) -> GraphQLError | None:
    """The first text of the request's arguments that cannot be stored or is too long, as the error to
    answer; None when every text is fine (the compiled plans check it too)."""
    values = _variable_values(operation, variables)
    return _problem(
        text
        for site in sites.of(schema, query, document, operation)
        for text in _texts(
            value_from_ast_untyped(site.value, values),
            site.value_type,
            site.coordinate,
            site.name,
            (site.name,),
        )
    )
