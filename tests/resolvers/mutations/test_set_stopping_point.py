"""setStoppingPoint through the client's document: the organization's stopping point, projects' stopping
points, or both in one transaction with one audit batch; every user error, after which nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue, StoppingPoint
from aisettings.models.tables import Role
from tests.factories import Org, make_organization, make_project, make_token
from tests.graphql import document, error_fields_and_codes, mutation, organization_id, project_id
from tests.read_back import audit_log_nodes, by_target, organization_tree, stored_state
from tests.resolvers.mutations.bad_project_ids import BAD_PROJECT_IDS, MakeBadProjectId

set_stopping_point = mutation(document("SetStoppingPoint"), "setStoppingPoint")


async def merge_organization_and_suggest_projects(
    client: httpx.AsyncClient, token: str, org: Org, project_ids: list[str]
) -> dict[str, Any]:
    """The payload of setStoppingPoint of `org`: MERGE for the organization, SUGGESTION for the projects
    `project_ids`."""
    return await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectIds=project_ids,
        projectStoppingPoint="SUGGESTION",
    )


def effective(
    value: str, source: str, inherited_value: str, inherited_from: str, *, locked: bool = False
) -> dict[str, Any]:
    """An effective stopping point without an ignored override."""
    return {
        "value": value,
        "source": source,
        "inheritedValue": inherited_value,
        "inheritedFrom": inherited_from,
        "locked": locked,
        "overrideIgnored": False,
    }


async def test_organization_only_sets_the_organization_stopping_point(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    await make_project(engine, org, "web")
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client, token, organizationId=organization_id(org), organizationStoppingPoint="MERGE"
    )

    assert (payload["userErrors"], payload["projects"]) == ([], [])
    assert payload["organization"]["settings"] == {"stoppingPoint": "MERGE", "version": 2}
    (web,) = (await organization_tree(client, token))["projects"]["nodes"]
    assert web["effectiveSettings"]["stoppingPoint"] == effective(
        "MERGE", "ORGANIZATION", "MERGE", "ORGANIZATION"
    )


async def test_projects_only_override_the_stopping_point_and_leave_the_organization(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.MERGE})
    web = await make_project(engine, org, "web")
    api = await make_project(engine, org, "api")
    await make_project(engine, org, "docs")
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        projectIds=[project_id(web), project_id(api)],
        projectStoppingPoint="SUGGESTION",
    )

    assert payload["userErrors"] == []
    assert payload["organization"]["settings"] == {"stoppingPoint": "MERGE", "version": 1}
    assert [
        (project["id"], project["effectiveSettings"]["stoppingPoint"]) for project in payload["projects"]
    ] == [
        (project_id(web), effective("SUGGESTION", "PROJECT", "MERGE", "ORGANIZATION")),
        (project_id(api), effective("SUGGESTION", "PROJECT", "MERGE", "ORGANIZATION")),
    ]
    overrides = {
        node["slug"]: node["overrides"]["stoppingPoint"]
        for node in (await organization_tree(client, token))["projects"]["nodes"]
    }
    assert overrides == {"api": "SUGGESTION", "docs": None, "web": "SUGGESTION"}


@pytest.mark.parametrize(
    ("settings", "locked", "in_force"),
    [
        pytest.param(
            {"stopping_point": StoppingPoint.SUGGESTION},
            None,
            effective("SUGGESTION", "ORGANIZATION", "SUGGESTION", "ORGANIZATION"),
            id="unlocked",
        ),
        pytest.param(
            None,
            ["stopping_point"],
            effective("PULL_REQUEST", "SYSTEM_DEFAULT", "PULL_REQUEST", "SYSTEM_DEFAULT", locked=True),
            id="locked-whose-override-was-ignored",
        ),
    ],
)
async def test_null_project_stopping_point_removes_the_overrides_and_the_projects_inherit(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    settings: dict[str, SettingValue | None] | None,
    locked: list[str] | None,
    in_force: dict[str, Any],
) -> None:
    org = await make_organization(engine, "acme", settings=settings, locked=locked)
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        projectIds=[project_id(web)],
        projectStoppingPoint=None,
    )

    assert payload["userErrors"] == []
    (stored,) = (await organization_tree(client, token))["projects"]["nodes"]
    assert stored["overrides"]["stoppingPoint"] is None
    assert stored["effectiveSettings"]["stoppingPoint"] == in_force


async def test_organization_and_projects_in_one_call_share_one_audit_batch(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.PULL_REQUEST})
    web = await make_project(engine, org, "web")
    api = await make_project(engine, org, "api", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org, "alice", Role.OWNER)

    await merge_organization_and_suggest_projects(client, token, org, [project_id(web), project_id(api)])

    entries = await audit_log_nodes(client, token)
    assert len({entry["batchId"] for entry in entries}) == 1
    assert by_target(entries) == {
        organization_id(org): (
            "ORGANIZATION_SETTINGS_UPDATED",
            "alice",
            "ORGANIZATION",
            [{"field": "stoppingPoint", "before": "PULL_REQUEST", "after": "MERGE"}],
        ),
        project_id(web): (
            "PROJECT_SETTINGS_UPDATED",
            "alice",
            "PROJECT",
            [{"field": "stoppingPoint", "before": None, "after": "SUGGESTION"}],
        ),
        project_id(api): (
            "PROJECT_SETTINGS_UPDATED",
            "alice",
            "PROJECT",
            [{"field": "stoppingPoint", "before": "MERGE", "after": "SUGGESTION"}],
        ),
    }


async def test_projects_already_at_the_stopping_point_are_not_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.MERGE})
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.SUGGESTION})
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await merge_organization_and_suggest_projects(client, token, org, [project_id(web)])

    assert payload["userErrors"] == []
    assert await stored_state(client, token) == before


# Each refused setStoppingPoint of acme's project `web` (locking the settings `locked`): the stopping points
# given, and the one error it answers.
REFUSED_CALLS = [
    pytest.param(
        None,
        {"organizationStoppingPoint": "MERGE"},
        (["input", "projectStoppingPoint"], "INVALID_VALUE"),
        id="project-stopping-point-missing",
    ),
    pytest.param(
        None,
        {"organizationStoppingPoint": None, "projectStoppingPoint": "MERGE"},
        (["input", "organizationStoppingPoint"], "INVALID_VALUE"),
        id="organization-stopping-point-null",
    ),
    pytest.param(
        ["stopping_point"],
        {"projectStoppingPoint": "MERGE"},
        (["input", "projectStoppingPoint"], "LOCKED"),
        id="project-value-for-a-locked-stopping-point",
    ),
]


@pytest.mark.parametrize(("locked", "stopping_points", "error"), REFUSED_CALLS)
async def test_refused_call_answers_its_error_and_writes_nothing(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    locked: list[str] | None,
    stopping_points: dict[str, str | None],
    error: tuple[list[str], str],
) -> None:
    org = await make_organization(engine, "acme", settings={}, locked=locked)
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client, token, organizationId=organization_id(org), projectIds=[project_id(web)], **stopping_points
    )

    assert error_fields_and_codes(payload) == [error]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


@pytest.mark.parametrize(
    "project_ids",
    [pytest.param({}, id="projectIds-left-out"), pytest.param({"projectIds": None}, id="projectIds-null")],
)
@pytest.mark.parametrize("project_stopping_point", ["SUGGESTION", None])
async def test_project_stopping_point_without_project_ids_is_refused_with_the_organization_part(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    project_ids: dict[str, None],
    project_stopping_point: str | None,
) -> None:
    org = await make_organization(engine, "acme", settings={"stopping_point": StoppingPoint.PULL_REQUEST})
    await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint="MERGE",
        projectStoppingPoint=project_stopping_point,
        **project_ids,
    )

    assert error_fields_and_codes(payload) == [(["input", "projectStoppingPoint"], "INVALID_VALUE")]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


@pytest.mark.parametrize("make_bad_id", BAD_PROJECT_IDS.values(), ids=BAD_PROJECT_IDS.keys())
async def test_one_bad_project_id_names_its_index_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient, make_bad_id: MakeBadProjectId
) -> None:
    org = await make_organization(engine, "acme", settings={})
    keys = [await make_project(engine, org, slug) for slug in ("p0", "p1", "p3")]
    bad_id = await make_bad_id(engine, org)
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await merge_organization_and_suggest_projects(
        client, token, org, [project_id(keys[0]), project_id(keys[1]), bad_id, project_id(keys[2])]
    )

    assert error_fields_and_codes(payload) == [(["input", "projectIds", "2"], "NOT_FOUND")]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_admin_may_not_set_the_organization_stopping_point_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org, "bob", Role.ADMIN)
    before = await stored_state(client, token)

    payload = await merge_organization_and_suggest_projects(client, token, org, [project_id(web)])

    assert [code for _, code in error_fields_and_codes(payload)] == ["FORBIDDEN"]
    assert (payload["organization"], payload["projects"]) == (None, [])
    assert await stored_state(client, token) == before


@pytest.mark.parametrize(
    ("role", "part", "allowed"),
    [
        (Role.MEMBER, "organization", False),
        (Role.MEMBER, "projects", False),
        (Role.ADMIN, "organization", False),
        (Role.ADMIN, "projects", True),
        (Role.OWNER, "organization", True),
        (Role.OWNER, "projects", True),
    ],
)
async def test_organization_needs_an_owner_and_projects_an_admin(
    engine: AsyncEngine, client: httpx.AsyncClient, role: Role, part: str, allowed: bool
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org, "bob", role)
    input = (
        {"organizationStoppingPoint": "MERGE"}
        if part == "organization"
        else {"projectIds": [project_id(web)], "projectStoppingPoint": "MERGE"}
    )

    payload = await set_stopping_point(client, token, organizationId=organization_id(org), **input)

    assert [code for _, code in error_fields_and_codes(payload)] == ([] if allowed else ["FORBIDDEN"])


async def test_owner_of_another_organization_finds_no_organization_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={})
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    other_token = await make_token(engine, await make_organization(engine, "globex"), "mallory")
    before = await stored_state(client, token)

    payload = await merge_organization_and_suggest_projects(client, other_token, org, [project_id(web)])

    assert error_fields_and_codes(payload) == [(["input", "organizationId"], "NOT_FOUND")]
    assert await stored_state(client, token) == before


@pytest.mark.parametrize("value", [pytest.param("MERGE", id="success"), pytest.param(None, id="user-error")])
async def test_client_mutation_id_is_echoed(
    engine: AsyncEngine, client: httpx.AsyncClient, value: str | None
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)

    payload = await set_stopping_point(
        client,
        token,
        organizationId=organization_id(org),
        organizationStoppingPoint=value,
        clientMutationId="call-7",
    )

    assert bool(payload["userErrors"]) == (value is None)
    assert payload["clientMutationId"] == "call-7"
