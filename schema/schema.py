"""The Schema object."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry.extensions import SchemaExtension

from .mutation import Mutation
from .query import Query
from .types import AuditEntry, Organization, Project, Repository


def build_schema(
    extensions: Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Organization, Project, Repository, AuditEntry],
        extensions=list(extensions),
    )
