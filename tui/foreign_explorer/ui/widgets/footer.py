"""The main screen's footer: the keys that matter now, as many as fit, never cut.

Textual's footer lists every shown binding in declaration order and lets the row run past the
terminal's edge (the last keys disappear under the palette key, a letter of theirs left at the
edge). This one orders the keys by what applies now (a failed load's retry and details, the
open images' switching) and leaves out the least useful ones until the row fits; `?` Help,
`q` Quit and the palette key always stay. Every key still works, and help and the palette
list them all.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Left to right. The context keys come first: the app hides them where they do nothing.
ORDER = (
    "retry",
    "error_details",
    "cycle_image(-1)",
    "cycle_image(1)",
    "close_image",
    "add_pattern('allow')",
    "add_pattern('deny')",
    "export",
    "platforms",
    "switch_target",
    "filter",
    "open",
    "help",
    "quit",
)
# Left out first when the row is too narrow (never: help and quit).
DROP_FIRST = (
    "filter",
    "platforms",
    "open",
    "export",
    "switch_target",
    "close_image",
    "cycle_image(-1)",
    "add_pattern('deny')",
    "add_pattern('allow')",
    "error_details",
    "cycle_image(1)",
    "retry",
)


# The mirror overview's keys, the same way.
OVERVIEW_ORDER = (
    "select_cursor",
    "add_pattern('allow')",
    "add_pattern('deny')",
    "suggest",
    "export",
    "filter",
    "switch_target",
    "help",
    "quit",
)
OVERVIEW_DROP_FIRST = (
    "filter",
    "switch_target",
    "export",
    "suggest",
    "add_pattern('deny')",
    "add_pattern('allow')",
    "select_cursor",
)


class ExplorerFooter(Footer):
    """A Footer whose keys fit its width (see the module's docstring)."""

    def __init__(
        self, order: tuple[str, ...] = ORDER, drop_first: tuple[str, ...] = DROP_FIRST
    ) -> None:
        super().__init__()
        self.order, self.drop_first = order, drop_first

    def _rank(self, key: Widget) -> int:
        action = getattr(key, "action", "")
        return self.order.index(action) if action in self.order else len(self.order)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        palette = [w for w in widgets if w.has_class("-command-palette")]
        keys = sorted((w for w in widgets if w not in palette), key=self._rank)
        yield from keys
        yield from palette
        self.call_after_refresh(self.fit_keys)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self) -> None:
        """Keep the most useful keys that fit; leave out the rest."""
        keys = [k for k in self.query_children(FooterKey) if not k.has_class("-command-palette")]
        palette = [k for k in self.query_children(FooterKey) if k.has_class("-command-palette")]
        if not keys or not self.size.width:
            return
        widths = {k: k.get_content_width(self.size, self.app.size) + _gutter(k) for k in keys}
        room = self.size.width - sum(
            p.get_content_width(self.size, self.app.size) + _gutter(p) for p in palette
        )

        # Help and quit first, then from the most useful down, each where it still fits.
        failed = any(k.action == "retry" for k in keys)

        def usefulness(key: FooterKey) -> int:
            action = key.action
            if failed and action == "open":
                # A failed load's ways forward: retry, details, or open another.
                action = "error_details"
            drop = self.drop_first
            return drop.index(action) if action in drop else len(drop)

        shown: set[FooterKey] = set()
        used = 0
        for key in sorted(keys, key=usefulness, reverse=True):
            if used + widths[key] <= room or usefulness(key) == len(self.drop_first):
                shown.add(key)
                used += widths[key]
        for key in keys:
            if key.display != (key in shown):
                key.display = key in shown


def _gutter(widget: Widget) -> int:
    """Margin, border and padding across."""
    styles = widget.styles
    return styles.margin.width + styles.gutter.width
