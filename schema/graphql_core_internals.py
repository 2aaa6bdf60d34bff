"""Every use of graphql-core beyond its public API, in one place. Written against graphql-core 3.3.2, which
pyproject.toml pins (3.3.x); `.ci/newest-releases` runs the tests on the newest release, and an upgrade
is checked against this list.

Names from modules that are not graphql-core's public API, re-exported as they are: `GroupedFieldSet` and
`FieldDetailsList` (graphql.execution.collect_fields), the fields of a selection set as the executor
collects them, by response name; `gather_with_cancel`, how the executor awaits fields together.

Read through the function below: `is_over_token_limit`, the parser's token limit told from its other
syntax errors by its message, the only way it tells it.

Used in place, because they are the executor's own per-field code (its `execute_fields` is marked
`:meta private:`), and marked `# internals:` there:
- schema/deadline.py overrides `execute_fields(parent_type, source_value, path, grouped_field_set,
  position_context)` of the executor, which calls it for every object it completes;
- schema/execution.py overrides it too, and does for its fields what graphql-core's `execute_fields`,
  `complete_value` (for leaves) and `complete_iterable_value` (for lists of objects) do, calling the
  executor's `execute_field`, `collect_subfields` (which returns the grouped field set, the defer usages
  and more, and memoizes its result, so that a grouped field set's id is stable within a request),
  `collect_and_execute_subfields`, `handle_field_error`, `settle_in_background`, `is_awaitable` and
  `middleware_manager.middlewares`; a `position_context` is None outside deferred fragments.
"""

from __future__ import annotations

from graphql import GraphQLSyntaxError
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils.gather_with_cancel import gather_with_cancel

__all__ = ["FieldDetailsList", "GroupedFieldSet", "gather_with_cancel", "is_over_token_limit"]


def is_over_token_limit(error: GraphQLSyntaxError) -> bool:
    return "Document contains more than" in error.message
