"""A list of ids bound as one parameter (models/id_lists.py): the rows it names, on both databases, found
through the column's index."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models.id_lists import in_id_list
from aisettings.models.tables import repository
from tests.factories import make_organization, make_project, make_repository


async def test_an_id_list_selects_the_rows_whose_column_is_one_of_its_ids(engine: AsyncEngine) -> None:
    org = await make_organization(engine)
    projects = [await make_project(engine, org, f"p{index}") for index in range(3)]
    for project_id in projects:
        await make_repository(engine, project_id, f"acme/r{project_id}")
    statement = select(repository.c.project_id).where(in_id_list(repository.c.project_id, "ids"))

    async with engine.connect() as connection:
        two = (await connection.execute(statement, {"ids": [projects[0], projects[2], 2**31 - 1]})).scalars()
        none = (await connection.execute(statement, {"ids": []})).scalars()

    assert sorted(two) == [projects[0], projects[2]]
    assert list(none) == []


async def test_an_id_list_is_searched_by_the_columns_index_on_sqlite(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's planner weighs its statistics (`= ANY` is its textbook case)")
    statement = select(repository.c.id).where(in_id_list(repository.c.project_id, "ids"))
    sql = str(statement.compile(dialect=engine.dialect))

    async with engine.connect() as connection:
        plan = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", ("[1]",))).all()

    assert any("SEARCH repository USING" in row[-1] and "project_id=?" in row[-1] for row in plan), plan
