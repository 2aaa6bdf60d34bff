"""Pages of a connection as the API answers them: walking them all by endCursor, the page without edges,
and cursors the server never issued."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

# Fetches a page: the first without arguments, the next with `after`.
FetchPage = Callable[..., Awaitable[dict[str, Any]]]


async def walk_pages(fetch_page: FetchPage) -> list[dict[str, Any]]:
    """Every page, from the first on, following endCursor until hasNextPage is false."""
    pages = [await fetch_page()]
    while pages[-1]["pageInfo"]["hasNextPage"]:
        assert len(pages) < 100, "the pages never end"
        pages.append(await fetch_page(after=pages[-1]["pageInfo"]["endCursor"]))
    return pages


def page_without_edges(total_count: int, *, has_next_page: bool, has_previous_page: bool) -> dict[str, Any]:
    """A page with its totalCount, every pageInfo field, edges and nodes, when it holds no edge."""
    return {
        "totalCount": total_count,
        "pageInfo": {
            "hasNextPage": has_next_page,
            "hasPreviousPage": has_previous_page,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
        "nodes": [],
    }


def forged(value: object) -> str:
    """A cursor-like string the server never issued: `value` as JSON, base64-encoded."""
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
