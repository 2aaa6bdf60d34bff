"""Lists paginated the Sentry way: `per_page` (at most MAX_REST_PAGE, the default), `cursor` as Sentry's
offset paginator writes it (`per page:page number:is previous`, e.g. `100:1:0`), and a Link header with
the previous and the next page, each saying whether it holds results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import quote, urlencode

from starlette.requests import Request

from aisettings.models.limits import MAX_REST_PAGE
from aisettings.models.tables import MAX_PRIMARY_KEY

from .errors import RestError
from .fields import whole_number

T = TypeVar("T")


@dataclass(frozen=True)
class Cursor:
    per_page: int
    page: int
    is_previous: bool

    def __str__(self) -> str:
        return f"{self.per_page}:{self.page}:{int(self.is_previous)}"


def _per_page(request: Request) -> int:
    per_page = whole_number(request.query_params.get("per_page", str(MAX_REST_PAGE)))
    if per_page is None or per_page < 1:
        raise RestError.detail(400, "Invalid per_page parameter.")
    if per_page > MAX_REST_PAGE:
        raise RestError.detail(400, f"Invalid per_page parameter. Max allowed value is {MAX_REST_PAGE}.")
    return per_page


def _cursor(request: Request, per_page: int) -> Cursor:
    text = request.query_params.get("cursor")
    if not text:
        return Cursor(per_page, 0, False)
    match [whole_number(part) for part in text.split(":")]:
        case [int(size), int(page), 0 | 1 as is_previous] if size * page <= MAX_PRIMARY_KEY:
            return Cursor(size, page, is_previous == 1)
    raise RestError.detail(400, "Invalid cursor parameter.")


async def paginate(request: Request, read: Callable[[int, int], Awaitable[list[T]]]) -> tuple[list[T], str]:
    """A page of what `read(offset, limit)` reads, and its Link header."""
    per_page = _per_page(request)
    cursor = _cursor(request, per_page)
    items = await read(cursor.per_page * cursor.page, per_page + 1)
    previous = Cursor(per_page, max(cursor.page - 1, 0), True)
    following = Cursor(per_page, cursor.page + 1, False)
    links = [
        _link(request, "previous", previous, cursor.page > 0),
        _link(request, "next", following, len(items) > per_page),
    ]
    return items[:per_page], ", ".join(links)


def _link(request: Request, name: str, cursor: Cursor, has_results: bool) -> str:
    query = urlencode([(key, value) for key, value in request.query_params.multi_items() if key != "cursor"])
    base = f"{request.url.scheme}://{request.url.netloc}{quote(request.url.path)}?{query}"
    results = "true" if has_results else "false"
    return f'<{base}&cursor={cursor}>; rel="{name}"; results="{results}"; cursor="{cursor}"'
