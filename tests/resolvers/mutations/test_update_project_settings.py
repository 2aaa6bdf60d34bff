"""updateProjectSettings through the client's document: absent, null and value in `changes`, versions, the
audit entry it writes, locks, and every user error, after which nothing is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import SettingValue, StoppingPoint
from aisettings.models.tables import Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_organization, make_project, make_token
from tests.graphql import document, error_fields_and_codes, mutation, project_id
from tests.read_back import audit_log_nodes, organization_tree, project_in_tree, stored_state

update = mutation(document("UpdateProjectSettings"), "updateProjectSettings")

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "overrides"),
    [
        pytest.param(
            {"stoppingPoint": "MERGE"},
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": "MERGE"},
            id="absent-is-unchanged",
        ),
        pytest.param(
            {"fixEnabled": None},
            {"scanEnabled": False, "fixEnabled": None, "stoppingPoint": None},
            id="null-removes-the-override",
        ),
        pytest.param(
            {"scanEnabled": True},
            {"scanEnabled": True, "fixEnabled": True, "stoppingPoint": None},
            id="value-overrides",
        ),
        pytest.param({}, {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": None}, id="empty"),
    ],
)
async def test_absent_keeps_null_inherits_and_value_overrides(
    engine: AsyncEngine, client: httpx.AsyncClient, changes: dict[str, Any], overrides: dict[str, Any]
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web", overrides={"scan_enabled": False, "fix_enabled": True})
    token = await make_token(engine, org)

    payload = await update(client, token, projectId=project_id(web), changes=changes)

    assert payload["userErrors"] == []
    assert (await project_in_tree(client, token, "web"))["overrides"] == overrides


async def test_payload_shows_the_project_as_read_back(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine, "acme", settings={"fix_enabled": True})
    web = await make_project(engine, org, "web", overrides={"scan_enabled": False})
    token = await make_token(engine, org)

    payload = await update(client, token, projectId=project_id(web), changes={"stoppingPoint": "SUGGESTION"})

    stored = await project_in_tree(client, token, "web")
    assert payload["project"] == {key: stored[key] for key in payload["project"]}


async def test_null_override_inherits_from_organization(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", settings={"fix_enabled": True})
    web = await make_project(engine, org, "web", overrides={"fix_enabled": False})
    token = await make_token(engine, org)

    payload = await update(client, token, projectId=project_id(web), changes={"fixEnabled": None})

    assert payload["project"]["effectiveSettings"]["fixEnabled"] == {
        "value": True,
        "source": "ORGANIZATION",
        "inheritedValue": True,
        "inheritedFrom": "ORGANIZATION",
        "locked": False,
        "overrideIgnored": False,
    }


async def test_write_bumps_the_version_and_sets_updated_at(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web", updated_at=LONG_AGO)
    token = await make_token(engine, org)
    started = dt.datetime.now(dt.UTC)

    await update(client, token, projectId=project_id(web), changes={"fixEnabled": True})

    stored = await project_in_tree(client, token, "web")
    assert stored["version"] == 2
    assert started <= dt.datetime.fromisoformat(stored["updatedAt"]) <= dt.datetime.now(dt.UTC)


async def test_audit_entry_records_only_the_fields_that_change(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org)

    payload = await update(
        client,
        token,
        projectId=project_id(web),
        changes={"scanEnabled": None, "fixEnabled": True, "stoppingPoint": "MERGE"},
    )

    (entry,) = payload["auditEntries"]
    assert (entry["action"], entry["changes"]) == (
        "PROJECT_SETTINGS_UPDATED",
        [{"field": "stoppingPoint", "before": None, "after": "MERGE"}],
    )


async def test_audit_entry_names_actor_and_project_in_the_audit_log(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org, "alice", Role.ADMIN)

    payload = await update(client, token, projectId=project_id(web), changes={"fixEnabled": False})

    (logged,) = await audit_log_nodes(client, token)
    (entry,) = payload["auditEntries"]
    assert {key: logged[key] for key in entry} == entry
    assert (logged["actor"], logged["targetType"], logged["targetId"]) == (
        "alice",
        "PROJECT",
        project_id(web),
    )


async def test_audit_log_filtered_by_target_lists_the_entries_of_that_project(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web")
    api = await make_project(engine, org, "api")
    token = await make_token(engine, org)
    first = await update(client, token, projectId=project_id(web), changes={"fixEnabled": True})
    await update(client, token, projectId=project_id(api), changes={"fixEnabled": True})
    second = await update(client, token, projectId=project_id(web), changes={"stoppingPoint": "MERGE"})

    logged = await audit_log_nodes(client, token, {"targetId": project_id(web)})

    assert [node["id"] for node in logged] == [
        second["auditEntries"][0]["id"],
        first["auditEntries"][0]["id"],
    ]


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"fixEnabled": True}, id="same-value"),
        pytest.param({"scanEnabled": None}, id="null-without-override"),
        pytest.param({"fixEnabled": True, "stoppingPoint": None}, id="both"),
    ],
)
async def test_write_that_changes_nothing_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, changes: dict[str, Any]
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web", overrides={"fix_enabled": True})
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await update(client, token, projectId=project_id(web), changes=changes)

    assert (payload["userErrors"], payload["auditEntries"], payload["project"]["version"]) == ([], [], 1)
    assert await stored_state(client, token) == before


NOT_PROJECT_IDS = {"malformed": "not-an-id", "other-type": encode_global_id("Organization", 1)}

# Each refused update of acme's project `web`, acme locking the settings `locked`: what the input adds to
# (or replaces in) {projectId: web, changes: {fixEnabled: true}}, and the one error it answers.
REFUSED_UPDATES = [
    pytest.param(
        ["stopping_point"],
        {"changes": {"fixEnabled": True, "stoppingPoint": "MERGE"}},
        (["input", "changes", "stoppingPoint"], "LOCKED"),
        id="value-for-a-locked-setting",
    ),
    *(
        pytest.param(
            None,
            {"expectedVersion": version},
            (["input", "expectedVersion"], "STALE_VERSION"),
            id=f"stale-expected-version-{version}",
        )
        for version in (0, 2)
    ),
    *(
        pytest.param(
            None, {"projectId": bad_id}, (["input", "projectId"], "NOT_FOUND"), id=f"{kind}-project-id"
        )
        for kind, bad_id in NOT_PROJECT_IDS.items()
    ),
]


@pytest.mark.parametrize(("locked", "input", "error"), REFUSED_UPDATES)
async def test_refused_update_answers_its_error_and_writes_nothing(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    locked: list[str] | None,
    input: dict[str, Any],
    error: tuple[list[str], str],
) -> None:
    org = await make_organization(engine, "acme", locked=locked)
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    before = await stored_state(client, token)

    payload = await update(
        client, token, **{"projectId": project_id(web), "changes": {"fixEnabled": True}, **input}
    )

    assert error_fields_and_codes(payload) == [error]
    assert (payload["project"], payload["auditEntries"]) == (None, [])
    assert await stored_state(client, token) == before


async def test_null_for_a_locked_setting_removes_the_ignored_override(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme", locked=["stopping_point"])
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.MERGE})
    token = await make_token(engine, org)

    payload = await update(client, token, projectId=project_id(web), changes={"stoppingPoint": None})

    assert payload["userErrors"] == []
    stored = await project_in_tree(client, token, "web")
    assert stored["overrides"]["stoppingPoint"] is None
    assert stored["effectiveSettings"]["stoppingPoint"]["overrideIgnored"] is False


async def test_current_expected_version_is_accepted(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)

    payload = await update(
        client, token, projectId=project_id(web), changes={"fixEnabled": True}, expectedVersion=1
    )

    assert payload["userErrors"] == []
    assert payload["project"]["version"] == 2


def answer_without(payload: dict[str, Any], global_id: str) -> dict[str, Any]:
    """The payload with the id it was given masked, to compare answers about different ids."""
    errors = [
        {**error, "message": error["message"].replace(global_id, "<id>")} for error in payload["userErrors"]
    ]
    return {**payload, "userErrors": errors}


async def test_project_of_another_organization_is_answered_as_an_unknown_one(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)
    other = await make_organization(engine, "globex")
    foreign = project_id(await make_project(engine, other, "web", overrides={"fix_enabled": True}))
    unknown = project_id(2**31 - 1)

    answers = [
        answer_without(
            await update(client, token, projectId=global_id, changes={"fixEnabled": False}), global_id
        )
        for global_id in (unknown, foreign)
    ]

    assert answers[0] == answers[1]
    assert error_fields_and_codes(answers[0]) == [(["input", "projectId"], "NOT_FOUND")]


@pytest.mark.parametrize("bad_id", NOT_PROJECT_IDS.values(), ids=NOT_PROJECT_IDS.keys())
async def test_id_that_is_not_a_project_id_is_answered_as_an_unknown_one(
    engine: AsyncEngine, client: httpx.AsyncClient, bad_id: str
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)
    unknown = project_id(2**31 - 1)
    expected = answer_without(await update(client, token, projectId=unknown, changes={}), unknown)

    payload = await update(client, token, projectId=bad_id, changes={})

    assert answer_without(payload, bad_id) == expected


async def test_foreign_project_is_not_written(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)
    other = await make_organization(engine, "globex")
    foreign = await make_project(engine, other, "web")
    other_token = await make_token(engine, other, "mallory")
    before = await organization_tree(client, other_token, "globex")

    await update(client, token, projectId=project_id(foreign), changes={"fixEnabled": True})

    assert await organization_tree(client, other_token, "globex") == before


async def test_member_may_not_write_and_nothing_is_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org, "bob", Role.MEMBER)
    before = await stored_state(client, token)

    payload = await update(client, token, projectId=project_id(web), changes={"fixEnabled": True})

    assert [code for _, code in error_fields_and_codes(payload)] == ["FORBIDDEN"]
    assert (payload["project"], payload["auditEntries"]) == (None, [])
    assert await stored_state(client, token) == before


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
async def test_admin_and_owner_may_write(engine: AsyncEngine, client: httpx.AsyncClient, role: Role) -> None:
    org = await make_organization(engine, "acme")
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org, "carol", role)

    payload = await update(client, token, projectId=project_id(web), changes={"fixEnabled": True})

    assert payload["userErrors"] == []
    assert payload["project"]["overrides"]["fixEnabled"] is True


@pytest.mark.parametrize("value", [pytest.param(True, id="success"), pytest.param(None, id="user-error")])
async def test_client_mutation_id_is_echoed(
    engine: AsyncEngine, client: httpx.AsyncClient, value: SettingValue | None
) -> None:
    org = await make_organization(engine, "acme", locked=["fix_enabled"])
    web = await make_project(engine, org, "web")
    token = await make_token(engine, org)
    changes = {"scanEnabled": value} if value is not None else {"fixEnabled": True}

    payload = await update(
        client, token, projectId=project_id(web), changes=changes, clientMutationId="call-7"
    )

    assert bool(payload["userErrors"]) == (value is None)
    assert payload["clientMutationId"] == "call-7"


async def test_project_id_too_long_to_be_one_of_ours_is_not_found_without_being_repeated(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)

    payload = await update(client, token, projectId="UHJvamVjdDox" * 10_000, changes={"fixEnabled": True})

    assert error_fields_and_codes(payload) == [(["input", "projectId"], "NOT_FOUND")]
    assert len(payload["userErrors"][0]["message"]) < 100
