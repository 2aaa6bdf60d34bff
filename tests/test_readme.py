"""The README's GraphQL examples, run as written, in order, against the demo organization as `serve --demo`
makes it: each answers without errors or userErrors, and with something to show (no empty list). The
global ids they hold are a fresh demo's; here they are taken to the same objects of this database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG, create_demo_organization
from aisettings.app.tokens import create_token
from aisettings.resolvers.global_ids import decode_global_id, encode_global_id
from tests.graphql import post

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLES = re.findall(r"^```graphql\n(.*?)^```", README.read_text(), flags=re.MULTILINE | re.DOTALL)
GLOBAL_ID = re.compile(r'"([A-Za-z0-9+/=]{12,})"')


def empty_lists(value: Any, path: str = "") -> list[str]:
    """The paths of the empty lists in an answer, userErrors aside (which must be empty)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in empty_lists(item, f"{path}.{key}")]
    if isinstance(value, list):
        if not value and not path.endswith("userErrors"):
            return [path]
        return [found for index, item in enumerate(value) for found in empty_lists(item, f"{path}[{index}]")]
    return []


def user_errors(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.get("userErrors", []), *(e for item in value.values() for e in user_errors(item))]
    if isinstance(value, list):
        return [error for item in value for error in user_errors(item)]
    return []


def this_databases_ids(example: str, demo_id: int, project_ids: dict[str, str]) -> str:
    """`example` with a fresh demo's global ids (organization 1, project N = project-0000{N-1}) replaced
    by the ids of the same objects here."""

    def replaced(match: re.Match[str]) -> str:
        try:
            type_name, key = decode_global_id(match[1])
        except Exception:
            return match[0]  # a string that is no global id
        if type_name == "Organization":
            return f'"{encode_global_id("Organization", demo_id)}"'
        return f'"{project_ids[f"project-{key - 1:05d}"]}"'

    return GLOBAL_ID.sub(replaced, example)


def test_the_readme_has_its_examples() -> None:
    assert len(EXAMPLES) >= 6


async def test_every_graphql_example_of_the_readme_runs_on_the_demo(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    demo_id = await create_demo_organization(engine)
    token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="readme")
    projects = (
        await post(
            client, token, '{ organization(slug: "demo") { projects(first: 100) { nodes { id slug } } } }'
        )
    ).json()["data"]["organization"]["projects"]["nodes"]
    project_ids = {node["slug"]: node["id"] for node in projects}

    for example in EXAMPLES:
        response = await post(client, token, this_databases_ids(example, demo_id, project_ids))

        body = response.json()
        assert response.status_code == 200, (example, body)
        assert "errors" not in body, (example, body["errors"])
        assert user_errors(body["data"]) == [], example
        assert empty_lists(body["data"]) == [], example
