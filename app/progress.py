"""The progress of a long command (an import, a large demo) on stderr: on a terminal, a line rewritten in
place (`importing projects: 4,000/10,000`); elsewhere (a pipe, a log file) nothing until the summary line
that ends the work everywhere (`importing projects: 10,000/10,000 in 16.2 s`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# Often enough to see it move, seldom enough that writing costs nothing.
_SECONDS_BETWEEN_UPDATES = 0.1


class Progress:
    """How far the work of `label` is, out of `total` items."""

    def __init__(self, label: str, total: int, stream: TextIO) -> None:
        self._label = label
        self._total = total
        self._stream = stream
        self._on_terminal = stream.isatty()
        self._started = self._shown = time.monotonic()
        self.done = 0

    def advance(self, count: int = 1) -> None:
        """`count` more items done."""
        self.done += count
        now = time.monotonic()
        if self._on_terminal and now - self._shown >= _SECONDS_BETWEEN_UPDATES:
            self._write(f"\r{self._label}: {self.done:,}/{self._total:,}\x1b[K")
            self._shown = now

    def finish(self) -> None:
        """Replaces the progress line with the summary line."""
        self.erase()
        elapsed = time.monotonic() - self._started
        self._write(f"{self._label}: {self.done:,}/{self._total:,} in {elapsed:.1f} s\n")

    def erase(self) -> None:
        """Clears the progress line, so that what follows starts a line of its own."""
        if self._on_terminal:
            self._write("\r\x1b[K")

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()


@contextmanager
def progress(label: str, total: int, stream: TextIO | None = None) -> Iterator[Progress]:
    """A Progress of the work in the block (on stderr unless `stream`), whose summary line ends the
    block when it succeeds; a failure's message gets a line of its own."""
    shown = Progress(label, total, sys.stderr if stream is None else stream)
    try:
        yield shown
    except BaseException:
        shown.erase()
        raise
    shown.finish()
