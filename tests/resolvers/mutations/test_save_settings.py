"""saveSettings through the settings page's document: the organization's settings and many projects'
overrides in one transaction and one audit batch, by the rules of updateOrganizationSettings and
updateProjectSettings; every problem answered at once, after which nothing at all is written."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.limits import MAX_BULK_ITEMS
from aisettings.models.tables import Role
from tests.factories import Org, make_organization, make_project, make_projects, make_token, stored_rows
from tests.graphql import document, error_fields_and_codes, mutation, organization_id, project_id
from tests.read_back import audit_log, audit_log_nodes, organization_tree, project_in_tree, stored_state

save = mutation(document("SaveSettings"), "saveSettings")
update_project = mutation(document("UpdateProjectSettings"), "updateProjectSettings")


@dataclass(frozen=True)
class Acme:
    """acme (fixEnabled true, stoppingPoint locked) with projects web (overriding scanEnabled), api and
    docs, and a token of alice, an owner unless the test says another role."""

    org: Org
    token: str
    web: str
    api: str
    docs: str


async def given_acme(engine: AsyncEngine, role: Role = Role.OWNER) -> Acme:
    org = await make_organization(engine, "acme", settings={"fix_enabled": True}, locked=["stopping_point"])
    web = await make_project(engine, org, "web", overrides={"scan_enabled": False})
    api = await make_project(engine, org, "api")
    docs = await make_project(engine, org, "docs")
    token = await make_token(engine, org, "alice", role)
    return Acme(org, token, project_id(web), project_id(api), project_id(docs))


def draft(acme: Acme) -> dict[str, Any]:
    """A draft that changes the organization (locking fixEnabled instead of stoppingPoint) and each of its
    three projects."""
    return {
        "organizationId": organization_id(acme.org),
        "organization": {"scanEnabled": False, "lockedSettings": ["FIX_ENABLED"]},
        "projects": [
            {"projectId": acme.web, "changes": {"scanEnabled": None, "stoppingPoint": None}},
            {"projectId": acme.api, "changes": {"stoppingPoint": "SUGGESTION"}, "expectedVersion": 1},
            {"projectId": acme.docs, "changes": {"scanEnabled": True}},
        ],
    }


def with_project(input: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    """`input` with the project entry at `index` changed by `changes`."""
    projects = [dict(entry) for entry in input["projects"]]
    projects[index].update(changes)
    return {**input, "projects": projects}


# --- One save, one batch ---------------------------------------------------------------------------------


async def test_save_of_organization_and_three_projects_writes_one_audit_batch(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    payload = await save(client, acme.token, **draft(acme))

    assert payload["userErrors"] == []
    logged = await audit_log_nodes(client, acme.token)
    assert {entry["batchId"] for entry in logged} == {payload["batchId"]}
    assert sorted((entry["targetType"], entry["targetId"]) for entry in logged) == sorted(
        [
            ("ORGANIZATION", organization_id(acme.org)),
            ("PROJECT", acme.web),
            ("PROJECT", acme.api),
            ("PROJECT", acme.docs),
        ]
    )


async def test_save_bumps_each_version_once(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    payload = await save(client, acme.token, **draft(acme))

    after = await stored_rows(engine)
    assert payload["organization"]["settings"]["version"] == 2
    assert [project["version"] for project in payload["projects"]] == [2, 2, 2]
    assert after["organization"][0]["data_version"] == before["organization"][0]["data_version"] + 1


async def test_each_project_gets_its_own_changes(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)

    await save(client, acme.token, **draft(acme))

    tree = await organization_tree(client, acme.token)
    overrides = {node["slug"]: node["overrides"] for node in tree["projects"]["nodes"]}
    assert overrides == {
        "api": {"scanEnabled": None, "fixEnabled": None, "stoppingPoint": "SUGGESTION"},
        "docs": {"scanEnabled": True, "fixEnabled": None, "stoppingPoint": None},
        "web": {"scanEnabled": None, "fixEnabled": None, "stoppingPoint": None},
    }


async def test_payload_shows_what_the_api_reads_back(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)

    payload = await save(client, acme.token, **draft(acme))

    tree = await organization_tree(client, acme.token)
    stored = {node["id"]: node for node in tree["projects"]["nodes"]}
    assert payload["organization"]["settings"] == tree["settings"]
    assert payload["organization"]["settingsSummary"] == tree["settingsSummary"]
    assert [project["id"] for project in payload["projects"]] == [acme.web, acme.api, acme.docs]
    for project in payload["projects"]:
        assert project == {key: stored[project["id"]][key] for key in project}


async def test_audit_entries_record_what_each_target_had_and_has(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    await save(client, acme.token, **draft(acme))

    changes = {entry["targetId"]: entry["changes"] for entry in await audit_log_nodes(client, acme.token)}
    assert changes == {
        organization_id(acme.org): [
            {"field": "scanEnabled", "before": None, "after": False},
            {"field": "lockedSettings", "before": ["STOPPING_POINT"], "after": ["FIX_ENABLED"]},
        ],
        acme.web: [{"field": "scanEnabled", "before": False, "after": None}],
        acme.api: [{"field": "stoppingPoint", "before": None, "after": "SUGGESTION"}],
        acme.docs: [{"field": "scanEnabled", "before": None, "after": True}],
    }


async def test_explicit_value_equal_to_the_inherited_one_is_stored_as_a_pin(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        projects=[{"projectId": acme.api, "changes": {"fixEnabled": True}}],
    )
    await save(
        client, acme.token, organizationId=organization_id(acme.org), organization={"fixEnabled": False}
    )

    api = await project_in_tree(client, acme.token, "api")
    assert api["overrides"]["fixEnabled"] is True
    assert (api["effectiveSettings"]["fixEnabled"]["value"], api["version"]) == (True, 2)


async def test_null_removes_an_override_and_a_setting_left_out_is_unchanged(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    await update_project(client, acme.token, projectId=acme.web, changes={"fixEnabled": False})

    await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        projects=[{"projectId": acme.web, "changes": {"scanEnabled": None}}],
    )

    web = await project_in_tree(client, acme.token, "web")
    assert web["overrides"] == {"scanEnabled": None, "fixEnabled": False, "stoppingPoint": None}


# --- Locks -------------------------------------------------------------------------------------------------


async def test_project_is_judged_against_a_lock_saved_with_it(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    payload = await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        organization={"lockedSettings": ["STOPPING_POINT", "FIX_ENABLED"]},
        projects=[{"projectId": acme.api, "changes": {"fixEnabled": False}}],
    )

    assert error_fields_and_codes(payload) == [
        (["input", "projects", "0", "changes", "fixEnabled"], "LOCKED")
    ]


async def test_project_may_override_a_setting_whose_lock_the_save_lifts(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    payload = await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        organization={"lockedSettings": []},
        projects=[{"projectId": acme.api, "changes": {"stoppingPoint": "MERGE"}}],
    )

    assert payload["userErrors"] == []
    (api,) = payload["projects"]
    assert api["effectiveSettings"]["stoppingPoint"] == {
        "value": "MERGE",
        "source": "PROJECT",
        "inheritedValue": "PULL_REQUEST",
        "inheritedFrom": "SYSTEM_DEFAULT",
        "locked": False,
        "overrideIgnored": False,
    }


# --- Refusals: nothing is written --------------------------------------------------------------------------

Refusal = Callable[[Acme, dict[str, Any]], dict[str, Any]]

# Each refused save of draft(acme) as given_acme makes it: how the draft is changed, and the errors.
REFUSED_SAVES = [
    pytest.param(
        lambda acme, input: with_project(input, 2, changes={"fixEnabled": True}),
        [(["input", "projects", "2", "changes", "fixEnabled"], "LOCKED")],
        id="project-overrides-a-setting-locked-by-the-save",
    ),
    pytest.param(
        lambda acme, input: with_project(input, 1, expectedVersion=2),
        [(["input", "projects", "1", "expectedVersion"], "STALE_VERSION")],
        id="project-version-stale",
    ),
    pytest.param(
        lambda acme, input: {**input, "organization": {**input["organization"], "expectedVersion": 7}},
        [(["input", "organization", "expectedVersion"], "STALE_VERSION")],
        id="organization-version-stale",
    ),
    pytest.param(
        lambda acme, input: {
            **input,
            "organization": {**input["organization"], "fixEnabled": None, "stoppingPoint": None},
        },
        [
            (["input", "organization", "fixEnabled"], "INVALID_VALUE"),
            (["input", "organization", "stoppingPoint"], "INVALID_VALUE"),
        ],
        id="organization-value-null",
    ),
    pytest.param(
        lambda acme, input: with_project(input, 1, projectId=project_id(2**31 - 1)),
        [(["input", "projects", "1", "projectId"], "NOT_FOUND")],
        id="project-unknown",
    ),
    pytest.param(
        lambda acme, input: with_project(input, 0, projectId="not-an-id"),
        [(["input", "projects", "0", "projectId"], "NOT_FOUND")],
        id="project-id-malformed",
    ),
    pytest.param(
        lambda acme, input: with_project(input, 2, projectId=acme.web),
        [(["input", "projects", "2", "projectId"], "DUPLICATE")],
        id="project-twice",
    ),
    pytest.param(
        lambda acme, input: {**input, "organizationId": organization_id(Org(2**31 - 1, "nothing"))},
        [(["input", "organizationId"], "NOT_FOUND")],
        id="organization-unknown",
    ),
]


@pytest.mark.parametrize(("refused", "errors"), REFUSED_SAVES)
async def test_refused_save_answers_its_errors_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, refused: Refusal, errors: list[tuple[list[str], str]]
) -> None:
    acme = await given_acme(engine)
    before = await stored_state(client, acme.token)

    payload = await save(client, acme.token, **refused(acme, draft(acme)))

    assert error_fields_and_codes(payload) == errors
    assert (payload["organization"], payload["projects"], payload["batchId"]) == (None, [], None)
    assert await stored_state(client, acme.token) == before


async def test_project_of_another_organization_is_not_found_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    globex = await make_organization(engine, "globex")
    foreign = project_id(await make_project(engine, globex, "web"))
    before = await stored_rows(engine)

    payload = await save(client, acme.token, **with_project(draft(acme), 1, projectId=foreign))

    assert error_fields_and_codes(payload) == [(["input", "projects", "1", "projectId"], "NOT_FOUND")]
    assert await stored_rows(engine) == before


async def test_every_problem_of_the_draft_is_answered_at_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    input = {
        "organizationId": organization_id(acme.org),
        "organization": {"stoppingPoint": None},
        "projects": [
            {"projectId": acme.web, "changes": {"stoppingPoint": "MERGE"}},
            {"projectId": acme.api, "changes": {"fixEnabled": False}, "expectedVersion": 3},
            {"projectId": acme.web, "changes": {}},
            {"projectId": project_id(2**31 - 1), "changes": {}},
        ],
    }

    payload = await save(client, acme.token, **input)

    assert error_fields_and_codes(payload) == [
        (["input", "organization", "stoppingPoint"], "INVALID_VALUE"),
        (["input", "projects", "0", "changes", "stoppingPoint"], "LOCKED"),
        (["input", "projects", "1", "expectedVersion"], "STALE_VERSION"),
        (["input", "projects", "2", "projectId"], "DUPLICATE"),
        (["input", "projects", "3", "projectId"], "NOT_FOUND"),
    ]


async def test_edit_saved_by_someone_else_since_the_page_read_it_is_stale(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    read = (await project_in_tree(client, acme.token, "api"))["version"]
    await update_project(client, acme.token, projectId=acme.api, changes={"fixEnabled": False})
    before = await stored_state(client, acme.token)

    payload = await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        projects=[{"projectId": acme.api, "changes": {"scanEnabled": False}, "expectedVersion": read}],
    )

    assert error_fields_and_codes(payload) == [
        (["input", "projects", "0", "expectedVersion"], "STALE_VERSION")
    ]
    assert await stored_state(client, acme.token) == before


async def test_of_ten_concurrent_saves_of_one_read_exactly_one_lands(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    stopping_points = ["SUGGESTION", "PULL_REQUEST", "MERGE"]
    drafts = [
        {
            "organizationId": organization_id(acme.org),
            "organization": {"stoppingPoint": stopping_points[n % 3], "expectedVersion": 1},
            "projects": [
                {"projectId": acme.api, "changes": {"fixEnabled": n % 2 == 0}, "expectedVersion": 1}
            ],
        }
        for n in range(10)
    ]

    results = await asyncio.gather(*(save(client, acme.token, **input) for input in drafts))

    landed = [result for result in results if not result["userErrors"]]
    refused = [error_fields_and_codes(result) for result in results if result["userErrors"]]
    assert len(landed) == 1
    assert (
        refused
        == [
            [
                (["input", "organization", "expectedVersion"], "STALE_VERSION"),
                (["input", "projects", "0", "expectedVersion"], "STALE_VERSION"),
            ]
        ]
        * 9
    )
    rows = await stored_rows(engine)
    assert {entry["batch_id"] for entry in rows["audit_entry"]} == {landed[0]["batchId"]}
    assert len(rows["audit_entry"]) == 2


async def test_more_projects_than_the_bulk_limit_are_too_many(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    keys = await make_projects(engine, acme.org, MAX_BULK_ITEMS + 1)
    before = await stored_rows(engine)

    payload = await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        projects=[{"projectId": project_id(key), "changes": {"fixEnabled": False}} for key in keys],
    )

    assert error_fields_and_codes(payload) == [(["input", "projects"], "TOO_MANY_ITEMS")]
    assert await stored_rows(engine) == before


async def test_as_many_projects_as_the_bulk_limit_are_saved_in_one_batch(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    keys = await make_projects(engine, acme.org, MAX_BULK_ITEMS)
    pins = [key % 2 == 0 for key in keys]

    payload = await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        projects=[
            {"projectId": project_id(key), "changes": {"fixEnabled": pin}}
            for key, pin in zip(keys, pins, strict=True)
        ],
    )

    assert payload["userErrors"] == []
    assert [project["overrides"]["fixEnabled"] for project in payload["projects"]] == pins
    batch = await audit_log(client, acme.token, filter={"batchId": payload["batchId"]})
    assert batch["totalCount"] == MAX_BULK_ITEMS


# --- Nothing to change -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unchanging",
    [
        pytest.param(lambda acme: {}, id="no-parts"),
        pytest.param(lambda acme: {"organization": {}, "projects": []}, id="empty-parts"),
        pytest.param(
            lambda acme: {
                "organization": {"fixEnabled": True, "lockedSettings": ["STOPPING_POINT"]},
                "projects": [{"projectId": acme.web, "changes": {"scanEnabled": False, "fixEnabled": None}}],
            },
            id="values-as-they-are",
        ),
    ],
)
async def test_draft_that_changes_nothing_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, unchanging: Callable[[Acme], dict[str, Any]]
) -> None:
    acme = await given_acme(engine)
    before = await stored_rows(engine)

    payload = await save(client, acme.token, organizationId=organization_id(acme.org), **unchanging(acme))

    assert (payload["userErrors"], payload["batchId"]) == ([], None)
    assert payload["organization"]["settings"]["version"] == 1
    assert await stored_rows(engine) == before


# --- Who may save what -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "left_out", "field"),
    [
        pytest.param(Role.MEMBER, "projects", ["input", "organization"], id="member-organization"),
        pytest.param(Role.MEMBER, "organization", ["input", "projects"], id="member-projects"),
        pytest.param(Role.ADMIN, "projects", ["input", "organization"], id="admin-organization"),
    ],
)
async def test_part_the_role_may_not_change_is_forbidden_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient, role: Role, left_out: str, field: list[str]
) -> None:
    acme = await given_acme(engine, role)
    input = {key: value for key, value in draft(acme).items() if key != left_out}
    before = await stored_rows(engine)

    payload = await save(client, acme.token, **input)

    assert error_fields_and_codes(payload) == [(field, "FORBIDDEN")]
    assert await stored_rows(engine) == before


async def test_admin_saving_projects_and_organization_changes_neither(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine, Role.ADMIN)
    before = await stored_rows(engine)

    payload = await save(client, acme.token, **draft(acme))

    assert error_fields_and_codes(payload) == [(["input", "organization"], "FORBIDDEN")]
    assert await stored_rows(engine) == before


async def test_admin_saves_projects(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine, Role.ADMIN)

    payload = await save(
        client,
        acme.token,
        organizationId=organization_id(acme.org),
        projects=[{"projectId": acme.docs, "changes": {"scanEnabled": True}}],
    )

    assert payload["userErrors"] == []
    assert [entry["actor"] for entry in await audit_log_nodes(client, acme.token)] == ["alice"]


async def test_member_may_save_a_draft_without_changes(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine, Role.MEMBER)

    payload = await save(client, acme.token, organizationId=organization_id(acme.org))

    assert (payload["userErrors"], payload["batchId"]) == ([], None)
