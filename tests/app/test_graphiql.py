"""GraphiQL's page and files come from this server alone (npm's copies, in AISETTINGS_GRAPHIQL_ASSETS);
without them the page is Strawberry's, from a CDN. web/browser-test.mjs runs the page in a browser."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.graphiql import SCRIPTS, STYLESHEETS

BROWSER = {"Accept": "text/html"}
# Where `cd web && npm ci` installs them.
CHECKOUT_ASSETS = Path(__file__).resolve().parents[2] / "web" / "node_modules"
VERSIONS = {
    "react": "18.2.0",
    "react-dom": "18.2.0",
    "graphiql": "3.8.3",
    "@graphiql/plugin-explorer": "1.0.2",
}


class Links(HTMLParser):
    """The URLs of a page's scripts and stylesheets."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(str(attributes["src"]))
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(str(attributes["href"]))


def install_assets(node_modules: Path) -> None:
    """What `npm ci` puts in node_modules, as far as the page needs it (each file holds its own name)."""
    for package, version in VERSIONS.items():
        (node_modules / package).mkdir(parents=True)
        (node_modules / package / "package.json").write_text(json.dumps({"version": version}))
    for asset in (*STYLESHEETS, *SCRIPTS):
        file = node_modules / asset.package / asset.path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"/* {asset.package}/{asset.path} */")


@pytest.fixture
def node_modules(tmp_path: Path) -> Path:
    install_assets(tmp_path / "node_modules")
    return tmp_path / "node_modules"


@contextlib.asynccontextmanager
async def graphiql_client(engine: AsyncEngine, config: Config) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(config, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


@pytest.fixture
async def client_with_assets(
    engine: AsyncEngine, database_url: str, node_modules: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with graphiql_client(
        engine, Config(database_url=database_url, graphiql_assets=node_modules)
    ) as client:
        yield client


async def test_the_page_loads_only_this_servers_files(client_with_assets: httpx.AsyncClient) -> None:
    response = await client_with_assets.get("/graphql", headers=BROWSER)

    links = Links(response.text)
    assert response.status_code == 200
    assert links.stylesheets == [
        "/graphiql/graphiql@3.8.3/graphiql.min.css",
        "/graphiql/plugin-explorer@1.0.2/style.css",
    ]
    assert links.scripts[:4] == [
        "/graphiql/react@18.2.0/react.production.min.js",
        "/graphiql/react-dom@18.2.0/react-dom.production.min.js",
        "/graphiql/graphiql@3.8.3/graphiql.min.js",
        "/graphiql/plugin-explorer@1.0.2/index.umd.js",
    ]
    assert links.scripts[4].startswith("/graphiql/aisettings@")
    assert "<script>" not in response.text
    assert "//" not in "".join(links.scripts + links.stylesheets)


async def test_the_page_allows_only_this_servers_scripts_and_no_framing(
    client_with_assets: httpx.AsyncClient,
) -> None:
    response = await client_with_assets.get("/graphql", headers=BROWSER)

    policies = response.headers.get_list("content-security-policy")
    assert "frame-ancestors 'none'" in policies
    assert any("default-src 'none'; script-src 'self';" in policy for policy in policies)
    assert response.headers["cache-control"] == "no-store"


async def test_every_file_of_the_page_answers_with_its_type_and_is_cached_for_good(
    client_with_assets: httpx.AsyncClient, node_modules: Path
) -> None:
    links = Links((await client_with_assets.get("/graphql", headers=BROWSER)).text)

    for url in links.stylesheets + links.scripts:
        response = await client_with_assets.get(url)

        assert response.status_code == 200, url
        expected_type = "text/css" if url.endswith(".css") else "text/javascript"
        assert response.headers["content-type"] == f"{expected_type}; charset=utf-8"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
    react = await client_with_assets.get(links.scripts[0])
    assert react.text == "/* react/umd/react.production.min.js */"
    page_script = await client_with_assets.get(links.scripts[4])
    assert "GraphiQL.createFetcher" in page_script.text


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/react@18.2.0/react.development.js",
        "/graphiql/react@17.0.2/react.production.min.js",
        "/graphiql/react@18.2.0/package.json",
        "/graphiql/react/umd/react.production.min.js",
        "/graphiql/react@18.2.0/../../react/package.json",
        "/graphiql/react@18.2.0/..%2Fpackage.json",
        "/graphiql/react@18.2.0/%2e%2e%2f%2e%2e%2fgraphiql.py",
        "/graphiql/",
    ],
    ids=[
        "not listed",
        "other version",
        "manifest",
        "by path",
        "dot-dot",
        "encoded slash",
        "encoded dots",
        "index",
    ],
)
async def test_any_other_path_is_not_found_and_not_cached(
    client_with_assets: httpx.AsyncClient, node_modules: Path, path: str
) -> None:
    (node_modules / "react" / "umd" / "react.development.js").write_text("/* not served */")

    response = await client_with_assets.get(httpx.URL(path))

    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"


async def test_with_a_demo_token_the_headers_editor_starts_with_it(
    engine: AsyncEngine, database_url: str, node_modules: Path
) -> None:
    config = Config(database_url=database_url, graphiql_assets=node_modules, demo_token="ais_demo-secret")

    async with graphiql_client(engine, config) as client:
        page = (await client.get("/graphql", headers=BROWSER)).text

    assert 'data-headers="{\n  &quot;Authorization&quot;: &quot;Bearer ais_demo-secret&quot;\n}"' in page


async def test_without_a_demo_token_the_page_holds_no_token(client_with_assets: httpx.AsyncClient) -> None:
    page = (await client_with_assets.get("/graphql", headers=BROWSER)).text

    assert "data-headers" not in page
    assert "Bearer" not in page


async def test_without_the_files_the_page_loads_them_from_a_cdn_and_the_log_says_how_to_install_them(
    engine: AsyncEngine, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = Config(database_url=database_url, graphiql_assets=tmp_path / "absent")

    with caplog.at_level(logging.WARNING, logger="aisettings.app.graphiql"):
        async with graphiql_client(engine, config) as client:
            page = await client.get("/graphql", headers=BROWSER)
            file = await client.get("/graphiql/react@18.2.0/react.production.min.js")

    assert page.status_code == 200
    assert "https://unpkg.com/graphiql@3.8.3/graphiql.min.js" in page.text
    assert file.status_code == 404
    (line,) = [record.getMessage() for record in caplog.records if record.name == "aisettings.app.graphiql"]
    assert str(tmp_path / "absent") in line
    assert "cd web && npm ci --omit=dev" in line
    assert "AISETTINGS_GRAPHIQL_ASSETS" in line


async def test_with_graphiql_switched_off_its_files_are_not_served(
    engine: AsyncEngine, database_url: str, node_modules: Path
) -> None:
    config = Config(database_url=database_url, graphiql=False, graphiql_assets=node_modules)

    async with graphiql_client(engine, config) as client:
        response = await client.get("/graphiql/react@18.2.0/react.production.min.js")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("environ", "assets", "token"),
    [
        ({}, CHECKOUT_ASSETS, None),
        ({"AISETTINGS_GRAPHIQL_ASSETS": "/srv/node_modules"}, Path("/srv/node_modules"), None),
        ({"AISETTINGS_DEMO_TOKEN": "ais_x"}, CHECKOUT_ASSETS, "ais_x"),
    ],
    ids=["defaults", "assets elsewhere", "demo token"],
)
def test_the_files_folder_and_the_demo_token_come_from_the_environment(
    environ: dict[str, str], assets: Path, token: str | None
) -> None:
    config = Config.from_environment(environ)

    assert (config.graphiql_assets, config.demo_token) == (assets, token)
