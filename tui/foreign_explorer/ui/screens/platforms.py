"""`p`: the children of an index, each with its foreign layers and its verdict."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.model import PlatformRow
from foreign_explorer.ui.text import FAIL, PASS, shown


def row_text(row: PlatformRow, width: int, no_verdict: str | None = None) -> Text:
    """`windows/amd64 10.0.17763.615   2 foreign  ✗ 500: invalid URL on layer 0`."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{shown(row.platform):<{width}}  ")
    if row.foreign_count is None:
        text.append(f"{'?':>3} foreign  ? not fetched: {shown(row.error or 'unknown')}")
        return text
    text.append(f"{row.foreign_count:>3} foreign  ")
    if row.evaluation is None:
        text.append(f"– {no_verdict or 'no verdict'}")
        return text
    response = row.evaluation.response
    if response.accepted:
        text.append(f"{PASS} {response.status_line}")
    elif response.status is None:
        text.append(f"{FAIL} no response: {row.evaluation.summary}")
    else:
        # The status code and the reason: the row must fit one line (OptionList wraps).
        text.append(f"{FAIL} {response.status}: {row.evaluation.summary}")
    return text


def mirrors_text(rows: tuple[PlatformRow, ...], no_verdict: str | None = None) -> str:
    if no_verdict is not None:
        return "mirrors cleanly: no verdict (the registry would not start with this policy)"
    blocked = sum(1 for r in rows if r.evaluation is not None and not r.evaluation.accepted)
    unknown = sum(1 for r in rows if r.evaluation is None)
    if blocked:
        return f"mirrors cleanly: no ({blocked} of {len(rows)} platforms blocked)"
    if unknown:
        return f"mirrors cleanly: unknown ({unknown} of {len(rows)} platforms not fetched)"
    return f"mirrors cleanly: yes (all {len(rows)} platforms pass)"


class PlatformScreen(Guarded, ModalScreen[int | None]):
    """Dismisses with the picked child's position, or None."""

    BINDINGS = [
        Binding(
            "escape,q", "dismiss(None)", "Close", id="platforms.close", tooltip="Keep the platform"
        ),
    ]

    def __init__(
        self,
        name: str,
        rows: tuple[PlatformRow, ...],
        chosen: int,
        no_verdict: str | None = None,
    ) -> None:
        super().__init__(classes="modal")
        self.image_name, self.rows, self.chosen = name, rows, chosen
        self.no_verdict = no_verdict

    def compose(self) -> ComposeResult:
        width = max((len(shown(r.platform)) for r in self.rows), default=10)
        with Vertical(classes="dialog wide"):
            yield Label(Text(f"Platforms of {shown(self.image_name)}"), classes="title")
            yield Label(mirrors_text(self.rows, self.no_verdict), id="mirrors")
            yield OptionList(
                *(Option(row_text(r, width, self.no_verdict)) for r in self.rows),
                id="platform-list",
            )
            yield Label("Enter shows a platform · Esc closes", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if 0 <= self.chosen < len(self.rows):
            options.highlighted = self.chosen
        options.focus()
        self.call_after_refresh(self._fit_rows)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_rows)

    def _fit_rows(self) -> None:
        """One line per platform: OptionList wraps, so each row is cut (with …) to fit."""
        options = self.query_one(OptionList)
        # The list's padding and the highlight's margin are not the row's.
        room = options.scrollable_content_region.width - 2
        if room <= 8 or room == getattr(self, "_room", None):
            return
        self._room = room
        width = max((len(shown(r.platform)) for r in self.rows), default=10)
        highlighted = options.highlighted
        options.clear_options()
        for row in self.rows:
            text = row_text(row, width, self.no_verdict)
            text.truncate(room, overflow="ellipsis")
            options.add_option(Option(text))
        options.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)
