"""Timing helpers: medians of repeated calls, measured in the same run as what they are compared with."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

# The shortest pause. A fixed 50 ms was too short after long calls: after PostGraphile's tree (~700 ms),
# the encoding timed next took twice as long as the same encoding elsewhere in the run.
SETTLE_SECONDS = 0.05


def interleaved_medians(
    calls: Sequence[Callable[[], object]], repetitions: int, *, settle: bool = False
) -> list[float]:
    """The median seconds of each call, the calls timed one after the other in turn `repetitions` times,
    so that a slow spell of the machine weighs on all alike. `settle`: after each call, an untimed pause
    as long as the call (at least SETTLE_SECONDS), for what a server still does after it answered (its
    garbage collection, on the other core) not to fall on the next call."""
    timings: list[list[float]] = [[] for _ in calls]
    for _ in range(repetitions):
        for work, spent in zip(calls, timings, strict=True):
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
            if settle:
                time.sleep(max(SETTLE_SECONDS, spent[-1]))
    return [statistics.median(spent) for spent in timings]
