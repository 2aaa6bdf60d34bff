"""The database tables, as SQLAlchemy Core tables: reads and writes are set-based statements, never
lazy-loaded objects. The settings columns are generated from the registry, so adding a setting is one
registry entry plus its migration. A test proves the migrated schema equals these declarations."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from .setting_types import text_enum
from .settings import SETTINGS, SettingDefinition

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None or value.tzinfo is dt.UTC:  # asyncpg's (converting it anyway costs 2 µs)
            return value
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


# Every id column is a 32-bit INTEGER; a larger key can name nothing (and PostgreSQL refuses it).
MAX_PRIMARY_KEY = 2**31 - 1


def is_primary_key(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PRIMARY_KEY


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Role(enum.Enum):
    """A member's role in an organization; resolvers/viewer.py maps each to its scopes."""

    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"


def _code_point_string() -> TypeEngine[str]:
    # Slugs and names sort by code point on both databases: SQLite's default collation already does;
    # PostgreSQL needs the "C" collation (its default follows the locale).
    return String().with_variant(String(collation="C"), "postgresql")


organization = Table(
    "organization",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", _code_point_string(), nullable=False, unique=True),
    Column("name", String, nullable=False),
    # Bumped by every write to anything of the organization: keys caches that must never serve stale data.
    Column("data_version", Integer, nullable=False, default=1),
)

# The organization's own values (NULL = the system default) and its locks; no row = system defaults.
organization_settings = Table(
    "organization_settings",
    metadata,
    Column(
        "organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    *(Column(setting.name, setting.type.column_type(setting.name), nullable=True) for setting in SETTINGS),
    Column("locked_settings", JSON, nullable=False, default=list),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", UTCDateTime, nullable=True),
)


def override_column(setting: SettingDefinition) -> str:
    """The project column holding a setting's override (NULL = inherits)."""
    return f"{setting.name}_override"


project = Table(
    "project",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), nullable=False),
    Column("slug", _code_point_string(), nullable=False),
    Column("name", _code_point_string(), nullable=False),
    *(
        Column(override_column(setting), setting.type.column_type(setting.name), nullable=True)
        for setting in SETTINGS
    ),
    Column("version", Integer, nullable=False, default=1),
    Column("updated_at", UTCDateTime, nullable=False, default=utc_now),
    # One index per order of Organization.projects, each ending in the id that breaks ties.
    UniqueConstraint("organization_id", "slug"),
    Index(None, "organization_id", "name", "id"),
    Index(None, "organization_id", "updated_at", "id"),
)

repository = Table(
    "repository",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("name", _code_point_string(), nullable=False),
    Column("ai_enabled", Boolean, nullable=False, default=True),
    Column("branch_patterns", JSON, nullable=False, default=list),
    Column("last_configured_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("project_id", "provider", "name"),
)
# The AI assistant's lookup by provider and name, which compares names ignoring case as providers do.
Index("ix_repository_provider_lower_name", repository.c.provider, func.lower(repository.c.name))

user_account = Table(
    "user_account",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String, nullable=False, unique=True),
)

member = Table(
    "member",
    metadata,
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("role", text_enum(Role, "role"), nullable=False),
)

# A token of one user in one organization. Only the SHA-256 hash of its secret is stored.
api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String, nullable=False),
    Column("hashed_secret", String(64), nullable=False, unique=True),
    # The first characters of the token, so that `token list` tells tokens apart without the secret.
    Column("prefix", String(16), nullable=False),
    # NULL = every scope of the user's role; otherwise at most these.
    Column("scopes", JSON, nullable=True),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    # NULL: the token does not expire.
    Column("expires_at", UTCDateTime, nullable=True),
)

# browser_session.kind: a signed-in browser, or a sign-in link not yet opened.
SESSION = "session"
LINK = "link"

# A browser's sign-in (the settings page), made with an API token and as alive as it is: revoking the
# token ends its sessions. Only the SHA-256 hash of the cookie's secret is stored. A `link` is a one-time
# sign-in link (`serve --demo` prints one), made into a session when it is opened.
browser_session = Table(
    "browser_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("hashed_secret", String(64), nullable=False, unique=True),
    Column("token_id", ForeignKey("api_token.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    Column("expires_at", UTCDateTime, nullable=False),
)

audit_entry = Table(
    "audit_entry",
    metadata,
    Column("id", Integer, primary_key=True),
    # No foreign keys on purpose: the log outlives what it describes.
    Column("organization_id", Integer, nullable=False),
    Column("actor", String, nullable=False),
    Column("action", String(64), nullable=False),
    Column("target_type", String(32), nullable=False),
    Column("target_id", Integer, nullable=False),
    # [{"field": "fixEnabled", "before": false, "after": true}, ...]
    Column("changes", JSON, nullable=False),
    Column("batch_id", String(36), nullable=False),
    Column("request_id", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    Index(None, "organization_id", "id"),
    Index(None, "organization_id", "batch_id"),
    Index(None, "organization_id", "target_type", "target_id"),
)


# Feature flags that operators set (models/flags.py says who is in). A flag the code knows and nobody set
# has its default (models/flags.KNOWN_FLAGS). Setting one moves every organization's data_version: the
# next request on every worker reads it, and no cached answer outlives the change.
feature_flag = Table(
    "feature_flag",
    metadata,
    Column("key", String(64), primary_key=True),
    # Hundredths of a percent: 0 to 10,000.
    Column("rollout_basis_points", Integer, nullable=False),
    # Organization ids.
    Column("allowed", JSON, nullable=False, default=list),
    Column("denied", JSON, nullable=False, default=list),
    Column("killed", Boolean, nullable=False, default=False),
    Column("description", String, nullable=False, default=""),
    Column("updated_by", String, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Every change of a flag: who (the OS user or --actor), when, and the flag before and after.
feature_flag_change = Table(
    "feature_flag_change",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, index=True),
    Column("actor", String, nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# The analytics events of committed changes (resolvers/mutations/events.py), written by the same unit of
# work as the change; app/events.py delivers them (at least once, in id order) and prunes the delivered.
# No foreign keys: like the audit log, an event outlives what it describes.
outbox_event = Table(
    "outbox_event",
    metadata,
    Column("id", Integer, primary_key=True),
    # The CloudEvents id, a UUID: consumers deduplicate on it.
    Column("event_id", String(36), nullable=False, unique=True),
    Column("organization_id", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("time", UTCDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index(None, "delivered_at", "id"),
    Index(None, "time"),
)

# Who delivers the outbox now (one relay or drain at a time, across workers and hosts): a lease that its
# holder renews while it runs and that anyone may take once it expired (app/events.py).
outbox_lease = Table(
    "outbox_lease",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", String(128), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# Fixed-window counters of limits that must hold across workers and hosts (models/rate_limits.py): one row
# per limited thing (e.g. a session's reports of saves), its count since the window started.
rate_limit = Table(
    "rate_limit",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("window_started_at", UTCDateTime, nullable=False),
    Column("count", Integer, nullable=False),
    Index(None, "window_started_at"),
)
