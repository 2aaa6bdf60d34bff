"""A GraphQL client over one keep-alive HTTP connection, as light as Python's standard library allows,
so that what is timed is the server's work and the transfer, not the client's."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

import orjson


class BenchClient:
    def __init__(self, url: str, token: str) -> None:
        address = urlsplit(url)
        self._connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
        self._headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def raw(self, document: str, variables: dict[str, Any]) -> bytes:
        """The answer's bytes, unparsed (a benchmark checks them apart from what it times)."""
        body = orjson.dumps({"query": document, "variables": variables})
        self._connection.request("POST", "/graphql", body, self._headers)
        response = self._connection.getresponse()
        content = response.read()
        if response.status != 200:
            raise RuntimeError(f"a benchmark request failed with HTTP {response.status}: {content[:500]!r}")
        return content

    def post(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The answer's `data`; a request that fails stops the benchmark."""
        return answered_data(self.raw(document, variables))

    def close(self) -> None:
        self._connection.close()


def answered_data(answer: bytes) -> dict[str, Any]:
    """An answer's `data`; an answer with errors stops the benchmark."""
    parsed: dict[str, Any] = orjson.loads(answer)
    if "errors" in parsed:
        raise RuntimeError(f"a benchmark request failed: {parsed['errors']}")
    data: dict[str, Any] = parsed["data"]
    return data
