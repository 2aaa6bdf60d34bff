"""Parsing cached by query text (bounded): Strawberry's ParserCache, except for documents that do not
parse, which are left to Strawberry's own parsing so that their errors are reported like any other."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache

from .strawberry_internals import parse_with_cache


class CachedParsing(ParserCache):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        # A document that does not parse is not cached: Strawberry parses it again and answers the error.
        if context.query:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = parse_with_cache(self, context.query, context.parse_options)
        yield
