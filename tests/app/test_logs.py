"""Log lines of the server: JSON objects with the request id of the request they belong to, every one of
them in production; no query string, where clients may put tokens and variables, in any of them."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import httpx

from aisettings.app.config import Config
from aisettings.app.logs import JsonFormatter, current_request_id, logging_config
from tests.server_process import server_process


def test_a_json_line_holds_the_message_level_logger_and_the_current_request_id() -> None:
    record = logging.LogRecord("aisettings.test", logging.WARNING, __file__, 1, "hello %s", ("there",), None)
    token = current_request_id.set("req-42")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_request_id.reset(token)

    assert {key: line[key] for key in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "aisettings.test",
        "message": "hello there",
        "request_id": "req-42",
    }
    assert "exception" not in line


def test_a_json_line_of_an_exception_holds_its_traceback() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord(
            "aisettings.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    line = json.loads(JsonFormatter().format(record))

    assert "RuntimeError: boom" in line["exception"]
    assert "request_id" not in line


def test_production_logs_json_lines_and_development_plain_text() -> None:
    production = Config.from_environment({"AISETTINGS_ENV": "production"})
    development = Config.from_environment({})

    assert (production.json_logs, development.json_logs) == (True, False)
    assert logging_config(json_lines=True)["formatters"]["default"] == {"()": JsonFormatter}
    assert "format" in logging_config(json_lines=False)["formatters"]["default"]


async def test_the_access_log_holds_paths_without_their_query_strings(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    query = {"query": "{ viewer { login } }", "variables": '{"secret": "s3cr3t"}', "access_token": "ais_leak"}

    async with server_process(database_url, log) as server, httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/graphql", params=query)

    assert response.status_code == 401
    assert '"GET /graphql HTTP/1.1" 401' in log.read_text()
    assert "ais_leak" not in log.read_text()
    assert "s3cr3t" not in log.read_text()
