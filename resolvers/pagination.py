"""Cursor pagination: page sizes checked against their limits, opaque keyset cursors, pages."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import orjson

from aisettings.models.limits import DEFAULT_PAGE_SIZE, MAX_CURSOR_TEXT
from aisettings.models.tables import is_primary_key
from aisettings.models.text import is_storable

from .errors import BadUserInput, LimitExceeded

T = TypeVar("T")
CursorValue = str | int | None


def page_size(first: int | None, maximum: int) -> int:
    """`first` as asked, or the default; more than `maximum` is an error, never a silent cap."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0:
        raise BadUserInput("`first` must not be negative.")
    if size > maximum:
        raise LimitExceeded(f"`first` is {size}, over the maximum page size of {maximum}.")
    return size


def encode_cursor(kind: str, values: Sequence[CursorValue]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([kind, *values])).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, value_types: Sequence[type[str] | type[int]]) -> list[CursorValue]:
    """The values of a cursor made by `encode_cursor(kind, ...)`, checked against `value_types`. A
    cursor is only decoded, never trusted: what the server never issues (a key out of range, a string
    the database cannot hold) is rejected here rather than sent to the database."""
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(f"{cursor!r} is not a valid cursor.") from None
    if not isinstance(decoded, list) or len(decoded) != len(value_types) + 1 or decoded[0] != kind:
        raise BadUserInput(f"{cursor!r} is not a cursor of this list and order.")
    values = decoded[1:]
    if not all(_valid(value, value_type) for value, value_type in zip(values, value_types, strict=True)):
        raise BadUserInput(f"{cursor!r} is not a valid cursor.")
    return values


def _valid(value: object, value_type: type[str] | type[int]) -> bool:
    if value_type is int:
        return is_primary_key(value)
    return isinstance(value, str) and len(value) <= MAX_CURSOR_TEXT and is_storable(value)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, how to make an item's cursor, and where it stands in the whole.
    Cursors are made only when asked for: a tree page asks for two of its 4000 (`endCursor`)."""

    items: list[T]
    cursor: Callable[[T], str]
    has_next_page: bool
    has_previous_page: bool
    total_count: int


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


Identified = TypeVar("Identified", bound=_Identified)


def id_cursor(kind: str) -> Callable[[Identified], str]:
    """The cursor of an item of a list ordered by id alone."""
    return lambda item: encode_cursor(kind, [item.id])


def decode_id_cursor(cursor: str, kind: str) -> int:
    """The id in a cursor of a list ordered by id alone."""
    (value,) = decode_cursor(cursor, kind, [int])
    assert isinstance(value, int)
    return value
