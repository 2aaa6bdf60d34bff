"""What a wheel holds besides the code: the npm files the server serves, listed in web/served-files.json
for setup.py to copy. The list must name every file GraphiQL's page and the settings page load."""

from __future__ import annotations

import json
from pathlib import Path

from aisettings.app.graphiql import SCRIPTS, STYLESHEETS
from aisettings.app.settings_page.files import PREACT_HTM_SOURCE

SERVED = Path(__file__).resolve().parent.parent / "web" / "served-files.json"


def listed() -> set[Path]:
    files: dict[str, list[str]] = json.loads(SERVED.read_text())["files"]
    return {Path(package) / name for package, names in files.items() for name in names}


def test_the_wheel_holds_every_npm_file_the_pages_load_and_their_versions() -> None:
    loaded = {Path(asset.package) / asset.path for asset in (*STYLESHEETS, *SCRIPTS)} | {PREACT_HTM_SOURCE}
    # Each package's manifest too: its version names the files' URLs.
    manifests = {
        Path(*path.parts[: 2 if path.parts[0].startswith("@") else 1]) / "package.json" for path in loaded
    }

    assert listed() == loaded | manifests
