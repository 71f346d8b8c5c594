"""The overview's two top lines: the counts (or why there are none), then target and progress."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from foreign_explorer.ui.overview_model import OverviewView


class OverviewCounts(Widget):
    """`24 of 30 mirror cleanly · 9 platforms blocked · 2 not judged`, then the status line.

    Two fixed rows: a new view repaints them, it never lays the screen out again. The counts
    come first on the first row, so a narrow terminal cuts the status line first.
    """

    COMPONENT_CLASSES = {
        "overview-counts--brand",
        "overview-counts--pass",
        "overview-counts--fail",
        "overview-counts--error",
        "overview-counts--dim",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: OverviewView | None = None

    def show(self, view: OverviewView) -> None:
        if self._view is not None and (view.counts, view.tone, view.status) == (
            self._view.counts,
            self._view.tone,
            self._view.status,
        ):
            self._view = view
            return
        self._view = view
        self.refresh()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"overview-counts--{name}", partial=True)

    def render(self) -> Text:
        view = self._view
        text = Text(no_wrap=True, overflow="ellipsis")
        if view is None:
            text.append(" mirror list: reading…", self._style("dim"))
            return text
        # Plain Text throughout: the counts quote patterns and Go's errors, never markup.
        text.append(f" {view.counts}", self._style(view.tone))
        text.append("\n")
        text.append(f" {view.status}", self._style("dim"))
        return text
