"""The committed SDL snapshot and the documents in queries/ never drift from the server's schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.schema.schema import build_schema
from aisettings.schema.strawberry_internals import core_schema
from tests.factories import make_organization, make_project, make_repository, make_token
from tests.graphql import QUERIES, document, execute

SCHEMA_SNAPSHOT = Path(__file__).resolve().parents[2] / "schema.graphql"


def _operation_kinds(name: str) -> set[graphql.OperationType]:
    return {
        definition.operation
        for definition in graphql.parse(document(name)).definitions
        if isinstance(definition, graphql.OperationDefinitionNode)
    }


def _operation_names(name: str) -> list[str]:
    return [
        definition.name.value
        for definition in graphql.parse(document(name)).definitions
        if isinstance(definition, graphql.OperationDefinitionNode) and definition.name is not None
    ]


DOCUMENTS = sorted(path.stem for path in QUERIES.glob("*.graphql"))
QUERY_DOCUMENTS = [name for name in DOCUMENTS if _operation_kinds(name) == {graphql.OperationType.QUERY}]
MUTATION_DOCUMENTS = [name for name in DOCUMENTS if name not in QUERY_DOCUMENTS]


def _validation_errors(name: str) -> list[str]:
    schema = core_schema(build_schema())
    return [error.message for error in graphql.validate(schema, graphql.parse(document(name)))]


def test_committed_schema_snapshot_equals_the_server_schema() -> None:
    committed = SCHEMA_SNAPSHOT.read_text()

    current = build_schema().as_str() + "\n"

    assert committed == current, "schema.graphql is stale: run `aisettings schema > schema.graphql`"


def test_queries_folder_holds_query_and_mutation_documents() -> None:
    assert QUERY_DOCUMENTS
    assert MUTATION_DOCUMENTS


@pytest.mark.parametrize("name", QUERY_DOCUMENTS)
def test_query_document_validates_against_the_schema(name: str) -> None:
    errors = _validation_errors(name)

    assert errors == []


@pytest.mark.parametrize("name", MUTATION_DOCUMENTS)
def test_mutation_document_validates_against_the_schema(name: str) -> None:
    errors = _validation_errors(name)

    assert errors == []


# The variables each query operation needs, given the ids of the data set up below.
VARIABLES: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "OrganizationTree": lambda ids: {"slug": "acme"},
    "ProjectsWithOverrides": lambda ids: {"slug": "acme"},
    "AuditLog": lambda ids: {"slug": "acme"},
    "ProjectSettings": lambda ids: {"id": ids["project"]},
    "SettingsPageOrganization": lambda ids: {"slug": "acme"},
    "SettingsPageProjects": lambda ids: {"slug": "acme", "filter": {"search": "we", "hasOverrides": True}},
    "SettingsPageProject": lambda ids: {"slug": "acme", "projectSlug": "web"},
    "AuditTargets": lambda ids: {"ids": [ids["project"]]},
    "RepositorySettings": lambda ids: {"slug": "acme", "provider": "GITHUB", "name": "acme/web"},
    "RepositoriesByName": lambda ids: {
        "slug": "acme",
        "references": [{"provider": "GITHUB", "name": "acme/web"}],
    },
}

PROJECT_ID_QUERY = 'query { organization(slug: "acme") { project(slug: "web") { id } } }'


@pytest.mark.parametrize("name", QUERY_DOCUMENTS)
async def test_every_operation_of_a_query_document_runs_without_errors(
    engine: AsyncEngine, client: httpx.AsyncClient, name: str
) -> None:
    org = await make_organization(engine, "acme", settings={"fix_enabled": True}, locked=["scan_enabled"])
    project_id = await make_project(engine, org, "web", overrides={"scan_enabled": False})
    await make_repository(engine, project_id, "acme/web", branch_patterns=["main"])
    token = await make_token(engine, org)
    found = await execute(client, token, PROJECT_ID_QUERY)
    ids = {"project": found["organization"]["project"]["id"]}

    results = [
        await execute(client, token, document(name), VARIABLES[operation](ids), operation)
        for operation in _operation_names(name)
    ]

    assert results
    assert all(value is not None for result in results for value in result.values())
