"""The whole organization's tree, page by page as a client walks it: total time and the worker's peak
RSS after the first page and after the last, the peak counted from the start of the walk (flat: memory
does not grow with the organization). Sizes in MiB."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from aisettings.app.demo import DEMO_SLUG

from .client import BenchClient, answered_data
from .documents import PAGE, TREE


@dataclass(frozen=True)
class PagesFigures:
    projects: int
    pages: int
    seconds: float
    first_peak_mb: float
    last_peak_mb: float
    answer_mb: float  # the answers' bytes, all pages together

    def __str__(self) -> str:
        return (
            f"{self.projects} projects in {self.pages} pages of {PAGE}: {self.seconds:.2f} s in all; "
            f"peak RSS of the worker {self.first_peak_mb:.0f} MiB after the first page, "
            f"{self.last_peak_mb:.0f} MiB after the last; {self.answer_mb:.0f} MiB of answers"
        )


def walk_pages(client: BenchClient, pid: int, projects: int) -> PagesFigures:
    after: str | None = None
    peaks: list[float] = []
    answer_bytes = 0
    reset_peak_rss(pid)  # the worker's earlier requests must not hide what the walk adds
    started = time.perf_counter()
    for _ in range(-(-projects // PAGE)):
        answer = client.raw(TREE, {"slug": DEMO_SLUG, "first": PAGE, "after": after})
        peaks.append(peak_rss_mb(pid))
        answer_bytes += len(answer)
        after = answered_data(answer)["organization"]["projects"]["pageInfo"]["endCursor"]
    seconds = time.perf_counter() - started
    return PagesFigures(projects, len(peaks), seconds, peaks[0], peaks[-1], answer_bytes / 2**20)


def reset_peak_rss(pid: int) -> None:
    """The process's peak RSS starts again from its RSS now (Linux: proc(5), clear_refs, "5")."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc: peak memory is measured on Linux only")
