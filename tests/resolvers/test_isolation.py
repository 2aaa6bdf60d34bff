"""Nothing of another organization is visible, not even by a guessed global id, and a token narrowed by
scopes reads only what its scopes allow."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.importing import import_file
from aisettings.models.tables import Role
from aisettings.resolvers.global_ids import encode_global_id
from tests.factories import make_member, make_organization, make_project, make_repository, make_token
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
    await import_file(engine, json.dumps(ORGANIZATION_A).encode())
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


async def given_a_project_and_an_org_read_token(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> tuple[dict[str, str], str]:
    """The global ids of acme's project and repository, and a token of an owner of acme narrowed to
    org:read."""
    org = await make_organization(engine, "acme")
    await make_repository(engine, await make_project(engine, org, "web"), "acme/web")
    full_token = await make_token(engine, org, "alice")
    project = (await execute(client, full_token, IDS, {"slug": "acme"}))["organization"]["projects"]["nodes"][
        0
    ]
    ids = {"Project": project["id"], "Repository": project["repositories"]["nodes"][0]["id"]}
    return ids, await make_token(engine, org, "olivia", scopes=["org:read"])


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
    _, token = await given_a_project_and_an_org_read_token(engine, client)

    found = await errors(client, token, f'query {{ organization(slug: "acme") {{ slug {selection} }} }}')

    assert error_codes(found) == ["FORBIDDEN"]


async def test_token_without_project_read_still_reads_its_organization(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, token = await given_a_project_and_an_org_read_token(engine, client)

    data = await execute(client, token, ORGANIZATION, {"slug": "acme"})

    assert data["organization"]["slug"] == "acme"


@pytest.mark.parametrize("type_name", ["Project", "Repository"])
async def test_node_of_a_project_or_repository_is_null_without_project_read(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str
) -> None:
    ids, token = await given_a_project_and_an_org_read_token(engine, client)

    data = await execute(client, token, NODE, {"id": ids[type_name]})

    assert data == {"node": None}
