"""DATABASE_URL as people have it: hosting platforms hand out `postgres://...` (Heroku's form) or
`postgresql://...`, often with libpq's `sslmode`; SQLAlchemy would take those to synchronous drivers
that are not installed. Each common form becomes the async driver's URL; the password never appears in
a message."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

# The async drivers this server runs on, by the names the URL's scheme may give a database.
ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
}
EXAMPLES = "postgresql://user:password@host:5432/name or sqlite:///./aisettings.db"
# libpq's sslmode, as asyncpg's ssl parameter takes it (verify-ca and verify-full verify; asyncpg has one
# mode for both, which checks the host name too).
SSL_MODES = {
    "disable": "disable",
    "allow": "allow",
    "prefer": "prefer",
    "require": "require",
    "verify-ca": "verify-full",
    "verify-full": "verify-full",
}


class DatabaseURLError(ValueError):
    pass


def async_database_url(raw: str) -> str:
    """`raw` with the async driver of its database, or a DatabaseURLError that says what is wrong."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseURLError(f"DATABASE_URL is not a database URL; expected e.g. {EXAMPLES}.") from None
    database, _, driver = url.drivername.partition("+")
    wanted = ASYNC_DRIVERS.get(database)
    if wanted is None:
        raise DatabaseURLError(
            f"DATABASE_URL names {database!r}: aisettings runs on PostgreSQL or SQLite, e.g. {EXAMPLES}."
        )
    async_driver = wanted.partition("+")[2]
    if driver and driver != async_driver:
        raise DatabaseURLError(
            f"DATABASE_URL asks for the driver {driver!r}; aisettings uses {async_driver!r} "
            f"(write {database}://... and it is chosen)."
        )
    url = url.set(drivername=wanted)
    if wanted == ASYNC_DRIVERS["postgresql"]:
        url = _with_asyncpg_ssl(url)
    return url.render_as_string(hide_password=False)


def shown(raw: str) -> str:
    """The URL for a message: without its password."""
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def _with_asyncpg_ssl(url: URL) -> URL:
    sslmode = url.query.get("sslmode")
    if sslmode is None:
        return url
    mode = SSL_MODES.get(sslmode if isinstance(sslmode, str) else sslmode[-1])
    if mode is None:
        raise DatabaseURLError(f"DATABASE_URL has sslmode={sslmode!r}; it is one of {', '.join(SSL_MODES)}.")
    return url.difference_update_query(["sslmode"]).update_query_dict({"ssl": mode})
