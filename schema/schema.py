"""The Schema object."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry.extensions import SchemaExtension

from .execution import FastFieldsExecutor
from .mutation import Mutation
from .query import Query
from .types import AuditEntry, Organization, Project, Repository


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    fast_fields: bool = True,
) -> strawberry.Schema:
    """The schema; `fast_fields=False` executes with graphql-core's executor alone (the reference the
    fast one is tested against)."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Organization, Project, Repository, AuditEntry],
        extensions=list(extensions),
        execution_context_class=FastFieldsExecutor if fast_fields else None,
    )
