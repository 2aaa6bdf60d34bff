"""The `aisettings` commands besides import/export: tokens, demo data, the schema, migrations, help."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.cli import build_parser, main
from aisettings.app.config import Config, ConfigurationError
from aisettings.app.tokens import create_token
from aisettings.models.tables import Role, api_token
from tests.cli import run_cli
from tests.databases import ON_SQLITE
from tests.factories import Org, make_member, make_organization
from tests.graphql import post

VIEWER = "query { viewer { login } }"


async def make_acme_member(engine: AsyncEngine, role: Role = Role.ADMIN) -> Org:
    org = await make_organization(engine, "acme")
    await make_member(engine, org, "alice", role)
    return org


# --- token ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("database_environment")
async def test_token_create_prints_a_token_that_authenticates(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)

    status = await run_cli("token", "create", "--org", "acme", "--user", "alice", "--name", "ci")

    assert status == 0
    token = capsys.readouterr().out.strip()
    response = await post(client, token, VIEWER)
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"login": "alice"}}}


@pytest.mark.usefixtures("database_environment")
async def test_token_create_with_scopes_limits_the_token_to_them(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine, Role.OWNER)
    query = 'query { organization(slug: "acme") { viewerCanAdminister } }'

    await run_cli("token", "create", "--org", "acme", "--user", "alice", "--scopes", "org:read,project:read")

    token = capsys.readouterr().out.strip()
    response = await post(client, token, query)
    assert response.json() == {"data": {"organization": {"viewerCanAdminister": False}}}


@pytest.mark.usefixtures("database_environment")
@pytest.mark.parametrize(
    ("organization", "login"), [("acme", "mallory"), ("globex", "alice")], ids=["unknown-user", "other-org"]
)
async def test_token_create_for_someone_who_is_not_a_member_fails(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str], organization: str, login: str
) -> None:
    await make_acme_member(engine)
    await make_organization(engine, "globex")

    status = await run_cli("token", "create", "--org", organization, "--user", login)

    assert status == 1
    captured = capsys.readouterr()
    assert f"{login!r} is not a member of an organization {organization!r}" in captured.err
    assert captured.out == ""


@pytest.mark.usefixtures("database_environment")
@pytest.mark.parametrize(
    ("role", "scopes", "refused"),
    [(Role.MEMBER, "org:read,project:admin", "project:admin"), (Role.ADMIN, "org:admin", "org:admin")],
    ids=["member-asks-project-admin", "admin-asks-org-admin"],
)
async def test_token_create_with_scopes_beyond_the_role_fails(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str], role: Role, scopes: str, refused: str
) -> None:
    await make_acme_member(engine, role)

    status = await run_cli("token", "create", "--org", "acme", "--user", "alice", "--scopes", scopes)

    assert status == 1
    captured = capsys.readouterr()
    assert refused in captured.err
    assert captured.out == ""


@pytest.mark.usefixtures("database_environment")
async def test_token_create_with_an_unknown_scope_fails(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)

    status = await run_cli("token", "create", "--org", "acme", "--user", "alice", "--scopes", "org:write")

    assert status == 1
    assert "org:write" in capsys.readouterr().err


@pytest.mark.usefixtures("database_environment")
async def test_token_list_shows_each_token_but_never_its_secret(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    secret = await create_token(engine, "acme", "alice", name="deploy-bot")

    status = await run_cli("token", "list")

    assert status == 0
    output = capsys.readouterr().out
    header, line = output.splitlines()
    assert header.split("\t")[:5] == ["ID", "PREFIX", "ORGANIZATION", "USER", "NAME"]
    token_id, prefix, organization, login, name = line.split("\t")[:5]
    assert token_id.isdigit()
    assert secret.startswith(prefix.rstrip("…"))
    assert (organization, login, name) == ("acme", "alice", "deploy-bot")
    assert secret not in output


@pytest.mark.usefixtures("database_environment")
async def test_token_list_with_org_shows_only_that_organizations_tokens(
    engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    globex = await make_organization(engine, "globex")
    await make_member(engine, globex, "bob")
    await create_token(engine, "acme", "alice", name="acme-token")
    await create_token(engine, "globex", "bob", name="globex-token")

    await run_cli("token", "list", "--org", "globex")

    assert [line.split("\t")[4] for line in capsys.readouterr().out.splitlines()[1:]] == ["globex-token"]


def _token_row(listing: str, name: str) -> list[str]:
    return next(row for line in listing.splitlines() if (row := line.split("\t"))[4] == name)


def _token_id(listing: str, name: str) -> str:
    return _token_row(listing, name)[0]


@pytest.mark.usefixtures("database_environment")
async def test_revoked_token_is_refused_with_401(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    secret = await create_token(engine, "acme", "alice", name="leaked")
    await run_cli("token", "list")
    token_id = _token_id(capsys.readouterr().out, "leaked")

    status = await run_cli("token", "revoke", token_id)

    assert status == 0
    response = await post(client, secret, VIEWER)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.usefixtures("database_environment")
async def test_revoking_a_token_leaves_the_others_working(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    await create_token(engine, "acme", "alice", name="leaked")
    kept = await create_token(engine, "acme", "alice", name="kept")
    await run_cli("token", "list")
    token_id = _token_id(capsys.readouterr().out, "leaked")

    await run_cli("token", "revoke", token_id)

    assert (await post(client, kept, VIEWER)).status_code == 200


@pytest.mark.usefixtures("database_environment")
async def test_revoking_an_unknown_token_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("token", "revoke", "999999")

    assert status == 1
    assert "999999" in capsys.readouterr().err


@pytest.mark.usefixtures("database_environment")
async def test_revoking_a_token_twice_fails(engine: AsyncEngine, capsys: pytest.CaptureFixture[str]) -> None:
    await make_acme_member(engine)
    await create_token(engine, "acme", "alice", name="leaked")
    await run_cli("token", "list")
    token_id = _token_id(capsys.readouterr().out, "leaked")
    await run_cli("token", "revoke", token_id)

    status = await run_cli("token", "revoke", token_id)

    assert status == 1


@pytest.mark.usefixtures("database_environment")
async def test_a_token_is_revoked_by_the_prefix_token_list_shows(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    secret = await create_token(engine, "acme", "alice", name="leaked")
    await run_cli("token", "list")
    prefix = _token_row(capsys.readouterr().out, "leaked")[1]

    status = await run_cli("token", "revoke", prefix)

    assert status == 0
    assert (await post(client, secret, VIEWER)).status_code == 401


@pytest.mark.usefixtures("database_environment")
async def test_a_prefix_too_short_to_tell_tokens_apart_revokes_nothing(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    secret = await create_token(engine, "acme", "alice", name="kept")

    status = await run_cli("token", "revoke", "ais_")

    assert status == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert (await post(client, secret, VIEWER)).status_code == 200


@pytest.mark.usefixtures("database_environment")
async def test_a_token_created_to_expire_works_until_then_and_says_so_in_the_list(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    await run_cli(
        "token", "create", "--org", "acme", "--user", "alice", "--name", "q1", "--expires-in", "90d"
    )
    secret = capsys.readouterr().out.strip()

    await run_cli("token", "list")

    state = _token_row(capsys.readouterr().out, "q1")[7]
    in_90_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=90)
    assert state.startswith(f"active, expires {in_90_days:%Y-%m-%d}")
    assert (await post(client, secret, VIEWER)).status_code == 200


@pytest.mark.usefixtures("database_environment")
async def test_an_expired_token_is_refused_with_its_own_message(
    engine: AsyncEngine, client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)
    secret = await create_token(engine, "acme", "alice", name="old")
    async with engine.begin() as connection:
        await connection.execute(update(api_token).values(expires_at=dt.datetime.now(dt.UTC)))

    response = await post(client, secret, VIEWER)
    await run_cli("token", "list")

    assert response.status_code == 401
    assert response.json()["errors"][0]["message"].startswith("The API token has expired")
    assert _token_row(capsys.readouterr().out, "old")[7].startswith("expired ")


@pytest.mark.parametrize("expires_in", ["soon", "0d", "2001-01-01", "90 days"])
@pytest.mark.usefixtures("database_environment")
async def test_an_expiry_that_is_not_a_future_duration_or_date_is_one_line(
    engine: AsyncEngine, expires_in: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await make_acme_member(engine)

    status = await run_cli("token", "create", "--org", "acme", "--user", "alice", "--expires-in", expires_in)

    assert status == 1
    [line] = capsys.readouterr().err.splitlines()
    assert expires_in in line


# --- failures: one line each ------------------------------------------------------------------------------


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.parametrize("command", [("export",), ("token", "list"), ("token", "revoke", "1")])
async def test_a_reading_command_without_a_database_says_so_and_creates_no_file(
    command: tuple[str, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./aisettings.db")

    status = await run_cli(*command)

    assert status == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("aisettings: there is no database at ./aisettings.db")
    assert files_in(tmp_path) == []


async def test_a_writing_command_migrates_a_new_database_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "acme.json").write_text(
        '{"organizations": [{"slug": "acme", "name": "Acme", '
        '"members": [{"login": "alice", "role": "owner"}]}]}'
    )
    await run_cli("import", "acme.json")

    status = await run_cli("token", "create", "--org", "acme", "--user", "alice")

    assert status == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ais_")


async def test_a_dry_run_without_a_database_says_so_and_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "acme.json").write_text('{"organizations": [{"slug": "acme"}]}')

    status = await run_cli("import", "--dry-run", "acme.json")

    assert status == 1
    assert capsys.readouterr().err.startswith("aisettings: there is no database at ./aisettings.db")
    assert files_in(tmp_path) == ["acme.json"]


async def test_a_bad_import_file_creates_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "bad.json").write_text('{"organizations": [{"name": "no slug"}]}')

    status = await run_cli("import", "bad.json")

    assert status == 1
    assert files_in(tmp_path) == ["bad.json"]


@pytest.mark.parametrize(
    ("unusable_url", "reason"),
    [
        pytest.param("sqlite:////no/such/folder/a.db", "unable to open database file", id="sqlite-folder"),
        pytest.param("postgres://postgres@127.0.0.1:1/test", "Connect call failed", id="refused"),
        pytest.param("postgresql://postgres@127.0.0.1:5432/no_such_database", "does not exist", id="no-db"),
    ],
)
async def test_a_database_that_cannot_be_used_is_one_line_not_a_traceback(
    unusable_url: str, reason: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if "no_such_database" in unusable_url and ON_SQLITE:
        pytest.skip("needs the PostgreSQL server of the PostgreSQL run")
    monkeypatch.setenv("DATABASE_URL", unusable_url)

    status = await run_cli("demo", "--projects", "1")

    assert status == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("aisettings: the database ")
    assert reason in line


async def test_a_missing_file_argument_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("import", "no-such-file.json")

    assert status == 1
    assert capsys.readouterr().err == "aisettings: no-such-file.json: No such file or directory.\n"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/app", "postgresql+asyncpg://u:p@db.example:5432/app"),
        (
            "postgresql://u@db.example/app?sslmode=require",
            "postgresql+asyncpg://u@db.example/app?ssl=require",
        ),
        ("postgresql+asyncpg://u@db.example/app", "postgresql+asyncpg://u@db.example/app"),
        ("sqlite:///./a.db", "sqlite+aiosqlite:///./a.db"),
    ],
)
def test_common_database_url_forms_are_taken_to_the_async_drivers(given: str, used: str) -> None:
    assert Config.from_environment({"DATABASE_URL": given}).database_url == used


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("mysql://u@db.example/app", "runs on PostgreSQL or SQLite"),
        ("postgresql+psycopg2://u@db.example/app", "uses 'asyncpg'"),
        ("not a url", "not a database URL"),
        ("postgresql://u@db.example/app?sslmode=sometimes", "sslmode"),
    ],
)
def test_a_database_url_that_cannot_work_is_refused_with_a_reason(given: str, said: str) -> None:
    with pytest.raises(ConfigurationError, match=said):
        Config.from_environment({"DATABASE_URL": given})


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])

    assert capsys.readouterr().out.startswith("aisettings 0.")


def test_help_answers_without_loading_the_server() -> None:
    code = (
        "import sys; from aisettings.app.cli import build_parser; build_parser(); print(sorted(sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert "sqlalchemy" not in loaded
    assert "strawberry" not in loaded


def test_a_closed_pipe_ends_the_schema_quietly() -> None:
    script = "from aisettings.app.cli import main; main(['schema'])"
    reader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None
    reader.stdout.readline()
    reader.stdout.close()  # as `| head -1` does

    _, errors = reader.communicate()

    assert errors == b""


# --- demo ----------------------------------------------------------------------------------------------

DEMO_SIZE = """
query {
  organization(slug: "demo") {
    projects(first: 1000) { totalCount nodes { repositories { totalCount } } }
  }
}
"""


async def demo_size(engine: AsyncEngine, client: httpx.AsyncClient) -> tuple[int, int]:
    """(projects, repositories) of the demo organization, as its owner sees them."""
    token = await create_token(engine, "demo", "demo-owner", name="demo-test")
    response = await post(client, token, DEMO_SIZE)
    projects = response.json()["data"]["organization"]["projects"]
    return projects["totalCount"], sum(p["repositories"]["totalCount"] for p in projects["nodes"])


@pytest.mark.usefixtures("database_environment")
async def test_demo_creates_the_demo_organization_of_the_asked_size(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    status = await run_cli("demo", "--projects", "12", "--repos-per-project", "2")

    assert status == 0
    assert await demo_size(engine, client) == (12, 24)


@pytest.mark.usefixtures("database_environment")
async def test_demo_fails_when_the_demo_organization_exists(capsys: pytest.CaptureFixture[str]) -> None:
    await run_cli("demo", "--projects", "12", "--repos-per-project", "2")
    capsys.readouterr()

    status = await run_cli("demo", "--projects", "3")

    assert status == 1
    assert "--replace" in capsys.readouterr().err


@pytest.mark.usefixtures("database_environment")
async def test_demo_with_replace_replaces_the_demo_organization(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    await run_cli("demo", "--projects", "12", "--repos-per-project", "2")

    status = await run_cli("demo", "--projects", "3", "--repos-per-project", "1", "--replace")

    assert status == 0
    assert await demo_size(engine, client) == (3, 3)


PROJECT_IDS = """
query {
  organization(slug: "demo") { id projects(first: 1000) { nodes { id slug overrides { fixEnabled } } } }
}
"""


@pytest.mark.usefixtures("database_environment")
async def test_demo_with_replace_keeps_the_tokens_and_ids_it_can(
    engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    await run_cli("demo", "--projects", "5")
    token = await create_token(engine, "demo", "demo-owner", name="graphiql")
    before = (await post(client, token, PROJECT_IDS)).json()["data"]["organization"]
    await post(client, token, SET_FIX, {"id": before["projects"]["nodes"][1]["id"]})
    await post(client, token, PROJECT_IDS)  # an answer the response cache keeps

    status = await run_cli("demo", "--projects", "3", "--replace")

    after = (await post(client, token, PROJECT_IDS)).json()["data"]["organization"]
    assert status == 0
    assert after["id"] == before["id"]
    assert after["projects"]["nodes"] == before["projects"]["nodes"][:3]  # the demo's values again


SET_FIX = """
mutation ($id: ID!) {
  updateProjectSettings(input: {projectId: $id, changes: {fixEnabled: true}}) { userErrors { code } }
}
"""


# --- beside the server's writes ---------------------------------------------------------------------------


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite only: its write lock is the database's")
@pytest.mark.usefixtures("database_environment")
@pytest.mark.parametrize(
    "command",
    [
        ("token", "create", "--org", "acme", "--user", "alice"),
        ("demo", "--projects", "3", "--replace"),
    ],
    ids=" ".join,
)
async def test_a_command_that_waits_for_another_writer_succeeds_once_it_commits(
    engine: AsyncEngine, database_url: str, command: tuple[str, ...]
) -> None:
    await make_acme_member(engine)
    await run_cli("demo", "--projects", "1")
    other_writer = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    other_writer.execute("UPDATE organization SET name = name || '.'")
    running = asyncio.ensure_future(run_cli(*command))
    await asyncio.sleep(0.5)  # the command line starts a thread, an event loop and an engine, then waits

    other_writer.execute("COMMIT")
    other_writer.close()

    assert await running == 0


# --- schema, db ----------------------------------------------------------------------------------------


def test_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schema"])

    assert "type Query {" in capsys.readouterr().out


@pytest.mark.usefixtures("database_environment", "engine")
async def test_db_current_prints_the_head_revision(capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("db", "current")

    assert status == 0
    assert capsys.readouterr().out.strip() == "Current revision: 0009"


# --- help ----------------------------------------------------------------------------------------------


def _command_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand of `parser`, the program itself included."""
    yield path
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from _command_paths(subparser, (*path, name))


COMMAND_PATHS = list(_command_paths(build_parser()))


def test_help_covers_every_documented_command() -> None:
    assert {" ".join(path) for path in COMMAND_PATHS} >= {
        "serve",
        "import",
        "export",
        "token create",
        "token list",
        "token revoke",
        "demo",
        "schema",
        "db upgrade",
        "db downgrade",
        "db current",
    }


@pytest.mark.parametrize("command", COMMAND_PATHS, ids=lambda path: " ".join(path) or "aisettings")
def test_help_prints_the_usage_and_exits_0(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])

    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: {' '.join(('aisettings', *command))}")
