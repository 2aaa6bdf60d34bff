"""The settings page's routes: a signed-in member of the organization gets the page (its modules and data
under a strict policy), anyone else is sent to sign in or gets a human 404 page; its files are served
under versioned, immutable URLs and nothing else is. web/settings-page-test.mjs runs the page itself."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aisettings.app.asgi import create_app
from aisettings.app.config import Config
from aisettings.app.settings_page.documents import operation_document_ids
from aisettings.app.settings_page.files import STATIC, page_files
from tests.cli import run_cli
from tests.factories import Org, make_organization, make_project, make_token
from tests.graphql import QUERIES

ORGANIZATION_PAGE = "/organizations/acme/settings/ai/"
PROJECT_PAGE = "/organizations/acme/projects/web/settings/ai/"
AUDIT_PAGE = "/organizations/acme/settings/ai/audit/"
PAGES = [ORGANIZATION_PAGE, PROJECT_PAGE, AUDIT_PAGE]


class PageLinks(HTMLParser):
    """The URLs a page loads, and the data attributes of #settings-page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.data: dict[str, str] = {}
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" in attributes:
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("rel") in ("stylesheet", "modulepreload"):
            self.urls.append(attributes["href"])
        if attributes.get("id") == "settings-page":
            self.data = {name[5:]: value for name, value in attributes.items() if name.startswith("data-")}


def install_preact(node_modules: Path) -> None:
    """What `npm ci` puts in node_modules, as far as the page needs it."""
    htm = node_modules / "htm"
    (htm / "preact").mkdir(parents=True)
    (htm / "package.json").write_text('{"version": "3.1.1"}')
    (htm / "preact" / "standalone.module.js").write_text("/* htm/preact/standalone.module.js */")


@pytest.fixture
def node_modules(tmp_path: Path) -> Path:
    install_preact(tmp_path / "node_modules")
    return tmp_path / "node_modules"


@pytest.fixture
async def client(
    engine: AsyncEngine, database_url: str, node_modules: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The app, with Preact installed in `node_modules` (the checkout's web/node_modules may not be)."""
    app = create_app(Config(database_url=database_url, graphiql_assets=node_modules), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


async def given_acme(engine: AsyncEngine) -> Org:
    org = await make_organization(engine, "acme")
    await make_project(engine, org, "web")
    return org


async def sign_in(client: httpx.AsyncClient, token: str) -> None:
    response = await client.post("/sign-in", data={"token": token, "next": "/"})
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("path", PAGES)
async def test_a_visit_without_a_session_is_sent_to_sign_in_and_back(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await given_acme(engine)

    response = await client.get(path)

    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?next={path}"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.usefixtures("database_environment")
async def test_an_organization_the_rollout_leaves_out_is_told_so_from_the_next_request(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await sign_in(client, await make_token(engine, await given_acme(engine)))
    assert (await client.get(path)).status_code == 200

    await run_cli("flags", "set", "settings-page", "--deny", "acme")

    response = await client.get(path)
    assert response.status_code == 404
    assert "Not available for this organization yet" in response.text
    await run_cli("flags", "set", "settings-page", "--deny", "")
    assert (await client.get(path)).status_code == 200


@pytest.mark.parametrize("path", PAGES)
async def test_a_member_gets_the_page_under_a_strict_policy(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await sign_in(client, await make_token(engine, await given_acme(engine)))

    response = await client.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers.get_list("content-security-policy")
    page_policy = next(p for p in policy if "script-src" in p)
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"):
        assert directive in page_policy
    assert "unsafe-inline" not in page_policy
    assert "<script>" not in response.text
    assert " style=" not in response.text
    assert PageLinks(response.text).data["organization"] == "acme"


async def test_the_page_names_the_documents_of_queries_by_their_ids(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await sign_in(client, await make_token(engine, await given_acme(engine)))

    response = await client.get(ORGANIZATION_PAGE)

    data = PageLinks(response.text).data
    assert (data["view"], data["viewer"]) == ("organization", "alice")
    assert httpx.Response(200, content=data["documents"]).json() == operation_document_ids(QUERIES)


def test_every_operation_the_page_sends_is_in_queries() -> None:
    sent = {
        name
        for module in STATIC.rglob("*.js")
        for name in re.findall(r"request\('([A-Za-z]+)'", module.read_text())
    }

    assert "SaveSettings" in sent
    assert sent - set(operation_document_ids(QUERIES)) == set()


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/nobody/settings/ai/",
        "/organizations/other/settings/ai/",
        "/organizations/other/settings/ai/audit/",
        "/organizations/acme/projects/nothing/settings/ai/",
        "/organizations/other/projects/elsewhere/settings/ai/",
        "/organizations/acme/projects/elsewhere/settings/ai/",
    ],
    ids=[
        "unknown organization",
        "foreign organization",
        "foreign audit log",
        "unknown project",
        "foreign project",
        "foreign project under ours",
    ],
)
async def test_an_unknown_or_foreign_organization_or_project_is_a_human_404_page(
    client: httpx.AsyncClient, engine: AsyncEngine, path: str
) -> None:
    await sign_in(client, await make_token(engine, await given_acme(engine)))
    other = await make_organization(engine, "other")
    await make_project(engine, other, "elsewhere")

    response = await client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert "elsewhere" not in response.text


async def test_the_page_s_files_are_served_with_immutable_caching(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await sign_in(client, await make_token(engine, await given_acme(engine)))
    urls = PageLinks((await client.get(ORGANIZATION_PAGE)).text).urls

    answers = {url: await client.get(url) for url in urls}

    assert any(url.endswith("/vendor/preact-htm.js") for url in urls)
    assert any(url.endswith("/settings-page.css") for url in urls)
    for url, response in answers.items():
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable", url
        expected = "text/css" if url.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].startswith(expected), url


async def test_the_files_are_the_same_for_everyone_and_need_no_session(
    client: httpx.AsyncClient, node_modules: Path
) -> None:
    response = await client.get(page_files(node_modules).url("main.js"))

    assert response.status_code == 200
    assert response.content == (STATIC / "main.js").read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "main.js",
        "aisettings@000000000000/main.js",
        "{version}/nothing.js",
        "{version}/../static/main.js",
        "{version}/components",
        "{version}/__init__.py",
    ],
    ids=["no version", "another version", "unknown file", "climbing out", "a folder", "a Python file"],
)
async def test_any_other_path_under_the_files_is_404(
    client: httpx.AsyncClient, node_modules: Path, path: str
) -> None:
    version = page_files(node_modules).base_url.split("/")[2]

    response = await client.get(f"/settings-page/{path.format(version=version)}")

    assert response.status_code == 404


@pytest.fixture
async def client_without_preact(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Config(database_url=database_url, graphiql_assets=tmp_path), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client


async def test_without_preact_installed_the_page_says_how_to_install_it(
    client_without_preact: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await sign_in(client_without_preact, await make_token(engine, await given_acme(engine)))

    response = await client_without_preact.get(ORGANIZATION_PAGE)

    assert response.status_code == 503
    assert "cd web &amp;&amp; npm ci --omit=dev" in response.text
    assert "unpkg" not in response.text
    assert "<script" not in response.text
