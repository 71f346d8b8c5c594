"""Ask for a path to save the snippet to; dismisses with the path, or None."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.widgets.visible_input import VisibleInput

DEFAULT_NAME = "validation-snippet.yml"


class SaveAsScreen(Guarded, ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="save.cancel", tooltip="Do not save"),
    ]

    def __init__(
        self, suggestion: str = DEFAULT_NAME, what: str = "the validation section"
    ) -> None:
        super().__init__(classes="modal")
        self.suggestion = suggestion
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                Text(f"Save {self.what} as (a file that exists is never replaced without asking)"),
                classes="question",
            )
            yield VisibleInput(self.suggestion, id="path", placeholder="path/to/snippet.yml")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def _submit(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        if not path:
            self.notify("type a path first", severity="warning")
            return
        self.dismiss(path)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._submit()
        else:
            self.dismiss(None)
