"""Log lines of the server: JSON objects with the request id of the request they belong to, every one of
them in production; no query string, where clients may put tokens and variables, in any of them."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import httpx

from aisettings.app.config import Config
from aisettings.app.logs import JsonFormatter, current_request_id, logging_config
from tests.server_process import CLI, server_process

PRODUCTION = {"AISETTINGS_ENV": "production"}


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


async def test_a_refused_websocket_handshake_is_logged_without_its_query_string(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"
    # What a GraphQL-over-WebSocket client sends, its token in the URL as many do; no route takes it.
    handshake = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
    }

    async with server_process(database_url, log) as server, httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/graphql", params={"access_token": "ais_leak"}, headers=handshake)

    assert response.status_code == 403
    assert '"WebSocket /graphql" 403' in log.read_text()
    assert "ais_leak" not in log.read_text()


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Each line of `log` as the JSON object it must be."""
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert all(isinstance(line, dict) for line in lines), lines
    return lines


async def test_every_line_serve_prints_in_production_is_a_json_object(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "serve.log"

    async with (
        server_process(database_url, log, environment=PRODUCTION, arguments=["--demo"]) as server,
        httpx.AsyncClient(base_url=server.url) as client,
    ):
        await client.get("/healthz")

    loggers = {line["logger"] for line in json_lines(log)}
    # Migrations first, then the demo's announcement, then the server.
    assert {
        "alembic.runtime.migration",
        "aisettings.app.commands",
        "uvicorn.error",
        "uvicorn.access",
    } <= loggers


async def test_a_server_that_cannot_start_says_why_in_json_lines_too(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    unreachable = f"sqlite+aiosqlite:///{tmp_path}/no-such-directory/aisettings.db"

    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *CLI,
            "serve",
            env={**os.environ, **PRODUCTION, "DATABASE_URL": unreachable},
            stdout=output,
            stderr=output,
        )
        status = await process.wait()

    (failure,) = [line for line in json_lines(log) if line["logger"] == "aisettings.app.commands"]
    assert status == 1
    assert "unable to open database file" in failure["message"]
    assert "exception" not in failure  # one line: the cause is outside this process


async def test_every_line_a_command_prints_in_production_is_a_json_object(tmp_path: Path) -> None:
    log = tmp_path / "upgrade.log"
    database = f"sqlite:///{tmp_path}/new.db"

    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *CLI, "db", "upgrade", env={**os.environ, **PRODUCTION, "DATABASE_URL": database}, stderr=output
        )
        status = await process.wait()

    assert status == 0
    assert {line["logger"] for line in json_lines(log)} == {"alembic.runtime.migration"}


# What serve's processes may print besides their loggers' lines: a warning, an exception that escapes a
# thread (aiosqlite's thread sometimes outlives a failed connection's event loop), another library's log.
STRAY_OUTPUT = """
import logging.config, threading, warnings
from aisettings.app.logs import logging_config, set_up_process_logging
logging.config.dictConfig(logging_config(json_lines=True))
set_up_process_logging()
warnings.warn("a warning")
thread = threading.Thread(target=lambda: 1 / 0)
thread.start()
thread.join()
logging.getLogger("sqlalchemy.pool").error("a library's error")
"""


async def test_warnings_thread_exceptions_and_other_libraries_lines_are_json_objects_too(
    tmp_path: Path,
) -> None:
    log = tmp_path / "process.log"

    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", STRAY_OUTPUT, stderr=output)
        await process.wait()

    lines = json_lines(log)
    assert [line["logger"] for line in lines] == ["py.warnings", "aisettings.threads", "sqlalchemy.pool"]
    assert "ZeroDivisionError" in lines[1]["exception"]
