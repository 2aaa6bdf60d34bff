"""Answers to queries kept per worker, exact across workers and writes.

An answer is served again only to a request with the same document, operation and variables, from the
same token with the same scopes, while its organization's `data_version` is what it was. Every write
bumps that version in its own transaction, and authentication reads it in the statement it runs anyway
(resolvers/viewer.py), before the operation reads anything: an answer is stored under a version at most
as new as its data, so after a write commits no request anywhere can match an older answer. Only
answers without errors are kept (an error may be transient), and only to queries, never to mutations.
"""

from __future__ import annotations

from collections.abc import Hashable

import orjson
from cachetools import LRUCache

from aisettings.resolvers.viewer import Viewer

from .graphql_over_http import Params

Key = tuple[Hashable, ...]


class ResponseCache:
    """Encoded answers by request, least recently used dropped first, at most `max_bytes` in all (0: none
    are kept)."""

    def __init__(self, max_bytes: int) -> None:
        self._answers: LRUCache[Key, bytes] = LRUCache(maxsize=max_bytes, getsizeof=len)

    def get(self, key: Key) -> bytes | None:
        return self._answers.get(key)

    def put(self, key: Key, answer: bytes) -> None:
        if len(answer) <= self._answers.maxsize:
            self._answers[key] = answer


def request_key(params: Params, viewer: Viewer) -> Key:
    variables = orjson.dumps(params.variables, option=orjson.OPT_SORT_KEYS) if params.variables else b""
    return (
        params.query,
        params.operation_name,
        variables,
        viewer.token_hash,
        viewer.scopes,
        viewer.data_version,
    )
