"""The AI assistant's question: a repository by provider and name (ignoring case), with the settings AI
runs with there and where each comes from; null when the organization has none such; up to 100 at once,
in the order asked, in a constant number of statements."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.limits import MAX_REPOSITORY_REFERENCES
from aisettings.models.settings import StoppingPoint
from aisettings.models.tables import Role
from tests.factories import make_organization, make_project, make_repository, make_token
from tests.graphql import document, error_codes, execute, post
from tests.sql_statements import queries, recorded_statements


@pytest.fixture
def client(uncached_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Every request computed from the database: this module counts the statements of requests."""
    return uncached_client


ONE = document("RepositorySettings")
MANY = document("RepositoriesByName")


def github(name: str) -> dict[str, str]:
    return {"provider": "GITHUB", "name": name}


def answer(effective: dict[str, Any]) -> dict[str, Any]:
    """Each setting's value and source."""
    return {
        name: (value["value"], value["source"])
        for name, value in effective.items()
        if name != "overriddenSettings"
    }


async def test_a_repository_is_found_ignoring_case_with_its_settings_and_their_sources(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": True})
    web = await make_project(engine, org, "web", overrides={"stopping_point": StoppingPoint.MERGE})
    await make_repository(engine, web, "Acme/Web")
    token = await make_token(engine, org, "reader", Role.MEMBER)

    data = await execute(client, token, ONE, {"slug": "acme", **github("acme/WEB")})

    found = data["organization"]["repository"]
    assert (found["name"], found["project"]["slug"], found["status"]) == ("Acme/Web", "web", "ACTIVE")
    assert answer(found["effectiveSettings"]) == {
        "scanEnabled": (True, "SYSTEM_DEFAULT"),
        "fixEnabled": (True, "ORGANIZATION"),
        "stoppingPoint": ("MERGE", "PROJECT"),
    }


async def test_a_repository_switched_off_scans_and_fixes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": True})
    await make_repository(engine, await make_project(engine, org, "web"), "acme/web", ai_enabled=False)
    token = await make_token(engine, org)

    found = (await execute(client, token, ONE, {"slug": "acme", **github("acme/web")}))["organization"]

    settings = answer(found["repository"]["effectiveSettings"])
    assert settings["scanEnabled"] == (False, "REPOSITORY")
    assert settings["fixEnabled"] == (False, "REPOSITORY")


async def test_an_unknown_repository_or_another_organizations_is_null(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    acme = await make_organization(engine, "acme")
    globex = await make_organization(engine, "globex")
    await make_repository(engine, await make_project(engine, acme, "web"), "acme/web")
    await make_repository(engine, await make_project(engine, globex, "web"), "globex/web")
    token = await make_token(engine, acme)

    gitlab = {"provider": "GITLAB", "name": "acme/web"}
    other_provider = await execute(client, token, ONE, {"slug": "acme", **gitlab})
    other_organization = await execute(client, token, ONE, {"slug": "acme", **github("globex/web")})

    assert other_provider == {"organization": {"repository": None}}
    assert other_organization == {"organization": {"repository": None}}


async def test_many_repositories_answer_in_the_order_asked_with_null_for_the_unknown(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    web = await make_project(engine, org, "web")
    await make_repository(engine, web, "acme/web")
    await make_repository(engine, await make_project(engine, org, "api"), "acme/api", provider="GITLAB")
    token = await make_token(engine, org)
    gitlab = {"provider": "GITLAB", "name": "ACME/API"}
    asked = [github("acme/api"), gitlab, github("nope/x"), github("acme/web")]

    data = await execute(client, token, MANY, {"slug": "acme", "references": asked})

    found = data["organization"]["repositoriesByName"]
    assert [None if r is None else (r["provider"], r["name"]) for r in found] == [
        None,
        ("GITLAB", "acme/api"),
        None,
        ("GITHUB", "acme/web"),
    ]


async def test_a_repository_of_several_projects_is_the_first_projects_by_slug(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    await make_repository(engine, await make_project(engine, org, "web"), "acme/mono")
    await make_repository(engine, await make_project(engine, org, "api"), "acme/mono")
    token = await make_token(engine, org)

    data = await execute(client, token, ONE, {"slug": "acme", **github("acme/mono")})

    assert data["organization"]["repository"]["project"]["slug"] == "api"


async def test_more_references_than_the_limit_is_limit_exceeded(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    asked = [github(f"acme/r{index}") for index in range(MAX_REPOSITORY_REFERENCES + 1)]

    response = await post(client, token, MANY, {"slug": "acme", "references": asked})

    assert error_codes(response.json()["errors"]) == ["LIMIT_EXCEEDED"]


async def test_a_name_longer_than_a_repository_name_can_be_is_limit_exceeded(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)

    response = await post(client, token, ONE, {"slug": "acme", **github("a/" + "x" * 300)})

    assert error_codes(response.json()["errors"]) == ["LIMIT_EXCEEDED"]


async def test_looking_up_100_repositories_takes_as_many_statements_as_one(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    for index in range(20):
        project_id = await make_project(engine, org, f"p{index:02d}")
        for number in range(5):
            await make_repository(engine, project_id, f"acme/p{index:02d}-{number}")
    token = await make_token(engine, org)
    one = [github("acme/p00-0")]
    hundred = [github(f"acme/p{index:02d}-{number}") for index in range(20) for number in range(5)]

    counts = []
    for references in (one, hundred):
        await post(client, token, MANY, {"slug": "acme", "references": references})  # warm-up
        with recorded_statements(engine) as statements:
            response = await post(client, token, MANY, {"slug": "acme", "references": references})
        assert None not in response.json()["data"]["organization"]["repositoriesByName"]
        counts.append(len(queries(statements)))

    assert 1 <= counts[0] == counts[1] <= 3
