"""The `aisettings` command line: serve, import/export, tokens, demo data, the schema, migrations. This
module holds the arguments only, so that `--help` and `--version` answer at once; a command's work
(app/commands.py) is imported when it runs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aisettings",
        description="GraphQL API for AI-assistant settings. The database is DATABASE_URL "
        "(default: the SQLite file ./aisettings.db).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "--debug", action="store_true", help="on failure, show the traceback rather than one line"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="apply migrations, then serve /graphql, /healthz, /readyz")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo organization into an empty database; print a token"
    )
    serve.set_defaults(command_name="serve")

    import_ = commands.add_parser("import", help="upsert organizations from a JSON file, in one transaction")
    import_.add_argument("file", help="the JSON file, or - for standard input")
    import_.add_argument(
        "--dry-run", action="store_true", help="validate and report what would change; write nothing"
    )
    import_.set_defaults(command_name="import")

    export = commands.add_parser("export", help="print organizations as JSON, in the import format")
    export.add_argument("--org", help="only this organization (slug)")
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (UTF-8) rather than to standard output"
    )
    export.set_defaults(command_name="export")

    token = commands.add_parser("token", help="create, list or revoke API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="TOKEN_COMMAND")
    create = token_commands.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--org", required=True, help="the organization (slug)")
    create.add_argument("--user", required=True, help="the member's login")
    create.add_argument("--name", default="cli", help="a name that tells the token apart (default: cli)")
    create.add_argument("--scopes", help="comma-separated, at most the role's (default: all of the role's)")
    create.add_argument(
        "--expires-in",
        metavar="DURATION_OR_DATE",
        help="90d, 12h, 30m, or a date such as 2027-03-31 (UTC); default: never",
    )
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    listing.add_argument("--org", help="only this organization's tokens")
    revoke = token_commands.add_parser("revoke", help="revoke a token at once")
    revoke.add_argument("token", metavar="ID_OR_PREFIX", help="the token's id or prefix, from `token list`")
    token.set_defaults(command_name="token")

    flags = commands.add_parser("flags", help="list, set, kill or unkill feature flags (rollouts)")
    flags_commands = flags.add_subparsers(dest="flags_command", required=True, metavar="FLAGS_COMMAND")
    flags_commands.add_parser("list", help="every flag: rollout, allowed and denied organizations, killed")
    for name, what in (
        ("set", "create or change a flag (what is not given stays)"),
        ("kill", "switch a flag off for everyone at once, keeping its rollout"),
        ("unkill", "bring a killed flag back to its rollout"),
    ):
        changing = flags_commands.add_parser(name, help=what)
        changing.add_argument("key", help="the flag, e.g. settings-page")
        changing.add_argument("--actor", help="who makes the change, for its log (default: the OS user)")
        if name == "set":
            changing.add_argument("--rollout", type=float, metavar="PERCENT", help="0 to 100 (hundredths)")
            changing.add_argument("--allow", metavar="SLUG,...", help="organizations always in ('' for none)")
            changing.add_argument("--deny", metavar="SLUG,...", help="organizations always out ('' for none)")
            changing.add_argument("--description", help="what the flag gates")
    flags.set_defaults(command_name="flags")

    events = commands.add_parser("events", help="deliver or export the analytics events (CloudEvents JSON)")
    events_commands = events.add_subparsers(dest="events_command", required=True, metavar="EVENTS_COMMAND")
    events_commands.add_parser(
        "drain",
        help="deliver every undelivered event to AISETTINGS_EVENTS_SINK, then prune the delivered ones "
        "older than the retention",
    )
    export_events = events_commands.add_parser(
        "export", help="print the events since a time as JSON lines, delivered or not (for backfills)"
    )
    export_events.add_argument(
        "--since", required=True, metavar="TIME", help="ISO 8601 date or time, UTC unless it says"
    )
    export_events.add_argument("-o", "--output", metavar="FILE", help="write to FILE rather than stdout")
    events.set_defaults(command_name="events")

    report = commands.add_parser("report", help="the launch's success metrics")
    report_commands = report.add_subparsers(dest="report_command", required=True, metavar="REPORT")
    adoption = report_commands.add_parser(
        "adoption",
        help="per organization: defaults set, projects configured, projects with AI scan and fix on (and "
        "their change in the period), saves and the median time to configure",
    )
    adoption.add_argument("--org", metavar="SLUG", help="only this organization")
    adoption.add_argument(
        "--since",
        metavar="TIME",
        help="the period's start, ISO 8601 date or time, UTC unless it says (default: 30 days ago)",
    )
    adoption.add_argument("--json", action="store_true", help="JSON rather than a table")
    report.set_defaults(command_name="report")

    demo = commands.add_parser("demo", help="create the demo organization 'demo'")
    demo.add_argument("--projects", type=int, default=50, help="how many projects (default: 50)")
    demo.add_argument(
        "--repos-per-project", type=int, default=3, help="repositories per project (default: 3)"
    )
    demo.add_argument("--replace", action="store_true", help="replace the demo organization if it exists")
    demo.set_defaults(command_name="demo")

    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.set_defaults(command_name="schema")

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    up = db_commands.add_parser("upgrade", help="apply migrations up to REVISION (default: head)")
    up.add_argument("revision", nargs="?", default="head")
    down = db_commands.add_parser("downgrade", help="revert migrations down to REVISION (e.g. -1, base)")
    down.add_argument("revision")
    db_commands.add_parser("current", help="print the current revision")
    db.set_defaults(command_name="db")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        from . import commands

        commands.run(args)
    except BrokenPipeError:
        # The reader went away (`aisettings schema | head`): stop quietly, as other commands do. Python
        # would complain when it flushes stdout at exit, so stdout goes nowhere from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


def _version() -> str:
    try:
        return version("aisettings")
    except PackageNotFoundError:  # run from a checkout that was not installed
        return "(not installed)"
