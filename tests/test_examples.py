"""The example scripts of examples/, run as a user runs them, against a demo server that accepts trusted
documents only: the bulk change shows its blast radius, applies and prints its audit batch; the export
pages through every project."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import sys
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.demo import create_demo_organization
from tests.graphql import document, execute
from tests.server_process import ServerProcess, server_process

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TRUSTED_ONLY = {"AISETTINGS_TRUSTED_DOCUMENTS_ONLY": "1"}
# The server runs trusted documents only: the check afterwards reads with one too.
PROJECTS = document("SettingsPage")


async def run_example(server: ServerProcess, token: str, script: str, *arguments: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / script),
        "--url",
        f"{server.url}/graphql",
        *arguments,
        env={**os.environ, "AISETTINGS_TOKEN": token},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


def demo_token(log: Path) -> str:
    found = re.search(r"ais_[A-Za-z0-9_-]+", log.read_text())
    assert found is not None, "serve --demo printed a token"
    return found[0]


async def test_the_bulk_change_previews_applies_and_prints_its_audit_batch(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    async with server_process(database_url, log, environment=TRUSTED_ONLY, arguments=["--demo"]) as server:
        token = demo_token(log)
        status, output = await run_example(
            server,
            token,
            "bulk_change.py",
            "--org",
            "demo",
            "--search",
            "project-0001",
            "fixEnabled=true",
            "--yes",
        )
        async with httpx.AsyncClient(base_url=server.url) as client:
            variables = {"slug": "demo", "filter": {"search": "project-0001"}}
            after = await execute(client, token, PROJECTS, variables, "SettingsPageProjects")

    assert status == 0, output
    preview = re.search(r"(\d+) projects would change", output)
    assert preview is not None, output
    would = int(preview[1])
    assert re.search(rf"Changed {would} projects in one transaction, audit batch [0-9a-f-]{{36}}:", output)
    assert output.count("fixEnabled false -> true") + output.count("fixEnabled null -> true") == would
    projects = after["organization"]["projects"]["nodes"]
    assert [p["effectiveSettings"]["fixEnabled"]["value"] for p in projects] == [True] * 10


async def test_the_export_pages_through_every_project(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await create_demo_organization(engine, projects=1200, repositories_per_project=1)
    log = tmp_path / "serve.log"
    output_file = tmp_path / "settings.csv"
    async with server_process(database_url, log, environment=TRUSTED_ONLY, arguments=["--demo"]) as server:
        status, output = await run_example(
            server, demo_token(log), "export_csv.py", "--org", "demo", "-o", str(output_file)
        )

    assert status == 0, output
    assert "1200/1200 projects" in output
    rows = list(csv.DictReader(io.StringIO(output_file.read_text())))
    assert len(rows) == 1200
    assert rows[0]["slug"] == "project-00000"
    assert (rows[0]["scanEnabled"], rows[0]["scanEnabledSource"], rows[0]["scanEnabledLocked"]) == (
        "true",
        "ORGANIZATION",
        "true",
    )
