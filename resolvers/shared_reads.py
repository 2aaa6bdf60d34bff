"""The reads of fields that are not batched by a loader (a page of an organization's projects or audit
log, a project by slug, a settings summary, a page of organizations), shared by the fields of one
request that ask for them at the same time.

Under a list, such a field is asked once per parent: `projects { nodes { organization { projects } } } }`
asks an organization's projects once for each of 1000 projects. Run apart, those reads took a pooled
connection each, held every connection of the pool and stalled other requests. Here the reads asked at
once are gathered (a DataLoader's batch): the same read, by the same arguments, runs once for all of
them, and different reads run one after another on one connection. A read asked later, after a write of
the same request (a mutation's payload), reads again: a batch is forgotten once it has run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, TypeVarTuple, cast

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .loaders import SharedLoader

T = TypeVar("T")
Shown = TypeVar("Shown")
Arguments = TypeVarTuple("Arguments")


@dataclass(frozen=True, slots=True)
class _Read:
    key: Hashable
    run: Callable[[AsyncConnection], Awaitable[Any]]


class SharedReads:
    def __init__(self, engine: AsyncEngine) -> None:
        # Not DataLoader's cache, which would keep a read for the rest of the request: each batch is
        # deduplicated by `_run_batch`. And the batch function holds the engine alone, not this object:
        # no reference cycle keeps a request's pages alive until the garbage collector's next pass.
        self._loader = SharedLoader[_Read, Any](partial(_run_batch, engine), cache=False)

    async def read(
        self,
        function: Callable[[AsyncConnection, *Arguments], Awaitable[T]],
        *arguments: *Arguments,
        shown_as: Callable[[T], Shown],
    ) -> Shown:
        """`shown_as(function(connection, *arguments))`, run once for every field asking it now (the
        arguments must be hashable): what a field shows is made once too, not a page of objects per
        parent."""

        async def run(connection: AsyncConnection) -> Shown:
            return shown_as(await function(connection, *arguments))

        read = _Read((function, shown_as, arguments), run)
        return cast(Shown, await self._loader.load(read))


async def _run_batch(engine: AsyncEngine, reads: list[_Read]) -> list[Any]:
    """Each distinct read once, one after another on one connection; a failure is the result of the read
    that met it, reported by the fields that asked it."""
    results: dict[Hashable, Any] = {}
    async with engine.connect() as connection:
        for read in reads:
            if read.key not in results:
                try:
                    results[read.key] = await read.run(connection)
                except Exception as error:
                    results[read.key] = error
    return [results[read.key] for read in reads]
