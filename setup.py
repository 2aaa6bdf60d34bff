"""The build as pyproject.toml declares it, plus the npm files the server serves (GraphiQL's and the
settings page's, listed in web/served-files.json), copied from web/node_modules into the package when
they are installed there (`cd web && npm ci --omit=dev`): a wheel built so serves both pages with no
checkout and no network. Built without them, the server says at startup what it lacks and how to fix it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
NODE_MODULES = ROOT / "web" / "node_modules"
SERVED = ROOT / "web" / "served-files.json"


class BuildWithWebFiles(build_py):
    def run(self) -> None:
        super().run()
        served = json.loads(SERVED.read_text())["files"]
        wanted = [Path(package) / name for package, files in served.items() for name in files]
        missing = [path for path in wanted if not (NODE_MODULES / path).is_file()]
        if missing:
            print(f"web/node_modules lacks {missing[0]} and {len(missing) - 1} more: no npm file in wheel")
            return
        for path in wanted:
            target = Path(self.build_lib) / "aisettings" / "node_modules" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(NODE_MODULES / path, target)


setup(cmdclass={"build_py": BuildWithWebFiles})
