"""The Schema object."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from .deadline import DeadlineExecutor
from .direct_resolvers import install_direct_resolvers
from .execution import FastFieldsExecutor
from .mutation import Mutation
from .query import Query
from .strawberry_internals import NameConverter
from .types import AuditEntry, Organization, Project, Repository


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Strawberry logs every error here; the app logs the faults that are ours, each with the id its
        answer carries (app/errors.py). The client's mistakes are answers, not log lines."""


class CachedNameConverter(NameConverter):
    """Strawberry converts every argument's Python name to camelCase again each time a resolver with
    arguments runs (1000 times for a page's `repositories`); the conversion depends on the name alone."""

    @cache  # noqa: B019 - one converter per process, and as many entries as the schema has names
    def apply_naming_config(self, name: str) -> str:
        return super().apply_naming_config(name)


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    fast_fields: bool = True,
) -> Schema:
    """The schema; `fast_fields=False` executes with graphql-core's executor and Strawberry's resolver
    wrappers alone (the reference the fast ways are tested against)."""
    schema = Schema(
        query=Query,
        mutation=Mutation,
        types=[Organization, Project, Repository, AuditEntry],
        extensions=list(extensions),
        execution_context_class=FastFieldsExecutor if fast_fields else DeadlineExecutor,
        config=StrawberryConfig(name_converter=CachedNameConverter()),
    )
    if fast_fields:
        install_direct_resolvers(schema)
    return schema
