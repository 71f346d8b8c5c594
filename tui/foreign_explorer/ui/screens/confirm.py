"""A yes/no question (overwrite a file?); dismisses with True or False."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.text import shown_lines


class ConfirmScreen(Guarded, ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "dismiss(False)", "Cancel", id="confirm.cancel", tooltip="Answer no"),
        Binding("y", "dismiss(True)", "Yes", id="confirm.yes", tooltip="Answer yes"),
        Binding("n", "dismiss(False)", "No", id="confirm.no", tooltip="Answer no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="modal")
        self.question, self.yes, self.no = question, yes, no
        # The footer says what the buttons say (`y Replace`, not `y Yes`). Each node has its
        # own copy of the bindings: this changes no other question's.
        words = {"escape": no, "y": yes, "n": no}
        for key, word in words.items():
            self._bindings.key_to_bindings[key] = [
                replace(binding, description=word)
                for binding in self._bindings.key_to_bindings.get(key, [])
            ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Plain text, wrapped: the question quotes paths and patterns.
            yield Label(Text(shown_lines(self.question)), classes="question")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="warning", id="yes")
                yield Button(f"{self.no} (n)", variant="primary", id="no")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
