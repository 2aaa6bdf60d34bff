"""Timing helpers: medians of repeated calls, measured in the same run as what they are compared with."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def interleaved_medians(
    calls: Sequence[Callable[[], object]], repetitions: int, settle_seconds: float = 0.0
) -> list[float]:
    """The median seconds of each call, the calls timed one after the other in turn `repetitions` times,
    so that a slow spell of the machine weighs on all alike; `settle_seconds` untimed after each call, for
    what a server still does after it answered (a garbage collection) not to fall on the next one."""
    timings: list[list[float]] = [[] for _ in calls]
    for _ in range(repetitions):
        for work, spent in zip(calls, timings, strict=True):
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
            time.sleep(settle_seconds)
    return [statistics.median(spent) for spent in timings]
