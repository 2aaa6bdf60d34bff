"""addRepository, updateRepository, removeRepository and bulkUpdateRepositories through the client's
Repositories document: what each writes, the audit entries it appends, and every user error, after which
nothing at all is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.tables import MAX_PRIMARY_KEY, Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import Org, make_organization, make_project, make_repository, make_token, stored_rows
from tests.graphql import document, error_fields_and_codes, execute, mutation, project_id, repository_id
from tests.read_back import audit_log_nodes

REPOSITORIES = document("Repositories")
_add_repository = mutation(REPOSITORIES, "addRepository", "AddRepository")
_update_repository = mutation(REPOSITORIES, "updateRepository", "UpdateRepository")
_remove_repository = mutation(REPOSITORIES, "removeRepository", "RemoveRepository")
_bulk_update_repositories = mutation(REPOSITORIES, "bulkUpdateRepositories", "BulkUpdateRepositories")
# The client's document does not ask for batchId.
bulk_update_repositories_for_its_batch = mutation(
    """
mutation BulkUpdateRepositoriesBatch($input: BulkUpdateRepositoriesInput!) {
  bulkUpdateRepositories(input: $input) { batchId userErrors { field code message } }
}
""",
    "bulkUpdateRepositories",
)

NODE = "query Node($id: ID!) { node(id: $id) { __typename id } }"

NONEXISTENT_KEY = MAX_PRIMARY_KEY

UNLOCKED = {"locked": False, "overrideIgnored": False}


@dataclass(frozen=True)
class Acme:
    """An organization `acme` with a project `web`, and a token of its owner `alice`."""

    org: Org
    project: int
    token: str

    @property
    def project_id(self) -> str:
        return project_id(self.project)


async def given_acme(engine: AsyncEngine, org_settings: dict[str, Any] | None = None) -> Acme:
    org = await make_organization(engine, "acme", settings=org_settings)
    project_key = await make_project(engine, org, "web")
    return Acme(org, project_key, await make_token(engine, org, "alice", Role.OWNER))


async def add_repository(client: httpx.AsyncClient, acme: Acme, **input: Any) -> dict[str, Any]:
    """The payload of addRepository, by acme's owner, of GITHUB acme/web to acme's project `web`, unless
    `input` says otherwise."""
    defaults = {"projectId": acme.project_id, "provider": "GITHUB", "name": "acme/web"}
    return await _add_repository(client, acme.token, **{**defaults, **input})


async def update_repository(client: httpx.AsyncClient, acme: Acme, key: int, **input: Any) -> dict[str, Any]:
    """The payload of updateRepository, by acme's owner, of the repository `key`, unless `input` names
    another."""
    return await _update_repository(client, acme.token, **{"repositoryId": repository_id(key), **input})


async def remove_repository(client: httpx.AsyncClient, acme: Acme, key: int) -> dict[str, Any]:
    """The payload of removeRepository, by acme's owner, of the repository `key`."""
    return await _remove_repository(client, acme.token, repositoryId=repository_id(key))


async def bulk_update_repositories(
    client: httpx.AsyncClient, acme: Acme, repository_ids: list[str], **input: Any
) -> dict[str, Any]:
    """The payload of bulkUpdateRepositories, by acme's owner, of `repository_ids`, unless `input` names
    others."""
    return await _bulk_update_repositories(client, acme.token, **{"repositoryIds": repository_ids, **input})


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


# ---- addRepository ---------------------------------------------------------------------------------


async def test_added_repository_is_ai_enabled_with_no_branch_patterns_by_default(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme)

    assert payload["userErrors"] == []
    added = payload["repository"]
    assert {key: added[key] for key in ("provider", "name", "aiEnabled", "branchPatterns", "project")} == {
        "provider": "GITHUB",
        "name": "acme/web",
        "aiEnabled": True,
        "branchPatterns": [],
        "project": {"id": acme.project_id},
    }


@pytest.mark.parametrize(
    ("org_settings", "ai_enabled", "status"),
    [
        pytest.param(None, True, "ACTIVE", id="enabled"),
        pytest.param(None, False, "DISABLED_BY_REPOSITORY", id="switched-off-here"),
        pytest.param(
            {"scan_enabled": False, "fix_enabled": False}, True, "DISABLED_BY_SETTINGS", id="settings-off"
        ),
    ],
)
async def test_added_repository_has_the_status_of_its_switch_and_settings(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    org_settings: dict[str, Any] | None,
    ai_enabled: bool,
    status: str,
) -> None:
    acme = await given_acme(engine, org_settings)

    payload = await add_repository(client, acme, aiEnabled=ai_enabled)

    assert payload["repository"]["status"] == status


@pytest.mark.parametrize(
    ("provider", "name", "url"),
    [
        ("GITHUB", "acme/web", "https://github.com/acme/web"),
        ("GITLAB", "acme/platform/web", "https://gitlab.com/acme/platform/web"),
        ("BITBUCKET", "acme/web", "https://bitbucket.org/acme/web"),
    ],
)
async def test_added_repository_has_the_url_of_its_provider(
    engine: AsyncEngine, client: httpx.AsyncClient, provider: str, name: str, url: str
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, provider=provider, name=name)

    assert payload["repository"]["url"] == url


async def test_added_repository_was_last_configured_at_the_time_of_the_call(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    started = dt.datetime.now(dt.UTC)

    payload = await add_repository(client, acme)

    assert started <= parse_time(payload["repository"]["lastConfiguredAt"]) <= dt.datetime.now(dt.UTC)


async def test_added_repository_is_stored_with_its_branch_patterns(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    payload = await add_repository(client, acme, branchPatterns=["main", "release/*"])

    state = await stored_rows(engine)

    assert [(row["provider"], row["name"], row["branch_patterns"]) for row in state["repository"]] == [
        ("GITHUB", "acme/web", ["main", "release/*"])
    ]
    assert payload["repository"]["branchPatterns"] == ["main", "release/*"]


async def test_adding_a_repository_records_its_values_in_one_audit_entry(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, provider="GITLAB", aiEnabled=False, branchPatterns=["main"])

    (entry,) = await audit_log_nodes(client, acme.token)
    assert (entry["action"], entry["actor"], entry["targetType"], entry["targetId"]) == (
        "REPOSITORY_ADDED",
        "alice",
        "REPOSITORY",
        payload["repository"]["id"],
    )
    assert entry["changes"] == [
        {"field": "provider", "before": None, "after": "GITLAB"},
        {"field": "name", "before": None, "after": "acme/web"},
        {"field": "aiEnabled", "before": None, "after": False},
        {"field": "branchPatterns", "before": None, "after": ["main"]},
    ]


@pytest.mark.parametrize(
    "name", ["group/project", "group/subgroup/project", "a/b/c/d/e", "my_group/my.project"]
)
async def test_gitlab_accepts_nested_groups(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, provider="GITLAB", name=name)

    assert payload["userErrors"] == []
    assert payload["repository"]["name"] == name


INVALID_NAMES = [
    pytest.param("GITHUB", "web", id="github-without-owner"),
    pytest.param("GITHUB", "acme/platform/web", id="github-nested"),
    pytest.param("GITHUB", "-acme/web", id="github-owner-starting-with-hyphen"),
    pytest.param("GITHUB", "ac--me/web", id="github-owner-with-double-hyphen"),
    pytest.param("GITHUB", "acme/we b", id="github-space"),
    pytest.param("GITHUB", "acme/web.git", id="github-dot-git"),
    pytest.param("GITHUB", "acme/..", id="github-dot-dot"),
    pytest.param("GITHUB", "", id="github-empty"),
    pytest.param("GITLAB", "web", id="gitlab-without-group"),
    pytest.param("GITLAB", "acme//web", id="gitlab-empty-group"),
    pytest.param("GITLAB", "acme/-web", id="gitlab-part-starting-with-hyphen"),
    pytest.param("GITLAB", "acme/web/", id="gitlab-trailing-slash"),
    pytest.param("BITBUCKET", "Acme/web", id="bitbucket-uppercase"),
    pytest.param("BITBUCKET", "acme/platform/web", id="bitbucket-nested"),
]


@pytest.mark.parametrize(("provider", "name"), INVALID_NAMES)
async def test_name_invalid_for_its_provider_is_an_invalid_value(
    engine: AsyncEngine, client: httpx.AsyncClient, provider: str, name: str
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, provider=provider, name=name)

    assert error_fields_and_codes(payload) == [(["input", "name"], "INVALID_VALUE")]
    assert payload["repository"] is None


async def test_invalid_name_message_quotes_the_name(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, name="a/b/c")

    assert "'a/b/c'" in payload["userErrors"][0]["message"]


async def test_same_provider_and_name_twice_in_a_project_is_a_duplicate(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    await make_repository(engine, acme.project, "acme/web")

    payload = await add_repository(client, acme)

    assert error_fields_and_codes(payload) == [(["input", "name"], "DUPLICATE")]
    assert payload["repository"] is None


@pytest.mark.parametrize(
    ("existing_in", "existing_provider"),
    [
        pytest.param("another-project", "GITHUB", id="same-name-in-another-project"),
        pytest.param("same-project", "GITLAB", id="same-name-at-another-provider"),
    ],
)
async def test_same_name_elsewhere_is_no_duplicate(
    engine: AsyncEngine, client: httpx.AsyncClient, existing_in: str, existing_provider: str
) -> None:
    acme = await given_acme(engine)
    other = await make_project(engine, acme.org, "api")
    await make_repository(
        engine,
        other if existing_in == "another-project" else acme.project,
        "acme/web",
        provider=existing_provider,
    )

    payload = await add_repository(client, acme)

    assert payload["userErrors"] == []
    assert payload["repository"]["name"] == "acme/web"


INVALID_PATTERNS = [
    pytest.param("", id="empty"),
    pytest.param("feature branch", id="space"),
    pytest.param("a..b", id="double-dot"),
    pytest.param("/main", id="leading-slash"),
    pytest.param("main/", id="trailing-slash"),
    pytest.param("feature//x", id="double-slash"),
    pytest.param("x.lock", id="dot-lock"),
    pytest.param(".hidden", id="leading-dot"),
    pytest.param("main.", id="trailing-dot"),
    pytest.param("a~b", id="tilde"),
    pytest.param("a:b", id="colon"),
    pytest.param("a@{b", id="at-brace"),
    pytest.param("release/[", id="unclosed-bracket"),
    pytest.param("release/[]", id="empty-class"),
    pytest.param("x" * 256, id="too-long"),
]


@pytest.mark.parametrize("pattern", INVALID_PATTERNS)
async def test_invalid_branch_pattern_is_named_by_its_index(
    engine: AsyncEngine, client: httpx.AsyncClient, pattern: str
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, branchPatterns=["main", pattern, "release/*"])

    assert error_fields_and_codes(payload) == [(["input", "branchPatterns", "1"], "INVALID_BRANCH_PATTERN")]


async def test_every_invalid_branch_pattern_is_reported(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, branchPatterns=["a..b", "main", "", "release/*"])

    assert error_fields_and_codes(payload) == [
        (["input", "branchPatterns", "0"], "INVALID_BRANCH_PATTERN"),
        (["input", "branchPatterns", "2"], "INVALID_BRANCH_PATTERN"),
    ]


async def test_globs_are_valid_branch_patterns(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)
    patterns = ["main", "release/*", "feature/**", "hotfix-?", "v[0-9]*", "[!x]y"]

    payload = await add_repository(client, acme, branchPatterns=patterns)

    assert payload["userErrors"] == []
    assert payload["repository"]["branchPatterns"] == patterns


@pytest.mark.parametrize(
    ("count", "errors"), [(50, []), (51, [(["input", "branchPatterns", "50"], "INVALID_BRANCH_PATTERN")])]
)
async def test_at_most_fifty_branch_patterns_are_allowed(
    engine: AsyncEngine, client: httpx.AsyncClient, count: int, errors: list[tuple[list[str], str]]
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, branchPatterns=[f"release/{n}" for n in range(count)])

    assert error_fields_and_codes(payload) == errors


@pytest.mark.parametrize(
    "bad_id",
    [
        pytest.param(project_id(NONEXISTENT_KEY), id="nonexistent"),
        pytest.param("not-an-id", id="malformed"),
        pytest.param(encode_global_id("Organization", 1), id="of-another-type"),
    ],
)
async def test_adding_to_an_unknown_project_is_not_found(
    engine: AsyncEngine, client: httpx.AsyncClient, bad_id: str
) -> None:
    acme = await given_acme(engine)

    payload = await add_repository(client, acme, projectId=bad_id)

    assert error_fields_and_codes(payload) == [(["input", "projectId"], "NOT_FOUND")]


async def test_adding_to_a_project_of_another_organization_is_not_found(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    other = await make_organization(engine, "other")
    foreign_project = project_id(await make_project(engine, other, "web"))

    payload = await add_repository(client, acme, projectId=foreign_project)

    assert error_fields_and_codes(payload) == [(["input", "projectId"], "NOT_FOUND")]


# Each refused addRepository, to acme whose project `web` holds GITHUB acme/web: the input beyond projectId.
REFUSED_ADDITIONS = [
    pytest.param({"provider": "GITHUB", "name": "web"}, id="invalid-name"),
    pytest.param({"provider": "GITHUB", "name": "acme/web"}, id="duplicate"),
    pytest.param(
        {"provider": "GITHUB", "name": "acme/api", "branchPatterns": ["main", "a..b"]}, id="pattern"
    ),
    pytest.param(
        {"provider": "GITHUB", "name": "acme/api", "branchPatterns": [f"r{n}" for n in range(51)]},
        id="too-many-patterns",
    ),
    pytest.param(
        {"provider": "GITHUB", "name": "acme/api", "projectId": project_id(NONEXISTENT_KEY)},
        id="unknown-project",
    ),
]


@pytest.mark.parametrize("input", REFUSED_ADDITIONS)
async def test_refused_addition_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any]
) -> None:
    acme = await given_acme(engine)
    await make_repository(engine, acme.project, "acme/web")
    before = await stored_rows(engine)

    payload = await add_repository(client, acme, **input)

    assert payload["userErrors"]
    assert await stored_rows(engine) == before


# ---- updateRepository ------------------------------------------------------------------------------


async def test_switching_ai_off_disables_the_repository_and_its_scans_and_fixes(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine, {"fix_enabled": True})
    key = await make_repository(engine, acme.project, "acme/web")

    payload = await update_repository(client, acme, key, aiEnabled=False)

    assert payload["userErrors"] == []
    updated = payload["repository"]
    assert (updated["aiEnabled"], updated["status"]) == (False, "DISABLED_BY_REPOSITORY")
    effective = updated["effectiveSettings"]
    assert effective["overriddenSettings"] == ["SCAN_ENABLED", "FIX_ENABLED"]
    assert effective["scanEnabled"] == {
        "value": False,
        "source": "REPOSITORY",
        "inheritedValue": True,
        "inheritedFrom": "SYSTEM_DEFAULT",
        **UNLOCKED,
    }
    assert effective["fixEnabled"] == {
        "value": False,
        "source": "REPOSITORY",
        "inheritedValue": True,
        "inheritedFrom": "ORGANIZATION",
        **UNLOCKED,
    }


async def test_switching_ai_back_on_makes_the_repository_active(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web", ai_enabled=False)

    payload = await update_repository(client, acme, key, aiEnabled=True)

    assert (
        payload["repository"]["status"],
        payload["repository"]["effectiveSettings"]["overriddenSettings"],
    ) == (
        "ACTIVE",
        [],
    )


async def test_branch_patterns_replace_the_current_ones_and_leave_ai_as_it_is(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(
        engine, acme.project, "acme/web", ai_enabled=False, branch_patterns=["main", "dev"]
    )

    payload = await update_repository(client, acme, key, branchPatterns=["release/*"])

    assert (payload["repository"]["branchPatterns"], payload["repository"]["aiEnabled"]) == (
        ["release/*"],
        False,
    )


async def test_updated_repository_reads_back_as_written(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web", branch_patterns=["main"])
    await update_repository(client, acme, key, aiEnabled=False, branchPatterns=[])

    state = await stored_rows(engine)

    assert [(row["ai_enabled"], row["branch_patterns"]) for row in state["repository"]] == [(False, [])]


async def test_a_change_moves_last_configured_at_to_the_time_of_the_call(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    started = dt.datetime.now(dt.UTC)

    payload = await update_repository(client, acme, key, aiEnabled=False)

    assert started <= parse_time(payload["repository"]["lastConfiguredAt"]) <= dt.datetime.now(dt.UTC)


async def test_a_change_is_recorded_with_the_before_and_after_of_changed_fields_only(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web", branch_patterns=["main"])

    await update_repository(client, acme, key, aiEnabled=False, branchPatterns=["main"])

    (entry,) = await audit_log_nodes(client, acme.token)
    assert (entry["action"], entry["actor"], entry["targetType"], entry["targetId"], entry["changes"]) == (
        "REPOSITORY_UPDATED",
        "alice",
        "REPOSITORY",
        repository_id(key),
        [{"field": "aiEnabled", "before": True, "after": False}],
    )


@pytest.mark.parametrize(
    "input",
    [
        pytest.param({}, id="nothing-given"),
        pytest.param({"aiEnabled": True, "branchPatterns": ["main"]}, id="the-current-values"),
    ],
)
async def test_an_update_that_changes_nothing_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any]
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web", branch_patterns=["main"])
    before = await stored_rows(engine)

    payload = await update_repository(client, acme, key, **input)

    assert payload["userErrors"] == []
    assert await stored_rows(engine) == before


# Values that updateRepository and bulkUpdateRepositories refuse alike: (input beyond the ids, error).
REFUSED_VALUES = [
    pytest.param({"aiEnabled": None}, (["input", "aiEnabled"], "INVALID_VALUE"), id="null-ai-enabled"),
    pytest.param(
        {"branchPatterns": None}, (["input", "branchPatterns"], "INVALID_VALUE"), id="null-patterns"
    ),
    pytest.param(
        {"branchPatterns": [f"r{n}" for n in range(51)]},
        (["input", "branchPatterns", "50"], "INVALID_BRANCH_PATTERN"),
        id="too-many-patterns",
    ),
]
# Each refused updateRepository of acme's repository acme/web: (input beyond its id, error).
REFUSED_UPDATES = [
    *REFUSED_VALUES,
    pytest.param(
        {"aiEnabled": False, "branchPatterns": ["main", "dev", "a b"]},
        (["input", "branchPatterns", "2"], "INVALID_BRANCH_PATTERN"),
        id="invalid-pattern",
    ),
    pytest.param(
        {"aiEnabled": False, "repositoryId": repository_id(NONEXISTENT_KEY)},
        (["input", "repositoryId"], "NOT_FOUND"),
        id="unknown-repository",
    ),
    pytest.param(
        {"aiEnabled": False, "repositoryId": "not-an-id"},
        (["input", "repositoryId"], "NOT_FOUND"),
        id="malformed-id",
    ),
]


@pytest.mark.parametrize(("input", "error"), REFUSED_UPDATES)
async def test_refused_update_answers_its_error(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any], error: tuple[list[str], str]
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")

    payload = await update_repository(client, acme, key, **input)

    assert error_fields_and_codes(payload) == [error]
    assert payload["repository"] is None


@pytest.mark.parametrize(("input", "error"), REFUSED_UPDATES)
async def test_refused_update_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any], error: tuple[list[str], str]
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    before = await stored_rows(engine)

    await update_repository(client, acme, key, **input)

    assert await stored_rows(engine) == before


# ---- removeRepository ------------------------------------------------------------------------------


async def test_removal_answers_the_id_the_repository_had(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")

    payload = await remove_repository(client, acme, key)

    assert payload == {"removedRepositoryId": repository_id(key), "userErrors": []}


async def test_removed_repository_no_longer_resolves(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    await remove_repository(client, acme, key)

    data = await execute(client, acme.token, NODE, {"id": repository_id(key)})

    assert data == {"node": None}


async def test_removal_keeps_the_other_repositories(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)
    removed = await make_repository(engine, acme.project, "acme/web")
    kept = await make_repository(engine, acme.project, "acme/api")

    await remove_repository(client, acme, removed)

    assert [row["id"] for row in (await stored_rows(engine))["repository"]] == [kept]


async def test_removal_records_the_values_the_repository_had(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(
        engine, acme.project, "acme/web", provider="GITLAB", ai_enabled=False, branch_patterns=["main"]
    )

    await remove_repository(client, acme, key)

    (entry,) = await audit_log_nodes(client, acme.token)
    assert (entry["action"], entry["actor"], entry["targetType"], entry["targetId"]) == (
        "REPOSITORY_REMOVED",
        "alice",
        "REPOSITORY",
        repository_id(key),
    )
    assert entry["changes"] == [
        {"field": "provider", "before": "GITLAB", "after": None},
        {"field": "name", "before": "acme/web", "after": None},
        {"field": "aiEnabled", "before": False, "after": None},
        {"field": "branchPatterns", "before": ["main"], "after": None},
    ]


async def test_removing_twice_is_not_found_and_writes_nothing_more(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    await remove_repository(client, acme, key)
    before = await stored_rows(engine)

    payload = await remove_repository(client, acme, key)

    assert error_fields_and_codes(payload) == [(["input", "repositoryId"], "NOT_FOUND")]
    assert payload["removedRepositoryId"] is None
    assert await stored_rows(engine) == before


async def test_removing_a_repository_of_another_organization_is_not_found_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    other = await make_organization(engine, "other")
    foreign = await make_repository(engine, await make_project(engine, other, "web"), "other/web")
    before = await stored_rows(engine)

    payload = await remove_repository(client, acme, foreign)

    assert error_fields_and_codes(payload) == [(["input", "repositoryId"], "NOT_FOUND")]
    assert await stored_rows(engine) == before


# ---- bulkUpdateRepositories ------------------------------------------------------------------------


async def given_three_repositories(engine: AsyncEngine) -> tuple[Acme, list[int]]:
    """acme with three repositories in two projects; the last one is already switched off."""
    acme = await given_acme(engine)
    api = await make_project(engine, acme.org, "api")
    keys = [
        await make_repository(engine, acme.project, "acme/web"),
        await make_repository(engine, api, "acme/api", branch_patterns=["main"]),
        await make_repository(engine, api, "acme/docs", ai_enabled=False),
    ]
    return acme, keys


async def test_bulk_update_changes_every_repository_given(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)

    payload = await bulk_update_repositories(
        client, acme, [repository_id(key) for key in keys], aiEnabled=False, branchPatterns=["release/*"]
    )

    assert payload["userErrors"] == []
    assert payload["repositories"] == [
        {
            "id": repository_id(key),
            "aiEnabled": False,
            "branchPatterns": ["release/*"],
            "status": "DISABLED_BY_REPOSITORY",
        }
        for key in keys
    ]


async def test_bulk_update_leaves_repositories_not_given_as_they_are(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)
    before = (await stored_rows(engine))["repository"]

    await bulk_update_repositories(client, acme, [repository_id(keys[0])], aiEnabled=False)

    after = (await stored_rows(engine))["repository"]
    assert after[1:] == before[1:]


async def test_bulk_update_moves_last_configured_at_of_the_repositories_it_changes_only(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)
    before = {row["id"]: row["last_configured_at"] for row in (await stored_rows(engine))["repository"]}
    started = dt.datetime.now(dt.UTC)

    await bulk_update_repositories(client, acme, [repository_id(key) for key in keys], aiEnabled=False)

    after = {row["id"]: row["last_configured_at"] for row in (await stored_rows(engine))["repository"]}
    assert all(started <= after[key] <= dt.datetime.now(dt.UTC) for key in keys[:2])
    assert after[keys[2]] == before[keys[2]]


async def test_bulk_update_records_only_the_repositories_it_changes_in_one_batch(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)

    payload = await bulk_update_repositories_for_its_batch(
        client, acme.token, repositoryIds=[repository_id(key) for key in keys], aiEnabled=False
    )

    entries = await audit_log_nodes(client, acme.token)
    assert sorted((entry["targetId"], entry["action"]) for entry in entries) == sorted(
        (repository_id(key), "REPOSITORY_UPDATED") for key in keys[:2]
    )
    assert payload["batchId"] is not None
    assert {entry["batchId"] for entry in entries} == {payload["batchId"]}


async def test_bulk_update_records_each_repositorys_own_before_values(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)

    await bulk_update_repositories(
        client, acme, [repository_id(key) for key in keys[:2]], branchPatterns=["main"]
    )

    (entry,) = await audit_log_nodes(client, acme.token)
    assert (entry["targetId"], entry["changes"]) == (
        repository_id(keys[0]),
        [{"field": "branchPatterns", "before": [], "after": ["main"]}],
    )


async def test_bulk_update_that_changes_nothing_has_no_batch_and_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)
    before = await stored_rows(engine)

    payload = await bulk_update_repositories_for_its_batch(
        client, acme.token, repositoryIds=[repository_id(keys[2])], aiEnabled=False
    )

    assert payload == {"batchId": None, "userErrors": []}
    assert await stored_rows(engine) == before


async def given_a_foreign_repository(engine: AsyncEngine) -> str:
    other = await make_organization(engine, "other")
    return repository_id(await make_repository(engine, await make_project(engine, other, "web"), "other/web"))


BAD_IDS = ["nonexistent", "another-organizations", "malformed", "of-a-project"]


async def bad_repository_id(engine: AsyncEngine, acme: Acme, kind: str) -> str:
    if kind == "another-organizations":
        return await given_a_foreign_repository(engine)
    return {
        "nonexistent": repository_id(NONEXISTENT_KEY),
        "malformed": "not-an-id",
        "of-a-project": acme.project_id,
    }[kind]


@pytest.mark.parametrize("kind", BAD_IDS)
async def test_bulk_update_names_the_index_of_an_unknown_repository(
    engine: AsyncEngine, client: httpx.AsyncClient, kind: str
) -> None:
    acme, keys = await given_three_repositories(engine)
    ids = [repository_id(key) for key in keys]
    ids.insert(2, await bad_repository_id(engine, acme, kind))

    payload = await bulk_update_repositories(client, acme, ids, aiEnabled=False)

    assert error_fields_and_codes(payload) == [(["input", "repositoryIds", "2"], "NOT_FOUND")]
    assert payload["repositories"] == []


@pytest.mark.parametrize("kind", BAD_IDS)
async def test_bulk_update_with_one_unknown_repository_changes_none(
    engine: AsyncEngine, client: httpx.AsyncClient, kind: str
) -> None:
    acme, keys = await given_three_repositories(engine)
    ids = [repository_id(key) for key in keys] + [await bad_repository_id(engine, acme, kind)]
    before = await stored_rows(engine)

    await bulk_update_repositories(client, acme, ids, aiEnabled=False)

    assert await stored_rows(engine) == before


async def test_bulk_update_names_every_unknown_repository(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme, keys = await given_three_repositories(engine)
    ids = ["not-an-id", repository_id(keys[0]), repository_id(NONEXISTENT_KEY)]

    payload = await bulk_update_repositories(client, acme, ids, aiEnabled=False)

    assert error_fields_and_codes(payload) == [
        (["input", "repositoryIds", "0"], "NOT_FOUND"),
        (["input", "repositoryIds", "2"], "NOT_FOUND"),
    ]


@pytest.mark.parametrize(
    ("count", "errors"),
    [
        (1000, [(["input", "repositoryIds", "999"], "NOT_FOUND")]),
        (1001, [(["input", "repositoryIds"], "TOO_MANY_ITEMS")]),
    ],
)
async def test_bulk_update_takes_at_most_a_thousand_repositories(
    engine: AsyncEngine, client: httpx.AsyncClient, count: int, errors: list[tuple[list[str], str]]
) -> None:
    acme, keys = await given_three_repositories(engine)
    ids = [repository_id(keys[0])] * (count - 1) + [repository_id(NONEXISTENT_KEY)]

    payload = await bulk_update_repositories(client, acme, ids, aiEnabled=False)

    assert error_fields_and_codes(payload) == errors


# Each refused bulkUpdateRepositories of acme's three repositories: (input beyond the ids, error).
REFUSED_BULK_UPDATES = [
    *REFUSED_VALUES,
    pytest.param(
        {"aiEnabled": False, "branchPatterns": ["main", "a..b"]},
        (["input", "branchPatterns", "1"], "INVALID_BRANCH_PATTERN"),
        id="invalid-pattern",
    ),
    pytest.param(
        {"aiEnabled": False, "repositoryIds": [repository_id(NONEXISTENT_KEY)] * 1001},
        (["input", "repositoryIds"], "TOO_MANY_ITEMS"),
        id="too-many-repositories",
    ),
]


@pytest.mark.parametrize(("input", "error"), REFUSED_BULK_UPDATES)
async def test_refused_bulk_update_answers_its_error(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any], error: tuple[list[str], str]
) -> None:
    acme, keys = await given_three_repositories(engine)

    payload = await bulk_update_repositories(client, acme, [repository_id(key) for key in keys], **input)

    assert error_fields_and_codes(payload) == [error]
    assert payload["repositories"] == []


@pytest.mark.parametrize(("input", "error"), REFUSED_BULK_UPDATES)
async def test_refused_bulk_update_writes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, input: dict[str, Any], error: tuple[list[str], str]
) -> None:
    acme, keys = await given_three_repositories(engine)
    before = await stored_rows(engine)

    await bulk_update_repositories(client, acme, [repository_id(key) for key in keys], **input)

    assert await stored_rows(engine) == before


_update_with_version = mutation(
    """
mutation UpdateRepositoryVersioned($input: UpdateRepositoryInput!) {
  updateRepository(input: $input) { repository { aiEnabled version } userErrors { field code message } }
}
""",
    "updateRepository",
)
_remove_with_version = mutation(
    """
mutation RemoveRepositoryVersioned($input: RemoveRepositoryInput!) {
  removeRepository(input: $input) { removedRepositoryId userErrors { field code message } }
}
""",
    "removeRepository",
)


async def test_expected_version_guards_a_change_and_a_change_moves_the_version(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    update = {"repositoryId": repository_id(key), "expectedVersion": 1}

    changed = await _update_with_version(client, acme.token, **update, aiEnabled=False)
    before = await stored_rows(engine)
    stale = await _update_with_version(client, acme.token, **update, aiEnabled=True)

    assert changed == {"repository": {"aiEnabled": False, "version": 2}, "userErrors": []}
    assert stale == {
        "repository": None,
        "userErrors": [
            {
                "field": ["input", "expectedVersion"],
                "code": "STALE_VERSION",
                "message": "The repository is at version 2, not 1: someone changed it since you read it. "
                "Read it again and retry.",
            }
        ],
    }
    assert await stored_rows(engine) == before


async def test_expected_version_guards_a_removal(engine: AsyncEngine, client: httpx.AsyncClient) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    before = await stored_rows(engine)

    stale = await _remove_with_version(client, acme.token, repositoryId=repository_id(key), expectedVersion=7)
    after_stale = await stored_rows(engine)
    current = await _remove_with_version(
        client, acme.token, repositoryId=repository_id(key), expectedVersion=1
    )

    assert error_fields_and_codes(stale) == [(["input", "expectedVersion"], "STALE_VERSION")]
    assert after_stale == before
    assert current == {"removedRepositoryId": repository_id(key), "userErrors": []}
