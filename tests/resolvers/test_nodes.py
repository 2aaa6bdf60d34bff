"""Global ids: every Node an API field returns resolves again through `node(id)` and `nodes(ids)`; ids are
opaque, malformed ones are the client's error, and well-formed ones of nothing resolve to null."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.importing import import_file, read_import_file
from aisettings.models.tables import MAX_PRIMARY_KEY
from aisettings.resolvers.global_ids import NODE_TYPES, decode_global_id, encode_global_id
from tests.factories import make_organization, make_token
from tests.graphql import error_codes, errors, execute

NODE_FIELDS = """
fragment NodeFields on Node {
  __typename
  id
  ... on Organization {
    slug
    name
    settings { scanEnabled fixEnabled stoppingPoint lockedSettings version }
    viewerCanAdminister
  }
  ... on Project {
    slug
    name
    overrides { scanEnabled fixEnabled stoppingPoint }
    hasOverrides
    effectiveSettings { fixEnabled { value source } stoppingPoint { value source } }
    version
    viewerCanAdminister
  }
  ... on Repository { name provider url aiEnabled branchPatterns status project { id } }
  ... on AuditEntry {
    action actor targetType targetId batchId createdAt changes { field before after }
  }
}
"""

OBJECTS = (
    NODE_FIELDS
    + """
query Objects($slug: String!) {
  organization(slug: $slug) {
    ...NodeFields
    projects { nodes { ...NodeFields repositories { nodes { ...NodeFields } } } }
    auditLog { nodes { ...NodeFields } }
  }
}
"""
)

NODE = NODE_FIELDS + "query Node($id: ID!) { node(id: $id) { ...NodeFields } }"

NODES = NODE_FIELDS + "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ...NodeFields } }"

ACME = {
    "organizations": [
        {
            "slug": "acme",
            "settings": {"fixEnabled": True, "stoppingPoint": "MERGE"},
            "projects": [
                {
                    "slug": "web",
                    "overrides": {"stoppingPoint": "SUGGESTION"},
                    "repositories": [{"provider": "GITHUB", "name": "acme/web", "branchPatterns": ["main"]}],
                }
            ],
        }
    ]
}

NESTED_FIELDS = ("projects", "repositories", "auditLog")


def forged_id(text: str) -> str:
    """An id as a client could forge it: `text` in unpadded base64url."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


async def given_one_object_of_each_type(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> tuple[str, dict[str, dict[str, Any]]]:
    """A token of `acme`, and acme's organization, project, repository and newest audit entry as the API
    returns them, by type name (without their nested lists)."""
    org = await make_organization(engine, "acme")
    token = await make_token(engine, org)
    await import_file(engine, read_import_file(json.dumps(ACME).encode()))
    organization = (await execute(client, token, OBJECTS, {"slug": "acme"}))["organization"]
    project = organization["projects"]["nodes"][0]
    found = {
        "Organization": organization,
        "Project": project,
        "Repository": project["repositories"]["nodes"][0],
        "AuditEntry": organization["auditLog"]["nodes"][0],
    }
    return token, {
        type_name: {key: value for key, value in fields.items() if key not in NESTED_FIELDS}
        for type_name, fields in found.items()
    }


@pytest.mark.parametrize("type_name", ["Organization", "Project", "Repository", "AuditEntry"])
async def test_node_resolves_the_id_of_an_object_to_the_same_object(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str
) -> None:
    token, objects = await given_one_object_of_each_type(engine, client)
    expected = objects[type_name]

    data = await execute(client, token, NODE, {"id": expected["id"]})

    assert data["node"] == expected
    assert expected["__typename"] == type_name


async def test_nodes_returns_the_objects_in_the_requested_order_with_null_for_unknown_ids(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token, objects = await given_one_object_of_each_type(engine, client)
    entry, repository, organization, project = (
        objects[name] for name in ("AuditEntry", "Repository", "Organization", "Project")
    )
    unknown_project, unknown_entry = (encode_global_id(name, 2**31 - 1) for name in ("Project", "AuditEntry"))
    ids = [entry["id"], repository["id"], unknown_project, organization["id"], project["id"], unknown_entry]

    data = await execute(client, token, NODES, {"ids": ids})

    assert data["nodes"] == [entry, repository, None, organization, project, None]


async def test_ids_are_opaque_strings_distinct_for_every_object(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    _, objects = await given_one_object_of_each_type(engine, client)

    ids = [fields["id"] for fields in objects.values()]

    assert all(isinstance(global_id, str) and not global_id.lstrip("-").isdigit() for global_id in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "malformed",
    [
        pytest.param("abc", id="not-base64-of-a-type-and-key"),
        pytest.param("", id="empty"),
        pytest.param("1", id="plain-integer"),
        pytest.param("Project:1", id="not-encoded"),
        pytest.param("!!!", id="not-base64-characters"),
        pytest.param(forged_id("foo:1"), id="unknown-type"),
        pytest.param(forged_id("project:1"), id="type-in-other-case"),
        pytest.param(forged_id("Project:abc"), id="non-integer-key"),
        pytest.param(forged_id("Project:"), id="missing-key"),
        pytest.param(forged_id("Project"), id="no-separator"),
        pytest.param(forged_id("Project:0"), id="zero-key"),
        pytest.param(forged_id("Project:-1"), id="negative-key"),
        pytest.param(forged_id("Project:01"), id="leading-zero"),
        pytest.param(forged_id("Project:1.5"), id="fractional-key"),
        pytest.param(forged_id("Project: 1"), id="space-in-key"),
    ],
)
async def test_malformed_id_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, malformed: str
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))

    found = await errors(client, token, NODE, {"id": malformed})

    assert error_codes(found) == ["BAD_USER_INPUT"]
    assert found[0]["path"] == ["node"]


async def test_malformed_id_among_nodes_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token, objects = await given_one_object_of_each_type(engine, client)

    found = await errors(client, token, NODES, {"ids": [objects["Project"]["id"], "abc"]})

    assert error_codes(found) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("type_name", ["Organization", "Project", "Repository", "AuditEntry"])
@pytest.mark.parametrize("key", [123_456_789, 2**31 - 1])
async def test_well_formed_id_of_nothing_resolves_to_null_without_error(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str, key: int
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))

    data = await execute(client, token, NODE, {"id": encode_global_id(type_name, key)})

    assert data == {"node": None}


@pytest.mark.parametrize("type_name", ["Organization", "Project", "Repository", "AuditEntry"])
@pytest.mark.parametrize("key", [2**31, 10**20])
async def test_id_with_a_key_beyond_any_stored_id_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, type_name: str, key: int
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))

    found = await errors(client, token, NODE, {"id": encode_global_id(type_name, key)})

    assert error_codes(found) == ["BAD_USER_INPUT"]


async def test_more_than_a_thousand_ids_are_a_limit_exceeded_error(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))
    ids = [encode_global_id("Project", key) for key in range(1, 1002)]

    found = await errors(client, token, NODES, {"ids": ids})

    assert error_codes(found) == ["LIMIT_EXCEEDED"]


async def test_id_too_long_to_be_one_of_ours_is_refused_without_being_repeated(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine, "acme"))
    too_long = "UHJvamVjdDox" * 10_000

    found = await errors(client, token, NODE, {"id": too_long})

    assert error_codes(found) == ["BAD_USER_INPUT"]
    assert len(found[0]["message"]) < 100


@given(type_name=st.sampled_from(NODE_TYPES), primary_key=st.integers(1, MAX_PRIMARY_KEY))
def test_an_id_is_unpadded_base64url_of_its_type_and_key_and_decodes_back(
    type_name: str, primary_key: int
) -> None:
    global_id = encode_global_id(type_name, primary_key)

    assert global_id == forged_id(f"{type_name}:{primary_key}")
    assert decode_global_id(global_id) == (type_name, primary_key)
