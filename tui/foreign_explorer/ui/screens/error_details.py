"""What went wrong (a failed load, an internal error), in full, with the ways forward."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.screens.fitting import SCROLL_BINDINGS, FitsTheScreen
from foreign_explorer.ui.text import shown, shown_lines


class ErrorDetailsScreen(Guarded, FitsTheScreen, ModalScreen[str | None]):
    """Dismisses with "retry", "open" or None."""

    # Four buttons of Textual's width need 68 columns: narrower, they take their labels' width.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]
    DEFAULT_CSS = """
    ErrorDetailsScreen.-narrow .buttons Button { min-width: 0; }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", id="error.close", tooltip="Back"),
        Binding("r", "dismiss('retry')", "Retry", id="error.retry", tooltip="Load it again"),
        Binding("o", "dismiss('open')", "Open", id="error.open", tooltip="Open another image"),
        Binding("c", "copy", "Copy", id="error.copy", tooltip="Copy the details"),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, title: str, message: str, details: str | None, *, retry: bool = True):
        super().__init__(classes="modal")
        self.title_text, self.message, self.details = title, message, details
        self.retry = retry

    @property
    def text(self) -> str:
        """The message once, then whatever the details add to it (a traceback, a cause)."""
        lines = [self.message]
        details = (self.details or "").strip()
        if details and details != self.message and not details.endswith(f": {self.message}"):
            lines += ["", details]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text(f"✗ {shown(self.title_text)}"), classes="title")
            with VerticalScroll(classes="details"):
                yield Static(Text(shown_lines(self.text)), markup=False)
            with Horizontal(classes="buttons"):
                if self.retry:
                    yield Button("Retry", variant="primary", id="retry")
                    yield Button("Open another…", id="open")
                yield Button("Copy", id="copy")
                yield Button("Close", id="close")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss" and parameters and parameters[0] in ("retry", "open"):
            return self.retry
        return True

    def on_mount(self) -> None:
        self.query_one("#retry" if self.retry else "#close", Button).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(f"{self.title_text}\n{self.text}")
        self.notify("error details copied to the clipboard")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        elif event.button.id in ("retry", "open"):
            self.dismiss(event.button.id)
        else:
            self.dismiss(None)
