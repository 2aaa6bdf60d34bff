"""The SQL statements of each kind of request, counted in-process (same code, same database) at two
sizes: constant means the same count for 10 projects as for 1000."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.demo import DEMO_SLUG
from tests.sql_statements import queries, recorded_statements

from .documents import BULK, PAGE, SINGLE, TREE

SMALL = 10


@dataclass(frozen=True)
class StatementCounts:
    tree: tuple[int, int]  # a page of SMALL projects, of PAGE projects
    bulk: tuple[int, int]
    single: int

    @property
    def constant(self) -> bool:
        return self.tree[0] == self.tree[1] and self.bulk[0] == self.bulk[1]

    def __str__(self) -> str:
        return (
            f"tree page of {SMALL} / {PAGE} projects {self.tree[0]} / {self.tree[1]}, bulk update of "
            f"{SMALL} / {PAGE} projects {self.bulk[0]} / {self.bulk[1]}, one project's update {self.single} "
            "(transaction control aside, each + 1 for authentication)"
        )


async def count_statements(engine: AsyncEngine, database_url: str, token: str) -> StatementCounts:
    app = create_app(Config(database_url=database_url, answer_caches=False, graphiql=False), engine=engine)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:

        async def statements_of(document: str, variables: dict[str, Any]) -> int:
            with recorded_statements(engine) as statements:
                response = await http.post(
                    "/graphql", json={"query": document, "variables": variables}, headers=headers
                )
            assert "errors" not in response.json(), response.text
            # Not counted: authentication's once-a-minute record of the token's use.
            return len([s for s in queries(statements) if not s.startswith("UPDATE api_token")])

        async def bulk_of(ids: list[str]) -> int:
            changes = {"fixEnabled": True}
            return await statements_of(
                BULK, {"input": {"organizationId": organization_id, "projectIds": ids, "changes": changes}}
            )

        page = await http.post(
            "/graphql", json={"query": TREE, "variables": {"slug": DEMO_SLUG, "first": PAGE}}, headers=headers
        )
        organization = page.json()["data"]["organization"]
        organization_id = organization["id"]
        ids = [node["id"] for node in organization["projects"]["nodes"]]
        tree = (
            await statements_of(TREE, {"slug": DEMO_SLUG, "first": SMALL}),
            await statements_of(TREE, {"slug": DEMO_SLUG, "first": PAGE}),
        )
        bulk = (await bulk_of(ids[:SMALL]), await bulk_of(ids))
        single = await statements_of(
            SINGLE, {"input": {"projectId": ids[0], "changes": {"fixEnabled": False}}}
        )
    return StatementCounts(tree, bulk, single)
