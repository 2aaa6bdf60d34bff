"""`in_id_list(column, name)`: whether a column's value is in a list of ids bound as ONE parameter.

SQLAlchemy's `column.in_(ids)` binds one parameter per id, expanded at every execution: the SQL text
changes with the number of ids (1000 projects: ~3 ms of rendering a call on PostgreSQL, and a new
prepared statement for each page size). One parameter keeps the statement's text constant, so it is
compiled once and prepared once: PostgreSQL takes an integer array (`= ANY`), SQLite a JSON array read by
`json_each`."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import ARRAY, ColumnElement, Integer, String, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean, TypeDecorator, TypeEngine


class IdList(TypeDecorator[list[int]]):
    """A list of integer ids as one parameter: an integer array on PostgreSQL, JSON text elsewhere."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Integer))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: list[int] | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return orjson.dumps(value).decode()


class InIdList(ColumnElement[bool]):
    # SQLAlchemy's cache of compiled statements keys this element by its column and its parameter.
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's declaration: a plain list)
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()
    # internals: a predicate as it is, where SQLAlchemy would compare a boolean value with 1 on SQLite
    # (which keeps SQLite from the index on the column: a scan of every repository).
    _is_implicitly_boolean = True

    def __init__(self, column: ColumnElement[Any], parameter: str) -> None:
        self.column = column
        self.ids = bindparam(parameter, type_=IdList())


def in_id_list(column: ColumnElement[Any], parameter: str) -> InIdList:
    """`column IN (the ids bound as `parameter`)`, the parameter a list of ints."""
    return InIdList(column, parameter)


@compiles(InIdList, "postgresql")
def _any_of_array(element: InIdList, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.ids, **kw)})"


@compiles(InIdList)
def _in_json_each(element: InIdList, compiler: SQLCompiler, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"
