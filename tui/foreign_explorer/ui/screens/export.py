"""`e`: the policy as a config.yml snippet, to copy or save (never clobbering a file)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from foreign_explorer.core.export import ExportError, ExportExists, save_text
from foreign_explorer.ui.screens.confirm import ConfirmScreen
from foreign_explorer.ui.screens.save_as import DEFAULT_NAME, SaveAsScreen


class ExportScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="export.close", tooltip="Back to the explorer"),
        Binding("c", "copy", "Copy", id="export.copy", tooltip="Copy the snippet to the clipboard"),
        Binding("s", "save", "Save as…", id="export.save", tooltip="Write the snippet to a file"),
    ]

    def __init__(self, snippet: str, summary: str, blocker: str | None = None) -> None:
        super().__init__(classes="modal")
        self.snippet = snippet
        self.summary = summary
        # Why this policy must not be shipped (the registry would not start), if so.
        self.blocker = blocker
        self.saved_to: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Merge into the registry's config.yml", classes="title")
            with VerticalScroll(classes="snippet"):
                yield Static(self.snippet, markup=False, id="snippet")
            if self.blocker:
                yield Label(f"✗ {self.blocker}", classes="blocker")
            else:
                yield Label(self.summary, classes="summary")
            with Horizontal(classes="buttons"):
                yield Button("Copy", variant="primary", id="copy", disabled=bool(self.blocker))
                yield Button("Save as…", id="save", disabled=bool(self.blocker))
                yield Button("Close", id="close")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy", "save") and self.blocker:
            return None
        return True

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.snippet)
        self.notify("snippet copied to the clipboard (OSC 52)")

    @work(exclusive=True, group="export-save")
    async def action_save(self) -> None:
        path = await self.app.push_screen_wait(SaveAsScreen(self.saved_to or DEFAULT_NAME))
        if path is None:
            return
        try:
            saved = save_text(path, self.snippet)
        except ExportExists as exc:
            question = f"{exc.path} exists. Replace it with the snippet?"
            if not await self.app.push_screen_wait(ConfirmScreen(question, "Replace", "Keep it")):
                self.notify(f"not saved: {exc.path} kept as it was")
                return
            try:
                saved = save_text(path, self.snippet, overwrite=True)
            except ExportError as error:
                self.notify(error.message, title="not saved", severity="error")
                return
        except ExportError as exc:
            self.notify(exc.message, title="not saved", severity="error")
            return
        self.saved_to = str(saved)
        self.notify(f"saved {saved}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        elif event.button.id == "save":
            self.action_save()
        else:
            self.dismiss()
