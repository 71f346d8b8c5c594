"""The descriptors of the shown manifest: one row each, verdicts as the engine gave them."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from foreign_explorer.core.evaluate import DescriptorVerdict
from foreign_explorer.core.manifest import Descriptor, Manifest
from foreign_explorer.core.mediatypes import short_media_type
from foreign_explorer.core.units import iec_size, short_digest
from foreign_explorer.ui.model import ExplorerView
from foreign_explorer.ui.text import DIFFERS, VERDICT_WORDS, badges, checks_text, mark

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
    haystack: str

    @classmethod
    def of(cls, d: Descriptor) -> StaticCells:
        kind = badges(d)
        haystack = " ".join((d.label, kind, d.media_type, d.digest, *(d.urls or ())))
        return cls(
            index="cfg" if d.label == "config" else str(d.index),
            kind=kind,
            media=short_media_type(d.media_type),
            size=iec_size(d.size),
            digest=short_digest(d.digest),
            foreign=d.foreign,
            haystack=haystack.casefold(),
        )


@dataclass(frozen=True)
class VerdictCells:
    """What a row shows that the policy and target decide."""

    checks: str
    verdict: str
    ok: bool
    differs: str


def verdict_cells(verdict: DescriptorVerdict, other: DescriptorVerdict | None) -> VerdictCells:
    differs = f"{DIFFERS}{mark(other.ok)}" if other is not None else ""
    return VerdictCells(
        checks=checks_text(verdict),
        verdict=f"{mark(verdict.ok)} {VERDICT_WORDS[verdict.verdict]}",
        ok=verdict.ok,
        differs=differs,
    )


def row_matches(static: StaticCells, cells: VerdictCells, needle: str) -> bool:
    """Case-insensitive substring over what the row shows, the full digest and the URLs."""
    if not needle:
        return True
    folded = needle.casefold()
    return folded in static.haystack or folded in f"{cells.checks} {cells.verdict}".casefold()


class LayersTable(DataTable):
    """Config and layers (or an index's children) with what the registry checks and says."""

    COMPONENT_CLASSES = {
        "layers--foreign",
        "layers--pass",
        "layers--fail",
        "layers--differs",
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
        self._signature: tuple[int, str, str, int | None] | None = None
        self._cells: dict[int, VerdictCells] = {}
        self.visible_positions: tuple[int, ...] = ()

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        for key, label in COLUMNS:
            self.add_column(Text(f" {label}"), key=key)

    def _styles(self) -> dict[str, Style]:
        return {
            name: self.get_component_rich_style(f"layers--{name}", partial=True)
            for name in ("foreign", "pass", "fail", "differs")
        }

    def _media_limit(self, visible: tuple[int, ...], cells: dict[int, VerdictCells]) -> int | None:
        """How wide the media type may be so that every column fits (None: no limit)."""
        # The scrollbar's column, whether shown now or later (with more rows), is not ours.
        available = self.size.width - 1
        if available <= 0 or not visible:
            return None
        widths = {
            key: max(
                cell_len(f" {label}"),
                *(cell_len(f" {getattr(self._static[p], key)}") for p in visible),
            )
            for key, label in COLUMNS
            if key in STATIC_KEYS
        }
        checks = max(cell_len(" check"), *(cell_len(f" {cells[p].checks}") for p in visible))
        verdict = max(POLICY_VERDICT_WIDTH, *(cell_len(f" {cells[p].verdict}") for p in visible))
        dynamic = checks + verdict + DIFFERS_WIDTH
        others = sum(w for key, w in widths.items() if key != "media") + dynamic
        if others + widths["media"] <= available:
            return None
        return max(8, available - others)

    def _row(
        self, static: StaticCells, cells: VerdictCells, styles: dict[str, Style], limit: int | None
    ) -> list[Text]:
        foreign = styles["foreign"] if static.foreign else Style()
        media = static.media
        if limit is not None and cell_len(f" {media}") > limit:
            media = media[: max(1, limit - 2)] + "…"

        def cell(text: str, style: Style | None = None) -> Text:
            return Text(f" {text}", style=style or Style(), no_wrap=True, overflow="ellipsis")

        return [
            cell(static.index, foreign),
            cell(static.kind, foreign),
            cell(media, foreign),
            cell(static.size),
            cell(static.digest),
            *self._dynamic(cells, styles),
        ]

    def _dynamic(self, cells: VerdictCells, styles: dict[str, Style]) -> list[Text]:
        verdict = Text(f" {cells.verdict}", style=styles["pass" if cells.ok else "fail"])
        return [Text(f" {cells.checks}"), verdict, Text(f" {cells.differs}", styles["differs"])]

    def on_resize(self) -> None:
        if self._view is not None:
            self._signature = None
            self.show(self._view)

    def show(self, view: ExplorerView) -> None:
        self._view = view
        evaluation = view.evaluation
        with self.prevent(DataTable.RowHighlighted):
            if evaluation is None:
                self._signature = self._manifest = None
                self._cells = {}
                self.visible_positions = ()
                self.clear()
                return
            if evaluation.manifest is not self._manifest:
                self._manifest = evaluation.manifest
                self._static = tuple(StaticCells.of(v.descriptor) for v in evaluation.descriptors)
            other = view.other
            cells = {
                p: verdict_cells(v, other.descriptors[p] if p in view.differs and other else None)
                for p, v in enumerate(evaluation.descriptors)
            }
            needle = view.state.filter
            visible = tuple(
                p for p in range(len(cells)) if row_matches(self._static[p], cells[p], needle)
            )
            limit = self._media_limit(visible, cells)
            signature = (id(evaluation.manifest), needle, view.profile.name, limit)
            styles = self._styles()
            if signature == self._signature and visible == self.visible_positions:
                for p in visible:
                    if cells[p] != self._cells.get(p):
                        row = self._dynamic(cells[p], styles)
                        for key, value in zip(("checks", "verdict", "differs"), row, strict=True):
                            self.update_cell(str(p), key, value)
            else:
                # Columns too: DataTable only ever widens a column to its widest content.
                self.clear(columns=True)
                self._add_columns()
                for p in visible:
                    self.add_row(*self._row(self._static[p], cells[p], styles, limit), key=str(p))
                self.visible_positions = visible
                self._signature = signature
            self._cells = cells
            self._move_to(view.selected)

    def _move_to(self, position: int | None) -> None:
        if position is None or position not in self.visible_positions:
            return
        row = self.visible_positions.index(position)
        if self.cursor_row != row:
            self.move_cursor(row=row, animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Selected(int(event.row_key.value)))
