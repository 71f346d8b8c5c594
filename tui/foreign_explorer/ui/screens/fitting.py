"""Dialogs that fit the screen: their scrolling text gives up rows so that the title, the end
of the text (by scrolling) and the buttons are always on screen."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer

# The text's height on a tall screen (a dialog is a dialog, not a pager).
TALLEST_TEXT = 24


# The text scrolls from the keyboard wherever the focus is (on a button, mostly).
SCROLL_BINDINGS = [
    Binding("up", "scroll_text('up')", "Scroll up", show=False),
    Binding("down", "scroll_text('down')", "Scroll down", show=False),
    Binding("pageup", "scroll_text('page_up')", "Page up", show=False),
    Binding("pagedown", "scroll_text('page_down')", "Page down", show=False),
    Binding("home", "scroll_text('home')", "Top", show=False),
    Binding("end", "scroll_text('end')", "End", show=False),
]


class FitsTheScreen:
    """Mixin for a modal whose `.dialog` holds one `.details` scroll among fixed parts
    (Textual calls each class's `on_mount`/`on_resize`, this one's too)."""

    def on_mount(self) -> None:
        assert isinstance(self, Screen)
        self.call_after_refresh(self.fit_details)

    def on_resize(self, event: events.Resize) -> None:
        assert isinstance(self, Screen)
        self.call_after_refresh(self.fit_details)

    def fit_details(self) -> None:
        assert isinstance(self, Screen)
        dialogs = self.query(".dialog")
        scrolls = self.query(".details")
        if not dialogs or not scrolls or not isinstance(scrolls.first(), VerticalScroll):
            return
        dialog, scroll = dialogs.first(), scrolls.first()
        footer = sum(f.outer_size.height for f in self.query(Footer) if f.display)
        # Border and padding of the dialog, then every other part with its margins.
        taken = dialog.styles.gutter.height
        for child in dialog.children:
            if child is not scroll and child.display:
                taken += child.outer_size.height + child.styles.margin.height
        rows = max(1, min(TALLEST_TEXT, self.size.height - footer - taken))
        if scroll.styles.max_height is None or scroll.styles.max_height.cells != rows:
            scroll.styles.max_height = rows

    def action_scroll_text(self, where: str) -> None:
        assert isinstance(self, Screen)
        scrolls = self.query(".details")
        if not scrolls:
            return
        scroll = scrolls.first()
        moves = {
            "up": scroll.scroll_up,
            "down": scroll.scroll_down,
            "page_up": scroll.scroll_page_up,
            "page_down": scroll.scroll_page_down,
            "home": scroll.scroll_home,
            "end": scroll.scroll_end,
        }
        moves[where](animate=False)
