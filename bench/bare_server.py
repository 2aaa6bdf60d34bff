"""The floor of a full HTTP round trip: a bare server on uvloop (as `serve` runs) that answers every
request with the same bytes, written at once, without parsing, routing, authentication or logging. Timed
beside a cached answer, it tells what any Python server's round trip of those bytes costs on this machine
and client, apart from what the server does."""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

import uvloop

from .ports import free_port

_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"


class _Answering(asyncio.Protocol):
    """Answers each request of a keep-alive connection once its body (by its Content-Length) is in."""

    def __init__(self, response: bytes) -> None:
        self._response = response
        self._received = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's, not a subclass of asyncio's

    def data_received(self, data: bytes) -> None:
        self._received += data
        head, found, rest = self._received.partition(b"\r\n\r\n")
        if not found:
            return
        headers = (line.lower() for line in head.split(b"\r\n"))
        length = next((int(line[15:]) for line in headers if line.startswith(b"content-length:")), 0)
        if len(rest) >= length:
            self._received = rest[length:]
            assert self._transport is not None
            self._transport.write(self._response)


def _serve(port: int, answer: bytes, ready: multiprocessing.synchronize.Event) -> None:
    response = _HEAD % len(answer) + answer

    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(
            lambda: _Answering(response), "127.0.0.1", port, family=socket.AF_INET
        )
        ready.set()
        await server.serve_forever()

    uvloop.run(serve())


@contextmanager
def bare_server(answer: bytes) -> Iterator[str]:
    """The URL of a bare server answering `answer` to every request, while the context lasts."""
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    port = free_port()
    process = context.Process(target=_serve, args=(port, answer, ready), daemon=True)
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the bare server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.join()
