"""Text no database can store is refused before it reaches one, whether it comes as a literal of the
document or as a variable. (An unpaired surrogate escape in a literal is already a syntax error.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.factories import make_organization, make_token
from tests.graphql import errors

LITERAL_NUL = '{ organization(slug: "acme\\u0000") { id } }'
BY_VARIABLE = "query ($slug: String!) { organization(slug: $slug) { id } }"


@pytest.mark.parametrize(
    ("query", "variables"),
    [(LITERAL_NUL, None), (BY_VARIABLE, {"slug": "acme\x00"})],
    ids=["NUL in a literal", "NUL in a variable"],
)
async def test_unstorable_text_is_a_bad_user_input_error(
    engine: AsyncEngine, client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None
) -> None:
    token = await make_token(engine, await make_organization(engine))

    found = await errors(client, token, query, variables)

    assert [error["extensions"]["code"] for error in found] == ["BAD_USER_INPUT"]
