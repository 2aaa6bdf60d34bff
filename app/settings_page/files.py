"""The page's files, served by this server alone under one versioned prefix: its own modules (static/) and
the one npm file it needs, htm's build that bundles Preact and its hooks (`cd web && npm ci --omit=dev`).
The version names every byte served, so a URL's answer never changes and browsers may keep it for good."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

PREFIX = "/settings-page/"
STATIC = Path(__file__).with_name("static")
# Where the page's modules import Preact and htm from (a path relative to the version folder).
PREACT_HTM = "vendor/preact-htm.js"
PREACT_HTM_SOURCE = Path("htm") / "preact" / "standalone.module.js"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
IMMUTABLE = "public, max-age=31536000, immutable"
INSTALL_HINT = "cd web && npm ci --omit=dev"


class PreactMissingError(LookupError):
    pass


@dataclass(frozen=True)
class PageFiles:
    """The files by their path under the version folder, and that folder's URL."""

    by_path: dict[str, Path]
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


def page_files(node_modules: Path) -> PageFiles:
    """static/ and htm's bundle of Preact, under `/settings-page/aisettings@<digest>/`; PreactMissingError
    when node_modules lacks htm."""
    preact_htm = node_modules / PREACT_HTM_SOURCE
    if not preact_htm.is_file():
        raise PreactMissingError(f"no {preact_htm}")
    by_path = {
        path.relative_to(STATIC).as_posix(): path
        for path in sorted(STATIC.rglob("*"))
        if path.suffix in MEDIA_TYPES
    }
    by_path[PREACT_HTM] = preact_htm
    digest = hashlib.sha256()
    for name, path in sorted(by_path.items()):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(_version(node_modules / "htm").encode())
    return PageFiles(by_path, f"{PREFIX}aisettings@{digest.hexdigest()[:12]}/")


def _version(package: Path) -> str:
    try:
        return str(json.loads((package / "package.json").read_bytes())["version"])
    except (OSError, ValueError, KeyError) as error:
        raise PreactMissingError(f"no version in {package / 'package.json'}") from error


def files_endpoint(files: PageFiles | None) -> Callable[[Request], Awaitable[Response]]:
    """Answers exactly the URLs of `files`; any other path is 404."""

    async def serve(request: Request) -> Response:
        path = request.url.path
        served = (
            files.by_path.get(path.removeprefix(files.base_url))
            if files is not None and path.startswith(files.base_url)
            else None
        )
        if served is None:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(
            served, media_type=MEDIA_TYPES[served.suffix], headers={"cache-control": IMMUTABLE}
        )

    return serve
