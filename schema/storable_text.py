"""Rejects text no database can store before a resolver sees it: NUL characters (PostgreSQL refuses
them) and unpaired surrogates (which JSON can carry and UTF-8 cannot encode). One check for every
argument and variable, instead of one in front of every query."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from aisettings.models.text import is_storable

MESSAGE = "A string of the request holds a NUL character or an unpaired surrogate, which cannot be stored."


def _all_storable(value: object) -> bool:
    if isinstance(value, str):
        return is_storable(value)
    if isinstance(value, dict):
        return all(_all_storable(key) and _all_storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_all_storable(item) for item in value)
    return True


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.storable = True

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        self.storable = self.storable and is_storable(node.value)


class RejectUnstorableText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        literals = _StringLiterals()
        # A literal can only hold such text through a \\u escape, or if the query text itself holds it:
        # most documents need no walk at all.
        query = context.query or ""
        if context.graphql_document is not None and ("\\u" in query or not is_storable(query)):
            visit(context.graphql_document, literals)
        if not (literals.storable and _all_storable(context.variables)):
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(MESSAGE, extensions={"code": "BAD_USER_INPUT"})]
            )
        yield
