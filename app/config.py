"""All configuration, read from the environment in one place."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from aisettings.models.limits import MAX_BODY_BYTES
from aisettings.schema.limits import RequestLimits

from .database_url import DatabaseURLError, async_database_url
from .trusted_documents import DEFAULT_DIRECTORY

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./aisettings.db"
# How `serve --demo` hands its token to the server's workers (they read their configuration from the
# environment).
DEMO_TOKEN_VARIABLE = "AISETTINGS_DEMO_TOKEN"
ENVIRONMENTS = ("development", "production")
# prometheus-client's own variable, which it reads when it is imported (app/metrics_directory.py).
METRICS_DIRECTORY = "PROMETHEUS_MULTIPROC_DIR"
MAX_PORT = 65_535
# Where `cd web && npm ci` puts GraphiQL's and the settings page's files in a checkout; an installed wheel
# holds its copies of them in the package (setup.py).
# (A checkout is told by web/package.json, whether or not `npm ci` has run yet.)
CHECKOUT_WEB = Path(__file__).resolve().parents[1] / "web"
DEFAULT_GRAPHIQL_ASSETS = (
    CHECKOUT_WEB / "node_modules"
    if (CHECKOUT_WEB / "package.json").is_file()
    else Path(str(resources.files("aisettings") / "node_modules"))
)


class ConfigurationError(ValueError):
    pass


@dataclass(frozen=True)
class EventsConfig:
    """Where the analytics events go (app/events.py) and how long delivered ones are kept."""

    # "stdout", "file:PATH" (JSON lines appended), or an http(s) URL: the webhook.
    sink: str = "stdout"
    retention: dt.timedelta = dt.timedelta(days=7)
    webhook_attempts: int = 5
    webhook_backoff_seconds: float = 1.0  # before the 2nd attempt; doubled for each next one
    webhook_timeout_seconds: float = 10.0
    # How often each `serve` worker's relay delivers (the one that holds the lease); 0: no relay.
    relay_seconds: float = 0.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> EventsConfig:
        sink = environ.get("AISETTINGS_EVENTS_SINK") or cls.sink
        if not (sink == "stdout" or sink.startswith(("file:", "http://", "https://"))):
            raise ConfigurationError(
                f"AISETTINGS_EVENTS_SINK must be stdout, file:PATH or an http(s) URL, not {sink!r}."
            )
        days = _positive_seconds(environ, "AISETTINGS_EVENTS_RETENTION_DAYS", cls.retention.days)
        # The relay runs where a sink is configured: events on the server's own stdout by default
        # would mix with its logs.
        relay_default = 5.0 if "AISETTINGS_EVENTS_SINK" in environ else 0.0
        return cls(
            sink=sink,
            retention=dt.timedelta(days=days),
            webhook_attempts=_positive_int(
                environ, "AISETTINGS_EVENTS_WEBHOOK_ATTEMPTS", cls.webhook_attempts
            ),
            webhook_backoff_seconds=_positive_seconds(
                environ, "AISETTINGS_EVENTS_WEBHOOK_BACKOFF", cls.webhook_backoff_seconds
            ),
            webhook_timeout_seconds=_positive_seconds(
                environ, "AISETTINGS_EVENTS_WEBHOOK_TIMEOUT", cls.webhook_timeout_seconds
            ),
            relay_seconds=(
                0.0
                if environ.get("AISETTINGS_EVENTS_RELAY_SECONDS") == "0"
                else _positive_seconds(environ, "AISETTINGS_EVENTS_RELAY_SECONDS", relay_default)
            ),
        )


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_DATABASE_URL
    environment: str = "development"
    database_pool_size: int = 10
    # Waits that end in a 503 rather than a hung request (app/unavailable.py): for a connection of the
    # pool when all are in use, and for a new connection to PostgreSQL.
    database_pool_timeout_seconds: float = 5.0
    database_connect_timeout_seconds: float = 5.0
    # Completes plain scalar fields without graphql-core's per-field machinery (schema/execution.py), and
    # answers the trusted documents' queries by their compiled plans (schema/plans/).
    fast_execution: bool = True
    limits: RequestLimits = field(default_factory=RequestLimits)
    introspection: bool = True
    graphiql: bool = True
    # A node_modules folder holding GraphiQL's files; without them the page loads them from a CDN.
    graphiql_assets: Path = DEFAULT_GRAPHIQL_ASSETS
    # The token GraphiQL's headers editor starts with: set by `serve --demo` only.
    demo_token: str | None = None
    # Parsed and validated documents kept per worker, by query text (least recently used go first; 0: none).
    document_cache_size: int = 256
    # Bytes of answers kept per worker (app/response_cache.py); 0 turns the response cache off.
    response_cache_bytes: int = 64 * 1024 * 1024
    # False turns off every cache of answers or of parts of answers, whatever their own settings say, so
    # that each request is computed from the database (benchmarks measure the uncached path with it).
    # Caches of parsing and validation, and the trusted documents, stay on.
    answer_caches: bool = True
    # Allocations between passes of the garbage collector's young generation (app/garbage_collection.py).
    gc_young_threshold: int = 50_000
    # One JSON object a log line (for collectors) rather than plain text.
    json_logs: bool = False
    # The documents clients may send by id (app/trusted_documents.py), and whether only those may run.
    trusted_documents: Path = DEFAULT_DIRECTORY
    trusted_documents_only: bool = False
    max_body_bytes: int = MAX_BODY_BYTES
    request_timeout_seconds: int = 30
    # Prometheus metrics at /metrics (app/metrics.py); with several workers, the directory where they
    # keep them for one another (`serve` makes a temporary one when the operator names none).
    metrics: bool = False
    metrics_directory: Path | None = None
    # Serve /metrics on this port of `serve`'s host rather than beside the API (app/metrics_server.py).
    metrics_port: int | None = None
    # Where unexpected errors are reported (app/error_tracking.py), with the sentry extra installed.
    sentry_dsn: str | None = None
    events: EventsConfig = field(default_factory=EventsConfig)

    @property
    def answer_cache_bytes(self) -> int:
        """The response cache's size, 0 when the answer caches are off."""
        return self.response_cache_bytes if self.answer_caches else 0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Config:
        environment = environ.get("AISETTINGS_ENV", "development")
        if environment not in ENVIRONMENTS:
            raise ConfigurationError(
                f"AISETTINGS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}."
            )
        return cls(
            database_url=_database_url(environ),
            environment=environment,
            database_pool_size=_positive_int(environ, "AISETTINGS_DB_POOL_SIZE", 10),
            database_pool_timeout_seconds=_positive_seconds(
                environ, "AISETTINGS_DB_POOL_TIMEOUT", cls.database_pool_timeout_seconds
            ),
            database_connect_timeout_seconds=_positive_seconds(
                environ, "AISETTINGS_DB_CONNECT_TIMEOUT", cls.database_connect_timeout_seconds
            ),
            fast_execution=_flag(environ, "AISETTINGS_FAST_EXECUTION", True),
            introspection=_flag(environ, "AISETTINGS_INTROSPECTION", True),
            document_cache_size=_non_negative_int(
                environ, "AISETTINGS_DOCUMENT_CACHE_SIZE", cls.document_cache_size
            ),
            response_cache_bytes=_non_negative_int(
                environ, "AISETTINGS_RESPONSE_CACHE_BYTES", cls.response_cache_bytes
            ),
            answer_caches=_flag(environ, "AISETTINGS_ANSWER_CACHES", True),
            gc_young_threshold=_non_negative_int(environ, "AISETTINGS_GC_THRESHOLD", cls.gc_young_threshold),
            json_logs=_log_format(environ, default="json" if environment == "production" else "text")
            == "json",
            # GraphiQL is for people exploring the API: on where they develop, off in production.
            graphiql=_flag(environ, "AISETTINGS_GRAPHIQL", environment == "development"),
            graphiql_assets=Path(environ.get("AISETTINGS_GRAPHIQL_ASSETS", DEFAULT_GRAPHIQL_ASSETS)),
            demo_token=environ.get(DEMO_TOKEN_VARIABLE) or None,
            limits=RequestLimits(
                max_depth=_positive_int(environ, "AISETTINGS_MAX_QUERY_DEPTH", RequestLimits.max_depth),
                max_aliases=_positive_int(environ, "AISETTINGS_MAX_ALIASES", RequestLimits.max_aliases),
                max_tokens=_positive_int(environ, "AISETTINGS_MAX_TOKENS", RequestLimits.max_tokens),
                max_selections=_positive_int(
                    environ, "AISETTINGS_MAX_SELECTIONS", RequestLimits.max_selections
                ),
                max_nodes=_positive_int(environ, "AISETTINGS_MAX_NODES", RequestLimits.max_nodes),
            ),
            trusted_documents=_trusted_documents(environ),
            trusted_documents_only=_flag(environ, "AISETTINGS_TRUSTED_DOCUMENTS_ONLY", False),
            max_body_bytes=_positive_int(environ, "AISETTINGS_MAX_BODY_BYTES", cls.max_body_bytes),
            request_timeout_seconds=_positive_int(
                environ, "AISETTINGS_REQUEST_TIMEOUT_SECONDS", cls.request_timeout_seconds
            ),
            # A port for the metrics is asking for them.
            metrics=_flag(environ, "AISETTINGS_METRICS", False) or "AISETTINGS_METRICS_PORT" in environ,
            metrics_port=_port(environ, "AISETTINGS_METRICS_PORT"),
            metrics_directory=Path(environ[METRICS_DIRECTORY]) if environ.get(METRICS_DIRECTORY) else None,
            sentry_dsn=environ.get("SENTRY_DSN") or None,
            events=EventsConfig.from_environment(environ),
        )


def _log_format(environ: Mapping[str, str], default: str) -> str:
    log_format = environ.get("AISETTINGS_LOG_FORMAT", default)
    if log_format not in ("json", "text"):
        raise ConfigurationError(f"AISETTINGS_LOG_FORMAT must be json or text, not {log_format!r}.")
    return log_format


def _non_negative_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ConfigurationError(f"{name} must be a whole number, 0 or more, not {raw!r}.")
    return int(raw)


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigurationError(f"{name} must be a positive whole number, not {raw!r}.")
    return int(raw)


def _port(environ: Mapping[str, str], name: str) -> int | None:
    if name not in environ:
        return None
    port = _positive_int(environ, name, 0)
    if port > MAX_PORT:
        raise ConfigurationError(f"{name} must be a TCP port, 1 to {MAX_PORT}, not {port}.")
    return port


def _positive_seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan  # refused below, as are 0, negative numbers and inf
    if not 0 < seconds < math.inf:
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {raw!r}.")
    return seconds


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    if raw.lower() not in ("1", "true", "0", "false"):
        raise ConfigurationError(f"{name} must be 1, true, 0 or false, not {raw!r}.")
    return raw.lower() in ("1", "true")


def _database_url(environ: Mapping[str, str]) -> str:
    try:
        return async_database_url(environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    except DatabaseURLError as error:
        raise ConfigurationError(str(error)) from None


def _trusted_documents(environ: Mapping[str, str]) -> Path:
    folder = Path(environ.get("AISETTINGS_TRUSTED_DOCUMENTS", DEFAULT_DIRECTORY))
    # Trusted documents only, and none to trust: every request would be refused. Better not to start.
    if _flag(environ, "AISETTINGS_TRUSTED_DOCUMENTS_ONLY", False) and not any(folder.glob("*.graphql")):
        raise ConfigurationError(
            f"AISETTINGS_TRUSTED_DOCUMENTS_ONLY=1, but {folder} holds no .graphql documents: every request "
            "would be refused. Point AISETTINGS_TRUSTED_DOCUMENTS at the clients' documents (queries/)."
        )
    return folder
