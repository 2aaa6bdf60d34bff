"""A TCP proxy in front of the test database, to take the database away from an app and give it back
without touching the database server: closed, connections to it are refused and those through it cut;
silent, it accepts connections and never answers, as a server that hangs; held, the connections through
it stop passing data on until it is released, as a statement that takes its time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self.port = 0  # chosen by the system when it first opens, kept when it opens again
        self.silent = False
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stops listening and cuts every connection through the proxy."""
        assert self._server is not None
        self._server.close()
        for connection in self._connections:
            connection.transport.abort()
        await self._server.wait_closed()

    def hold(self) -> None:
        self._flowing.clear()

    def release(self) -> None:
        self._flowing.set()

    def url(self, database_url: str) -> str:
        """`database_url` through the proxy."""
        proxied = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return proxied.render_as_string(hide_password=False)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            if self.silent:
                await reader.read()  # until the client gives up or the proxy closes
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._upstream)
            await asyncio.gather(
                _pipe(reader, upstream_writer, self._flowing), _pipe(upstream_reader, writer, self._flowing)
            )
        except OSError:
            pass  # cut
        finally:
            self._connections.discard(writer)
            writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, flowing: asyncio.Event) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            await flowing.wait()
            writer.write(data)
            await writer.drain()
    writer.close()


@asynccontextmanager
async def proxy_to(database_url: str) -> AsyncIterator[TcpProxy]:
    """An open proxy to the server of `database_url`, closed at the end."""
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.open()
    try:
        yield proxy
    finally:
        await proxy.close()
