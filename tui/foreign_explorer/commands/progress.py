"""A progress bar on standard error while a list is fetched, only when it is a terminal.

Never in a pipe, a file or a CI log (none of them is a terminal): there nothing is written.
"""

from __future__ import annotations

import os
from typing import TextIO

WIDTH = 24


class Progress:
    """`[########........] 12/30 images`, redrawn in place; erased when done."""

    def __init__(self, stream: TextIO, noun: str = "images") -> None:
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self._stream = stream
        self._noun = noun
        self._total = 0
        self._done = 0
        self._drawn = False

    def plan(self, total: int) -> None:
        """How many there are, as far as is known (tag lists add more as they arrive)."""
        self._total = total
        self._draw()

    def advance(self) -> None:
        self._done += 1
        self._draw()

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

    def _draw(self) -> None:
        if not self.enabled:
            return
        total = max(self._total, self._done, 1)
        filled = self._done * WIDTH // total
        bar = "#" * filled + "." * (WIDTH - filled)
        self._stream.write(f"\r[{bar}] {self._done}/{total} {self._noun}\x1b[K")
        self._stream.flush()
        self._drawn = True
