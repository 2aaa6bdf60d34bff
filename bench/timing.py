"""Timing helpers: medians of repeated calls, measured in the same run as what they are compared with."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], repetitions: int
) -> tuple[float, float]:
    """The median seconds of each of two calls, timed one after the other `repetitions` times, so that a
    slow spell of the machine weighs on both alike."""
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repetitions):
        for work, spent in zip((first, second), timings, strict=True):
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])
