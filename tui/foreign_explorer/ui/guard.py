"""Errors never end the explorer: an exception in a handler, an action, a render or a worker
becomes a notice (with the details a key away), and the typed policy stays where it is.

The App reports every one through `report_exception`; this mixin keeps a node's message loop
alive when one of its handlers raises (Textual would otherwise stop that node for good).
"""

from __future__ import annotations

from typing import Any


class Guarded:
    """Mixin for the App, its screens and its widgets that handle messages."""

    async def _dispatch_message(self, message: Any) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            report = getattr(getattr(self, "app", None), "report_exception", None)
            if report is None or not report(error):
                raise
