"""DataLoaders, created per request: every object a query reaches is fetched in one batched statement per
kind and level, whatever the number of parents, and only when the viewer may see it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Integer, Over, Row, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.functions import FunctionElement
from strawberry.dataloader import DataLoader

from aisettings.models.access import Permission
from aisettings.models.database import FrequentRead, single_read
from aisettings.models.id_lists import in_id_list
from aisettings.models.tables import audit_entry, organization, organization_settings, project, repository

from .pagination import Page, decode_id_cursor, id_cursor
from .records import (
    AuditEntryRecord,
    OrganizationRecord,
    ProjectRecord,
    RepositoryRecord,
    audit_entry_record,
    organization_record,
    organization_settings_values,
    project_record,
    repository_record,
)
from .viewer import Viewer

K = TypeVar("K")
T = TypeVar("T")


class SharedLoader(DataLoader[K, T]):
    """A DataLoader whose loads several fields may await at once (the same project twice in a list).
    When a field's error nulls its parent, graphql-core cancels the parent's other fields, and a
    cancelled awaiter cancels what it awaits: the shared load would reach the fields still waiting for
    it as a CancelledError, which no error handling catches (an HTTP 500). Each awaiter gets a shield."""

    def load(self, key: K) -> Awaitable[T]:
        return asyncio.shield(super().load(key))

    def loaded(self, key: K) -> T | None:
        """The value of `key` if its load has succeeded already; None otherwise."""
        future = self.cache_map.get(key)
        if future is None or not future.done() or future.cancelled() or future.exception() is not None:
            return None
        return future.result()


REPOSITORY_CURSOR = "repository"
repository_cursor: Callable[[RepositoryRecord], str] = id_cursor(REPOSITORY_CURSOR)


class RepositoryPageKey(NamedTuple):
    """A tuple: made and looked up several thousand times a tree, 2x faster than a frozen dataclass."""

    project_id: int
    first: int
    after: str | None


def organizations_with_settings() -> Select[Any]:
    return select(organization, *_settings_columns()).outerjoin(
        organization_settings, organization_settings.c.organization_id == organization.c.id
    )


def projects_with_settings() -> Select[Any]:
    """Projects with their organization's settings, which their effective settings depend on."""
    return select(project, *_settings_columns()).outerjoin(
        organization_settings, organization_settings.c.organization_id == project.c.organization_id
    )


def _settings_columns() -> list[Any]:
    return [column for column in organization_settings.c if column.name != "organization_id"]


def _in_project_order(function: FunctionElement[Any]) -> Over[Any]:
    """`function` over each project's repositories, in order."""
    return function.over(partition_by=repository.c.project_id, order_by=repository.c.id)


class Loaders:
    """The loaders of one request. Each batch opens its own short connection: an AsyncSession or
    connection is never shared between concurrently running resolvers."""

    def __init__(self, engine: AsyncEngine, viewer: Viewer) -> None:
        self._engine = engine
        self._organization_ids = viewer.visible_organization_ids()
        self._audit_organization_ids = viewer.visible_organization_ids(Permission.READ_AUDIT_LOG)
        self._project_organization_ids = viewer.visible_organization_ids(Permission.READ_PROJECTS)
        self.organization_by_id = SharedLoader[int, OrganizationRecord | None](self._load_organizations_by_id)
        self.organization_by_slug = SharedLoader[str, OrganizationRecord | None](
            self._load_organizations_by_slug
        )
        self.project_by_id = SharedLoader[int, ProjectRecord | None](self._load_projects)
        self.repository_by_id = SharedLoader[int, RepositoryRecord | None](self._load_repositories)
        self.audit_entry_by_id = SharedLoader[int, AuditEntryRecord | None](self._load_audit_entries)
        self.repository_page = SharedLoader[RepositoryPageKey, Page[RepositoryRecord]](
            self._load_repository_pages
        )

    async def _rows(self, statement: Select[Any]) -> Sequence[Row[Any]]:
        async with single_read(self._engine) as connection:
            rows: Sequence[Row[Any]] = (await connection.execute(statement)).all()
        return rows

    async def _load_organizations_by_id(self, ids: list[int]) -> list[OrganizationRecord | None]:
        rows = await self._rows(
            organizations_with_settings().where(organization.c.id.in_(set(ids) & self._organization_ids))
        )
        found = {row.id: organization_record(row) for row in rows}
        return [found.get(key) for key in ids]

    async def _load_organizations_by_slug(self, slugs: list[str]) -> list[OrganizationRecord | None]:
        rows = await self._rows(
            organizations_with_settings().where(
                organization.c.slug.in_(slugs), organization.c.id.in_(self._organization_ids)
            )
        )
        found = {row.slug: organization_record(row) for row in rows}
        for record in found.values():
            self.organization_by_id.prime(record.id, record)
        return [found.get(key) for key in slugs]

    async def _load_projects(self, ids: list[int]) -> list[ProjectRecord | None]:
        statement = projects_with_settings().where(
            project.c.id.in_(ids), project.c.organization_id.in_(self._project_organization_ids)
        )
        found = {
            row.id: project_record(row, organization_settings_values(row))
            for row in await self._rows(statement)
        }
        return [found.get(key) for key in ids]

    async def _load_repositories(self, ids: list[int]) -> list[RepositoryRecord | None]:
        statement = (
            select(repository)
            .join(project, project.c.id == repository.c.project_id)
            .where(repository.c.id.in_(ids), project.c.organization_id.in_(self._project_organization_ids))
        )
        found = {row.id: repository_record(row) for row in await self._rows(statement)}
        return [found.get(key) for key in ids]

    async def _load_audit_entries(self, ids: list[int]) -> list[AuditEntryRecord | None]:
        statement = select(audit_entry).where(
            audit_entry.c.id.in_(ids), audit_entry.c.organization_id.in_(self._audit_organization_ids)
        )
        found = {row.id: audit_entry_record(row) for row in await self._rows(statement)}
        return [found.get(key) for key in ids]

    async def read_repository_pages(self, keys: list[RepositoryPageKey]) -> None:
        """The pages of `keys` read in one batch ahead of the fields that show them, which find them in
        `repository_page` (awaiting a thousand loads instead cost ~20 ms of futures and wake-ups). A failed
        read is left to those fields: their own loads meet the failure where it belongs."""
        missing = [key for key in keys if self.repository_page.cache_map.get(key) is None]
        if missing:
            with suppress(Exception):
                pages = await self._load_repository_pages(missing)
                self.repository_page.prime_many(dict(zip(missing, pages, strict=True)))

    async def _load_repository_pages(self, keys: list[RepositoryPageKey]) -> list[Page[RepositoryRecord]]:
        """Callers pass only projects the viewer may see (they hold the project record)."""
        by_arguments: dict[tuple[int, str | None], list[int]] = defaultdict(list)
        for key in keys:
            by_arguments[key.first, key.after].append(key.project_id)
        pages: dict[RepositoryPageKey, Page[RepositoryRecord]] = {}
        for (first, after), project_ids in by_arguments.items():
            pages.update(await self._repository_pages(project_ids, first, after))
        return [pages[key] for key in keys]

    async def _repository_pages(
        self, project_ids: list[int], first: int, after: str | None
    ) -> dict[RepositoryPageKey, Page[RepositoryRecord]]:
        after_id = 0 if after is None else decode_id_cursor(after, REPOSITORY_CURSOR)
        read = _FIRST_REPOSITORY_PAGES if after is None else _LATER_REPOSITORY_PAGES
        parameters = {"project_ids": project_ids, "after_id": after_id, "size": first + 1}
        on_page: dict[int, list[RepositoryRecord]] = defaultdict(list)
        totals: dict[int, int] = {}
        for row in await read.all(self._engine, parameters):
            record = repository_record(row)
            totals[record.project_id] = row[_TOTAL]
            if record.id > after_id and row[_POSITION] <= first + 1:
                on_page[record.project_id].append(record)
        pages = {}
        for project_id in project_ids:
            records = on_page[project_id]
            pages[RepositoryPageKey(project_id, first, after)] = Page(
                items=records[:first],
                cursor=repository_cursor,
                has_next_page=len(records) > first,
                has_previous_page=after is not None,
                total_count=totals.get(project_id, 0),
            )
        return pages


def _repository_pages_read(*, after_cursor: bool) -> FrequentRead:
    """One statement for the pages of every project: the first `size` repositories after the cursor in
    each, numbered by a window function, with each project's total count beside them (on every row, and
    after a cursor also on its last row, even when the page is empty). Each row: a RepositoryRecord's
    columns in order, the total, the position. Built once: a tree's reads its 3000 rows on the driver."""
    after_id = bindparam("after_id", type_=Integer)
    total = func.count().over(partition_by=repository.c.project_id).label("total")
    if not after_cursor:
        # The first page (a tree's): a project's first row carries its total, and two windows do
        # (three took a third longer on SQLite).
        numbering = [_in_project_order(func.row_number()).label("position")]
    else:
        numbering = [
            _in_project_order(func.sum(case((repository.c.id > after_id, 1), else_=0))).label("position"),
            func.row_number()
            .over(partition_by=repository.c.project_id, order_by=repository.c.id.desc())
            .label("from_last"),
        ]
    numbered = (
        select(repository, total, *numbering)
        .where(in_id_list(repository.c.project_id, "project_ids"))
        .subquery()
    )
    on_page = and_(numbered.c.id > after_id, numbered.c.position <= bindparam("size", type_=Integer))
    wanted = on_page if not after_cursor else or_(on_page, numbered.c.from_last == 1)
    columns = [numbered.c[column.name] for column in repository.c] + [numbered.c.total, numbered.c.position]
    return FrequentRead(select(*columns).where(wanted).order_by(numbered.c.project_id, numbered.c.id))


_TOTAL, _POSITION = len(repository.c), len(repository.c) + 1
_FIRST_REPOSITORY_PAGES = _repository_pages_read(after_cursor=False)
_LATER_REPOSITORY_PAGES = _repository_pages_read(after_cursor=True)
