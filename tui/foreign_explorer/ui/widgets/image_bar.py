"""Several references at once: one line per image, with its verdict under the one policy."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.model import EntryStatus, EntrySummary, ExplorerView
from foreign_explorer.ui.text import FAIL, PASS, shown


class ImageBar(Guarded, OptionList):
    """Shown when more than one image is open; picking one shows it below."""

    COMPONENT_CLASSES = {"image-bar--pass", "image-bar--fail", "image-bar--dim"}
    # One row per image (a wrapped one would take the rows of the others on a short screen).
    DEFAULT_CSS = """
    ImageBar { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    class Picked(Message):
        def __init__(self, position: int) -> None:
            super().__init__()
            self.position = position

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[tuple[EntrySummary, ...], int] = ((), -1)

    def _line(self, summary: EntrySummary, current: bool) -> Text:
        if summary.status is EntryStatus.LOADING or summary.accepted is None:
            sign, style = "…" if summary.status is EntryStatus.LOADING else "?", "dim"
            if summary.status is EntryStatus.FAILED:
                sign, style = FAIL, "fail"
        else:
            sign, style = (PASS, "pass") if summary.accepted else (FAIL, "fail")
        rich = self.get_component_rich_style(f"image-bar--{style}", partial=True)
        line = Text("▸ " if current else "  ", no_wrap=True, overflow="ellipsis")
        line.append(f"{sign} ", rich)
        line.append(shown(summary.name))
        line.append(f"  {shown(summary.text)}", rich)
        return line

    def show(self, view: ExplorerView) -> None:
        self.display = len(view.summaries) > 1
        shown = (view.summaries, view.state.current)
        if shown != self._shown:
            current = view.state.current
            lines = [self._line(s, i == current) for i, s in enumerate(view.summaries)]
            with self.prevent(OptionList.OptionHighlighted):
                if len(lines) == self.option_count:
                    # One line each, as many as before: a repaint, not a new layout.
                    for index, line in enumerate(lines):
                        self.replace_option_prompt_at_index(index, line)
                else:
                    self.clear_options()
                    self.add_options(Option(line) for line in lines)
                self.highlighted = current if view.summaries else None
            self._shown = shown

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(event.option_index))
