"""What each `aisettings` command does (app/cli.py parses the arguments). Every command that reads or
writes data migrates the database first, as `serve` does; one that only reads does not create a SQLite
file that is not there. Failures a user can cause end in one line on stderr and exit status 1 (`--debug`
shows the traceback)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import getpass
import json
import logging
import logging.config
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar

import uvicorn
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models import migrate
from aisettings.models.tables import organization, utc_now
from aisettings.schema.schema import build_schema

from . import events
from .adoption import UnknownOrganizationError, adoption_report, total
from .adoption_output import as_json, table_lines
from .config import DEMO_TOKEN_VARIABLE, Config, ConfigurationError
from .database_url import shown
from .demo import DEMO_OWNER, DEMO_SLUG, DemoExistsError, create_demo_organization
from .engine import configured_engine
from .exchange_format import ImportFileError
from .exporting import export_organizations
from .flags import FlagError, list_flags, set_flag
from .importing import import_file, read_import_file
from .logs import logging_config, set_up_process_logging
from .metrics_directory import metrics_directory
from .metrics_server import MetricsPortError, serve_metrics_in_background
from .progress import progress
from .sessions import create_sign_in_link
from .tokens import TokenError, TokenInfo, create_token, expiry, list_tokens, revoke_token

T = TypeVar("T")

logger = logging.getLogger(__name__)
# `report adoption` without --since: the last 30 days.
REPORT_PERIOD = dt.timedelta(days=30)


class CommandError(Exception):
    """A failure to report in one line and exit with status 1."""


class DatabaseUnusableError(CommandError):
    """The database could not be reached or used (the message says why)."""


def run(args: argparse.Namespace) -> None:
    """Runs the command `args` names."""
    command: Callable[[Config, argparse.Namespace], None] = globals()[f"cmd_{args.command_name}"]
    try:
        config = Config.from_environment()
        # Every line in the server's format, one JSON object each in production, from the first on.
        logging.config.dictConfig(logging_config(json_lines=config.json_logs))
        if args.command_name not in ("serve", "db"):
            # Alembic announces every run; a command that merely brings the database up to date is quiet.
            logging.getLogger("alembic").setLevel(logging.WARNING)
        command(config, args)
    except (CommandError, ConfigurationError, TokenError, DemoExistsError, FlagError) as error:
        if args.debug:
            raise
        print(f"aisettings: {error}", file=sys.stderr)
        sys.exit(1)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as error:  # a file of the arguments
        print(f"aisettings: {error.filename}: {error.strerror}.", file=sys.stderr)
        sys.exit(1)


def _database_failure(error: BaseException) -> str | None:
    """Why the database could not be used, in words, when `error` comes from it or from connecting to it
    (refused, unknown host, no such database, bad password, a folder that does not exist); None for any
    other error."""
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    if not isinstance(error, DBAPIError | OSError) and getattr(cause, "sqlstate", None) is None:
        return None
    detail = str(cause).strip()
    return detail.splitlines()[0] if detail else type(cause).__name__


def run_with_engine(
    config: Config,
    work: Callable[[AsyncEngine], Awaitable[T]],
    *,
    migrating: bool = True,
    creating: bool = False,
) -> T:
    """`work` on the configured database, migrated first (unless not `migrating`). Without `creating`, a
    SQLite file that does not exist is an error, not a new empty database."""
    if not creating:
        _require_database_file(config.database_url)

    async def run_work() -> T:
        engine = configured_engine(config, pool_size=2)
        try:
            if migrating:
                await migrate.upgrade(engine)
            return await work(engine)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run_work())
    except Exception as error:
        if (reason := _database_failure(error)) is None:
            raise
        url = shown(config.database_url)
        raise DatabaseUnusableError(f"the database {url} cannot be used: {reason}.") from error


def _require_database_file(database_url: str) -> None:
    url = make_url(database_url)
    path = url.database
    if url.get_backend_name() == "sqlite" and path and path != ":memory:" and not Path(path).exists():
        raise CommandError(
            f"there is no database at {path} (DATABASE_URL); `aisettings serve`, `aisettings import` or "
            "`aisettings db upgrade` creates it."
        )


def cmd_serve(config: Config, args: argparse.Namespace) -> None:
    async def prepare(engine: AsyncEngine) -> tuple[str, str] | None:
        """The demo owner's new token and a one-time sign-in link's code for it, with --demo."""
        if not args.demo:
            return None
        async with engine.connect() as connection:
            empty = (
                await connection.execute(select(func.count()).select_from(organization))
            ).scalar_one() == 0
        if empty:
            await create_demo_organization(engine)
        try:
            token = await create_token(engine, DEMO_SLUG, DEMO_OWNER, name="demo")
        except TokenError:
            return None  # the database holds other data, without the demo organization
        return token, await create_sign_in_link(engine, token)

    set_up_process_logging()
    try:
        demo = run_with_engine(config, prepare, creating=True)
    except DatabaseUnusableError as error:
        logger.error("%s The server does not start.", error, exc_info=args.debug)
        sys.exit(1)
    except Exception:
        logger.exception("The database could not be prepared; the server does not start.")
        sys.exit(1)
    # A browser on this machine reaches a server listening on every interface at 127.0.0.1.
    origin = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
    # The workers read their configuration from the environment: GraphiQL's headers editor starts with
    # the demo token, and with no token without --demo.
    os.environ.pop(DEMO_TOKEN_VARIABLE, None)
    if demo is not None:
        token, link = demo
        os.environ[DEMO_TOKEN_VARIABLE] = token
        logger.info("Demo organization %r ready. GraphiQL: %s/graphql", DEMO_SLUG, origin)
        logger.info('Demo owner token (shown once), for the headers: {"Authorization": "Bearer %s"}', token)
        # The link holds a one-time code, not the token: it signs one browser in, and the access log
        # leaves query strings out anyway.
        logger.info("Settings page (the link signs a browser in once): %s/sign-in/link?code=%s", origin, link)
    with contextlib.ExitStack() as metrics_running:
        if config.metrics:
            directory = metrics_running.enter_context(metrics_directory(config.metrics_directory))
            if config.metrics_port is not None:
                try:
                    serve_metrics_in_background(config, args.host, config.metrics_port, directory)
                except MetricsPortError as error:
                    logger.error("%s The server does not start.", error)
                    sys.exit(1)
                logger.info("Metrics: http://%s:%s/metrics", args.host, config.metrics_port)
        uvicorn.run(
            "aisettings.app.main:create_app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=logging_config(json_lines=config.json_logs),
        )


def cmd_import(config: Config, args: argparse.Namespace) -> None:
    raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        document = read_import_file(raw)  # before the database is touched: a bad file creates nothing
    except ImportFileError as error:
        raise CommandError(f"{args.file} is not a valid import file; nothing was written.\n{error}") from None
    label = "importing projects (dry run)" if args.dry_run else "importing projects"
    with progress(label, sum(len(org.projects) for org in document.organizations)) as shown:
        report = run_with_engine(
            config,
            lambda engine: import_file(engine, document, dry_run=args.dry_run, projects_done=shown.advance),
            creating=not args.dry_run,
        )
    print("\n".join(report.lines()) or "The file holds no organizations.")
    if args.dry_run:
        print("Dry run: nothing was written.")


def cmd_export(config: Config, args: argparse.Namespace) -> None:
    document = run_with_engine(config, lambda engine: export_organizations(engine, args.org))
    if args.org is not None and not document["organizations"]:
        raise CommandError(f"There is no organization {args.org!r}.")
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return
    Path(args.output).write_text(text, encoding="utf-8")
    organizations = document["organizations"]
    projects = [proj for org in organizations for proj in org["projects"]]
    repositories = sum(len(proj["repositories"]) for proj in projects)
    print(
        f"Wrote {_count(len(organizations), 'organization')}, {_count(len(projects), 'project')} and "
        f"{_count(repositories, 'repository', 'repositories')} to {args.output}.",
        file=sys.stderr,
    )


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else plural or f'{singular}s'}"


def cmd_token(config: Config, args: argparse.Namespace) -> None:
    if args.token_command == "create":
        asked = None if args.scopes is None else [s.strip() for s in args.scopes.split(",") if s.strip()]
        expires_at = None if args.expires_in is None else expiry(args.expires_in, utc_now())
        secret = run_with_engine(
            config, lambda e: create_token(e, args.org, args.user, args.name, asked, expires_at)
        )
        print(secret)
        print("Store it now: it is shown only once.", file=sys.stderr)
    elif args.token_command == "list":
        tokens = run_with_engine(config, lambda e: list_tokens(e, args.org))
        print("ID\tPREFIX\tORGANIZATION\tUSER\tNAME\tSCOPES\tLAST USED\tSTATE")
        now = utc_now()
        for token in tokens:
            state = _token_state(token, now)
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            scopes = ",".join(token.scopes) if token.scopes is not None else "role"
            print(
                f"{token.id}\t{token.prefix}…\t{token.organization}\t{token.login}\t{token.name}\t"
                f"{scopes}\t{used}\t{state}"
            )
    else:
        revoked = run_with_engine(config, lambda e: revoke_token(e, args.token))
        print(f"Token {revoked} revoked.")


def _token_state(token: TokenInfo, now: dt.datetime) -> str:
    if token.revoked_at is not None:
        return f"revoked {token.revoked_at:%Y-%m-%d}"
    if token.expires_at is None:
        return "active"
    return f"{'expired' if token.expires_at <= now else 'active, expires'} {token.expires_at:%Y-%m-%d %H:%M}"


def cmd_flags(config: Config, args: argparse.Namespace) -> None:
    if args.flags_command == "list":
        print("KEY\tROLLOUT\tALLOWED\tDENIED\tSTATE\tUPDATED\tDESCRIPTION")
        for info in run_with_engine(config, list_flags):
            flag = info.flag
            updated = "default"
            if info.updated_at is not None:
                updated = f"{info.updated_at:%Y-%m-%d %H:%M} by {info.updated_by}"
            print(
                f"{flag.key}\t{flag.rollout_percent:g}%\t{','.join(info.allowed) or '-'}\t"
                f"{','.join(info.denied) or '-'}\t{'KILLED' if flag.killed else 'live'}\t{updated}\t"
                f"{flag.description}"
            )
        return
    actor = args.actor or getpass.getuser()
    changes: dict[str, Any] = {"killed": args.flags_command == "kill"}
    if args.flags_command == "set":
        changes = {
            "rollout_percent": args.rollout,
            "allow": None if args.allow is None else _slugs(args.allow),
            "deny": None if args.deny is None else _slugs(args.deny),
            "description": args.description,
        }
    flag = run_with_engine(config, lambda engine: set_flag(engine, args.key, actor, **changes))
    state = "KILLED: off for every organization" if flag.killed else f"live at {flag.rollout_percent:g}%"
    print(f"Flag {flag.key}: {state}, from the next request on.")


def _slugs(text: str) -> list[str]:
    return [slug.strip() for slug in text.split(",") if slug.strip()]


def cmd_events(config: Config, args: argparse.Namespace) -> None:
    if args.events_command == "export":
        since = _time(args.since)
        with _binary_output(args.output) as stream:
            count = run_with_engine(config, lambda engine: events.export(engine, since, stream))
        print(f"Exported {_count(count, 'event')} since {since:%Y-%m-%d %H:%M:%S} UTC.", file=sys.stderr)
        return
    done = run_with_engine(config, partial(_drain, config))
    if done is None:
        print("A relay (of serve, or another drain) delivers the events now; nothing done.", file=sys.stderr)
        return
    delivered, pruned = done
    print(f"Delivered {_count(delivered.delivered, 'event')}; pruned {pruned}.", file=sys.stderr)
    if delivered.failures:
        raise CommandError("some events stay undelivered:\n" + "\n".join(delivered.failures))


async def _drain(config: Config, engine: AsyncEngine) -> tuple[events.DrainReport, int] | None:
    lease = events.Lease(engine)
    try:
        return await events.deliver(engine, config.events, lease)
    finally:
        await lease.release()


def _time(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--since must be an ISO 8601 date or time (2026-12-01T09:00), not {text!r}."
        ) from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


@contextmanager
def _binary_output(path: str | None) -> Iterator[IO[bytes]]:
    if path in (None, "-"):
        yield sys.stdout.buffer
        return
    with Path(path).open("wb") as stream:
        yield stream


def cmd_report(config: Config, args: argparse.Namespace) -> None:
    since = utc_now() - REPORT_PERIOD if args.since is None else _time(args.since)
    try:
        rows = run_with_engine(config, lambda engine: adoption_report(engine, since, args.org))
    except UnknownOrganizationError as error:
        raise CommandError(str(error)) from None
    if args.json:
        print(json.dumps(as_json(rows, total(rows), since), indent=2))
        return
    print("\n".join(table_lines([*rows, total(rows)] if len(rows) != 1 else rows)))
    print(
        f"Since {since:%Y-%m-%d %H:%M} UTC; the time to configure is the median of the saves'.",
        file=sys.stderr,
    )


def cmd_demo(config: Config, args: argparse.Namespace) -> None:
    with progress("creating demo projects", args.projects) as shown:
        create = partial(create_demo_organization, replace=args.replace, projects_done=shown.advance)
        run_with_engine(
            config, lambda engine: create(engine, args.projects, args.repos_per_project), creating=True
        )
    print(
        f"Organization {DEMO_SLUG!r}: {args.projects} projects, {args.repos_per_project} repositories each."
    )


def cmd_schema(_: Config, __: argparse.Namespace) -> None:
    print(build_schema().as_str())


def cmd_db(config: Config, args: argparse.Namespace) -> None:
    if args.db_command == "upgrade":
        run_with_engine(config, lambda e: migrate.upgrade(e, args.revision), migrating=False, creating=True)
    elif args.db_command == "downgrade":
        run_with_engine(config, lambda e: migrate.downgrade(e, args.revision), migrating=False)
    current = run_with_engine(config, migrate.current_revision, migrating=False)
    print(f"Current revision: {current or 'none (empty database)'}")
