"""Who may run which mutation: a member may change nothing, an admin projects and repositories, an owner
everything; an owner of another organization finds nothing, exactly as if the ids did not exist. The scope
is checked before the input is validated. Every refusal writes nothing, and every payload echoes its
clientMutationId."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import MAX_PRIMARY_KEY, Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_organization, make_project, make_repository, make_token, stored_rows
from tests.graphql import execute
from tests.read_back import audit_log

CLIENT_MUTATION_ID = "request-42"


@dataclass(frozen=True)
class Targets:
    """The global ids a mutation's input names."""

    organization: str
    project: str
    repository: str

    def all(self) -> list[str]:
        return [self.organization, self.project, self.repository]


NONEXISTENT = Targets(
    encode_global_id("Organization", MAX_PRIMARY_KEY),
    encode_global_id("Project", MAX_PRIMARY_KEY),
    encode_global_id("Repository", MAX_PRIMARY_KEY),
)


@dataclass(frozen=True)
class Mutation:
    field: str
    input_type: str
    # What the payload answers besides userErrors and clientMutationId, and what it is when refused.
    result: str
    refused_result: dict[str, Any]
    # An input that changes something in acme as given_acme makes it.
    input: Callable[[Targets], dict[str, Any]]

    @property
    def document(self) -> str:
        return (
            f"mutation Run($input: {self.input_type}!) {{ {self.field}(input: $input) "
            f"{{ {self.result} userErrors {{ field code message }} clientMutationId }} }}"
        )


# What saveSettings answers besides its userErrors and clientMutationId, and what it is when refused.
SAVE_SETTINGS_RESULTS: tuple[str, dict[str, Any]] = (
    "organization { id } projects { id } auditEntries { id } batchId",
    {"organization": None, "projects": [], "auditEntries": [], "batchId": None},
)

MUTATIONS = {
    "updateOrganizationSettings": Mutation(
        "updateOrganizationSettings",
        "UpdateOrganizationSettingsInput",
        "organization { id } auditEntries { id }",
        {"organization": None, "auditEntries": []},
        lambda ids: {"organizationId": ids.organization, "fixEnabled": True},
    ),
    "updateProjectSettings": Mutation(
        "updateProjectSettings",
        "UpdateProjectSettingsInput",
        "project { id } auditEntries { id }",
        {"project": None, "auditEntries": []},
        lambda ids: {"projectId": ids.project, "changes": {"fixEnabled": True}},
    ),
    "bulkUpdateProjectSettings": Mutation(
        "bulkUpdateProjectSettings",
        "BulkUpdateProjectSettingsInput",
        "affectedCount diffs { changedSettings } batchId",
        {"affectedCount": 0, "diffs": [], "batchId": None},
        lambda ids: {
            "organizationId": ids.organization,
            "projectIds": [ids.project],
            "changes": {"fixEnabled": True},
        },
    ),
    "resetProjectSettings": Mutation(
        "resetProjectSettings",
        "ResetProjectSettingsInput",
        "projects { id } diffs { changedSettings } batchId",
        {"projects": [], "diffs": [], "batchId": None},
        lambda ids: {"projectIds": [ids.project]},
    ),
    "setStoppingPoint-organization": Mutation(
        "setStoppingPoint",
        "SetStoppingPointInput",
        "organization { id } projects { id } batchId",
        {"organization": None, "projects": [], "batchId": None},
        lambda ids: {"organizationId": ids.organization, "organizationStoppingPoint": "MERGE"},
    ),
    "setStoppingPoint-projects": Mutation(
        "setStoppingPoint",
        "SetStoppingPointInput",
        "organization { id } projects { id } batchId",
        {"organization": None, "projects": [], "batchId": None},
        lambda ids: {
            "organizationId": ids.organization,
            "projectIds": [ids.project],
            "projectStoppingPoint": "MERGE",
        },
    ),
    "saveSettings-organization": Mutation(
        "saveSettings",
        "SaveSettingsInput",
        *SAVE_SETTINGS_RESULTS,
        lambda ids: {"organizationId": ids.organization, "organization": {"fixEnabled": True}},
    ),
    "saveSettings-projects": Mutation(
        "saveSettings",
        "SaveSettingsInput",
        *SAVE_SETTINGS_RESULTS,
        lambda ids: {
            "organizationId": ids.organization,
            "projects": [{"projectId": ids.project, "changes": {"fixEnabled": True}}],
        },
    ),
    "addRepository": Mutation(
        "addRepository",
        "AddRepositoryInput",
        "repository { id }",
        {"repository": None},
        lambda ids: {"projectId": ids.project, "provider": "GITHUB", "name": "acme/api"},
    ),
    "updateRepository": Mutation(
        "updateRepository",
        "UpdateRepositoryInput",
        "repository { id }",
        {"repository": None},
        lambda ids: {"repositoryId": ids.repository, "aiEnabled": False},
    ),
    "removeRepository": Mutation(
        "removeRepository",
        "RemoveRepositoryInput",
        "removedRepositoryId",
        {"removedRepositoryId": None},
        lambda ids: {"repositoryId": ids.repository},
    ),
    "bulkUpdateRepositories": Mutation(
        "bulkUpdateRepositories",
        "BulkUpdateRepositoriesInput",
        "repositories { id } batchId",
        {"repositories": [], "batchId": None},
        lambda ids: {"repositoryIds": [ids.repository], "aiEnabled": False},
    ),
}

ALLOWED = None
ROLES = ["member", "admin", "owner", "other-owner"]

# The outcome of each mutation for each role: ALLOWED, or the code of the one user error it answers.
MATRIX = {
    #                                   member       admin        owner    other-owner
    "updateOrganizationSettings": ("FORBIDDEN", "FORBIDDEN", ALLOWED, "NOT_FOUND"),
    "updateProjectSettings": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "bulkUpdateProjectSettings": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "resetProjectSettings": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "setStoppingPoint-organization": ("FORBIDDEN", "FORBIDDEN", ALLOWED, "NOT_FOUND"),
    "setStoppingPoint-projects": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "saveSettings-organization": ("FORBIDDEN", "FORBIDDEN", ALLOWED, "NOT_FOUND"),
    "saveSettings-projects": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "addRepository": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "updateRepository": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "removeRepository": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
    "bulkUpdateRepositories": ("FORBIDDEN", ALLOWED, ALLOWED, "NOT_FOUND"),
}

CASES = [
    pytest.param(name, role, outcome, id=f"{name}-{role}")
    for name, outcomes in MATRIX.items()
    for role, outcome in zip(ROLES, outcomes, strict=True)
]
REFUSED_CASES = [case for case in CASES if case.values[2] is not ALLOWED]
ALLOWED_CASES = [case for case in CASES if case.values[2] is ALLOWED]


@dataclass(frozen=True)
class Given:
    targets: Targets
    token: str
    login: str


async def given_acme(engine: AsyncEngine, role: str) -> Given:
    """acme with settings of its own, a project `web` overriding scanEnabled, a repository acme/web, and a
    token of `role`: a member, admin or owner of acme, or an owner of another organization `other`."""
    acme = await make_organization(engine, "acme", settings={"fix_enabled": False})
    web = await make_project(engine, acme, "web", overrides={"scan_enabled": False})
    targets = Targets(
        encode_global_id("Organization", acme.id),
        encode_global_id("Project", web),
        encode_global_id("Repository", await make_repository(engine, web, "acme/web")),
    )
    if role == "other-owner":
        other = await make_organization(engine, "other")
        await make_repository(engine, await make_project(engine, other, "web"), "other/web")
        return Given(targets, await make_token(engine, other, "mallory", Role.OWNER), "mallory")
    login = {"member": "mia", "admin": "adam", "owner": "olivia"}[role]
    return Given(targets, await make_token(engine, acme, login, Role(role)), login)


async def run(
    client: httpx.AsyncClient, token: str, mutation: Mutation, targets: Targets, **extra: Any
) -> dict[str, Any]:
    """The payload of `mutation` with its input for `targets`."""
    data = await execute(client, token, mutation.document, {"input": {**mutation.input(targets), **extra}})
    payload: dict[str, Any] = data[mutation.field]
    return payload


def with_placeholders(errors: list[dict[str, Any]], targets: Targets) -> list[dict[str, Any]]:
    """The user errors with each of the ids of `targets` in their messages replaced by '<id>'."""
    placed = []
    for error in errors:
        message = error["message"]
        for global_id in targets.all():
            message = message.replace(global_id, "<id>")
        placed.append({**error, "message": message})
    return placed


@pytest.mark.parametrize(("name", "role", "outcome"), ALLOWED_CASES)
async def test_role_with_the_scope_runs_the_mutation(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str, role: str, outcome: None
) -> None:
    given = await given_acme(engine, role)

    payload = await run(client, given.token, MUTATIONS[name], given.targets)

    assert payload["userErrors"] == []
    entries = await audit_log(client, given.token)
    assert entries["totalCount"] >= 1
    assert {entry["actor"] for entry in entries["nodes"]} == {given.login}


@pytest.mark.parametrize(("name", "role", "outcome"), REFUSED_CASES)
async def test_role_without_the_scope_is_refused(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str, role: str, outcome: str
) -> None:
    given = await given_acme(engine, role)

    payload = await run(client, given.token, MUTATIONS[name], given.targets)

    assert [error["code"] for error in payload["userErrors"]] == [outcome]
    assert all(error["message"] for error in payload["userErrors"])


@pytest.mark.parametrize(("name", "role", "outcome"), REFUSED_CASES)
async def test_refused_mutation_answers_no_result(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str, role: str, outcome: str
) -> None:
    given = await given_acme(engine, role)
    mutation = MUTATIONS[name]

    payload = await run(client, given.token, mutation, given.targets)

    assert {key: payload[key] for key in mutation.refused_result} == mutation.refused_result


@pytest.mark.parametrize(("name", "role", "outcome"), REFUSED_CASES)
async def test_refused_mutation_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str, role: str, outcome: str
) -> None:
    given = await given_acme(engine, role)
    before = await stored_rows(engine)

    await run(client, given.token, MUTATIONS[name], given.targets)

    assert await stored_rows(engine) == before


@pytest.mark.parametrize(("name", "role", "outcome"), REFUSED_CASES)
async def test_every_refusal_names_a_path_into_the_input(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str, role: str, outcome: str
) -> None:
    given = await given_acme(engine, role)

    payload = await run(client, given.token, MUTATIONS[name], given.targets)

    assert [error["field"][:1] for error in payload["userErrors"]] == [["input"]]


@pytest.mark.parametrize(("name", "role", "outcome"), CASES)
async def test_payload_echoes_the_client_mutation_id(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str, role: str, outcome: str | None
) -> None:
    given = await given_acme(engine, role)

    payload = await run(
        client, given.token, MUTATIONS[name], given.targets, clientMutationId=CLIENT_MUTATION_ID
    )

    assert payload["clientMutationId"] == CLIENT_MUTATION_ID


@pytest.mark.parametrize("name", list(MUTATIONS))
async def test_another_organizations_ids_are_refused_like_ids_that_do_not_exist(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str
) -> None:
    given = await given_acme(engine, "other-owner")
    mutation = MUTATIONS[name]

    foreign = await run(client, given.token, mutation, given.targets)
    nonexistent = await run(client, given.token, mutation, NONEXISTENT)

    assert foreign["userErrors"]
    assert with_placeholders(foreign["userErrors"], given.targets) == with_placeholders(
        nonexistent["userErrors"], NONEXISTENT
    )


async def test_admin_setting_both_stopping_points_changes_neither(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    given = await given_acme(engine, "admin")
    before = await stored_rows(engine)

    payload = await run(
        client,
        given.token,
        MUTATIONS["setStoppingPoint-projects"],
        given.targets,
        organizationStoppingPoint="SUGGESTION",
    )

    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]
    assert await stored_rows(engine) == before


# --- Authorization comes before validation -----------------------------------------------------------------

TOO_MANY = 1001

# Inputs that are invalid in some way, from a role without the scope the mutation needs: (mutation, role,
# the fields that make its input invalid). The refusal is FORBIDDEN, whatever is wrong with the input.
INVALID_INPUTS: dict[str, tuple[str, str, Callable[[Targets], dict[str, Any]]]] = {
    "addRepository-invalid-name-and-branch-pattern": (
        "addRepository",
        "member",
        lambda ids: {"name": "not a repository", "branchPatterns": ["main", "a b"]},
    ),
    "addRepository-null-values": (
        "addRepository",
        "member",
        lambda ids: {"aiEnabled": None, "branchPatterns": None},
    ),
    "addRepository-name-over-255-characters": (
        "addRepository",
        "member",
        lambda ids: {"provider": "GITLAB", "name": "/".join(["g" * 20] * 21)},
    ),
    "updateRepository-null": ("updateRepository", "member", lambda ids: {"aiEnabled": None}),
    "updateRepository-invalid-branch-patterns": (
        "updateRepository",
        "member",
        lambda ids: {"branchPatterns": ["a..b"] * 51},
    ),
    "bulkUpdateRepositories-invalid-values": (
        "bulkUpdateRepositories",
        "member",
        lambda ids: {"aiEnabled": None, "branchPatterns": [""]},
    ),
    "bulkUpdateRepositories-too-many-ids": (
        "bulkUpdateRepositories",
        "member",
        lambda ids: {"repositoryIds": [ids.repository] * TOO_MANY},
    ),
    "updateOrganizationSettings-null-value": (
        "updateOrganizationSettings",
        "admin",
        lambda ids: {"fixEnabled": None},
    ),
    "updateOrganizationSettings-null-locks-and-stale-version": (
        "updateOrganizationSettings",
        "admin",
        lambda ids: {"lockedSettings": None, "expectedVersion": 99},
    ),
    "updateProjectSettings-stale-version": (
        "updateProjectSettings",
        "member",
        lambda ids: {"expectedVersion": 99},
    ),
    "bulkUpdateProjectSettings-too-many-ids": (
        "bulkUpdateProjectSettings",
        "member",
        lambda ids: {"projectIds": [ids.project] * TOO_MANY},
    ),
    "bulkUpdateProjectSettings-both-ids-and-filter": (
        "bulkUpdateProjectSettings",
        "member",
        lambda ids: {"filter": {"slugs": ["web"]}},
    ),
    "resetProjectSettings-too-many-ids": (
        "resetProjectSettings",
        "member",
        lambda ids: {"projectIds": [ids.project] * TOO_MANY},
    ),
    "setStoppingPoint-null-organization-stopping-point": (
        "setStoppingPoint-organization",
        "admin",
        lambda ids: {"organizationStoppingPoint": None},
    ),
    "setStoppingPoint-too-many-ids": (
        "setStoppingPoint-projects",
        "member",
        lambda ids: {"projectIds": [ids.project] * TOO_MANY},
    ),
    "saveSettings-null-organization-value-and-stale-version": (
        "saveSettings-organization",
        "admin",
        lambda ids: {"organization": {"fixEnabled": None, "expectedVersion": 99}},
    ),
    "saveSettings-too-many-projects": (
        "saveSettings-projects",
        "member",
        lambda ids: {"projects": [{"projectId": ids.project, "changes": {}}] * TOO_MANY},
    ),
}

INVALID_INPUT_CASES = [pytest.param(*case, id=case_id) for case_id, case in INVALID_INPUTS.items()]


@pytest.mark.parametrize(("name", "role", "invalid"), INVALID_INPUT_CASES)
async def test_invalid_input_of_a_role_without_the_scope_is_forbidden(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    name: str,
    role: str,
    invalid: Callable[[Targets], dict[str, Any]],
) -> None:
    given = await given_acme(engine, role)

    payload = await run(client, given.token, MUTATIONS[name], given.targets, **invalid(given.targets))

    assert [error["code"] for error in payload["userErrors"]] == ["FORBIDDEN"]


@pytest.mark.parametrize(("name", "role", "invalid"), INVALID_INPUT_CASES)
async def test_invalid_input_of_a_role_without_the_scope_writes_nothing(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    name: str,
    role: str,
    invalid: Callable[[Targets], dict[str, Any]],
) -> None:
    given = await given_acme(engine, role)
    before = await stored_rows(engine)

    await run(client, given.token, MUTATIONS[name], given.targets, **invalid(given.targets))

    assert await stored_rows(engine) == before
