"""`/`: a line above the layers that narrows them as you type."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.widgets.visible_input import VisibleInput


class FilterBar(Guarded, VisibleInput):
    """Substring filter over what a row shows, its full digest and its URLs."""

    BINDINGS = [
        Binding("escape", "clear", "Clear filter", id="filter.clear", tooltip="Show every layer"),
    ]

    class FilterChanged(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class FilterDone(Message):
        """Leave the filter (keeping it with Enter, clearing it with Esc)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter layers: digest, media type, URL, verdict…", id=id)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.FilterDone())

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.FilterChanged(""))
        self.post_message(self.FilterDone())
