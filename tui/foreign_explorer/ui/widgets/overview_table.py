"""Every image x platform of a mirror list: one row each, sorted blocked first.

A keystroke in the policy pane re-judges the list; this table then updates only the cells
that changed and puts the rows in their new order, at fixed column widths: a repaint, no
layout pass. A new set of rows (results arriving, the filter, another width) rebuilds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey

from foreign_explorer.core.visible import visible
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.overview_model import OverviewRow, OverviewView, RowState

HINT = "hint"
COLUMNS = (
    ("mark", ""),
    ("reference", "image"),
    ("platform", "platform"),
    ("foreign", "foreign"),
    ("reason", "verdict"),
)
# Cells a keystroke can change; the reference and the platform never change.
DYNAMIC = ("mark", "foreign", "reason")
_TONES = {
    RowState.BLOCKED: "fail",
    RowState.CLEAN: "pass",
    RowState.UNJUDGED: "warn",
    RowState.NO_VERDICT: "dim",
    RowState.NOTE: "dim",
}


@dataclass(frozen=True)
class Widths:
    reference: int
    platform: int
    reason: int


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with `…` (outside text is escaped already)."""
    if cell_len(text) <= width:
        return text
    cut = text
    while cut and cell_len(cut) > width - 1:
        cut = cut[:-1]
    return cut + "…"


def fit_left(text: str, width: int) -> str:
    """`text` cut at its start (`…ows/servercore:ltsc2019`): a reference's tail tells rows apart."""
    if cell_len(text) <= width:
        return text
    cut = text
    while cut and cell_len(cut) > width - 1:
        cut = cut[1:]
    return "…" + cut


class OverviewTable(Guarded, DataTable):
    """The overview's rows, from the one OverviewView; Enter opens the highlighted one."""

    COMPONENT_CLASSES = {
        "overview--pass",
        "overview--fail",
        "overview--warn",
        "overview--dim",
    }

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="overview.table.open",
                tooltip="Open the highlighted image in the layer view"),
    ]  # fmt: skip

    class Highlighted(Message):
        """The user moved to another row (None: the hint row)."""

        def __init__(self, key: str | None) -> None:
            super().__init__()
            self.key = key

    class Opened(Message):
        """Enter on a row: open its image in the layer view."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=0)
        self._view: OverviewView | None = None
        self._rows: dict[str, OverviewRow] = {}
        self._order: tuple[str, ...] = ()
        # Until the user moves the highlight, it stays on the first row as rows arrive and
        # re-sort (the most blocked); once moved, it follows its row.
        self._placed = False
        self._signature: tuple[object, ...] | None = None
        self._width = 0

    def on_mount(self) -> None:
        self._add_columns(Widths(20, 10, 20))

    def _add_columns(self, widths: Widths) -> None:
        sizes = {
            "mark": 2,
            "reference": widths.reference + 1,
            "platform": widths.platform + 1,
            "foreign": 8,
            "reason": widths.reason + 1,
        }
        for key, label in COLUMNS:
            self.add_column(Text(f" {label}" if label else ""), key=key, width=sizes[key])

    def _widths(self, rows: tuple[OverviewRow, ...]) -> Widths:
        """The verdict mark and the foreign count always fit; the reference and the platform
        take what they need up to a share of the width, and the reason has the rest."""
        # The scrollbar's column, whether shown now or later, is not ours.
        available = max(20, self.size.width - 1) - 2 - 8
        longest_ref = max((cell_len(r.reference) for r in rows), default=5)
        longest_platform = max((cell_len(r.platform) for r in rows), default=8)
        platform = min(max(8, longest_platform), 30, max(6, available * 2 // 7))
        least_reason = max(12, available // 4)
        reference = min(max(5, longest_ref), max(12, available - platform - 3 - least_reason))
        reason = max(8, available - platform - reference - 3)
        return Widths(reference, platform, reason)

    def _styles(self) -> dict[str, Style]:
        return {
            name: self.get_component_rich_style(f"overview--{name}", partial=True)
            for name in ("pass", "fail", "warn", "dim")
        }

    def _cells(self, row: OverviewRow, widths: Widths, styles: dict[str, Style]) -> dict[str, Text]:
        tone = styles[_TONES[row.state]]
        dim = styles["dim"]

        def cell(text: str, width: int, style: Style | None = None) -> Text:
            return Text(f" {fit(text, width)}", style=style or Style(), no_wrap=True)

        return {
            "mark": Text(f" {row.mark}", style=tone, no_wrap=True),
            "reference": Text(f" {fit_left(row.reference, widths.reference)}", no_wrap=True),
            "platform": cell(row.platform, widths.platform),
            "foreign": cell(row.foreign, 6),
            "reason": cell(row.reason, widths.reason, dim if row.state is RowState.CLEAN else tone),
        }

    def on_resize(self, event: events.Resize) -> None:
        # Only the width decides the columns; a taller or shorter table keeps its rows.
        if self._view is not None and event.size.width != self._width:
            self._width = event.size.width
            self._signature = None
            self.show(self._view)

    @property
    def current_key(self) -> str | None:
        """The highlighted row's key (None: no row, or the hint row)."""
        if not self._order or not 0 <= self.cursor_row < len(self._order):
            return None
        key = self._order[self.cursor_row]
        return None if key == HINT else key

    def show(self, view: OverviewView) -> None:
        self._view = view
        rows = view.rows
        keys = tuple(r.key for r in rows)
        widths = self._widths(rows)
        signature = (frozenset(keys), widths, view.filter, view.total_rows == 0)
        styles = self._styles()
        chosen = self.current_key
        if signature == self._signature and keys:
            # The same rows at the same widths: the changed cells, then the new order.
            for row in rows:
                before = self._rows[row.key]
                if before == row:
                    continue
                cells = self._cells(row, widths, styles)
                for column in DYNAMIC:
                    if _differs(before, row, column):
                        self.update_cell(row.key, column, cells[column])
                self._rows[row.key] = row
            if keys != self._order:
                self._reorder(keys)
        else:
            self._rebuild(view, widths, styles)
            self._signature = signature
        if not self._placed:
            if self.cursor_row != 0 and self._order:
                with self.prevent(DataTable.RowHighlighted):
                    self.move_cursor(row=0, animate=False, scroll=False)
        elif chosen is not None and chosen in self._rows:
            # The highlight stays on its row; no scroll (that would lay the table out).
            row_index = self._order.index(chosen)
            if row_index != self.cursor_row:
                with self.prevent(DataTable.RowHighlighted):
                    self.move_cursor(row=row_index, animate=False, scroll=False)

    def _rebuild(self, view: OverviewView, widths: Widths, styles: dict[str, Style]) -> None:
        with self.prevent(DataTable.RowHighlighted):
            self.clear(columns=True)
            self._rows = {}
            if not view.rows:
                # One wide column for the one line that says why there is no row.
                width = widths.reference + widths.platform + widths.reason + 12
                self.add_column(Text(" image"), key="hint", width=width)
                self.add_row(self._hint(view, width - 1, styles), key=HINT)
                self._order = (HINT,)
                return
            self._add_columns(widths)
            for row in view.rows:
                cells = self._cells(row, widths, styles)
                self.add_row(*(cells[k] for k, _ in COLUMNS), key=row.key)
                self._rows[row.key] = row
            self._order = tuple(r.key for r in view.rows)

    def _hint(self, view: OverviewView, width: int, styles: dict[str, Style]) -> Text:
        """A row that says why there is none: a filter matching nothing, or nothing yet."""
        if view.filter:
            text = f"no row matches /{visible(view.filter)} · Esc in the filter shows every row"
        elif view.loading:
            text = "fetching the list…"
        else:
            text = "the list names no image"
        return Text(f" {fit(text, width)}", style=styles["dim"], no_wrap=True)

    def _reorder(self, keys: tuple[str, ...]) -> None:
        """The rows in a new order, as DataTable.sort puts them: a repaint, no layout."""
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(keys)})
        self._update_count += 1
        self._order = keys
        self.refresh()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        value = getattr(event.row_key, "value", None)
        if event.cursor_row != 0:
            self._placed = True
        self.post_message(self.Highlighted(None if value == HINT else value))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        value = getattr(event.row_key, "value", None)
        if value is not None and value != HINT:
            self.post_message(self.Opened(value))


def _differs(before: OverviewRow, after: OverviewRow, column: str) -> bool:
    if column == "mark":
        return (before.mark, before.state) != (after.mark, after.state)
    if column == "foreign":
        return before.foreign != after.foreign
    return (before.reason, before.state) != (after.reason, after.state)
