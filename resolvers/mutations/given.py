"""Input fields that may be left out, told apart from fields given as null."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Given(Generic[T]):
    """A field the caller gave; its value may be None (null). A field left out is None itself."""

    value: T
