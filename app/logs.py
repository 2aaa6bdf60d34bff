"""Logs: one JSON object a line in production (for log collectors), plain text in development; each
line of a request carries its request id, and an unexpected error its error id (the one its answer
shows). No line ever holds a token: requests' headers, bodies and query strings are not logged."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from typing import Any

import orjson

# uvicorn's access lines too, through a filter of their own.
SERVER_LOGGERS = ("aisettings", "uvicorn", "uvicorn.error", "alembic")

# Set by the /graphql endpoint for the request it serves; tasks the request starts inherit it.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id.get()
        if request_id is not None:
            line["request_id"] = request_id
        error_id = getattr(record, "error_id", None)
        if error_id is not None:
            line["error_id"] = error_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


class WithoutQueryStrings(logging.Filter):
    """Cuts the query string off the URL of uvicorn's access lines: a GET request's parameters hold its
    variables, and whatever else a client puts there (a token, by mistake or by a probe). Written against
    uvicorn 0.55, whose line is `'%s - "%s %s HTTP/%s" %d'` with the client, the method, the path and
    query string, the HTTP version and the status as arguments; only the path holds a `?`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                argument.partition("?")[0] if isinstance(argument, str) else argument
                for argument in record.args
            )
        return True


def logging_config(json_lines: bool) -> dict[str, Any]:
    """The logging of the server (its own loggers and uvicorn's), for logging.config.dictConfig."""
    formatter = (
        {"()": JsonFormatter} if json_lines else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    logger = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"without_query_strings": {"()": WithoutQueryStrings}},
        "handlers": {"default": handler},
        "loggers": {
            **dict.fromkeys(SERVER_LOGGERS, logger),
            "uvicorn.access": {**logger, "filters": ["without_query_strings"]},
        },
    }
