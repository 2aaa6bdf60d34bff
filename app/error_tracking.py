"""Reporting unexpected errors to Sentry (SENTRY_DSN, with `pip install 'aisettings[sentry]'`): every fault
of ours that app/errors.py logs under an error id - masked in GraphQL's answers and in a route's 500 - is
reported with that error id, the request id and the operation (as the metrics name it), through the
logging of the lines that carry them. Nothing of the request goes: no headers, cookies, query strings,
bodies or variables, no local variables of the traceback's frames; a token that slipped into a message is
cut out of every text of the report."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from aisettings.models.access import TOKEN_PREFIX

from .config import Config

logger = logging.getLogger(__name__)
# The record attributes that go to the report, as tags (searchable in Sentry).
TAGS = {"error_id": "error_id", "request_id": "request_id", "operation": "operation"}
TOKEN = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_\-]+")
FILTERED = "[Filtered]"


def start_error_tracking(config: Config) -> None:
    """Sends this process's unexpected errors to `config.sentry_dsn`, when one is set."""
    if config.sentry_dsn is None:
        return
    try:
        import sentry_sdk
        from sentry_sdk.integrations.logging import LoggingIntegration
    except ImportError:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed: pip install 'aisettings[sentry]'.")
        return
    sentry_sdk.init(
        dsn=config.sentry_dsn,
        environment=config.environment,
        release=f"aisettings@{_version()}",
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        # Only what this module chooses: no integration that would read requests (Starlette's, ASGI's).
        default_integrations=False,
        auto_enabling_integrations=False,
        integrations=[LoggingIntegration(level=None, event_level=logging.ERROR)],
        before_send=scrubbed,
    )


def scrubbed(event: Any, _hint: Any) -> Any:
    """The report as it is sent: the request's error id, request id and operation as tags, no other
    extra data, nothing of the request, and no token in any text."""
    extra = event.pop("extra", None) or {}
    event["tags"] = {
        **(event.get("tags") or {}),
        **{tag: str(extra[key]) for key, tag in TAGS.items() if extra.get(key) is not None},
    }
    for personal in ("request", "user", "breadcrumbs"):
        event.pop(personal, None)
    return _without_tokens(event)


def _without_tokens(value: Any) -> Any:
    if isinstance(value, str):
        return TOKEN.sub(FILTERED, value)
    if isinstance(value, Mapping):
        return {key: _without_tokens(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_tokens(item) for item in value]
    return value


def _version() -> str:
    try:
        return version("aisettings")
    except PackageNotFoundError:
        return "unknown"
