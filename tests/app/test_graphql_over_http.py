"""GraphQL over HTTP as the spec (and its reference audit, web/audit.mjs) wants it: media types, statuses,
GET for queries only, and a GraphQL-shaped `errors` body for every refusal."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_token
from tests.graphql import document, organization_id

RESPONSE_JSON = "application/graphql-response+json; charset=utf-8"
JSON = "application/json; charset=utf-8"
VIEWER = "query Viewer { viewer { login } }"
PAGE = 'query Page($first: Int) { organization(slug: "acme") { projects(first: $first) { totalCount } } }'


async def _token(engine: AsyncEngine) -> str:
    return await make_token(engine, await make_organization(engine))


def _auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


async def _post(
    client: httpx.AsyncClient, token: str, body: dict[str, Any], accept: str | None = None
) -> httpx.Response:
    headers = _auth(token) if accept is None else _auth(token, Accept=accept)
    return await client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", RESPONSE_JSON),
        ("application/json, application/graphql-response+json", RESPONSE_JSON),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("text/html, application/*;q=0.1", JSON),
    ],
)
async def test_the_answer_has_the_media_type_the_client_ranks_highest(
    client: httpx.AsyncClient, engine: AsyncEngine, accept: str | None, content_type: str
) -> None:
    token = await _token(engine)

    response = await _post(client, token, {"query": VIEWER}, accept)

    assert (response.status_code, response.headers["content-type"]) == (200, content_type)
    assert response.json() == {"data": {"viewer": {"login": "alice"}}}


async def test_a_client_accepting_none_of_our_media_types_gets_406_listing_them(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await _token(engine)

    response = await _post(client, token, {"query": VIEWER}, "text/html, application/json;charset=latin1")

    assert response.status_code == 406
    assert "application/graphql-response+json" in response.headers["accept"]
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("query Viewer { viewer { login ", None, "GRAPHQL_PARSE_FAILED"),
        ("query Viewer { viewer { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query Page($first: Int) { viewer { login } }", {"first": 1}, "GRAPHQL_VALIDATION_FAILED"),
        (PAGE, {"first": "ten"}, "BAD_USER_INPUT"),
        ("query A { viewer { login } } query B { viewer { login } }", None, "BAD_USER_INPUT"),
    ],
    ids=["parse", "validation", "unused variable", "variable coercion", "no operation named"],
)
async def test_a_request_error_is_400_without_data_for_graphql_response_json_and_200_for_json(
    client: httpx.AsyncClient, engine: AsyncEngine, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    token = await _token(engine)
    body = {"query": query, "variables": variables}

    modern = await _post(client, token, body, "application/graphql-response+json")
    legacy = await _post(client, token, body, "application/json")

    assert (modern.status_code, legacy.status_code) == (400, 200)
    for response in (modern, legacy):
        assert "data" not in response.json()
        assert [error["extensions"]["code"] for error in response.json()["errors"]] == [code]


async def test_an_operation_name_the_document_lacks_is_a_request_error(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await _token(engine)

    response = await _post(
        client, token, {"query": VIEWER, "operationName": "Elsewhere"}, "application/graphql-response+json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The document has no operation named 'Elsewhere'."


async def test_a_field_error_is_200_with_data_even_for_graphql_response_json(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    token = await _token(engine)
    query = (
        'query Page { viewer { login } organization(slug: "acme") { projects(first: 5000) { totalCount } } }'
    )

    response = await _post(client, token, {"query": query}, "application/graphql-response+json")

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"viewer": {"login": "alice"}, "organization": None}
    assert [error["path"] for error in body["errors"]] == [["organization", "projects"]]


async def test_a_query_runs_over_get_with_json_variables(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine)
    token = await make_token(engine, org)
    query = "query Organization($slug: String!) { organization(slug: $slug) { id } }"
    parameters = urlencode({"query": query, "variables": '{"slug": "acme"}', "operationName": "Organization"})

    response = await client.get(f"/graphql?{parameters}", headers=_auth(token))

    assert response.status_code == 200
    assert response.json() == {"data": {"organization": {"id": organization_id(org)}}}


async def test_a_mutation_over_get_is_405_and_changes_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await make_organization(engine, settings={"fix_enabled": False})
    token = await make_token(engine, org)
    variables = {"input": {"organizationId": organization_id(org), "fixEnabled": True}}
    parameters = urlencode(
        {"query": document("UpdateOrganizationSettings"), "variables": json.dumps(variables)}
    )

    response = await client.get(f"/graphql?{parameters}", headers=_auth(token))
    after = await _post(
        client, token, {"query": 'query Fix { organization(slug: "acme") { settings { fixEnabled } } }'}
    )

    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    assert response.json()["errors"][0]["message"] == "A mutation is sent with POST, not GET."
    assert after.json()["data"]["organization"]["settings"]["fixEnabled"] is False


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_are_405_naming_get_and_post(
    client: httpx.AsyncClient, engine: AsyncEngine, method: str
) -> None:
    token = await _token(engine)

    response = await client.request(method, "/graphql", headers=_auth(token))

    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", ""],
)
async def test_a_body_not_sent_as_utf8_json_is_415(
    client: httpx.AsyncClient, engine: AsyncEngine, content_type: str
) -> None:
    token = await _token(engine)

    response = await client.post(
        "/graphql",
        content=b'{"query": "{ viewer { login } }"}',
        headers=_auth(token, **{"Content-Type": content_type}),
    )

    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": ', "The request body is not valid JSON."),
        (b"\xff\xfe", "The request body is not valid JSON."),
        (b'[{"query": "{ viewer { login } }"}]', "batches are not supported"),
        (b'{"variables": {}}', "The request has no `query` (nor a `documentId`)."),
        (b'{"query": 42}', "The `query` must be a string."),
        (
            b'{"query": "{ viewer { login } }", "variables": [1]}',
            "The `variables` must be an object (or null).",
        ),
        (b'{"query": "{ viewer { login } }", "operationName": 1}', "The `operationName` must be a string"),
        (b'{"query": "{ viewer { login } }", "extensions": "x"}', "The `extensions` must be an object"),
    ],
)
async def test_a_malformed_request_is_400_with_a_graphql_shaped_error(
    client: httpx.AsyncClient, engine: AsyncEngine, body: bytes, message: str
) -> None:
    token = await _token(engine)

    response = await client.post(
        "/graphql",
        content=body,
        headers=_auth(
            token, **{"Content-Type": "application/json", "Accept": "application/graphql-response+json"}
        ),
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == RESPONSE_JSON
    [error] = response.json()["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_invalid_json_in_a_get_parameter_is_400(client: httpx.AsyncClient, engine: AsyncEngine) -> None:
    token = await _token(engine)
    parameters = urlencode({"query": VIEWER, "variables": "{not json"})

    response = await client.get(f"/graphql?{parameters}", headers=_auth(token))

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The `variables` parameter is not valid JSON."
