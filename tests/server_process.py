"""A real `aisettings serve` process, for tests that need to kill a server and start another."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_SECONDS = 60


@dataclass(frozen=True)
class ServerProcess:
    process: asyncio.subprocess.Process
    url: str  # http://127.0.0.1:<port>

    @property
    def pid(self) -> int:
        return self.process.pid


@asynccontextmanager
async def server_process(database_url: str, log: Path) -> AsyncIterator[ServerProcess]:
    """`aisettings serve` on `database_url` and a free port, ready (its /readyz answers 200); its output
    goes to `log`. Killed at the end if it still runs."""
    port = _free_port()
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from aisettings.app.cli import main; main()",
            "serve",
            "--port",
            str(port),
            env={**os.environ, "DATABASE_URL": database_url},
            stdout=output,
            stderr=output,
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}")
    try:
        await _wait_until_ready(server, log)
        yield server
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _free_port() -> int:
    # A port the system hands out, so that parallel runs never share one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _wait_until_ready(server: ServerProcess, log: Path) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        for _ in range(STARTUP_SECONDS * 10):
            if server.process.returncode is not None:
                break
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            await asyncio.sleep(0.1)
    output = await asyncio.to_thread(log.read_text)
    raise AssertionError(f"`aisettings serve` did not become ready; its output:\n{output}")
