"""One fetch's time budget: tokens, manifests, children, retries and backoff all end by it.

The per-read timeout of the transport stops a server that goes quiet; this stops one that
never goes quiet (a byte every few seconds, a body that never ends below the size cap, a
Retry-After loop, a credential helper that hangs).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from foreign_explorer.core.registry.defaults import DEFAULT_TIMEOUT
from foreign_explorer.core.registry.errors import DeadlineExceeded

__all__ = ["DEFAULT_TIMEOUT", "Deadline"]


@dataclass(frozen=True)
class Deadline:
    """Ends every operation run under `bound()` at `at` (time.monotonic()); None: never."""

    seconds: float | None
    # What is being fetched, for the message: the reference as the user wrote it.
    what: str
    at: float

    @classmethod
    def start(cls, seconds: float | None, what: str) -> Deadline:
        return cls(seconds, what, time.monotonic() + (seconds or 0.0))

    @property
    def message(self) -> str:
        return f"timed out after {self.seconds:g} s fetching {self.what} (--timeout)"

    @asynccontextmanager
    async def bound(self) -> AsyncIterator[None]:
        """Cancel the body when the deadline passes, and say so in one line."""
        if self.seconds is None:
            yield
            return
        import asyncio

        loop = asyncio.get_running_loop()
        scope = asyncio.timeout_at(loop.time() + (self.at - time.monotonic()))
        try:
            async with scope:
                yield
        except TimeoutError:
            if not scope.expired():
                raise
            raise DeadlineExceeded(self.message) from None
