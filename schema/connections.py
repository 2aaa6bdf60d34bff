"""Relay cursor connections: `edges`, `nodes`, `pageInfo` and `totalCount`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from aisettings.resolvers.pagination import Page

NodeType = TypeVar("NodeType")
Record = TypeVar("Record")


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(
        description="The cursor of the first item; null on an empty page."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last item, to pass as `after`; null on an empty page."
    )


@strawberry.type(description="An item of a list with its cursor.")
class Edge(Generic[NodeType]):
    cursor: str = strawberry.field(description="Pass as `after` to get the items after this one.")
    node: NodeType = strawberry.field(description="The item.")


def _edges(self: Connection[NodeType]) -> list[Edge[NodeType]]:
    cursor = self.page.cursor
    return [
        Edge(cursor=cursor(item), node=node) for item, node in zip(self.page.items, self.nodes, strict=True)
    ]


@strawberry.type(description="A page of a list.")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]] = strawberry.field(
        resolver=_edges, description="The items of this page with their cursors."
    )
    nodes: list[NodeType] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands in the list.")
    total_count: int = strawberry.field(description="How many items the whole list has (every page).")
    # The page shown: its items' cursors are made only when `edges` are asked for.
    page: strawberry.Private[Page[Any]]


def connection(page: Page[Record], wrap: Callable[[Record], NodeType]) -> Connection[NodeType]:
    return Connection(
        nodes=[wrap(record) for record in page.items],
        page_info=page_info(page),
        total_count=page.total_count,
        page=page,
    )


def page_info(page: Page[Any]) -> PageInfo:
    items = page.items
    return PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=page.cursor(items[0]) if items else None,
        end_cursor=page.cursor(items[-1]) if items else None,
    )
