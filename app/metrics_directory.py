"""Where the workers of `serve` keep their metrics for one another (prometheus-client's multiprocess
mode, which reads PROMETHEUS_MULTIPROC_DIR when it is imported, so it is set before any worker starts).
Without prometheus-client imported here: in a single-worker `serve`, the worker runs in this process."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def metrics_directory(given: Path | None) -> Iterator[Path]:
    """The operator's directory (`given`), emptied of a previous run's files as the library asks, or a
    temporary one of this run's own, removed at the end; PROMETHEUS_MULTIPROC_DIR names it meanwhile."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        for stale in given.glob("*.db"):
            stale.unlink()
        yield given
        return
    directory = Path(tempfile.mkdtemp(prefix="aisettings-metrics-"))
    os.environ[VARIABLE] = str(directory)
    # uvicorn stops gracefully on SIGTERM, then raises it again with the handler found at its start: this
    # one, so that the directory goes too (a SIGKILL leaves it in the system's temporary directory).
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield directory
    finally:
        signal.signal(signal.SIGTERM, previous)
        os.environ.pop(VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


def _exit(signal_number: int, _: object) -> None:
    raise SystemExit(128 + signal_number)  # as the shell reports a process a signal ended
