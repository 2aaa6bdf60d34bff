"""The plans of the trusted documents, by document id and operation name, and what a request must pass
before its plan runs: the checks the general path makes before anything runs (variables that coerce,
the request limits, storable text), each answered by graphql-core when it fails."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_variable_values,
    parse,
    validate,
)

from aisettings.resolvers.context import Context

from ..argument_sites import ArgumentSitesCache
from ..input_text import input_text_problem
from ..limits import RequestLimits, limits_problem
from ..strawberry_internals import core_schema
from .building import Request, bind_object
from .selections import NotCovered
from .steps import ObjectStep, object_step

Answer = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """One query operation of a trusted document, compiled."""

    text: str
    document: DocumentNode
    operation: OperationDefinitionNode
    root: ObjectStep

    @property
    def name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None


class CompiledPlans:
    """The plans of `documents` (trusted documents' texts by id) that a plan covers."""

    def __init__(
        self, schema: strawberry.Schema, documents: Mapping[str, str], limits: RequestLimits
    ) -> None:
        self._schema = schema
        self._limits = limits
        self._sites = ArgumentSitesCache(len(documents))
        self._plans: dict[tuple[str, str | None], Plan] = {}
        for document_id, text in documents.items():
            plans = _compile(core_schema(schema), text, limits)
            for plan in plans:
                self._plans[document_id, plan.name] = plan
            if len(plans) == 1 and len(_operations(plans[0].document)) == 1:
                self._plans[document_id, None] = plans[0]  # a document's only operation, sent unnamed

    def __contains__(self, key: tuple[str, str | None]) -> bool:
        return key in self._plans

    async def answer(
        self,
        document_id: str | None,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        context: Context,
    ) -> Answer | None:
        """The `data` of the answer by the plan of the document's operation; None when graphql-core is to
        answer (no plan, a check that fails, anything met while building), from a fresh context."""
        plan = None if document_id is None else self._plans.get((document_id, operation_name))
        if plan is None:
            return None
        request = self._admitted(plan, variables, context)
        if request is None:
            return None
        context.ran_query = True
        try:
            data: Answer = await bind_object(plan.root, request)(None)
        except Exception:  # graphql-core answers, and reports what is to be reported
            context.release()
            return None
        return data

    def _admitted(self, plan: Plan, variables: Mapping[str, Any] | None, context: Context) -> Request | None:
        schema = core_schema(self._schema)
        raw = dict(variables or {})
        coerced = get_variable_values(schema, plan.operation.variable_definitions or (), raw, max_errors=1)
        if isinstance(coerced, list):
            return None
        if limits_problem(schema, plan.document, plan.name, raw, self._limits) is not None:
            return None
        if input_text_problem(self._sites, schema, plan.text, plan.document, plan.operation, raw) is not None:
            return None
        return Request(self._schema, context, coerced)


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def _compile(schema: GraphQLSchema, text: str, limits: RequestLimits) -> list[Plan]:
    """The plans of the document's query operations that a plan covers: none for a document that does
    not parse within the token limit or is not valid (graphql-core answers those)."""
    try:
        document = parse(text, max_tokens=limits.max_tokens)
    except GraphQLError:
        return []
    if validate(schema, document):
        return []
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    plans = []
    for operation in _operations(document):
        root = schema.query_type
        if operation.operation is not OperationType.QUERY or root is None:
            continue
        try:
            step = object_step(schema, fragments, root, [operation.selection_set])
        except NotCovered:
            continue
        plans.append(Plan(text, document, operation, step))
    return plans
