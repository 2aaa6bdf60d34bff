"""Logs: one JSON object a line in production (for log collectors), plain text in development; each
line of a request carries its request id, and an unexpected error its error id (the one its answer
shows). No line ever holds a token: requests' headers, bodies and query strings are not logged."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import threading
from typing import Any

import orjson

from .uvicorn_internals import URL_LOGGERS, WithoutQueryStrings

# uvicorn's too, those that show URLs through a filter (app/uvicorn_internals.py).
SERVER_LOGGERS = ("aisettings", "uvicorn", "alembic")

# Set by the /graphql endpoint for the request it serves; tasks the request starts inherit it.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Set by the /graphql endpoint: the request's operation as the metrics name it (app/trusted_documents.py).
current_operation: contextvars.ContextVar[str | None] = contextvars.ContextVar("operation", default=None)


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
        operation = getattr(record, "operation", None)
        if operation is not None:
            line["operation"] = operation
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


def logging_config(json_lines: bool) -> dict[str, Any]:
    """The logging of the server (its own loggers and uvicorn's at INFO, any other library's warnings and
    errors through the root logger), for logging.config.dictConfig."""
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
            **{name: {**logger, "filters": ["without_query_strings"]} for name in URL_LOGGERS},
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
    }


def set_up_process_logging() -> None:
    """What the logging configuration cannot say, for each process of the server (the workers uvicorn
    starts too): warnings, and exceptions that escape a thread (a driver's, say), as log lines in the
    server's format rather than text Python writes to stderr itself, so that in production too every
    line is a JSON object; and records without the facts that no line shows."""
    logging.captureWarnings(True)
    threading.excepthook = _log_escaped_exception
    # The logging HOWTO's switches ("Optimization"): the caller's file, function and line (a walk up the
    # stack), the thread, the process. Neither format shows them, and an error's traceback says where it
    # happened. A fifth of the cost of a line, and every request writes its access line.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def _log_escaped_exception(escaped: threading.ExceptHookArgs) -> None:
    if escaped.exc_type is SystemExit:
        return  # how a thread may end, as Python's own hook has it
    thread = escaped.thread.name if escaped.thread is not None else "unknown"
    logging.getLogger("aisettings.threads").error(
        "exception in thread %s", thread, exc_info=escaped.exc_value
    )
