"""Descriptions are GraphiQL's documentation: every type, field, argument and enum value has one, as
introspection (what GraphiQL reads) reports it."""

from __future__ import annotations

from typing import Any

import httpx
from graphql import get_introspection_query
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_token
from tests.graphql import execute

BUILT_IN = {"String", "Boolean", "Int", "Float", "ID"}


def undocumented(schema: dict[str, Any]) -> list[str]:
    missing = []
    for kind in schema["types"]:
        name = kind["name"]
        if name.startswith("__") or name in BUILT_IN:
            continue
        if not kind["description"]:
            missing.append(name)
        for field in (kind["fields"] or []) + (kind["inputFields"] or []):
            if not field["description"]:
                missing.append(f"{name}.{field['name']}")
            missing += [
                f"{name}.{field['name']}({a['name']})" for a in field.get("args", []) if not a["description"]
            ]
        missing += [f"{name}.{v['name']}" for v in kind["enumValues"] or [] if not v["description"]]
    return missing


async def test_every_type_field_argument_and_enum_value_is_described(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    token = await make_token(engine, await make_organization(engine))

    data = await execute(client, token, get_introspection_query(descriptions=True))

    assert undocumented(data["__schema"]) == []
