"""Text panes that keep their height while a pattern is being typed.

A pane whose text takes one row more or less makes Textual lay out the whole screen again:
at 500 layers that costs several times a keystroke's budget. While the user types, these
panes keep the rows they have (their text padded, or cut with `…` at the end of the last row
kept); when the typing pauses, or anything other than a keystroke changes the view, they
take their natural height again. What they show always belongs to the policy shown: only
how much of it fits changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget

from foreign_explorer.ui.text import in_rows, wrapped


class HeldText(Widget):
    """A widget drawn from `content()`, whose height can be held while the user types."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        # Rows kept while held; None: the natural height.
        self._held: int | None = None
        # Changed while hidden and held: shown when the typing pauses.
        self._deferred = False

    def content(self) -> Text:
        """The whole text, at its natural height."""
        raise NotImplementedError

    def held_rows(self) -> int:
        """Rows to hold at least (a pattern being typed keeps room for Go's error)."""
        return 0

    def wants_display(self) -> bool:
        """Whether the widget is shown at its natural height (hidden when it has nothing)."""
        return True

    @property
    def is_held(self) -> bool:
        return self._held is not None

    def render(self) -> Text:
        text = self.content()
        if self._held is None:
            return text
        width = self.content_size.width
        return in_rows(self._rows(self._cut(text), width), width, self._held)

    def _cut(self, text: Text) -> Text:
        """At most what the held rows can show, and one row more (wrapping a long response
        body whole would cost a keystroke's budget; the rest is cut anyway)."""
        limit = ((self._held or 0) + 1) * (self.content_size.width + 1)
        return text[:limit] if len(text) > limit else text

    def _rows(self, text: Text, width: int) -> list[Text]:
        """The rows `text` takes here (CSS `text-wrap: nowrap` keeps each line on one row)."""
        if self.styles.text_wrap != "nowrap":
            return wrapped(text, width)
        rows = text.split("\n", allow_blank=True)
        for row in rows:
            row.truncate(width, overflow="ellipsis")
        return list(rows)

    def changed(self, hold: bool = False) -> None:
        """The content changed: repaint within the rows it has (`hold`), or re-measure."""
        if hold:
            if not self.display or self.content_size.width <= 0:
                self._deferred = True
                return
            height = self.content_size.height
            if self._held is None:
                self._held = max(height, self.held_rows())
            self.refresh(layout=self._held != height)
            return
        self._held = None
        self._deferred = False
        shown = self.wants_display()
        if shown != self.display:
            self.display = shown
            self.refresh(layout=True)
            return
        natural = len(self._rows(self.content(), self.content_size.width))
        self.refresh(layout=natural != self.content_size.height)

    def release(self) -> None:
        """The typing paused: take the natural height (one layout pass, if it differs)."""
        if self._held is not None or self._deferred:
            self.changed(hold=False)

    def on_resize(self, event: events.Resize) -> None:
        # Held rows were cut at the old width.
        if self._held is not None:
            self.call_later(self.release)
