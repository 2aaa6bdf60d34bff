"""With SENTRY_DSN (and the sentry extra installed), a fault of ours reaches Sentry with its error id and
request id, and nothing of the request: tested against a local HTTP server posing as Sentry."""

from __future__ import annotations

import asyncio
import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.app.test_graphiql import BROWSER, Links, install_assets
from tests.factories import make_organization, make_token
from tests.server_process import server_process

pytest.importorskip("sentry_sdk")


class FakeSentry(ThreadingHTTPServer):
    """Keeps the body of every envelope it receives."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Receive)
        self.envelopes: list[str] = []

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.server_address[1]}/1"


class _Receive(BaseHTTPRequestHandler):
    server: FakeSentry

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body.decode())
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def fake_sentry() -> Iterator[FakeSentry]:
    server = FakeSentry()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_a_fault_is_reported_with_its_error_id_and_request_id_and_without_the_token(
    database_url: str, engine: AsyncEngine, tmp_path: Path, fake_sentry: FakeSentry
) -> None:
    token = await make_token(engine, await make_organization(engine))
    assets = tmp_path / "node_modules"
    install_assets(assets)
    environment = {"SENTRY_DSN": fake_sentry.dsn, "AISETTINGS_GRAPHIQL_ASSETS": str(assets)}
    secret_headers = {
        "Authorization": f"Bearer {token}",
        "Cookie": f"session={token}",
        "X-Request-ID": "req-sentry-1",
    }

    async with (
        server_process(database_url, tmp_path / "serve.log", environment=environment) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        react = Links((await client.get("/graphql", headers=BROWSER)).text).scripts[0]
        (assets / "react" / "umd" / "react.production.min.js").unlink()  # serving it fails now
        response = await client.get(f"{react}?token={token}", headers=secret_headers)
        error_id = response.json()["errors"][0]["extensions"]["errorId"]
        for _ in range(100):
            if any(error_id in envelope for envelope in fake_sentry.envelopes):
                break
            await asyncio.sleep(0.1)

    (report,) = [envelope for envelope in fake_sentry.envelopes if error_id in envelope]
    assert response.status_code == 500
    assert '"error_id":"' + error_id in report.replace(" ", "")
    assert '"request_id":"req-sentry-1"' in report.replace(" ", "")
    assert "react.production.min.js" in report  # the exception itself
    assert token not in report
    assert "session=" not in report
    assert "Authorization" not in report
