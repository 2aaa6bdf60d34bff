"""The layers of a request, and which one each function of a profile belongs to.

A function's own time goes to the layer of its module; a built-in's or a general standard-library
function's (a dict's method, `re`, `functools`, orjson) to its callers' layers, in proportion to the time
each caller spent in it, so that orjson encoding a log line counts as logging and encoding the answer as
encoding."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

# (function's file, its name) -> (number of calls, primitive calls, own time, cumulative time, callers)
Function = tuple[str, int, str]
Stats = Mapping[Function, tuple[int, int, float, float, Mapping[Function, tuple[int, int, float, float]]]]

WAITING = "waiting (event loop idle: the database's and the clients' turns)"
OTHER = "other"
# The first rule whose fragment the function's file holds (or the name `~`-files give builtins) wins.
RULES: tuple[tuple[str, str], ...] = (
    ("app/graphql.py:_encoded", "encode the answer (orjson)"),
    ("app/response_cache", "response cache"),
    ("app/authentication", "authentication"),
    ("resolvers/viewer", "authentication"),
    ("app/tokens", "authentication"),
    ("sqlalchemy/", "database (SQLAlchemy, driver)"),
    ("asyncpg", "database (SQLAlchemy, driver)"),
    ("aiosqlite/", "database (SQLAlchemy, driver)"),
    ("sqlite3", "database (SQLAlchemy, driver)"),
    ("models/", "database (SQLAlchemy, driver)"),
    ("graphql/language/", "parse and validate"),
    ("graphql/validation/", "parse and validate"),
    ("schema/document_cache", "parse and validate"),
    ("schema/limits", "parse and validate"),
    ("schema/input_text", "parse and validate"),
    ("schema/argument_sites", "parse and validate"),
    ("schema/operation_name", "parse and validate"),
    ("app/trusted_documents", "parse and validate"),
    ("graphql/", "execute (graphql-core, Strawberry, resolvers)"),
    ("strawberry/", "execute (graphql-core, Strawberry, resolvers)"),
    ("/schema/", "execute (graphql-core, Strawberry, resolvers)"),
    ("/resolvers/", "execute (graphql-core, Strawberry, resolvers)"),
    ("logging/", "logging"),
    ("app/logs", "logging"),
    ("prometheus_client/", "middleware (request ids, headers, errors, metrics)"),
    ("app/request_ids", "middleware (request ids, headers, errors, metrics)"),
    ("app/security_headers", "middleware (request ids, headers, errors, metrics)"),
    ("app/unexpected_errors", "middleware (request ids, headers, errors, metrics)"),
    ("app/metrics", "middleware (request ids, headers, errors, metrics)"),
    ("app/request_facts", "middleware (request ids, headers, errors, metrics)"),
    ("starlette/middleware", "middleware (request ids, headers, errors, metrics)"),
    ("uvicorn/", "HTTP and ASGI (uvicorn, Starlette, the endpoint)"),
    ("httptools", "HTTP and ASGI (uvicorn, Starlette, the endpoint)"),
    ("starlette/", "HTTP and ASGI (uvicorn, Starlette, the endpoint)"),
    ("/app/", "HTTP and ASGI (uvicorn, Starlette, the endpoint)"),
    ("asyncio/", "event loop"),
    ("selectors", "event loop"),
    ("uvloop", "event loop"),
)
IDLE = ("poll' of 'select.epoll",)
DEPTH = 8  # how far up the callers an unowned function's time is followed


def layer_shares(stats: Stats) -> dict[str, float]:
    """Seconds of own time per layer."""
    shares: defaultdict[str, float] = defaultdict(float)
    for function, (_, _, own_seconds, _, _) in stats.items():
        for layer, weight in _layers(stats, function, DEPTH).items():
            shares[layer] += own_seconds * weight
    return dict(shares)


def _layers(stats: Stats, function: Function, depth: int) -> Mapping[str, float]:
    """The layers `function`'s time belongs to, with the fraction each gets."""
    owned = _owner(function)
    if owned is not None:
        return {owned: 1.0}
    callers = stats[function][4] if function in stats else {}
    spent = sum(times[2] for times in callers.values())
    if depth == 0 or not spent:
        return {OTHER: 1.0}
    fractions: defaultdict[str, float] = defaultdict(float)
    for caller, times in callers.items():
        for layer, weight in _layers(stats, caller, depth - 1).items():
            fractions[layer] += weight * times[2] / spent
    return fractions


def _owner(function: Function) -> str | None:
    filename, _, name = function
    if any(idle in name for idle in IDLE):
        return WAITING
    where = f"{filename}:{name}" if filename != "~" else name
    for fragment, layer in RULES:
        if fragment in where:
            return layer
    return None


def print_shares(shares: Mapping[str, float], requests: int, heading: str) -> None:
    total = sum(shares.values())
    print(f"{heading}: {total / requests * 1e6:.0f} µs profiled per request ({requests} requests)")
    for layer, seconds in sorted(shares.items(), key=lambda share: -share[1]):
        print(f"  {seconds / total:6.1%}  {layer}")


def stats_of(profile: Any) -> Stats:
    """pstats.Stats' table (typeshed leaves it out)."""
    table: Stats = profile.stats
    return table
