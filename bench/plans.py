"""`python -m bench.plans [--database-url URL]`: where the tree's compiled plan (schema/plans/) spends its
time, in-process and interleaved: the plan's answer, the same reads alone (the statements and records it
builds from), graphql-core's answer of the same request, and orjson.dumps of the answer."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.demo import DEMO_OWNER, DEMO_SLUG, create_demo_organization
from aisettings.app.garbage_collection import tune_garbage_collector
from aisettings.app.tokens import create_token
from aisettings.app.trusted_documents import DEFAULT_DIRECTORY, TrustedDocuments, document_id
from aisettings.models import migrate
from aisettings.models.database import create_engine
from aisettings.resolvers.context import Context
from aisettings.resolvers.records import ProjectRecord
from aisettings.resolvers.viewer import Viewer, authenticate
from aisettings.schema.limits import RequestLimits
from aisettings.schema.plans import CompiledPlans
from aisettings.schema.query import read_organization
from aisettings.schema.schema import build_schema
from aisettings.schema.types import load_repository_pages, read_project_page, read_settings_summary

from .documents import PAGE, TREE

REPETITIONS = 10


def _page(page: Any) -> Any:
    return page


async def _reads(context: Context, first: int) -> list[ProjectRecord]:
    """What the tree's plan reads, as it reads it: the organization, then its summary beside its page of
    projects and their repository pages."""
    organization = await read_organization(context, DEMO_SLUG)
    assert organization is not None

    async def projects() -> list[ProjectRecord]:
        page = await read_project_page(context, organization.record, first, None, None, None, shown_as=_page)
        await load_repository_pages(context, page.items, [{"first": 20}])
        return list(page.items)

    _, items = await asyncio.gather(read_settings_summary(context, organization.record), projects())
    return items


async def profile_plan(database_url: str) -> None:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    await create_demo_organization(engine, PAGE + 1, 3, replace=True)
    viewer = await authenticate(engine, await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="plans"))
    assert viewer is not None
    documents = TrustedDocuments.from_directory(DEFAULT_DIRECTORY, only=False).documents
    rounds = _Rounds(engine, viewer, CompiledPlans(build_schema(), documents, RequestLimits()))
    tune_garbage_collector(50_000)  # as the server does
    timings: list[tuple[float, float, float, float]] = []
    for first in range(PAGE, PAGE - REPETITIONS - 1, -1):  # a different page each time, as uncached
        seconds = await rounds.run(first)
        if first != PAGE:  # the first is a warm-up
            timings.append(seconds)
    await engine.dispose()
    plan, reads, general, encode = (statistics.median(column) * 1000 for column in zip(*timings, strict=True))
    print(
        f"tree, {PAGE} projects, in-process, {engine.dialect.name}: plan {plan:.0f} ms = "
        f"{plan / encode:.0f}x orjson.dumps ({encode:.2f} ms), of which the reads alone {reads:.0f} ms and "
        f"building ~{plan - reads:.0f} ms; graphql-core {general:.0f} ms = {general / encode:.0f}x"
    )


class _Rounds:
    """One round: the plan's answer, the reads alone, graphql-core's answer, orjson.dumps, one after the
    other, so that a slow spell of the machine weighs on all alike."""

    def __init__(self, engine: AsyncEngine, viewer: Viewer, plans: CompiledPlans) -> None:
        self._engine, self._viewer, self._plans = engine, viewer, plans
        self._schema = build_schema(fast_fields=False)

    def _context(self) -> Context:
        return Context(engine=self._engine, viewer=self._viewer, request_id="bench")

    async def run(self, first: int) -> tuple[float, float, float, float]:
        variables = {"slug": DEMO_SLUG, "first": first}
        started = time.perf_counter()
        data = await self._plans.answer(document_id(TREE), None, variables, self._context())
        planned = time.perf_counter()
        await _reads(self._context(), first)
        read = time.perf_counter()
        result = await self._schema.execute(TREE, variable_values=variables, context_value=self._context())
        executed = time.perf_counter()
        orjson.dumps({"data": data})
        encoded = time.perf_counter()
        assert data is not None, "the plan answers the tree"
        assert result.data == data, "as graphql-core does"
        return planned - started, read - planned, executed - read, encoded - executed


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.plans", description=__doc__)
    parser.add_argument("--database-url", help="a database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(directory) / 'plans.db'}"
        asyncio.run(profile_plan(url))


if __name__ == "__main__":
    main()
