"""`aisettings import` and `aisettings export`: an idempotent, all-or-nothing upsert of organizations from
JSON, and its inverse."""

from __future__ import annotations

import asyncio
import copy
import io
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.tokens import create_token
from aisettings.models.database import write_transaction
from aisettings.models.limits import MAX_LOGIN_LENGTH, MAX_NAME_LENGTH, MAX_SLUG_LENGTH
from aisettings.models.tables import Role, metadata, organization
from tests.cli import run_cli
from tests.factories import make_member, make_organization, make_project, make_repository, make_token
from tests.graphql import document, execute, mutation, organization_id
from tests.read_back import audit_log_nodes

pytestmark = pytest.mark.usefixtures("database_environment")

ACME: dict[str, Any] = {
    "organizations": [
        {
            "slug": "acme",
            "name": "Acme",
            "settings": {
                "scanEnabled": True,
                "fixEnabled": False,
                "stoppingPoint": "PULL_REQUEST",
                "lockedSettings": ["SCAN_ENABLED"],
            },
            "members": [{"login": "alice", "role": "owner"}, {"login": "bob", "role": "member"}],
            "projects": [
                {
                    "slug": "web",
                    "name": "Web",
                    "overrides": {"scanEnabled": False, "fixEnabled": True},
                    "repositories": [
                        {
                            "provider": "GITHUB",
                            "name": "acme/web",
                            "aiEnabled": True,
                            "branchPatterns": ["main", "release/*"],
                        }
                    ],
                },
                {
                    "slug": "api",
                    "name": "API",
                    "overrides": {"stoppingPoint": "MERGE"},
                    "repositories": [{"provider": "GITLAB", "name": "acme/backend/api", "aiEnabled": False}],
                },
            ],
        }
    ]
}

TREE = """
query ($slug: String!) {
  organization(slug: $slug) {
    name
    settings { scanEnabled fixEnabled stoppingPoint lockedSettings }
    projects(orderBy: {field: SLUG, direction: ASC}) {
      nodes {
        slug name
        overrides { scanEnabled fixEnabled stoppingPoint }
        effectiveSettings { scanEnabled { value locked overrideIgnored } }
        repositories { nodes { provider name aiEnabled branchPatterns } }
      }
    }
  }
}
"""


def acme_file() -> dict[str, Any]:
    return copy.deepcopy(ACME)


def _changed(path: list[str | int], value: Any) -> dict[str, Any]:
    """The ACME file with the value at `path` set (a new key or list item included)."""
    changed = acme_file()
    container: Any = changed
    for key in path[:-1]:
        container = container[key]
    if isinstance(container, list) and path[-1] == len(container):
        container.append(value)
    else:
        container[path[-1]] = value
    return changed


def write_file(directory: Path, content: dict[str, Any] | bytes) -> Path:
    path = directory / "organizations.json"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


async def dump_database(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    async with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in await connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in metadata.sorted_tables
        }


async def import_acme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = write_file(tmp_path, acme_file())
    assert await run_cli("import", str(path)) == 0
    capsys.readouterr()
    return path


ALL_CREATED = [
    "organizations: 1 created, 0 changed, 0 unchanged",
    "members: 2 created, 0 changed, 0 unchanged",
    "projects: 2 created, 0 changed, 0 unchanged",
    "repositories: 2 created, 0 changed, 0 unchanged",
]


async def test_import_creates_what_the_file_holds_and_reports_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(tmp_path, acme_file())

    status = await run_cli("import", str(path))

    assert status == 0
    assert capsys.readouterr().out.splitlines() == ALL_CREATED


async def test_imported_organization_is_visible_through_graphql(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    token = await create_token(engine, "acme", "bob", name="reader")

    data = await execute(client, token, TREE, {"slug": "acme"})

    organization = data["organization"]
    assert organization["name"] == "Acme"
    assert organization["settings"] == {
        "scanEnabled": True,
        "fixEnabled": False,
        "stoppingPoint": "PULL_REQUEST",
        "lockedSettings": ["SCAN_ENABLED"],
    }
    assert [
        (project["slug"], project["name"], project["overrides"], project["repositories"]["nodes"])
        for project in organization["projects"]["nodes"]
    ] == [
        (
            "api",
            "API",
            {"scanEnabled": None, "fixEnabled": None, "stoppingPoint": "MERGE"},
            [{"provider": "GITLAB", "name": "acme/backend/api", "aiEnabled": False, "branchPatterns": []}],
        ),
        (
            "web",
            "Web",
            {"scanEnabled": False, "fixEnabled": True, "stoppingPoint": None},
            [
                {
                    "provider": "GITHUB",
                    "name": "acme/web",
                    "aiEnabled": True,
                    "branchPatterns": ["main", "release/*"],
                }
            ],
        ),
    ]


async def test_imported_member_gets_the_role_of_the_file(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    owner_token = await create_token(engine, "acme", "alice", name="owner")
    member_token = await create_token(engine, "acme", "bob", name="member")
    query = 'query { organization(slug: "acme") { viewerCanAdminister } }'

    as_owner = await execute(client, owner_token, query)
    as_member = await execute(client, member_token, query)

    assert as_owner["organization"]["viewerCanAdminister"] is True
    assert as_member["organization"]["viewerCanAdminister"] is False


@pytest.mark.parametrize("written", ["Owner", "OWNER", "oWnEr"])
async def test_a_role_is_read_in_any_case(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, written: str
) -> None:
    path = write_file(tmp_path, _changed(["organizations", 0, "members", 1, "role"], written))

    status = await run_cli("import", str(path))

    assert status == 0
    token = await create_token(engine, "acme", "bob", name="owner")
    query = 'query { organization(slug: "acme") { viewerCanAdminister } }'
    assert (await execute(client, token, query))["organization"]["viewerCanAdminister"] is True


async def test_override_of_a_locked_setting_is_kept_but_ignored(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    token = await create_token(engine, "acme", "alice", name="reader")

    data = await execute(client, token, TREE, {"slug": "acme"})

    web = next(p for p in data["organization"]["projects"]["nodes"] if p["slug"] == "web")
    assert web["overrides"]["scanEnabled"] is False
    assert web["effectiveSettings"]["scanEnabled"] == {"value": True, "locked": True, "overrideIgnored": True}


NOTHING_CHANGED = [
    "organizations: 0 created, 0 changed, 1 unchanged",
    "members: 0 created, 0 changed, 2 unchanged",
    "projects: 0 created, 0 changed, 2 unchanged",
    "repositories: 0 created, 0 changed, 2 unchanged",
]


def _report_with(changed_line: str) -> list[str]:
    """NOTHING_CHANGED, but for the line of the same kind as `changed_line`."""
    kind = changed_line.split(":")[0]
    return [changed_line if line.startswith(f"{kind}:") else line for line in NOTHING_CHANGED]


async def test_importing_the_same_file_again_reports_nothing_created_or_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = await import_acme(tmp_path, capsys)

    status = await run_cli("import", str(path))

    assert status == 0
    assert capsys.readouterr().out.splitlines() == NOTHING_CHANGED


async def test_importing_the_same_file_again_writes_nothing(
    engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = await import_acme(tmp_path, capsys)
    before = await dump_database(engine)

    await run_cli("import", str(path))

    assert await dump_database(engine) == before


async def exported(capsys: pytest.CaptureFixture[str]) -> Any:
    """What `aisettings export` prints, read back as JSON."""
    assert await run_cli("export") == 0
    return json.loads(capsys.readouterr().out)


async def test_a_dry_run_reports_what_would_be_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(tmp_path, acme_file())

    status = await run_cli("import", "--dry-run", str(path))

    assert status == 0
    assert capsys.readouterr().out.splitlines() == [
        "organizations: 1 would be created, 0 would be changed, 0 unchanged",
        "members: 2 would be created, 0 would be changed, 0 unchanged",
        "projects: 2 would be created, 0 would be changed, 0 unchanged",
        "repositories: 2 would be created, 0 would be changed, 0 unchanged",
        "Dry run: nothing was written.",
    ]


async def test_a_dry_run_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_file(tmp_path, acme_file())

    status = await run_cli("import", "--dry-run", str(path))

    capsys.readouterr()
    assert status == 0
    assert await exported(capsys) == {"organizations": []}


async def test_a_dry_run_reports_a_change_and_leaves_it_unmade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    before = await exported(capsys)
    path = write_file(tmp_path, _changed(["organizations", 0, "settings", "stoppingPoint"], "MERGE"))

    status = await run_cli("import", "--dry-run", str(path))

    assert status == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "organizations: 0 would be created, 1 would be changed, 0 unchanged"
    )
    assert await exported(capsys) == before


async def test_a_dry_run_leaves_no_audit_entry(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    token = await create_token(engine, "acme", "alice", name="auditor")
    before = await audit_log_nodes(client, token)
    path = write_file(tmp_path, _changed(WEB_FIX_ENABLED, False))

    status = await run_cli("import", "--dry-run", str(path))

    assert status == 0
    assert await audit_log_nodes(client, token) == before


WEB_FIX_ENABLED: list[str | int] = ["organizations", 0, "projects", 0, "overrides", "fixEnabled"]


@pytest.mark.parametrize(
    ("path", "value", "changed_line"),
    [
        pytest.param(WEB_FIX_ENABLED, False, "projects: 0 created, 1 changed, 1 unchanged", id="override"),
        pytest.param(
            ["organizations", 0, "projects", 1, "overrides", "stoppingPoint"],
            None,
            "projects: 0 created, 1 changed, 1 unchanged",
            id="override-back-to-inherit",
        ),
        pytest.param(
            ["organizations", 0, "projects", 1, "name"],
            "Public API",
            "projects: 0 created, 1 changed, 1 unchanged",
            id="project-name",
        ),
        pytest.param(
            ["organizations", 0, "projects", 0, "repositories", 0, "branchPatterns"],
            ["main"],
            "repositories: 0 created, 1 changed, 1 unchanged",
            id="branch-patterns",
        ),
        pytest.param(
            ["organizations", 0, "members", 1, "role"],
            "admin",
            "members: 0 created, 1 changed, 1 unchanged",
            id="member-role",
        ),
        pytest.param(
            ["organizations", 0, "name"],
            "Acme Corp",
            "organizations: 0 created, 1 changed, 0 unchanged",
            id="organization-name",
        ),
        pytest.param(
            ["organizations", 0, "settings", "stoppingPoint"],
            "MERGE",
            "organizations: 0 created, 1 changed, 0 unchanged",
            id="organization-setting",
        ),
    ],
)
async def test_reimport_with_one_change_reports_exactly_that_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: list[str | int], value: Any, changed_line: str
) -> None:
    await import_acme(tmp_path, capsys)
    file = write_file(tmp_path, _changed(path, value))

    status = await run_cli("import", str(file))

    assert status == 0
    assert capsys.readouterr().out.splitlines() == _report_with(changed_line)


async def test_reimport_with_one_changed_override_audits_exactly_that_change(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    token = await create_token(engine, "acme", "alice", name="auditor")
    first_import = await audit_log_nodes(client, token)
    path = write_file(tmp_path, _changed(WEB_FIX_ENABLED, False))

    await run_cli("import", str(path))

    entries = await audit_log_nodes(client, token)
    new_entries = entries[: len(entries) - len(first_import)]
    assert [(entry["action"], entry["actor"], entry["changes"]) for entry in new_entries] == [
        ("PROJECT_SETTINGS_UPDATED", "import", [{"field": "fixEnabled", "before": True, "after": False}])
    ]


async def test_reimport_with_one_changed_override_changes_only_that_override(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    token = await create_token(engine, "acme", "alice", name="reader")
    before = await execute(client, token, TREE, {"slug": "acme"})
    path = write_file(tmp_path, _changed(WEB_FIX_ENABLED, False))

    await run_cli("import", str(path))

    after = await execute(client, token, TREE, {"slug": "acme"})
    before["organization"]["projects"]["nodes"][1]["overrides"]["fixEnabled"] = False
    assert after == before


WEB_REPOSITORY_NAME: list[str | int] = ["organizations", 0, "projects", 0, "repositories", 0, "name"]

# The name of acme's GitHub repository as first imported, and as imported again: the same repository,
# since providers treat names case-insensitively.
NAMES_IN_ANOTHER_CASE = [
    pytest.param("acme/web", "Acme/Web", id="capitalized"),
    pytest.param("Acme/Web", "acme/web", id="lowercased"),
    pytest.param("acme/web", "ACME/WEB", id="uppercased"),
]


@pytest.mark.parametrize(("stored_name", "imported_name"), NAMES_IN_ANOTHER_CASE)
async def test_reimport_of_a_repository_named_in_another_case_reports_it_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stored_name: str, imported_name: str
) -> None:
    assert await run_cli("import", str(write_file(tmp_path, _changed(WEB_REPOSITORY_NAME, stored_name)))) == 0
    capsys.readouterr()
    path = write_file(tmp_path, _changed(WEB_REPOSITORY_NAME, imported_name))

    status = await run_cli("import", str(path))

    assert status == 0
    assert capsys.readouterr().out.splitlines() == NOTHING_CHANGED


@pytest.mark.parametrize(("stored_name", "imported_name"), NAMES_IN_ANOTHER_CASE)
async def test_reimport_of_a_repository_named_in_another_case_writes_nothing(
    engine: AsyncEngine, tmp_path: Path, stored_name: str, imported_name: str
) -> None:
    assert await run_cli("import", str(write_file(tmp_path, _changed(WEB_REPOSITORY_NAME, stored_name)))) == 0
    before = await dump_database(engine)
    path = write_file(tmp_path, _changed(WEB_REPOSITORY_NAME, imported_name))

    await run_cli("import", str(path))

    assert await dump_database(engine) == before


async def _imported_acme(engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await import_acme(tmp_path, capsys)


async def _organization_without_settings(
    engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = await make_organization(engine, "globex")
    await make_member(engine, org, "carol", Role.ADMIN)
    project_id = await make_project(engine, org, "shop", overrides={"fix_enabled": True})
    await make_repository(engine, project_id, "globex/shop", branch_patterns=["main"])


@pytest.mark.parametrize(
    "given_organizations",
    [
        pytest.param(_imported_acme, id="imported-organization"),
        pytest.param(_organization_without_settings, id="organization-without-settings"),
    ],
)
async def test_export_then_import_into_the_same_database_changes_nothing(
    engine: AsyncEngine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    given_organizations: Callable[[AsyncEngine, Path, pytest.CaptureFixture[str]], Awaitable[None]],
) -> None:
    await given_organizations(engine, tmp_path, capsys)
    assert await run_cli("export") == 0
    exported = write_file(tmp_path, capsys.readouterr().out.encode())
    before = await dump_database(engine)

    status = await run_cli("import", str(exported))

    assert status == 0
    assert await dump_database(engine) == before


async def test_export_prints_every_organization_in_the_import_format(
    engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)

    status = await run_cli("export")

    assert status == 0
    exported = json.loads(capsys.readouterr().out)
    acme = exported["organizations"][0]
    assert [o["slug"] for o in exported["organizations"]] == ["acme"]
    assert acme["settings"] == ACME["organizations"][0]["settings"]
    assert acme["members"] == ACME["organizations"][0]["members"]
    assert [(p["slug"], p["overrides"]) for p in acme["projects"]] == [
        ("api", {"stoppingPoint": "MERGE"}),
        ("web", {"scanEnabled": False, "fixEnabled": True}),
    ]


async def test_export_with_org_prints_only_that_organization(
    engine: AsyncEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    await make_organization(engine, "globex")

    status = await run_cli("export", "--org", "globex")

    assert status == 0
    exported = json.loads(capsys.readouterr().out)
    assert [o["slug"] for o in exported["organizations"]] == ["globex"]


async def test_export_with_output_writes_what_export_prints_in_utf_8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await run_cli("import", str(write_file(tmp_path, _changed(["organizations", 0, "name"], "Ακμή"))))
    capsys.readouterr()
    await run_cli("export")
    printed = capsys.readouterr().out
    output = tmp_path / "export.json"

    status = await run_cli("export", "--output", str(output))

    assert status == 0
    assert output.read_bytes() == printed.encode("utf-8")
    assert '"name": "Ακμή"' in output.read_text(encoding="utf-8")
    assert output.read_bytes().endswith(b"}\n")


async def test_export_with_output_says_what_it_wrote_in_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await import_acme(tmp_path, capsys)
    output = tmp_path / "export.json"

    status = await run_cli("export", "-o", str(output))

    assert status == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"Wrote 1 organization, 2 projects and 2 repositories to {output}."]


async def test_export_of_an_unknown_organization_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("export", "--org", "nowhere")

    assert status == 1
    captured = capsys.readouterr()
    assert "'nowhere'" in captured.err
    assert captured.out == ""


async def test_import_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(ACME).encode())))

    status = await run_cli("import", "-")

    assert status == 0
    assert capsys.readouterr().out.splitlines() == ALL_CREATED


# --- Files that are not valid: rejected as a whole, with the JSON path of each problem ---------------------


def _second_organization_invalid(first_slug: str) -> dict[str, Any]:
    second = {
        "slug": "globex",
        "projects": [{"slug": "shop", "repositories": [{"provider": "GITHUB", "name": "not a repository"}]}],
    }
    file = _changed(["organizations", 0, "slug"], first_slug)
    file["organizations"].append(second)
    return file


PROJECT = "$.organizations[0].projects"
MALFORMED_FILES: dict[str, tuple[dict[str, Any] | bytes, str]] = {
    "invalid-json": (b'{"organizations": [{"slug": "acme",', "$: Invalid JSON"),
    "not-an-object": (b"[]", "$: "),
    "unknown-field": (
        _changed(["organizations", 0, "projects", 1, "color"], "red"),
        f"{PROJECT}[1].color:",
    ),
    "wrong-type": (
        _changed(["organizations", 0, "projects", 1, "overrides", "fixEnabled"], "yes"),
        f"{PROJECT}[1].overrides.fixEnabled:",
    ),
    "bad-enum-value": (
        _changed(["organizations", 0, "projects", 1, "overrides", "stoppingPoint"], "SOMETIMES"),
        f"{PROJECT}[1].overrides.stoppingPoint:",
    ),
    "bad-locked-setting": (
        _changed(["organizations", 0, "settings", "lockedSettings"], ["SCAN_ENABLED", "COLOR"]),
        "$.organizations[0].settings.lockedSettings[1]:",
    ),
    "bad-role": (
        _changed(["organizations", 0, "members", 1, "role"], "king"),
        "$.organizations[0].members[1].role:",
    ),
    "bad-provider": (
        _changed(["organizations", 0, "projects", 0, "repositories", 0, "provider"], "SVN"),
        f"{PROJECT}[0].repositories[0].provider:",
    ),
    "bad-slug": (
        _changed(["organizations", 0, "projects", 1, "slug"], "no spaces"),
        f"{PROJECT}[1].slug:",
    ),
    "slug-too-long": (
        _changed(["organizations", 0, "projects", 1, "slug"], "a" * (MAX_SLUG_LENGTH + 1)),
        f"{PROJECT}[1].slug:",
    ),
    "organization-name-too-long": (
        _changed(["organizations", 0, "name"], "A" * (MAX_NAME_LENGTH + 1)),
        "$.organizations[0].name:",
    ),
    "project-name-too-long": (
        _changed(["organizations", 0, "projects", 1, "name"], "A" * (MAX_NAME_LENGTH + 1)),
        f"{PROJECT}[1].name:",
    ),
    "login-too-long": (
        _changed(["organizations", 0, "members", 1, "login"], "b" * (MAX_LOGIN_LENGTH + 1)),
        "$.organizations[0].members[1].login:",
    ),
    "duplicate-project-slug": (
        _changed(["organizations", 0, "projects", 1, "slug"], "web"),
        f"{PROJECT}[1]: project slug 'web' appears more than once",
    ),
    "repository-name-invalid-for-provider": (
        _changed(["organizations", 0, "projects", 0, "repositories", 0, "name"], "acme/team/web"),
        f"{PROJECT}[0].repositories[0].name:",
    ),
    "bitbucket-repository-name-in-uppercase": (
        _changed(
            ["organizations", 0, "projects", 1, "repositories", 1],
            {"provider": "BITBUCKET", "name": "Acme/Web"},
        ),
        f"{PROJECT}[1].repositories[1].name:",
    ),
    "repository-names-differing-only-in-case": (
        _changed(
            ["organizations", 0, "projects", 0, "repositories", 1],
            {"provider": "GITHUB", "name": "Acme/Web"},
        ),
        f"{PROJECT}[0].repositories[1]: repository",
    ),
    "invalid-branch-pattern": (
        _changed(["organizations", 0, "projects", 0, "repositories", 0, "branchPatterns", 2], "feature..x"),
        f"{PROJECT}[0].repositories[0].branchPatterns[2]:",
    ),
    "second-organization-invalid-after-an-existing-one": (
        _second_organization_invalid("acme"),
        "$.organizations[1].projects[0].repositories[0].name:",
    ),
    "second-organization-invalid-after-a-new-one": (
        _second_organization_invalid("initech"),
        "$.organizations[1].projects[0].repositories[0].name:",
    ),
}


async def test_import_of_a_missing_file_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("import", str(tmp_path / "missing.json"))

    assert status == 1
    assert "missing.json" in capsys.readouterr().err


async def test_text_with_a_nul_character_is_rejected_with_its_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(tmp_path, _changed(["organizations", 0, "members", 1, "login"], "bo\x00b"))

    status = await run_cli("import", str(path))

    assert status == 1
    assert "$.organizations[0].members[1].login:" in capsys.readouterr().err


@pytest.mark.parametrize(("content", "problem"), MALFORMED_FILES.values(), ids=MALFORMED_FILES.keys())
async def test_invalid_file_fails_and_names_the_json_path_of_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: dict[str, Any] | bytes, problem: str
) -> None:
    path = write_file(tmp_path, content)

    status = await run_cli("import", str(path))

    assert status == 1
    captured = capsys.readouterr()
    assert problem in captured.err
    assert "nothing was written" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(("content", "problem"), MALFORMED_FILES.values(), ids=MALFORMED_FILES.keys())
async def test_invalid_file_leaves_the_database_exactly_as_it_was(
    engine: AsyncEngine, tmp_path: Path, content: dict[str, Any] | bytes, problem: str
) -> None:
    existing = await make_organization(engine, "acme", settings={"fix_enabled": True}, locked=[])
    await make_member(engine, existing, "alice", Role.ADMIN)
    project_id = await make_project(engine, existing, "web", overrides={"fix_enabled": False})
    await make_repository(engine, project_id, "acme/web")
    before = await dump_database(engine)
    path = write_file(tmp_path, content)

    await run_cli("import", str(path))

    assert await dump_database(engine) == before


def _problems_of_every_kind() -> dict[str, Any]:
    """ACME with problems of its structure (a wrong type, an unknown field) and of its content (a
    duplicate, a repository name and a branch pattern its provider refuses)."""
    file = _changed(["organizations", 0, "projects", 1, "overrides", "fixEnabled"], "yes")
    file["organizations"][0]["projects"][1]["color"] = "red"
    file["organizations"][0]["members"][1]["login"] = "alice"
    web_repository = file["organizations"][0]["projects"][0]["repositories"][0]
    web_repository["name"] = "acme/team/web"
    web_repository["branchPatterns"].append("feature..x")
    return file


async def test_problems_of_structure_and_of_content_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(tmp_path, _problems_of_every_kind())

    status = await run_cli("import", str(path))

    assert status == 1
    problems = [line.split(":")[0] for line in capsys.readouterr().err.splitlines()[1:]]
    assert problems == [
        f"{PROJECT}[1].overrides.fixEnabled",
        f"{PROJECT}[1].color",
        "$.organizations[0].members[1]",
        f"{PROJECT}[0].repositories[0].name",
        f"{PROJECT}[0].repositories[0].branchPatterns[2]",
    ]


@pytest.mark.parametrize(
    ("path", "value", "line"),
    [
        pytest.param(
            ["organizations", 0, "projects", 1, "overrides", "fixEnable"],
            True,
            f"{PROJECT}[1].overrides.fixEnable: unknown field 'fixEnable'; did you mean 'fixEnabled'?",
            id="mistyped-field",
        ),
        pytest.param(
            ["organizations", 0, "projects", 1, "color"],
            "red",
            f"{PROJECT}[1].color: unknown field 'color'; the fields here are slug, name, overrides, "
            "repositories",
            id="unknown-field",
        ),
        pytest.param(
            WEB_FIX_ENABLED,
            "yes",
            f'{PROJECT}[0].overrides.fixEnabled: Input should be a valid boolean; got "yes"',
            id="wrong-type",
        ),
        pytest.param(
            ["organizations", 0, "settings", "stoppingPoint"],
            "pull_request",
            "$.organizations[0].settings.stoppingPoint: Input should be 'SUGGESTION', 'PULL_REQUEST' or "
            "'MERGE'; got \"pull_request\"; did you mean 'PULL_REQUEST'?",
            id="mistyped-enum-value",
        ),
        pytest.param(
            ["organizations", 0, "settings", "lockedSettings", 0],
            "FIX_ENABLD",
            "$.organizations[0].settings.lockedSettings[0]: Input should be 'SCAN_ENABLED', 'FIX_ENABLED' or "
            "'STOPPING_POINT'; got \"FIX_ENABLD\"; did you mean 'FIX_ENABLED'?",
            id="mistyped-locked-setting",
        ),
        pytest.param(
            ["organizations", 0, "projects", 1, "slug"],
            "no spaces",
            f"{PROJECT}[1].slug: a slug is 1 to {MAX_SLUG_LENGTH} letters, digits, '.', '-' or '_', starting "
            'with a letter or digit; got "no spaces"',
            id="bad-slug",
        ),
    ],
)
async def test_a_problem_shows_the_value_given_and_the_closest_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: list[str | int], value: Any, line: str
) -> None:
    file = write_file(tmp_path, _changed(path, value))

    status = await run_cli("import", str(file))

    assert status == 1
    assert capsys.readouterr().err.splitlines()[1:] == [line]


async def test_repository_named_twice_is_reported_without_internal_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(
        tmp_path,
        _changed(
            ["organizations", 0, "projects", 0, "repositories", 1], {"provider": "GITHUB", "name": "Acme/Web"}
        ),
    )

    await run_cli("import", str(path))

    assert "RepositoryProvider" not in capsys.readouterr().err


# --- An import beside the API: both write under the organization's lock ----------------------------------

update_organization_settings = mutation(document("UpdateOrganizationSettings"), "updateOrganizationSettings")

SETTINGS = """
query {
  organization(slug: "acme") {
    settings { scanEnabled fixEnabled stoppingPoint }
    projects { nodes { slug overrides { fixEnabled } } }
  }
}
"""

# An import of acme that changes one of its settings and overrides another in a new project.
SCAN_OFF_AND_A_PROJECT = {
    "organizations": [
        {
            "slug": "acme",
            "settings": {"scanEnabled": False},
            "projects": [{"slug": "web", "overrides": {"fixEnabled": True}}],
        }
    ]
}


async def queued_behind_the_organization_lock(
    engine: AsyncEngine, organization_key: int, calls: dict[str, Coroutine[Any, Any, Any]]
) -> dict[str, Any]:
    """Starts `calls` in their order while another transaction holds the organization's write lock, so
    that they all wait for it at once; then releases it and returns their results by name."""
    async with write_transaction(engine) as connection:
        await connection.execute(
            select(organization.c.id).where(organization.c.id == organization_key).with_for_update()
        )
        tasks = {}
        for name, call in calls.items():
            tasks[name] = asyncio.ensure_future(call)
            await asyncio.sleep(0.5)  # the command line starts a thread, an event loop and an engine
        assert not any(task.done() for task in tasks.values()), "the calls did not wait for the lock"
    return dict(zip(tasks, await asyncio.gather(*tasks.values()), strict=True))


@pytest.mark.parametrize("order", [("import", "mutation"), ("mutation", "import")], ids="-then-".join)
async def test_import_and_a_concurrent_mutation_of_the_organization_both_land(
    engine: AsyncEngine, client: httpx.AsyncClient, tmp_path: Path, order: tuple[str, str]
) -> None:
    org = await make_organization(engine, "acme", settings={"scan_enabled": True})
    token = await make_token(engine, org)
    path = write_file(tmp_path, SCAN_OFF_AND_A_PROJECT)
    calls = {
        "import": run_cli("import", str(path)),
        "mutation": update_organization_settings(
            client, token, organizationId=organization_id(org), stoppingPoint="MERGE"
        ),
    }

    results = await queued_behind_the_organization_lock(engine, org.id, {name: calls[name] for name in order})

    assert (results["import"], results["mutation"]["userErrors"]) == (0, [])
    tree = (await execute(client, token, SETTINGS))["organization"]
    assert tree["settings"] == {"scanEnabled": False, "fixEnabled": False, "stoppingPoint": "MERGE"}
    assert tree["projects"]["nodes"] == [{"slug": "web", "overrides": {"fixEnabled": True}}]
