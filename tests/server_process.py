"""A real `aisettings serve` process, for tests that need to kill a server and start another."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

STARTUP_SECONDS = 60
# The `aisettings` command line, as its console script runs it, with this interpreter.
CLI = (sys.executable, "-c", "from aisettings.app.cli import main; main()")


@dataclass(frozen=True)
class ServerProcess:
    process: asyncio.subprocess.Process
    url: str  # http://127.0.0.1:<port>

    @property
    def pid(self) -> int:
        return self.process.pid


@asynccontextmanager
async def server_process(
    database_url: str,
    log: Path,
    *,
    workers: int = 1,
    environment: Mapping[str, str] | None = None,
    arguments: Sequence[str] = (),
    cli: Sequence[str] = CLI,
) -> AsyncIterator[ServerProcess]:
    """`aisettings serve` on `database_url` and a free port with `workers`, the `environment` variables
    and the further `arguments` given, ready (its /readyz answers 200); its output goes to `log`. Killed
    at the end if it still runs. `cli` runs the command line (tests/extra_settings.py has another)."""
    port = free_port()
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            *cli,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *arguments,
            env={**os.environ, **(environment or {}), "DATABASE_URL": database_url},
            stdout=output,
            stderr=output,
            # A session of its own: with several workers, killing its process group stops them all.
            start_new_session=True,
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}")
    try:
        await _wait_until_ready(server, log)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


def free_port() -> int:
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
    output = log.read_text()  # noqa: ASYNC240 - the test has failed: nothing else runs meanwhile
    raise AssertionError(f"`aisettings serve` did not become ready; its output:\n{output}")
