"""The descriptors of the shown manifest: one row each, verdicts as the engine gave them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from foreign_explorer.core.evaluate import Check, DescriptorVerdict, Verdict
from foreign_explorer.core.manifest import Descriptor, Manifest
from foreign_explorer.core.mediatypes import short_media_type
from foreign_explorer.core.units import iec_size, short_digest
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.model import Basis, ExplorerView
from foreign_explorer.ui.text import DIFFERS, VERDICT_WORDS, badges, mark, shown

NO_VERDICT = "– no verdict"

COLUMNS = (
    ("index", "#"),
    ("kind", "kind"),
    ("media", "media type"),
    ("size", "size"),
    ("digest", "digest"),
    ("checks", "check"),
    ("verdict", "verdict"),
    ("differs", DIFFERS),
)
STATIC_KEYS = ("index", "kind", "media", "size", "digest")
# Typing a pattern only ever turns a verdict into "pass" or "invalid URL" (the other verdicts
# do not depend on the policy), and a marker on or off: room for the widest of those is kept
# so the columns do not jump while typing.
POLICY_VERDICT_WIDTH = cell_len(" ✗ invalid URL")
DIFFERS_WIDTH = cell_len(f" {DIFFERS}✗")


@dataclass(frozen=True)
class StaticCells:
    """What a row shows that no policy changes: computed once per manifest."""

    index: str
    kind: str
    media: str
    size: str
    digest: str
    foreign: bool

    @classmethod
    def of(cls, d: Descriptor) -> StaticCells:
        kind = badges(d)
        return cls(
            index="cfg" if d.label == "config" else str(d.index),
            kind=kind,
            media=shown(short_media_type(d.media_type)),
            size=iec_size(d.size),
            digest=shown(short_digest(d.digest)),
            foreign=d.foreign,
        )


@dataclass(frozen=True)
class VerdictCells:
    """What a row shows that the policy and target decide."""

    checks: str
    verdict: str
    ok: bool
    differs: str
    # "pass"/"fail" colours; "dim" when there is no verdict at all.
    tone: str = ""


def verdict_cells(
    verdict: DescriptorVerdict, other: DescriptorVerdict | None, basis: Basis = Basis.CURRENT
) -> VerdictCells:
    return _cells(
        verdict.checks, verdict.verdict, other.verdict if other else None, basis is Basis.NONE
    )


@lru_cache(maxsize=256)
def _cells(
    checks: tuple[Check, ...], kind: Verdict, other: Verdict | None, no_verdict: bool
) -> VerdictCells:
    """One shared cells object per combination (so identity says "unchanged"): a row costs a
    lookup, not a verdict object."""
    checks_shown = "+".join(c.value for c in checks) or "none"
    if no_verdict:
        return VerdictCells(checks_shown, NO_VERDICT, False, "", "dim")
    ok = kind is Verdict.OK
    differs = f"{DIFFERS}{mark(other is Verdict.OK)}" if other is not None else ""
    # Verdicts of the last startable policy keep their colours (the pane's title says whose
    # they are): a pattern typed through an invalid state must not repaint every row twice.
    tone = "pass" if ok else "fail"
    return VerdictCells(checks_shown, f"{mark(ok)} {VERDICT_WORDS[kind]}", ok, differs, tone)


class LayersTable(Guarded, DataTable):
    """Config and layers (or an index's children) with what the registry checks and says."""

    COMPONENT_CLASSES = {
        "layers--foreign",
        "layers--pass",
        "layers--fail",
        "layers--differs",
        "layers--dim",
    }

    class Selected(Message):
        """The user moved to another descriptor (its position in the evaluation)."""

        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=0)
        self._view: ExplorerView | None = None
        self._manifest: Manifest | None = None
        self._static: tuple[StaticCells, ...] = ()
        self._signature: tuple[object, ...] | None = None
        self._cells: dict[int, VerdictCells] = {}
        self._cells_key: tuple[object, object] | None = None
        self._width = 0
        self._static_widths: tuple[object, dict[str, int]] = (None, {})
        self.visible_positions: tuple[int, ...] = ()
        self._cells_rendered: dict[tuple[object, ...], tuple[object, object]] = {}

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(
        self, hidden: frozenset[str] = frozenset(), widths: dict[str, int] | None = None
    ) -> None:
        """`widths`: columns whose width is fixed (the verdict's, so that a verdict changed by
        update_cell never meets a column sized for the verdicts it had before)."""
        for key, label in COLUMNS:
            if key not in hidden:
                self.add_column(Text(f" {label}"), key=key, width=(widths or {}).get(key))

    def _styles(self) -> dict[str, Style]:
        return {
            name: self.get_component_rich_style(f"layers--{name}", partial=True)
            for name in ("foreign", "pass", "fail", "differs", "dim")
        }

    def _fit(
        self, visible: tuple[int, ...], cells: dict[int, VerdictCells]
    ) -> tuple[int | None, frozenset[str], int]:
        """How wide the media type may be, which columns to leave out, so that the row
        fits with its verdict (the digest goes first, then the size, then the check), and how
        wide the verdict column is."""
        # The scrollbar's column, whether shown now or later (with more rows), is not ours.
        available = self.size.width - 1
        if available <= 0 or not visible:
            return None, frozenset(), POLICY_VERDICT_WIDTH
        if self._static_widths[0] != (self._manifest, visible):
            widths = {
                key: max(
                    cell_len(f" {label}"),
                    *(cell_len(f" {getattr(self._static[p], key)}") for p in visible),
                )
                for key, label in COLUMNS
                if key in STATIC_KEYS
            }
            self._static_widths = ((self._manifest, visible), widths)
        widths = dict(self._static_widths[1])
        shown = {cells[p] for p in visible}
        widths["checks"] = max(cell_len(" check"), *(cell_len(f" {c.checks}") for c in shown))
        widths["verdict"] = max(POLICY_VERDICT_WIDTH, *(cell_len(f" {c.verdict}") for c in shown))
        widths["differs"] = DIFFERS_WIDTH
        hidden: set[str] = set()
        media_floor = 8
        verdict = widths["verdict"]
        for drop in ("digest", "size", "checks", None):
            others = sum(w for key, w in widths.items() if key != "media" and key not in hidden)
            if others + widths["media"] <= available:
                return None, frozenset(hidden), verdict
            if others + media_floor <= available or drop is None:
                return max(media_floor, available - others), frozenset(hidden), verdict
            hidden.add(drop)
        return None, frozenset(hidden), verdict

    def _row(
        self,
        static: StaticCells,
        cells: VerdictCells,
        styles: dict[str, Style],
        limit: int | None,
        hidden: frozenset[str] = frozenset(),
    ) -> list[Text]:
        foreign = styles["foreign"] if static.foreign else Style()
        media = static.media
        if limit is not None and cell_len(f" {media}") > limit:
            media = media[: max(1, limit - 2)] + "…"

        def cell(text: str, style: Style | None = None) -> Text:
            return Text(f" {text}", style=style or Style(), no_wrap=True, overflow="ellipsis")

        row = {
            "index": cell(static.index, foreign),
            "kind": cell(static.kind, foreign),
            "media": cell(media, foreign),
            "size": cell(static.size),
            "digest": cell(static.digest),
            **dict(
                zip(("checks", "verdict", "differs"), self._dynamic(cells, styles), strict=True)
            ),
        }
        return [row[key] for key, _ in COLUMNS if key not in hidden]

    def _dynamic(self, cells: VerdictCells, styles: dict[str, Style]) -> list[Text]:
        # Never cut without a mark (the column is sized for the widest verdict typing can give).
        verdict = Text(
            f" {cells.verdict}",
            style=styles[cells.tone or "pass"],
            no_wrap=True,
            overflow="ellipsis",
        )
        return [Text(f" {cells.checks}"), verdict, Text(f" {cells.differs}", styles["differs"])]

    def on_resize(self, event: events.Resize) -> None:
        # Only the width decides the columns; a taller or shorter table keeps its rows.
        if self._view is not None and event.size.width != self._width:
            self._width = event.size.width
            self._signature = None
            self.show(self._view)

    def show(self, view: ExplorerView) -> None:
        self._view = view
        evaluation = view.evaluation
        with self.prevent(DataTable.RowHighlighted):
            if evaluation is None:
                self._signature = self._manifest = None
                self._cells, self._cells_key = {}, None
                self.visible_positions = ()
                self.clear()
                return
            if evaluation.manifest is not self._manifest:
                self._manifest = evaluation.manifest
                self._static = tuple(StaticCells.of(d) for d in evaluation.manifest.descriptors)
            cells = self._verdict_cells(view)
            needle = view.state.filter
            # The model decides which rows the filter lets through (and keeps the selection
            # on one of them).
            visible = view.visible
            limit, hidden, verdict_width = self._fit(visible, cells)
            signature = (
                id(evaluation.manifest),
                needle,
                view.profile.name,
                limit,
                hidden,
                verdict_width,
            )
            styles = self._styles()
            if signature == self._signature and visible == self.visible_positions:
                for p in visible:
                    # Cells objects are shared per combination: identity says "unchanged".
                    if cells[p] is not self._cells.get(p):
                        row = self._dynamic(cells[p], styles)
                        for key, value in zip(("checks", "verdict", "differs"), row, strict=True):
                            if key not in hidden:
                                self.update_cell(str(p), key, value)
            else:
                # Columns too: DataTable only ever widens a column to its widest content.
                self.clear(columns=True)
                self._add_columns(hidden, {"verdict": verdict_width, "differs": DIFFERS_WIDTH})
                for p in visible:
                    row = self._row(self._static[p], cells[p], styles, limit, hidden)
                    self.add_row(*row, key=str(p))
                self.visible_positions = visible
                self._signature = signature
            self._cells = cells
            self._move_to(view.selected)

    def _verdict_cells(self, view: ExplorerView) -> dict[int, VerdictCells]:
        """Each row's policy-dependent cells, from the evaluation's kinds (cheap per key)."""
        evaluation = view.evaluation
        assert evaluation is not None
        other = view.other.kinds if view.other is not None else None
        key = (evaluation.kinds, other, view.differs, view.basis)
        cached = self._cells_key
        # The prepared manifest by identity (its equality would compare every descriptor).
        if cached is not None and cached[0] is evaluation.prepared and cached[1] == key:
            return self._cells
        self._cells_key = (evaluation.prepared, key)
        differs = view.differs
        return {
            p: _cells(
                evaluation.checks(p),
                kind,
                other[p] if other is not None and p in differs else None,
                view.basis is Basis.NONE,
            )
            for p, kind in enumerate(evaluation.kinds)
        }

    def _render_cell(  # type: ignore[no-untyped-def]
        self, row_index, column_index, base_style, width, cursor=False, hover=False
    ):
        # DataTable keys its cell cache on a counter that every update_cell bumps: one verdict
        # changing re-renders every visible cell (most of a verdict-changing keystroke's cost
        # at 500 layers). Keyed on the cell's own value instead, only changed cells render.
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        value = self.get_cell(row_key, column_key)
        key = (
            row_key,
            column_key,
            row_index,
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self._pseudo_class_state,
        )
        hit = self._cells_rendered.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        if len(self._cells_rendered) > 20_000:
            self._cells_rendered.clear()
        self._cells_rendered[key] = (value, lines)
        return lines

    def _move_to(self, position: int | None) -> None:
        if position is None or position not in self.visible_positions:
            return
        row = self.visible_positions.index(position)
        if self.cursor_row != row:
            self.move_cursor(row=row, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # An empty table highlights "no row" (a None key) when the cursor moves.
        value = getattr(event.row_key, "value", None)
        if value is not None:
            self.post_message(self.Selected(int(value)))
