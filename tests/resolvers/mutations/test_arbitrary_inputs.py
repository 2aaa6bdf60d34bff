"""Every mutation, through the clients' documents, with inputs Hypothesis makes up: ids real and made up, of
every type and of another organization, any text for names and branch patterns, any setting values,
versions and flags. Whatever the input, the answer is HTTP 200 with a payload, or a request error the client
caused (a variable of the wrong type, text no database stores); never INTERNAL_SERVER_ERROR. A payload
with userErrors names, for each, a part of the input, a code and a sentence, and nothing was written.

Each example creates its own organization (the tables are emptied only after the whole test), so every
example starts from the same state."""

from __future__ import annotations

import itertools
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

from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import MAX_PRIMARY_KEY, Role
from aisettings.resolvers.global_ids import NODE_TYPES, encode_global_id
from aisettings.schema.schema import build_schema
from tests.factories import make_organization, make_project, make_repository, make_token, stored_rows
from tests.graphql import document, post

REPOSITORIES = document("Repositories")
SCHEMA = build_graphql_schema(build_schema().as_str())

# Each example makes its data and sends a few requests, and the suite runs on both databases: a fifth of the
# profile's examples (20 of Hypothesis' default 100; `pytest --hypothesis-profile thorough` runs 200). All
# examples of a test share one use of its function-scoped fixtures (engine, client), so each makes its own
# organization.
REQUEST_EXAMPLES = settings(
    max_examples=settings().max_examples // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Codes of request errors that are the client's doing, not ours.
CLIENT_ERROR_CODES = {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "LIMIT_EXCEEDED"}

SETTING_NAMES = ["SCAN_ENABLED", "FIX_ENABLED", "STOPPING_POINT"]
STOPPING_POINTS = ["SUGGESTION", "PULL_REQUEST", "MERGE"]
PROVIDERS = ["GITHUB", "GITLAB", "BITBUCKET"]
_organizations = itertools.count()


@dataclass(frozen=True)
class World:
    """An organization with two projects and three repositories (one setting locked, some overridden),
    another organization with one of each, and a token of the first in `role`: the global ids by type."""

    token: str
    organization_ids: list[str]
    project_ids: list[str]
    repository_ids: list[str]
    project_slugs: list[str]


async def make_world(engine: AsyncEngine, role: Role) -> World:
    number = next(_organizations)
    org = await make_organization(
        engine, f"org{number}", settings={"fix_enabled": True}, locked=["stopping_point"]
    )
    web = await make_project(
        engine, org, "web", overrides={"scan_enabled": False, "stopping_point": StoppingPoint.MERGE}
    )
    api = await make_project(engine, org, "api")
    repositories = [
        await make_repository(engine, web, f"org{number}/web", branch_patterns=["main"]),
        await make_repository(engine, web, f"org{number}/web-docs", provider="GITLAB", ai_enabled=False),
        await make_repository(engine, api, f"org{number}/api"),
    ]
    other = await make_organization(engine, f"other{number}")
    secret = await make_project(engine, other, "secret")
    hidden = await make_repository(engine, secret, f"other{number}/secret")
    return World(
        token=await make_token(engine, org, f"user{number}", role),
        organization_ids=[encode_global_id("Organization", key) for key in (org.id, other.id)],
        project_ids=[encode_global_id("Project", key) for key in (web, api, secret)],
        repository_ids=[encode_global_id("Repository", key) for key in (*repositories, hidden)],
        project_slugs=["web", "api", "secret"],
    )


def made_up_ids() -> st.SearchStrategy[str]:
    """Ids that may name nothing: any text, or a well-formed id of any type and number."""
    return st.text(max_size=30) | st.builds(
        encode_global_id,
        st.sampled_from([*NODE_TYPES, "User"]),
        st.integers(min_value=-1, max_value=MAX_PRIMARY_KEY + 1),
    )


def ids(world: World, real: list[str]) -> st.SearchStrategy[str]:
    """Mostly one of the `real` ids; else an id of another type or organization, or a made-up one."""
    right = st.sampled_from(real)
    every_id = world.organization_ids + world.project_ids + world.repository_ids
    return st.one_of(right, right, right, st.sampled_from(every_id), made_up_ids())


def some(values: list[str]) -> st.SearchStrategy[str]:
    """One of `values`, or any text (which GraphQL rejects for an enum)."""
    return st.sampled_from(values) | st.text(max_size=12)


def nullable(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def branch_patterns() -> st.SearchStrategy[list[str]]:
    glob_text = st.text(alphabet="ab/*?[]!.-_@{}~^: \\", max_size=12)
    return st.lists(st.sampled_from(["main", "release/*", "v[0-9]*"]) | glob_text | st.text(), max_size=55)


def repository_names() -> st.SearchStrategy[str]:
    return st.text(alphabet="aZ09/._-", max_size=20) | st.text(max_size=260)


def versions() -> st.SearchStrategy[int]:
    """Mostly a version the objects may have; sometimes any integer, which GraphQL's Int may refuse."""
    return st.integers(min_value=-1, max_value=4) | st.integers()


def client_mutation_ids() -> st.SearchStrategy[str | None]:
    return nullable(st.text(max_size=20))


def changes() -> st.SearchStrategy[dict[str, Any]]:
    """Settings changes: left out, null, or a value (or a value of the wrong type)."""
    return st.fixed_dictionaries(
        {},
        optional={
            "scanEnabled": nullable(st.booleans()),
            "fixEnabled": nullable(st.booleans() | st.integers()),
            "stoppingPoint": nullable(some(STOPPING_POINTS)),
        },
    )


def project_filters(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "hasOverrides": nullable(st.booleans()),
            "overrides": nullable(st.lists(some(SETTING_NAMES), max_size=4)),
            "search": nullable(st.text(max_size=20)),
            "slugs": nullable(
                st.lists(st.sampled_from(world.project_slugs) | st.text(max_size=10), max_size=4)
            ),
        },
    )


def roles() -> st.SearchStrategy[Role]:
    """Mostly the owner, who may write everything, so that inputs reach their validation."""
    return st.sampled_from([Role.OWNER, Role.OWNER, Role.ADMIN, Role.MEMBER])


async def assert_answered_without_server_error(
    engine: AsyncEngine, client: httpx.AsyncClient, world: World, mutation: Mutation, input: dict[str, Any]
) -> None:
    """The property of the module's docstring; also that nothing was written when `input` says dryRun."""
    before = await stored_rows(engine)

    response = await post(
        client, world.token, mutation.query, {"input": input}, mutation.field[0].upper() + mutation.field[1:]
    )

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


def organization_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"organizationId": ids(world, world.organization_ids[:1])},
        optional={
            "scanEnabled": nullable(st.booleans()),
            "fixEnabled": nullable(st.booleans()),
            "stoppingPoint": nullable(some(STOPPING_POINTS)),
            "lockedSettings": nullable(st.lists(some(SETTING_NAMES), max_size=5)),
            "expectedVersion": nullable(versions()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def project_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"projectId": ids(world, world.project_ids[:2]), "changes": changes()},
        optional={"expectedVersion": nullable(versions()), "clientMutationId": client_mutation_ids()},
    )


def project_ids(world: World) -> st.SearchStrategy[list[str]]:
    return st.lists(ids(world, world.project_ids[:2]), max_size=4)


def bulk_project_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"organizationId": ids(world, world.organization_ids[:1]), "changes": changes()},
        optional={
            "projectIds": nullable(project_ids(world)),
            "filter": nullable(project_filters(world)),
            "dryRun": nullable(st.booleans()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def reset_project_settings_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"projectIds": project_ids(world)},
        optional={
            "settings": nullable(st.lists(some(SETTING_NAMES), max_size=4)),
            "dryRun": nullable(st.booleans()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def stopping_point_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"organizationId": ids(world, world.organization_ids[:1])},
        optional={
            "organizationStoppingPoint": nullable(some(STOPPING_POINTS)),
            "projectIds": nullable(project_ids(world)),
            "projectStoppingPoint": nullable(some(STOPPING_POINTS)),
            "clientMutationId": client_mutation_ids(),
        },
    )


def add_repository_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "projectId": ids(world, world.project_ids[:2]),
            "provider": some(PROVIDERS),
            "name": repository_names(),
        },
        optional={
            "aiEnabled": nullable(st.booleans()),
            "branchPatterns": nullable(branch_patterns()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def update_repository_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"repositoryId": ids(world, world.repository_ids[:3])},
        optional={
            "aiEnabled": nullable(st.booleans()),
            "branchPatterns": nullable(branch_patterns()),
            "clientMutationId": client_mutation_ids(),
        },
    )


def remove_repository_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"repositoryId": ids(world, world.repository_ids[:3])},
        optional={"clientMutationId": client_mutation_ids()},
    )


def bulk_repositories_input(world: World) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"repositoryIds": st.lists(ids(world, world.repository_ids[:3]), max_size=4)},
        optional={
            "aiEnabled": nullable(st.booleans()),
            "branchPatterns": nullable(branch_patterns()),
            "clientMutationId": client_mutation_ids(),
        },
    )


@dataclass(frozen=True)
class Mutation:
    query: str
    field: str
    inputs: Callable[[World], st.SearchStrategy[dict[str, Any]]]

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
    Mutation(REPOSITORIES, "addRepository", add_repository_input),
    Mutation(REPOSITORIES, "updateRepository", update_repository_input),
    Mutation(REPOSITORIES, "removeRepository", remove_repository_input),
    Mutation(REPOSITORIES, "bulkUpdateRepositories", bulk_repositories_input),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[mutation.field for mutation in MUTATIONS])
@settings(REQUEST_EXAMPLES)
@given(data=st.data(), role=roles())
async def test_any_input_is_answered_without_server_error(
    engine: AsyncEngine, client: httpx.AsyncClient, mutation: Mutation, data: st.DataObject, role: Role
) -> None:
    world = await make_world(engine, role)
    input = data.draw(mutation.inputs(world), label="input")

    await assert_answered_without_server_error(engine, client, world, mutation, input)
