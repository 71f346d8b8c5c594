"""`b`: the whole push response (status line and body), to read, scroll and copy; `w`: the
lint findings, the same way."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.screens.fitting import SCROLL_BINDINGS, FitsTheScreen


class ResponseScreen(Guarded, FitsTheScreen, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,b", "dismiss", "Close", id="response.close", tooltip="Back"),
        Binding("c", "copy", "Copy", id="response.copy", tooltip="Copy the response body"),
        *SCROLL_BINDINGS,
    ]
    COPIED = "push response copied to the clipboard (OSC 52)"

    def __init__(self, title: str, text: Text, raw: str) -> None:
        super().__init__(classes="modal")
        self.title_text, self.text, self.raw = title, text, raw

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text(self.title_text), classes="title")
            with VerticalScroll(classes="details", id="response-scroll"):
                yield Static(self.text, id="response-text", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Copy", variant="primary", id="copy")
                yield Button("Close", id="close")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#copy", Button).focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.raw)
        self.notify(self.COPIED)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        else:
            self.dismiss()


class FindingsScreen(ResponseScreen):
    """`w`: every lint finding of the policy shown, each with where it is, its whole message
    and the URL (or index) that shows it."""

    BINDINGS = [
        Binding("escape,q,w", "dismiss", "Close", id="findings.close", tooltip="Back"),
        Binding("c", "copy", "Copy", id="findings.copy", tooltip="Copy the findings as text"),
        *SCROLL_BINDINGS,
    ]
    COPIED = "findings copied to the clipboard (OSC 52)"
