"""The `aisettings` command line: serve, import/export, tokens, demo data, the schema, migrations."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import logging.config
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import uvicorn
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.models import migrate
from aisettings.models.tables import organization
from aisettings.schema.schema import build_schema

from .config import DEMO_TOKEN_VARIABLE, Config, ConfigurationError
from .demo import DEMO_OWNER, DEMO_SLUG, DemoExistsError, create_demo_organization
from .engine import configured_engine
from .exchange_format import ImportFileError
from .exporting import export_organizations
from .importing import import_file
from .logs import log_stray_output, logging_config
from .sessions import create_sign_in_link
from .tokens import TokenError, create_token, list_tokens, revoke_token

T = TypeVar("T")

logger = logging.getLogger(__name__)


class CommandError(Exception):
    """A failure to report in one line and exit with status 1."""


def run_with_engine(config: Config, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    async def run() -> T:
        engine = configured_engine(config, pool_size=2)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def cmd_serve(config: Config, args: argparse.Namespace) -> None:
    async def prepare(engine: AsyncEngine) -> tuple[str, str] | None:
        """The demo owner's new token and a one-time sign-in link's code for it, with --demo."""
        await migrate.upgrade(engine)
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

    # From the first line on (the migrations'), every line is in the server's format: one JSON object
    # each in production.
    log_config = logging_config(json_lines=config.json_logs)
    logging.config.dictConfig(log_config)
    log_stray_output()
    try:
        demo = run_with_engine(config, prepare)
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
    uvicorn.run(
        "aisettings.app.main:create_app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=log_config,
    )


def cmd_import(config: Config, args: argparse.Namespace) -> None:
    raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    try:
        report = run_with_engine(config, lambda engine: import_file(engine, raw))
    except ImportFileError as error:
        raise CommandError(f"{args.file} is not a valid import file; nothing was written.\n{error}") from None
    print("\n".join(report.lines()) or "The file holds no organizations.")


def cmd_export(config: Config, args: argparse.Namespace) -> None:
    document = run_with_engine(config, lambda engine: export_organizations(engine, args.org))
    if args.org is not None and not document["organizations"]:
        raise CommandError(f"There is no organization {args.org!r}.")
    print(json.dumps(document, indent=2, ensure_ascii=False))


def cmd_token(config: Config, args: argparse.Namespace) -> None:
    if args.token_command == "create":
        asked = None if args.scopes is None else [s.strip() for s in args.scopes.split(",") if s.strip()]
        secret = run_with_engine(config, lambda e: create_token(e, args.org, args.user, args.name, asked))
        print(secret)
        print("Store it now: it is shown only once.", file=sys.stderr)
    elif args.token_command == "list":
        for token in run_with_engine(config, lambda e: list_tokens(e, args.org)):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            scopes = ",".join(token.scopes) if token.scopes is not None else "role"
            print(
                f"{token.id}\t{token.prefix}…\t{token.organization}\t{token.login}\t{token.name}\t"
                f"scopes={scopes}\tlast used {used}\t{state}"
            )
    else:
        run_with_engine(config, lambda e: revoke_token(e, args.id))
        print(f"Token {args.id} revoked.")


def cmd_demo(config: Config, args: argparse.Namespace) -> None:
    async def work(engine: AsyncEngine) -> None:
        await migrate.upgrade(engine)
        await create_demo_organization(engine, args.projects, args.repos_per_project, replace=args.replace)

    run_with_engine(config, work)
    print(
        f"Organization {DEMO_SLUG!r}: {args.projects} projects, {args.repos_per_project} repositories each."
    )


def cmd_schema(_: Config, __: argparse.Namespace) -> None:
    print(build_schema().as_str())


def cmd_db(config: Config, args: argparse.Namespace) -> None:
    if args.db_command == "upgrade":
        run_with_engine(config, lambda e: migrate.upgrade(e, args.revision))
    elif args.db_command == "downgrade":
        run_with_engine(config, lambda e: migrate.downgrade(e, args.revision))
    print(f"Current revision: {run_with_engine(config, migrate.current_revision) or 'none (empty database)'}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aisettings",
        description="GraphQL API for AI-assistant settings. The database is DATABASE_URL "
        "(default: the SQLite file ./aisettings.db).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations, then serve /graphql, /healthz, /readyz")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo organization into an empty database; print a token"
    )
    serve.set_defaults(handler=cmd_serve)

    import_ = commands.add_parser("import", help="upsert organizations from a JSON file, in one transaction")
    import_.add_argument("file", help="the JSON file, or - for standard input")
    import_.set_defaults(handler=cmd_import)

    export = commands.add_parser("export", help="print organizations as JSON, in the import format")
    export.add_argument("--org", help="only this organization (slug)")
    export.set_defaults(handler=cmd_export)

    token = commands.add_parser("token", help="create, list or revoke API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="TOKEN_COMMAND")
    create = token_commands.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--org", required=True, help="the organization (slug)")
    create.add_argument("--user", required=True, help="the member's login")
    create.add_argument("--name", default="cli", help="a name that tells the token apart (default: cli)")
    create.add_argument("--scopes", help="comma-separated, at most the role's (default: all of the role's)")
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    listing.add_argument("--org", help="only this organization's tokens")
    revoke = token_commands.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("id", type=int, help="the token's id, from `token list`")
    token.set_defaults(handler=cmd_token)

    demo = commands.add_parser("demo", help=f"create the demo organization {DEMO_SLUG!r}")
    demo.add_argument("--projects", type=int, default=50, help="how many projects (default: 50)")
    demo.add_argument(
        "--repos-per-project", type=int, default=3, help="repositories per project (default: 3)"
    )
    demo.add_argument("--replace", action="store_true", help="replace the demo organization if it exists")
    demo.set_defaults(handler=cmd_demo)

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(handler=cmd_schema)

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    up = db_commands.add_parser("upgrade", help="apply migrations up to REVISION (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    down = db_commands.add_parser("downgrade", help="revert migrations down to REVISION (e.g. -1, base)")
    down.add_argument("revision")
    db_commands.add_parser("current", help="print the current revision")
    db.set_defaults(handler=cmd_db)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        args.handler(Config.from_environment(), args)
    except (CommandError, ConfigurationError, TokenError, DemoExistsError, OSError) as error:
        print(f"aisettings: {error}", file=sys.stderr)
        sys.exit(1)
