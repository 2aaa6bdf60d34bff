"""What the /graphql endpoint learns about a request that the layers around it report (the metrics of
app/metrics.py): its operation, as a bounded label, the codes of its errors, and whether the response
cache answered it. Kept in the request's ASGI scope, as Starlette keeps the matched route there."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.types import Scope

_KEY = "aisettings.graphql"
# Operation labels besides the names of the trusted documents' operations (app/trusted_documents.py).
OTHER = "other"
ANONYMOUS = "anonymous"


@dataclass
class GraphQLFacts:
    operation: str = OTHER
    error_codes: list[str] = field(default_factory=list)
    cache_hit: bool | None = None  # None: a request the response cache has no say in (a mutation, an error)


def graphql_facts(scope: Scope) -> GraphQLFacts:
    """The facts of the request of `scope`, empty at first."""
    facts: GraphQLFacts = scope.setdefault(_KEY, GraphQLFacts())
    return facts


def recorded_graphql_facts(scope: Scope) -> GraphQLFacts | None:
    """The facts the endpoint noted, or None for a request that did not reach it."""
    facts: GraphQLFacts | None = scope.get(_KEY)
    return facts
