"""Nothing of another organization is visible, not even by a guessed global id, and a token narrowed by
scopes reads only what its scopes allow."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.importing import import_file, read_import_file
from aisettings.models.tables import Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_member, make_organization, make_token
from tests.graphql import error_codes, errors, execute, post

TYPE_NAMES = ["Organization", "Project", "Repository", "AuditEntry"]

IDS = """
query Ids($slug: String!) {
  organization(slug: $slug) {
    id
    projects { nodes { id repositories { nodes { id } } } }
    auditLog { nodes { id } }
  }
}
"""

ORGANIZATION = "query Organization($slug: String!) { organization(slug: $slug) { id slug name } }"

NODE = "query Node($id: ID!) { node(id: $id) { __typename id } }"

NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"

VIEWER_ORGANIZATIONS = """
query { viewer { organizations { totalCount nodes { slug } } } }
"""

ORGANIZATION_A = {
    "organizations": [
        {
            "slug": "a",
            "settings": {"fixEnabled": True},
            "projects": [
                {
                    "slug": "web",
                    "overrides": {"fixEnabled": False},
                    "repositories": [{"provider": "GITHUB", "name": "a/web"}],
                }
            ],
        }
    ]
}


ACME_WITH_A_REPOSITORY = {
    "organizations": [
        {
            "slug": "acme",
            "settings": {"fixEnabled": True},
            "projects": [{"slug": "web", "repositories": [{"provider": "GITHUB", "name": "acme/web"}]}],
        }
    ]
}


async def global_ids_of(client: httpx.AsyncClient, token: str, slug: str) -> dict[str, str]:
    """The global ids of an organization, its first project and repository and its newest audit entry,
    as a token of that organization reads them."""
    organization = (await execute(client, token, IDS, {"slug": slug}))["organization"]
    project = organization["projects"]["nodes"][0]
    return {
        "Organization": organization["id"],
        "Project": project["id"],
        "Repository": project["repositories"]["nodes"][0]["id"],
        "AuditEntry": organization["auditLog"]["nodes"][0]["id"],
    }


@pytest.fixture(params=[False, True], ids=["viewer-outside-a", "viewer-also-owner-of-a"])
def viewer_also_in_a(request: pytest.FixtureRequest) -> bool:
    """Whether the user behind b's token is an owner of `a` too: a token reads its own organization only."""
    return bool(request.param)


async def given_organization_a_and_an_owner_of_b(
    engine: AsyncEngine, client: httpx.AsyncClient, viewer_also_in_a: bool
) -> tuple[dict[str, str], str]:
    """The global ids of organization `a` (with a project, a repository and audit entries), and a token in
    organization `b` of its owner `bob`."""
    org_a = await make_organization(engine, "a")
    token_of_a = await make_token(engine, org_a)
    await import_file(engine, read_import_file(json.dumps(ORGANIZATION_A).encode()))
    ids_of_a = await global_ids_of(client, token_of_a, "a")
    token_of_b = await make_token(engine, await make_organization(engine, "b"), "bob")
    if viewer_also_in_a:
        await make_member(engine, org_a, "bob", Role.OWNER)
    return ids_of_a, token_of_b


async def test_organization_of_another_organization_is_null(
    engine: AsyncEngine, client: httpx.AsyncClient, viewer_also_in_a: bool
) -> None:
    _, token_of_b = await given_organization_a_and_an_owner_of_b(engine, client, viewer_also_in_a)

    data = await execute(client, token_of_b, ORGANIZATION, {"slug": "a"})

    assert data == {"organization": None}


@pytest.mark.parametrize("type_name", TYPE_NAMES)
async def test_node_of_another_organizations_object_is_null(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str, viewer_also_in_a: bool
) -> None:
    ids_of_a, token_of_b = await given_organization_a_and_an_owner_of_b(engine, client, viewer_also_in_a)

    data = await execute(client, token_of_b, NODE, {"id": ids_of_a[type_name]})

    assert data == {"node": None}


async def test_nodes_of_another_organizations_objects_are_null(
    engine: AsyncEngine, client: httpx.AsyncClient, viewer_also_in_a: bool
) -> None:
    ids_of_a, token_of_b = await given_organization_a_and_an_owner_of_b(engine, client, viewer_also_in_a)

    data = await execute(client, token_of_b, NODES, {"ids": [ids_of_a[name] for name in TYPE_NAMES]})

    assert data == {"nodes": [None] * len(TYPE_NAMES)}


async def test_viewer_organizations_lists_only_the_tokens_organization(
    engine: AsyncEngine, client: httpx.AsyncClient, viewer_also_in_a: bool
) -> None:
    _, token_of_b = await given_organization_a_and_an_owner_of_b(engine, client, viewer_also_in_a)

    data = await execute(client, token_of_b, VIEWER_ORGANIZATIONS)

    assert data["viewer"]["organizations"] == {"totalCount": 1, "nodes": [{"slug": "b"}]}


async def test_another_organizations_slug_answers_as_a_nonexistent_slug(
    engine: AsyncEngine, client: httpx.AsyncClient, viewer_also_in_a: bool
) -> None:
    _, token_of_b = await given_organization_a_and_an_owner_of_b(engine, client, viewer_also_in_a)

    existing = await post(client, token_of_b, ORGANIZATION, {"slug": "a"})
    nonexistent = await post(client, token_of_b, ORGANIZATION, {"slug": "nonexistent"})

    assert (existing.status_code, existing.json()) == (nonexistent.status_code, nonexistent.json())


@pytest.mark.parametrize("type_name", TYPE_NAMES)
async def test_another_organizations_id_answers_as_a_nonexistent_id(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str, viewer_also_in_a: bool
) -> None:
    ids_of_a, token_of_b = await given_organization_a_and_an_owner_of_b(engine, client, viewer_also_in_a)

    existing = await post(client, token_of_b, NODE, {"id": ids_of_a[type_name]})
    nonexistent = await post(client, token_of_b, NODE, {"id": encode_global_id(type_name, 2**31 - 1)})

    assert (existing.status_code, existing.json()) == (nonexistent.status_code, nonexistent.json())


# --- Tokens narrowed by scopes --------------------------------------------------------------------------


async def given_a_project_and_a_narrowed_token(
    engine: AsyncEngine, client: httpx.AsyncClient, scopes: list[str]
) -> tuple[dict[str, str], str]:
    """The global ids of acme and of its project, repository and audit entry (from an import), and a
    token of an owner of acme narrowed to `scopes`."""
    org = await make_organization(engine, "acme")
    full_token = await make_token(engine, org, "alice")
    await import_file(engine, read_import_file(json.dumps(ACME_WITH_A_REPOSITORY).encode()))
    return await global_ids_of(client, full_token, "acme"), await make_token(
        engine, org, "olivia", scopes=scopes
    )


@pytest.mark.parametrize(
    "selection",
    [
        pytest.param("projects { totalCount }", id="projects"),
        pytest.param('project(slug: "web") { id }', id="project"),
        pytest.param("settingsSummary { projectCount }", id="settingsSummary"),
    ],
)
async def test_token_without_project_read_is_forbidden_to_read_projects(
    engine: AsyncEngine, client: httpx.AsyncClient, selection: str
) -> None:
    _, token = await given_a_project_and_a_narrowed_token(engine, client, ["org:read"])

    found = await errors(client, token, f'query {{ organization(slug: "acme") {{ slug {selection} }} }}')

    assert error_codes(found) == ["FORBIDDEN"]


async def test_token_without_project_read_still_reads_its_organization(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await given_a_project_and_a_narrowed_token(engine, client, ["org:read"])

    data = await execute(client, token, ORGANIZATION, {"slug": "acme"})

    assert data["organization"]["slug"] == "acme"


@pytest.mark.parametrize("type_name", ["Project", "Repository"])
async def test_node_of_a_project_or_repository_is_null_without_project_read(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str
) -> None:
    ids, token = await given_a_project_and_a_narrowed_token(engine, client, ["org:read"])

    data = await execute(client, token, NODE, {"id": ids[type_name]})

    assert data == {"node": None}


# What a token narrowed to project:read reads of its organization: everything a project needs, since a
# project means nothing without the settings it inherits; not the audit log (org:read).
READABLE_WITH_PROJECT_READ = [
    pytest.param(
        'query { organization(slug: "acme") { slug name settings { fixEnabled } } }',
        lambda ids: {},
        {"organization": {"slug": "acme", "name": "Acme", "settings": {"fixEnabled": True}}},
        id="organization-by-slug",
    ),
    pytest.param(
        "query Node($id: ID!) { node(id: $id) { ... on Project { slug organization { slug } } } }",
        lambda ids: {"id": ids["Project"]},
        {"node": {"slug": "web", "organization": {"slug": "acme"}}},
        id="organization-of-a-project-node",
    ),
    pytest.param(
        "query Node($id: ID!) { node(id: $id) { ... on Repository { project { organization { slug } } } } }",
        lambda ids: {"id": ids["Repository"]},
        {"node": {"project": {"organization": {"slug": "acme"}}}},
        id="organization-of-a-repository-node",
    ),
    pytest.param(
        "query Node($id: ID!) { node(id: $id) { ... on Organization { slug } } }",
        lambda ids: {"id": ids["Organization"]},
        {"node": {"slug": "acme"}},
        id="organization-node",
    ),
    pytest.param(
        VIEWER_ORGANIZATIONS,
        lambda ids: {},
        {"viewer": {"organizations": {"totalCount": 1, "nodes": [{"slug": "acme"}]}}},
        id="viewer-organizations",
    ),
]


@pytest.mark.parametrize(("query", "variables_of", "expected"), READABLE_WITH_PROJECT_READ)
async def test_token_with_only_project_read_reads_the_organization_of_its_projects(
    engine: AsyncEngine,
    client: httpx.AsyncClient,
    query: str,
    variables_of: Callable[[dict[str, str]], dict[str, Any]],
    expected: dict[str, Any],
) -> None:
    ids, token = await given_a_project_and_a_narrowed_token(engine, client, ["project:read"])

    data = await execute(client, token, query, variables_of(ids))

    assert data == expected


@pytest.mark.parametrize(("scopes", "visible"), [(["project:read"], False), (["org:read"], True)])
async def test_node_of_an_audit_entry_needs_org_read(
    engine: AsyncEngine, client: httpx.AsyncClient, scopes: list[str], visible: bool
) -> None:
    ids, token = await given_a_project_and_a_narrowed_token(engine, client, scopes)

    data = await execute(client, token, NODE, {"id": ids["AuditEntry"]})

    assert data["node"] == ({"__typename": "AuditEntry", "id": ids["AuditEntry"]} if visible else None)
