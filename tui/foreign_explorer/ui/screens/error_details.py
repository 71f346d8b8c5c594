"""What went wrong loading an image, in full, with the ways forward."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ErrorDetailsScreen(ModalScreen[str | None]):
    """Dismisses with "retry", "open" or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="error.close", tooltip="Back"),
        Binding("r", "dismiss('retry')", "Retry", id="error.retry", tooltip="Load it again"),
        Binding("o", "dismiss('open')", "Open", id="error.open", tooltip="Open another image"),
        Binding("c", "copy", "Copy", id="error.copy", tooltip="Copy the details"),
    ]

    def __init__(self, name: str, message: str, details: str | None) -> None:
        super().__init__(classes="modal")
        self.image_name, self.message, self.details = name, message, details

    @property
    def text(self) -> str:
        lines = [f"could not load {self.image_name}", self.message]
        if self.details and self.details != self.message:
            lines += ["", self.details]
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(f"✗ could not load {self.image_name}", classes="title")
            with VerticalScroll(classes="details"):
                yield Static(self.text, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Retry", variant="primary", id="retry")
                yield Button("Open another…", id="open")
                yield Button("Copy", id="copy")
                yield Button("Close", id="close")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("error details copied to the clipboard")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        elif event.button.id in ("retry", "open"):
            self.dismiss(event.button.id)
        else:
            self.dismiss(None)
