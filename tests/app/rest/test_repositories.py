"""/api/0/projects/{org}/{project}/ai-settings/repositories/ and .../{id}/: list, add (201 with Location),
read, replace, change and remove (204) a project's repositories, with the GraphQL mutations' validation
and audit entries."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_project, make_repository, stored_rows
from tests.read_back import audit_log_nodes
from tests.rest import REPOSITORIES, call, given_acme, ok, repository_path

NEW = {"provider": "github", "name": "acme/web"}


async def test_post_adds_a_repository_with_a_location(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)

    response = await call(
        client, "POST", REPOSITORIES, acme.admin, {**NEW, "branch_patterns": ["main", "release/*"]}
    )

    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"http://testserver{repository_path(body['id'])}"
    assert {key: body[key] for key in ("provider", "name", "ai_enabled", "branch_patterns", "status")} == {
        "provider": "github",
        "name": "acme/web",
        "ai_enabled": True,
        "branch_patterns": ["main", "release/*"],
        "status": "active",
    }
    assert await ok(client, "GET", response.headers["location"], acme.member) == body


async def test_the_list_holds_the_projects_repositories(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine, settings={"scan_enabled": False, "fix_enabled": False})
    first = await make_repository(engine, acme.project, "acme/one")
    second = await make_repository(engine, acme.project, "acme/two", ai_enabled=False, provider="GITLAB")
    elsewhere = await make_project(engine, acme.org, "api")
    await make_repository(engine, elsewhere, "acme/api")

    listed = await ok(client, "GET", REPOSITORIES, acme.member)

    assert [(r["id"], r["provider"], r["status"]) for r in listed] == [
        (str(first), "github", "disabled_by_settings"),
        (str(second), "gitlab", "disabled_by_repository"),
    ]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "acme/web"}, {"provider": ["This field is required."]}),
        ({"provider": "svn", "name": "acme/web"}, {"provider": ['"svn" is not a valid choice.']}),
        ({"provider": "github"}, {"name": ["This field is required."]}),
        ({**NEW, "ai_enabled": "sometimes"}, {"ai_enabled": ["Must be a valid boolean."]}),
        (
            {**NEW, "branch_patterns": "main"},
            {"branch_patterns": ['Expected a list of items but got type "str".']},
        ),
        ({**NEW, "branch_patterns": ["main", True]}, {"branch_patterns": {"1": ["Not a valid string."]}}),
    ],
)
async def test_an_invalid_repository_is_a_400_naming_the_field(
    client: httpx.AsyncClient, engine: AsyncEngine, body: dict[str, object], errors: dict[str, object]
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "POST", REPOSITORIES, acme.admin, body)

    assert (response.status_code, response.json()) == (400, errors)


async def test_the_rules_of_the_graphql_mutation_refuse_what_they_refuse(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    await make_repository(engine, acme.project, "acme/web")
    before = await stored_rows(engine)

    duplicate = await call(client, "POST", REPOSITORIES, acme.admin, {**NEW, "name": "ACME/Web"})
    bad_glob = await call(
        client, "POST", REPOSITORIES, acme.admin, {**NEW, "name": "acme/x", "branch_patterns": ["a..b"]}
    )
    bad_name = await call(client, "POST", REPOSITORIES, acme.admin, {**NEW, "name": "not a name"})

    assert (duplicate.status_code, list(duplicate.json())) == (400, ["name"])
    assert (bad_glob.status_code, list(bad_glob.json()["branch_patterns"])) == (400, ["0"])
    assert (bad_name.status_code, list(bad_name.json())) == (400, ["name"])
    assert await stored_rows(engine) == before


async def test_put_replaces_the_configuration_with_the_defaults_of_what_it_leaves_out(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web", ai_enabled=False, branch_patterns=["main"])

    written = await ok(
        client, "PUT", repository_path(key), acme.admin, {"branch_patterns": ["dev"], "name": "x/y"}
    )

    assert (written["ai_enabled"], written["branch_patterns"], written["name"]) == (True, ["dev"], "acme/web")


async def test_patch_changes_only_what_it_names(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web", branch_patterns=["main"])

    written = await ok(client, "PATCH", repository_path(key), acme.admin, {"ai_enabled": False})

    assert (written["ai_enabled"], written["branch_patterns"], written["status"]) == (
        False,
        ["main"],
        "disabled_by_repository",
    )


async def test_delete_removes_the_repository(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")

    response = await call(client, "DELETE", repository_path(key), acme.admin)

    assert (response.status_code, response.content) == (204, b"")
    assert (await call(client, "GET", repository_path(key), acme.member)).status_code == 404


@pytest.mark.parametrize("key", ["0", "abc", "99999999999", "1.5"])
async def test_an_id_that_names_no_repository_is_a_404(
    client: httpx.AsyncClient, engine: AsyncEngine, key: str
) -> None:
    acme = await given_acme(engine)

    response = await call(client, "GET", repository_path(key), acme.member)

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "The requested resource does not exist"},
    )


async def test_a_repository_of_another_project_is_a_404(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    elsewhere = await make_repository(engine, await make_project(engine, acme.org, "api"), "acme/api")

    responses = [
        await call(client, method, repository_path(elsewhere), acme.owner, {"ai_enabled": False})
        for method in ("GET", "PUT", "PATCH", "DELETE")
    ]

    assert [response.status_code for response in responses] == [404] * 4


async def test_each_write_is_audited_as_the_graphql_mutations_audit_it(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)

    added = await ok(client, "POST", REPOSITORIES, acme.admin, NEW, status=201)
    await ok(client, "PATCH", repository_path(added["id"]), acme.admin, {"ai_enabled": False})
    await ok(client, "DELETE", repository_path(added["id"]), acme.admin, status=204)

    entries = await audit_log_nodes(client, acme.owner)
    assert [(e["action"], e["actor"], e["targetType"]) for e in entries] == [
        ("REPOSITORY_REMOVED", "adam", "REPOSITORY"),
        ("REPOSITORY_UPDATED", "adam", "REPOSITORY"),
        ("REPOSITORY_ADDED", "adam", "REPOSITORY"),
    ]
    assert len({entry["batchId"] for entry in entries}) == 3


async def test_the_etag_is_the_version_that_each_change_moves(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    added = await call(client, "POST", REPOSITORIES, acme.admin, NEW)
    path = repository_path(added.json()["id"])

    changed = await call(client, "PATCH", path, acme.admin, {"ai_enabled": False}, {"If-Match": '"1"'})
    unchanged = await call(client, "PATCH", path, acme.admin, {"ai_enabled": False}, {"If-Match": '"2"'})
    read = await call(client, "GET", path, acme.member)

    assert [(r.headers["etag"], r.json()["version"]) for r in (added, changed, unchanged, read)] == [
        ('"1"', 1),
        ('"2"', 2),
        ('"2"', 2),  # a write that changes nothing moves no version
        ('"2"', 2),
    ]


@pytest.mark.parametrize(
    ("method", "body"),
    [("PUT", {"ai_enabled": False}), ("PATCH", {"branch_patterns": ["x"]}), ("DELETE", None)],
)
async def test_a_write_with_an_etag_that_no_longer_matches_is_a_412_and_changes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine, method: str, body: dict[str, object] | None
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    etag = (await call(client, "GET", repository_path(key), acme.member)).headers["etag"]
    await ok(client, "PATCH", repository_path(key), acme.admin, {"branch_patterns": ["main"]})
    before = await stored_rows(engine)

    response = await call(client, method, repository_path(key), acme.admin, body, {"If-Match": etag})

    assert (response.status_code, response.json()) == (
        412,
        {"detail": "The resource has changed since you read it (If-Match): read it again and retry."},
    )
    assert await stored_rows(engine) == before


async def test_a_delete_with_the_current_etag_removes_the_repository(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    key = await make_repository(engine, acme.project, "acme/web")
    etag = (await call(client, "GET", repository_path(key), acme.member)).headers["etag"]

    response = await call(client, "DELETE", repository_path(key), acme.admin, headers={"If-Match": etag})

    assert response.status_code == 204
    assert (await call(client, "GET", repository_path(key), acme.member)).status_code == 404
