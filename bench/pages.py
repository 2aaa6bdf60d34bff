"""The whole organization's tree, page by page as a client walks it: total time and the worker's peak
RSS after the first page and after the last (flat: memory does not grow with the organization)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from aisettings.app.demo import DEMO_SLUG

from .client import BenchClient
from .documents import PAGE, TREE


@dataclass(frozen=True)
class PagesFigures:
    projects: int
    pages: int
    seconds: float
    first_peak_mb: float
    last_peak_mb: float

    def __str__(self) -> str:
        return (
            f"{self.projects} projects in {self.pages} pages of {PAGE}: {self.seconds:.2f} s in all; "
            f"peak RSS of the worker {self.first_peak_mb:.0f} MB after the first page, "
            f"{self.last_peak_mb:.0f} MB after the last"
        )


def walk_pages(client: BenchClient, pid: int, projects: int) -> PagesFigures:
    after: str | None = None
    peaks: list[float] = []
    started = time.perf_counter()
    for _ in range(-(-projects // PAGE)):
        page = client.post(TREE, {"slug": DEMO_SLUG, "first": PAGE, "after": after})["organization"]
        peaks.append(peak_rss_mb(pid))
        after = page["projects"]["pageInfo"]["endCursor"]
    seconds = time.perf_counter() - started
    return PagesFigures(projects, len(peaks), seconds, peaks[0], peaks[-1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: peak memory is measured on Linux only")
