"""The progress of a long command: a line rewritten in place on a terminal, nothing but the summary
line elsewhere."""

from __future__ import annotations

import json
import os
import pty
import re
from pathlib import Path

import pytest

from tests.cli import run_cli

pytestmark = pytest.mark.usefixtures("database_environment")


def many_projects(folder: Path, count: int) -> Path:
    path = folder / "many.json"
    projects = [{"slug": f"project-{index}"} for index in range(count)]
    path.write_text(json.dumps({"organizations": [{"slug": "acme", "projects": projects}]}))
    return path


def everything_written(primary: int) -> str:
    """What was written to the terminal whose other end is `primary`, once that end is closed."""
    written = b""
    try:
        while chunk := os.read(primary, 65536):
            written += chunk
    except OSError:  # Linux: EIO once the other end is closed and everything is read
        pass
    os.close(primary)
    return written.decode()


async def test_an_import_on_a_terminal_shows_its_progress_in_place_then_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = many_projects(tmp_path, 200)
    primary, secondary = pty.openpty()
    with os.fdopen(secondary, "w") as terminal:
        monkeypatch.setattr("sys.stderr", terminal)

        status = await run_cli("import", str(path))

    shown = everything_written(primary)
    assert status == 0
    assert re.search(r"\rimporting projects: \d+/200\x1b\[K", shown)
    assert re.search(r"\r\x1b\[Kimporting projects: 200/200 in \d+\.\d s\r\n$", shown)


async def test_an_import_elsewhere_prints_only_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = many_projects(tmp_path, 200)

    status = await run_cli("import", str(path))

    assert status == 0
    assert re.fullmatch(r"importing projects: 200/200 in \d+\.\d s\n", capsys.readouterr().err)


async def test_a_demo_elsewhere_prints_only_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_cli("demo", "--projects", "2500", "--repos-per-project", "1")

    assert status == 0
    assert re.fullmatch(r"creating demo projects: 2,500/2,500 in \d+\.\d s\n", capsys.readouterr().err)


async def test_a_failed_demo_prints_no_summary(capsys: pytest.CaptureFixture[str]) -> None:
    await run_cli("demo", "--projects", "1")
    capsys.readouterr()

    status = await run_cli("demo", "--projects", "1")

    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "aisettings: The organization 'demo' already exists (use --replace)."
    ]
