"""GraphiQL, served by this server alone: the page browsers get at /graphql, and its files at /graphiql/...
The files are npm's copies of the packages that web/package-lock.json pins (`cd web && npm ci --omit=dev`);
without them the page is Strawberry's own, which loads the same versions from unpkg.com."""

from __future__ import annotations

import hashlib
import html
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from aisettings.schema.strawberry_internals import get_graphql_ide_html

logger = logging.getLogger(__name__)

PREFIX = "/graphiql/"
# Our own script: it starts GraphiQL with the settings the page carries (no inline script, so the page's
# Content-Security-Policy can refuse every script but this server's files).
PAGE_SCRIPT = Path(__file__).with_name("graphiql.js")
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# Every URL names its file's version: a new version is a new URL, so browsers may keep a file for good.
IMMUTABLE = "public, max-age=31536000, immutable"
# Only this server's files run and style the page (GraphiQL sets element styles through the DOM, which
# style-src does not restrict); its fonts are data: URLs in its stylesheet.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src data:; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
)
INSTALL_HINT = "cd web && npm ci --omit=dev"


@dataclass(frozen=True)
class Asset:
    """A file of an npm package, as installed under node_modules."""

    package: str
    path: str


# What the page loads, in this order: GraphiQL's bundle needs React, the explorer plugin needs GraphiQL.
STYLESHEETS = (Asset("graphiql", "graphiql.min.css"), Asset("@graphiql/plugin-explorer", "dist/style.css"))
SCRIPTS = (
    Asset("react", "umd/react.production.min.js"),
    Asset("react-dom", "umd/react-dom.production.min.js"),
    Asset("graphiql", "graphiql.min.js"),
    Asset("@graphiql/plugin-explorer", "dist/index.umd.js"),
)


@dataclass(frozen=True)
class ServedFile:
    path: Path
    media_type: str


@dataclass(frozen=True)
class GraphiQL:
    """The page (an ASGI app: /graphql hands browsers to it) and the route of its files."""

    page: ASGIApp
    routes: list[Route]


class AssetsMissingError(LookupError):
    pass


def build_graphiql(assets_directory: Path, demo_token: str | None) -> GraphiQL:
    """Our page over the files in `assets_directory` (a node_modules folder), its headers editor holding
    `demo_token` when there is one; Strawberry's page from unpkg.com when the files are not there."""
    try:
        files = _installed_files(assets_directory)
    except AssetsMissingError as error:
        logger.warning(
            "GraphiQL's files are not installed (%s): the GraphiQL page loads them from unpkg.com. "
            "To serve them from here, run `%s` (needs Node.js) or point AISETTINGS_GRAPHIQL_ASSETS at a "
            "node_modules folder that holds them.",
            error,
            INSTALL_HINT,
        )
        return GraphiQL(page=HTMLResponse(get_graphql_ide_html(graphql_ide="graphiql")), routes=[])
    script_version = hashlib.sha256(PAGE_SCRIPT.read_bytes()).hexdigest()[:12]
    files[f"{PREFIX}aisettings@{script_version}/{PAGE_SCRIPT.name}"] = ServedFile(
        PAGE_SCRIPT, MEDIA_TYPES[".js"]
    )
    page = HTMLResponse(
        _page_html(list(files), demo_token), headers={"content-security-policy": CONTENT_SECURITY_POLICY}
    )
    return GraphiQL(page=page, routes=[Route(PREFIX + "{version}/{name}", _file_endpoint(files))])


def _installed_files(directory: Path) -> dict[str, ServedFile]:
    """Each asset by its URL, `/graphiql/<package>@<version>/<file>`, stylesheets first."""
    files = {}
    for asset in (*STYLESHEETS, *SCRIPTS):
        path = directory / asset.package / asset.path
        if not path.is_file():
            raise AssetsMissingError(f"no {path}")
        url = f"{PREFIX}{_release(directory, asset.package)}/{path.name}"
        files[url] = ServedFile(path, MEDIA_TYPES[path.suffix])
    return files


def _release(directory: Path, package: str) -> str:
    """`name@version` of an installed package (without its scope: a URL segment holds no slash)."""
    manifest = directory / package / "package.json"
    try:
        version = json.loads(manifest.read_bytes())["version"]
    except (OSError, ValueError, KeyError) as error:
        raise AssetsMissingError(f"no version in {manifest}") from error
    return f"{package.rpartition('/')[2]}@{version}"


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>aisettings · GraphiQL</title>
<link rel="icon" href="data:,">
{stylesheets}
</head>
<body>
<div id="graphiql"{settings}>Loading GraphiQL…</div>
{scripts}
</body>
</html>
"""


def _page_html(urls: list[str], demo_token: str | None) -> str:
    """The page; app/graphiql.js reads its settings from the attributes of #graphiql."""
    headers = None if demo_token is None else json.dumps({"Authorization": f"Bearer {demo_token}"}, indent=2)
    return PAGE.format(
        stylesheets="\n".join(
            f'<link rel="stylesheet" href="{url}">' for url in urls if url.endswith(".css")
        ),
        settings="" if headers is None else f' data-headers="{html.escape(headers)}"',
        scripts="\n".join(f'<script src="{url}"></script>' for url in urls if url.endswith(".js")),
    )


def _file_endpoint(files: dict[str, ServedFile]) -> Callable[[Request], Awaitable[Response]]:
    """Answers exactly the URLs of `files`; any other path is 404, so nothing else can be reached."""

    async def serve(request: Request) -> Response:
        served = files.get(f"{PREFIX}{request.path_params['version']}/{request.path_params['name']}")
        if served is None:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(served.path, media_type=served.media_type, headers={"cache-control": IMMUTABLE})

    return serve
