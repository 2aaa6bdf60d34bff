"""/api/0/openapi.json: a valid OpenAPI 3.1 document of every endpoint of the issue, whose schemas the
answers match."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_schema_validator import validate as validate_answer
from openapi_spec_validator import validate
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_repository
from tests.rest import (
    BULK,
    ORGANIZATION_SETTINGS,
    PROJECT_SETTINGS,
    PROJECTS_WITH_OVERRIDES,
    REPOSITORIES,
    given_acme,
    ok,
)

ENDPOINTS = {
    "/api/0/organizations/{organization}/ai-settings/": {"get", "put", "patch"},
    "/api/0/projects/{organization}/{project}/ai-settings/": {"get", "put", "patch"},
    "/api/0/organizations/{organization}/ai-projects/": {"get"},
    "/api/0/projects/{organization}/{project}/ai-settings/repositories/": {"get", "post"},
    "/api/0/projects/{organization}/{project}/ai-settings/repositories/{repository}/": {
        "get",
        "put",
        "patch",
        "delete",
    },
    "/api/0/organizations/{organization}/ai-projects/bulk/": {"post"},
}


async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/0/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_the_document_is_valid_openapi_3_1(client: httpx.AsyncClient) -> None:
    document = await openapi(client)

    validate(document)

    assert document["openapi"].startswith("3.1")


async def test_the_document_describes_every_endpoint_and_method(client: httpx.AsyncClient) -> None:
    document = await openapi(client)

    described = {path: set(methods) for path, methods in document["paths"].items()}

    # OPTIONS, DRF's metadata, on every path.
    assert described == {path: {*methods, "options"} for path, methods in ENDPOINTS.items()}


async def test_every_write_describes_its_body_and_its_refusals(client: httpx.AsyncClient) -> None:
    document = await openapi(client)

    for path, methods in document["paths"].items():
        for method, operation in ((m, o) for m, o in methods.items() if m != "options"):
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (method, path)
            assert ("requestBody" in operation) == (method in ("put", "patch", "post")), (method, path)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (ORGANIZATION_SETTINGS, {"$ref": "#/components/schemas/OrganizationSettings"}),
        (PROJECT_SETTINGS, {"$ref": "#/components/schemas/ProjectSettings"}),
        (
            PROJECTS_WITH_OVERRIDES,
            {"type": "array", "items": {"$ref": "#/components/schemas/ProjectSettings"}},
        ),
        (REPOSITORIES, {"type": "array", "items": {"$ref": "#/components/schemas/Repository"}}),
    ],
)
async def test_the_answers_match_their_schemas(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str, schema: dict[str, Any]
) -> None:
    acme = await given_acme(
        engine, locked=["fix_enabled"], overrides={"stopping_point": None, "fix_enabled": True}
    )
    await make_repository(engine, acme.project, "acme/web")
    document = await openapi(client)

    answer = await ok(client, "GET", path, acme.member)

    assert answer
    validate_answer(answer, {**schema, "components": document["components"]}, cls=OAS31Validator)


async def test_the_metadata_of_options_matches_its_schema(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    acme = await given_acme(engine)
    document = await openapi(client)
    schema = document["paths"]["/api/0/organizations/{organization}/ai-projects/bulk/"]["options"]

    answer = await client.options(BULK, headers={"Authorization": f"Bearer {acme.admin}"})

    assert set(answer.json()["actions"]) == {"POST"}
    validate_answer(answer.json(), schema["responses"]["200"]["content"]["application/json"]["schema"])
