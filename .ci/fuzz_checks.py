"""Schemathesis hooks of .ci/fuzz: the check that every answer to a generated request passes, of
/graphql and of the REST API alike.

Schemathesis's own `not_a_server_error` takes every GraphQL error with a path for a server error, and so
each NOT_FOUND or FORBIDDEN our resolvers answer (app/errors.py). Ours trusts the codes instead: the
server's faults are HTTP 5xx and INTERNAL_SERVER_ERROR (an unexpected exception, masked with an errorId).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response


@schemathesis.check
def no_server_error(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
    """No HTTP 5xx, every GraphQL error with an extensions.code, and none INTERNAL_SERVER_ERROR."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    if not response.content:
        return None  # a REST answer without content (204)
    body: Any = response.json()
    errors: list[dict[str, Any]] = (body.get("errors") if isinstance(body, dict) else None) or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code is None:
            raise AssertionError(f"A GraphQL error without extensions.code: {error}")
        if code == "INTERNAL_SERVER_ERROR":
            logged_as = error["extensions"].get("errorId")
            raise AssertionError(f"INTERNAL_SERVER_ERROR at {error.get('path')}, logged as {logged_as}")
    return None
