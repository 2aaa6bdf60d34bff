"""Every mutation, through the clients' documents, with inputs Hypothesis makes up (made_up_inputs.py).
Whatever the input, the answer is HTTP 200 with a payload, or a request error the client caused (a variable
of the wrong type, text no database stores); never INTERNAL_SERVER_ERROR. A payload with userErrors names,
for each, a part of the input, a code and a sentence, and nothing was written; nor was anything on dryRun."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLInputType, GraphQLList, get_nullable_type
from graphql import build_schema as build_graphql_schema
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import Role
from aisettings.schema.schema import build_schema
from tests.factories import stored_rows
from tests.graphql import document, post
from tests.resolvers.mutations.made_up_inputs import (
    World,
    add_repository_input,
    bulk_project_settings_input,
    bulk_repositories_input,
    make_world,
    organization_settings_input,
    project_settings_input,
    remove_repository_input,
    reset_project_settings_input,
    roles,
    save_settings_input,
    stopping_point_input,
    update_repository_input,
)

SCHEMA = build_graphql_schema(build_schema().as_str())
REPOSITORIES = document("Repositories")

# Each example makes its world and sends a few requests, and the suite runs on both databases: a fifth of
# the profile's examples (20 of Hypothesis' default 100; `pytest --hypothesis-profile thorough` runs 200).
# The examples of a test share its function-scoped fixtures, which is safe: each makes a world of its own.
REQUEST_EXAMPLES = settings(
    max_examples=settings().max_examples // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Codes of request errors that are the client's doing, not ours.
CLIENT_ERROR_CODES = {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "LIMIT_EXCEEDED"}


@dataclass(frozen=True)
class Mutation:
    query: str
    field: str
    inputs: Callable[[World], st.SearchStrategy[dict[str, Any]]]

    @property
    def operation_name(self) -> str:
        return self.field[0].upper() + self.field[1:]

    @property
    def input_type(self) -> GraphQLInputType:
        mutation_type = SCHEMA.mutation_type
        assert mutation_type is not None
        input_type: GraphQLInputType = mutation_type.fields[self.field].args["input"].type
        return input_type


MUTATIONS = [
    Mutation(
        document("UpdateOrganizationSettings"), "updateOrganizationSettings", organization_settings_input
    ),
    Mutation(document("UpdateProjectSettings"), "updateProjectSettings", project_settings_input),
    Mutation(document("BulkUpdateProjectSettings"), "bulkUpdateProjectSettings", bulk_project_settings_input),
    Mutation(document("ResetProjectSettings"), "resetProjectSettings", reset_project_settings_input),
    Mutation(document("SetStoppingPoint"), "setStoppingPoint", stopping_point_input),
    Mutation(document("SaveSettings"), "saveSettings", save_settings_input),
    Mutation(REPOSITORIES, "addRepository", add_repository_input),
    Mutation(REPOSITORIES, "updateRepository", update_repository_input),
    Mutation(REPOSITORIES, "removeRepository", remove_repository_input),
    Mutation(REPOSITORIES, "bulkUpdateRepositories", bulk_repositories_input),
]


async def assert_answered_without_server_error(
    engine: AsyncEngine, client: httpx.AsyncClient, world: World, mutation: Mutation, input: dict[str, Any]
) -> None:
    """The property of the module's docstring; also that nothing was written when `input` says dryRun."""
    before = await stored_rows(engine)

    response = await post(client, world.token, mutation.query, {"input": input}, mutation.operation_name)

    body = response.json()
    assert response.status_code == 200, body
    if "errors" in body:
        codes = {error["extensions"]["code"] for error in body["errors"]}
        event("request error", ",".join(sorted(codes)))
        assert codes <= CLIENT_ERROR_CODES, body
        assert await stored_rows(engine) == before
        return
    payload = body["data"][mutation.field]
    event("userErrors", ",".join(sorted({error["code"] for error in payload["userErrors"]})) or "none")
    for error in payload["userErrors"]:
        assert error["message"], error
        assert error["field"] is None or names_a_part_of(input, error["field"], mutation.input_type), error
    if payload["userErrors"] or input.get("dryRun"):
        assert await stored_rows(engine) == before


def names_a_part_of(input: dict[str, Any], field: list[str], input_type: GraphQLInputType) -> bool:
    """Whether `field` (["input", "projectIds", "3"]) is a path into `input` of `input_type`: through the
    values it holds, up to a last field it may leave out (as in "projectStoppingPoint is required")."""
    if field[:1] != ["input"]:
        return False
    value: Any = input
    value_type = get_nullable_type(input_type)
    for depth, key in enumerate(field[1:], start=2):
        if isinstance(value_type, GraphQLList) and isinstance(value, list):
            if not (key.isdigit() and int(key) < len(value)):
                return False
            value, value_type = value[int(key)], get_nullable_type(value_type.of_type)
        elif isinstance(value_type, GraphQLInputObjectType) and key in value_type.fields:
            if not (isinstance(value, dict) and key in value):
                return depth == len(field)
            value, value_type = value[key], get_nullable_type(value_type.fields[key].type)
        else:
            return False
    return True


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mutation.field for mutation in MUTATIONS])
@settings(REQUEST_EXAMPLES)
@given(data=st.data(), role=roles())
async def test_any_input_is_answered_without_server_error(
    engine: AsyncEngine, client: httpx.AsyncClient, mutation: Mutation, data: st.DataObject, role: Role
) -> None:
    world = await make_world(engine, role)
    input = data.draw(mutation.inputs(world), label="input")

    await assert_answered_without_server_error(engine, client, world, mutation, input)
