"""Running a mutation's work in one write transaction, or rehearsing it (dry run) in one that is always
rolled back: the same code computes both, so a dry run answers exactly what the real call would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from aisettings.models.database import write_transaction

T = TypeVar("T")


class _Rehearsed(Exception, Generic[T]):
    def __init__(self, result: T) -> None:
        super().__init__()
        self.result = result


async def run_write(
    engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]], *, dry_run: bool = False
) -> T:
    """The result of `work`, committed; with `dry_run`, the same result with everything rolled back.
    MutationFailed raised by `work` rolls back and propagates."""
    try:
        async with write_transaction(engine) as connection:
            result = await work(connection)
            if dry_run:
                raise _Rehearsed(result)
    except _Rehearsed as rehearsal:
        rehearsed: T = rehearsal.result
        return rehearsed
    return result
