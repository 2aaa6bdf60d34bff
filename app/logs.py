"""Logs: one JSON object a line in production (for log collectors), plain text in development; each
line of a request carries its request id, and an unexpected error its error id (the one its answer
shows). No line ever holds a token: requests' headers and bodies are not logged."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from typing import Any

import orjson

SERVER_LOGGERS = ("aisettings", "uvicorn", "uvicorn.error", "uvicorn.access", "alembic")

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
        "handlers": {"default": handler},
        "loggers": dict.fromkeys(SERVER_LOGGERS, logger),
    }
