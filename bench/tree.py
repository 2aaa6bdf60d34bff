"""The tree's full HTTP round trip against `orjson.dumps` of the same answer, timed interleaved, from a
fresh process: what earlier benchmarks left in this process's heap (the parsed pages, the large answers
read) slowed both the client's reading and orjson.dumps down by up to 2.5x, and the ratio with them."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson

from .client import BenchClient
from .timing import interleaved_medians


@dataclass(frozen=True)
class TreeRequest:
    url: str  # the server's, http://127.0.0.1:<port>
    token: str
    document: str
    variables: dict[str, Any]


class _Sender:
    def __init__(self, request: TreeRequest) -> None:
        self._client = BenchClient(request.url, request.token)
        self._request = request

    def send(self) -> bytes:
        return self._client.raw(self._request.document, self._request.variables)

    def answer(self) -> Any:
        """The answer, parsed: what orjson encodes as the reference."""
        answer = orjson.loads(self.send())
        if "errors" in answer:
            raise RuntimeError(f"the tree request failed: {answer['errors']}")
        return answer


@dataclass(frozen=True)
class TreeTiming:
    seconds: float  # median of the round trips
    encode_seconds: float  # median of orjson.dumps of the answer, timed between them
    size: int  # the answer's bytes

    @property
    def ratio(self) -> float:
        return self.seconds / self.encode_seconds

    def __str__(self) -> str:
        return (
            f"{self.seconds * 1000:.1f} ms = {self.ratio:.1f}x orjson.dumps "
            f"({self.encode_seconds * 1000:.2f} ms, {self.size / 1e6:.2f} MB)"
        )


async def time_trees(requests: list[TreeRequest], repetitions: int) -> list[TreeTiming]:
    """Each request `repetitions` times (after one to warm up), in turn with the others and with the
    encodings of all their answers, so that a slow spell of the machine weighs on all alike."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as fresh:
        return await asyncio.get_running_loop().run_in_executor(fresh, _time_trees, requests, repetitions)


def _time_trees(requests: list[TreeRequest], repetitions: int) -> list[TreeTiming]:
    senders = [_Sender(request) for request in requests]
    answers = [sender.answer() for sender in senders]
    encodings: list[Callable[[], object]] = [_encoding(answer) for answer in answers]
    medians = interleaved_medians(
        [*(sender.send for sender in senders), *encodings], repetitions, settle=True
    )
    return [
        TreeTiming(seconds, encode_seconds, len(orjson.dumps(answer)))
        for seconds, encode_seconds, answer in zip(
            medians[: len(requests)], medians[len(requests) :], answers, strict=True
        )
    ]


def _encoding(answer: Any) -> Callable[[], object]:
    return lambda: orjson.dumps(answer)
