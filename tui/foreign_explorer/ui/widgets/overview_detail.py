"""Under the overview's table: the highlighted row whole (the table cuts long cells)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from foreign_explorer.ui.overview_model import OverviewRow, RowState

_TONES = {
    RowState.BLOCKED: "fail",
    RowState.CLEAN: "pass",
    RowState.UNJUDGED: "warn",
    RowState.NO_VERDICT: "dim",
    RowState.NOTE: "dim",
}


class OverviewDetail(Widget):
    """Two fixed rows: reference and platform, then the verdict's reason (a repaint only)."""

    COMPONENT_CLASSES = {
        "overview-detail--pass",
        "overview-detail--fail",
        "overview-detail--warn",
        "overview-detail--dim",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._row: OverviewRow | None = None
        self._hint = ""

    def show(self, row: OverviewRow | None, hint: str = "") -> None:
        if (row, hint) != (self._row, self._hint):
            self._row, self._hint = row, hint
            self.refresh()

    def render(self) -> Text:
        row = self._row
        text = Text(no_wrap=True, overflow="ellipsis")
        dim = self.get_component_rich_style("overview-detail--dim", partial=True)
        if row is None:
            text.append(self._hint, dim)
            return text
        # Escaped already (the model passed every outside string through visible()).
        text.append(row.reference)
        if row.platform:
            text.append(f"  [{row.platform}]")
        text.append(f"  {row.state.value}", dim)
        text.append("\n")
        tone = self.get_component_rich_style(f"overview-detail--{_TONES[row.state]}", partial=True)
        text.append(f"{row.mark} {row.reason}", tone)
        return text
