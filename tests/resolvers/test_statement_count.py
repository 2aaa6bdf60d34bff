"""Reads issue a constant number of SQL statements, whatever the size of the organization: the
OrganizationTree and ProjectSettings documents, counted at the database driver's cursor around one HTTP
request each."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.settings import StoppingPoint
from tests.factories import Org, make_organization, make_project, make_projects, make_repository, make_token
from tests.graphql import document, execute
from tests.read_back import project_global_id
from tests.sql_statements import queries, recorded_statements


@pytest.fixture
def client(uncached_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Every request computed from the database: this module counts the statements of requests."""
    return uncached_client


# The queries each document was observed to need; a loader that stops batching makes them grow with the
# data. Transaction control (SQLite's BEGIN, emitted once per connection) is not counted in these.
MAX_TREE_QUERIES = 6
MAX_PROJECT_SETTINGS_QUERIES = 4


async def given_organization(engine: AsyncEngine, slug: str, project_count: int) -> tuple[Org, str]:
    """`project_count` projects of 3 repositories each, one in ten overriding settings (one of them
    ignored under a lock), and a token of the organization's owner."""
    org = await make_organization(
        engine, slug, settings={"stopping_point": StoppingPoint.MERGE}, locked=["stopping_point"]
    )
    with_overrides = project_count // 10
    await make_projects(engine, org, project_count - with_overrides, repositories_each=3)
    for index in range(with_overrides):
        project_id = await make_project(
            engine,
            org,
            f"override-{index}",
            overrides={"fix_enabled": True, "stopping_point": StoppingPoint.SUGGESTION},
        )
        for number in range(3):
            await make_repository(
                engine, project_id, f"{slug}/override-{index}-{number}", ai_enabled=number != 0
            )
    return org, await make_token(engine, org, f"owner-of-{slug}")


async def tree_statements(client: httpx.AsyncClient, engine: AsyncEngine, org: Org, token: str) -> list[str]:
    """The statements of one OrganizationTree request, after a warm-up request (which also records the
    token's use, a write made at most once a minute)."""
    variables = {"slug": org.slug, "first": 1000}
    await execute(client, token, document("OrganizationTree"), variables)
    with recorded_statements(engine) as statements:
        data = await execute(client, token, document("OrganizationTree"), variables)
    assert data["organization"]["projects"]["nodes"], "the tree was read"
    assert queries(statements), "computed from the database, not a cached answer"
    return statements


async def project_settings_statements(
    client: httpx.AsyncClient, engine: AsyncEngine, org: Org, token: str, slug: str
) -> tuple[list[str], dict[str, Any]]:
    """The statements of one ProjectSettings request (after a warm-up request), and its project."""
    variables = {"id": await project_global_id(client, token, slug, org.slug)}
    await execute(client, token, document("ProjectSettings"), variables)
    with recorded_statements(engine) as statements:
        data = await execute(client, token, document("ProjectSettings"), variables)
    project: dict[str, Any] = data["node"]
    return statements, project


async def given_project_with_repositories(engine: AsyncEngine, slug: str, count: int) -> tuple[Org, str]:
    org = await make_organization(engine, slug, settings={"fix_enabled": True})
    project_id = await make_project(engine, org, "web", overrides={"scan_enabled": False})
    for number in range(count):
        await make_repository(engine, project_id, f"{slug}/web-{number}", ai_enabled=number % 2 == 0)
    return org, await make_token(engine, org, f"owner-of-{slug}")


async def test_organization_tree_issues_as_many_statements_for_300_projects_as_for_10(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    small, small_token = await given_organization(engine, "small", 10)
    large, large_token = await given_organization(engine, "large", 300)

    for_small = await tree_statements(client, engine, small, small_token)
    for_large = await tree_statements(client, engine, large, large_token)

    assert len(for_large) == len(for_small), (for_small, for_large)


async def test_organization_tree_issues_a_handful_of_queries(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_organization(engine, "acme", 300)

    statements = await tree_statements(client, engine, org, token)

    found = queries(statements)
    print(f"OrganizationTree, 300 projects: {len(found)} queries ({len(statements)} statements)")
    assert len(found) <= MAX_TREE_QUERIES, found


async def test_organization_tree_reads_every_project_and_repository_it_counts(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_organization(engine, "acme", 300)

    data = await execute(client, token, document("OrganizationTree"), {"slug": org.slug, "first": 1000})

    nodes = data["organization"]["projects"]["nodes"]
    assert len(nodes) == data["organization"]["projects"]["totalCount"] == 300
    assert sum(len(node["repositories"]["nodes"]) for node in nodes) == 900


async def test_organization_tree_issues_no_write_once_the_token_use_is_recorded(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_organization(engine, "acme", 10)

    statements = await tree_statements(client, engine, org, token)

    writes = [s for s in statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


async def test_project_settings_issues_as_many_statements_for_50_repositories_as_for_2(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    few, few_token = await given_project_with_repositories(engine, "few", 2)
    many, many_token = await given_project_with_repositories(engine, "many", 50)

    for_few, few_project = await project_settings_statements(client, engine, few, few_token, "web")
    for_many, many_project = await project_settings_statements(client, engine, many, many_token, "web")

    assert (len(few_project["repositories"]["nodes"]), len(many_project["repositories"]["nodes"])) == (2, 50)
    assert len(for_many) == len(for_few), (for_few, for_many)


async def test_project_settings_issues_a_handful_of_queries(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org, token = await given_project_with_repositories(engine, "acme", 50)

    statements, _ = await project_settings_statements(client, engine, org, token, "web")

    found = queries(statements)
    print(f"ProjectSettings, 50 repositories: {len(found)} queries ({len(statements)} statements)")
    assert len(found) <= MAX_PROJECT_SETTINGS_QUERIES, found


@pytest.mark.parametrize("repositories_each", [3, 25], ids=["fewer-than-a-page", "more-than-a-page"])
async def test_organization_tree_statement_count_does_not_depend_on_repositories_per_project(
    engine: AsyncEngine, client: httpx.AsyncClient, repositories_each: int
) -> None:
    reference, reference_token = await given_organization(engine, "reference", 10)
    org = await make_organization(engine, "acme")
    await make_projects(engine, org, 20, repositories_each=repositories_each)
    token = await make_token(engine, org, "owner-of-acme")

    expected = await tree_statements(client, engine, reference, reference_token)
    statements = await tree_statements(client, engine, org, token)

    assert len(statements) == len(expected), (expected, statements)


ORGANIZATION_FIELDS = {
    "projects": "projects(first: 2) { totalCount nodes { slug } }",
    "project": 'project(slug: "p0001") { slug }',
    "settings-summary": "settingsSummary { projectCount }",
    "audit-log": "auditLog(first: 2) { totalCount }",
}


@pytest.mark.parametrize("field", ORGANIZATION_FIELDS.values(), ids=ORGANIZATION_FIELDS.keys())
async def test_an_organization_field_asked_under_every_project_of_a_page_is_read_once(
    engine: AsyncEngine, client: httpx.AsyncClient, field: str
) -> None:
    counts = []
    for slug, project_count in (("few", 3), ("many", 40)):
        org = await make_organization(engine, slug)
        await make_projects(engine, org, project_count)
        token = await make_token(engine, org, f"owner-of-{slug}")
        query = (
            f'{{ organization(slug: "{slug}") {{ projects {{ nodes {{ organization {{ {field} }} }} }} }} }}'
        )
        await execute(client, token, "{ viewer { login } }")  # records the token's use
        with recorded_statements(engine) as statements:
            data = await execute(client, token, query)
        nodes = data["organization"]["projects"]["nodes"]
        assert len(nodes) == project_count
        assert len({repr(node) for node in nodes}) == 1
        counts.append(len(queries(statements)))

    assert counts[0] == counts[1], counts


async def test_the_same_page_of_organizations_asked_under_several_aliases_is_read_once(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    await execute(client, token, "{ viewer { login } }")  # records the token's use
    once = "{ viewer { organizations { totalCount } } }"
    aliased = "{ " + " ".join(f"v{n}: viewer {{ organizations {{ totalCount }} }}" for n in range(20)) + " }"

    with recorded_statements(engine) as for_once:
        await execute(client, token, once)
    with recorded_statements(engine) as for_aliases:
        data = await execute(client, token, aliased)

    assert {answer["organizations"]["totalCount"] for answer in data.values()} == {1}
    assert len(queries(for_aliases)) == len(queries(for_once))
