"""Reading the analytics events back through the command line (`aisettings events export`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli import run_cli

SINCE_EVER = "2000-01-01"


async def exported_events(directory: Path, since: str = SINCE_EVER) -> list[dict[str, Any]]:
    """Every event since `since`, in order, as `aisettings events export` prints them."""
    path = directory / "exported.jsonl"
    assert await run_cli("events", "export", "--since", since, "-o", str(path)) == 0
    return [json.loads(line) for line in path.read_text().splitlines()]


async def exported_data(directory: Path) -> list[tuple[str, dict[str, Any]]]:
    """(type, data) of every event, in order."""
    return [(event["type"], event["data"]) for event in await exported_events(directory)]
