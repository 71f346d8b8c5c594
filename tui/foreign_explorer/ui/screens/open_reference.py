"""`o`: open another image by reference (registry or `oci:DIR`) or a manifest file."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.widgets.visible_input import VisibleInput


class OpenScreen(Guarded, ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="open.cancel", tooltip="Open nothing"),
    ]

    def __init__(self, initial: str = "") -> None:
        super().__init__(classes="modal")
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                Text("Open an image: a reference, oci:DIR[:TAG], or a manifest file's path"),
                classes="question",
            )
            yield VisibleInput(
                self.initial,
                id="reference",
                placeholder="mcr.microsoft.com/windows/nanoserver:ltsc2022",
            )
            with Horizontal(classes="buttons"):
                yield Button("Open", variant="primary", id="open")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#reference", Input).focus()

    def _submit(self) -> None:
        text = self.query_one("#reference", Input).value.strip()
        if text:
            self.dismiss(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "open":
            self._submit()
        else:
            self.dismiss(None)
