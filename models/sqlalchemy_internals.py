"""Every use of SQLAlchemy beyond its public API, in one place. Written against SQLAlchemy 2.1.9, which
pyproject.toml pins (2.1.x); `.ci/newest-releases` runs the tests on the newest release, and an upgrade
is checked against this list.

- `greenlet_spawn` (sqlalchemy.util, re-exported as it is): runs from a coroutine the synchronous code of
  a pooled connection (its `close` and `invalidate`), which awaits the async driver the way SQLAlchemy's
  async layer does; models/database.py's FrequentRead, which uses a pooled connection without that layer.

- `_is_implicitly_boolean` (an attribute of SQL elements): models/id_lists.py's InIdList sets it, so that
  the compiler renders it as the predicate it is, where it compares other boolean elements in a WHERE
  with 1 on databases without a boolean type (SQLite).

The rest of FrequentRead's work goes through documented API: the compiler's `positiontup` and `binds`,
and the conversions of each type's `dialect_impl` (as SQLAlchemy applies them when it executes).
"""

from __future__ import annotations

from sqlalchemy.util import greenlet_spawn

__all__ = ["greenlet_spawn"]
