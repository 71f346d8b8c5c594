"""`e`: the policy as a snippet, a config.yml, env vars or Helm values, to copy or save.

Saving never clobbers a file without asking.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label, Static, Tab, Tabs

from foreign_explorer.core.export import FORMS, ExportForm, render
from foreign_explorer.core.policy import PolicySource, source_from_config
from foreign_explorer.core.safefile import SaveError, SaveTargetExists, save_text
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.screens.confirm import ConfirmScreen
from foreign_explorer.ui.screens.save_as import DEFAULT_NAME, SaveAsScreen
from foreign_explorer.ui.text import shown, shown_lines

# Per form: tab label, title, file name offered by Save as…, what Save as… calls it.
FORM_INFO: dict[ExportForm, tuple[str, str, str, str]] = {
    "snippet": (
        "validation section",
        "The validation section of config.yml: copy it into the registry's own config.yml",
        DEFAULT_NAME,
        "the validation section",
    ),
    "config": (
        "whole config.yml",
        "A whole config.yml that starts a registry with this policy",
        "config.yml",
        "the whole config.yml",
    ),
    "env": (
        "environment",
        "Environment variables (shell, compose .env) that set this policy",
        "registry.env",
        "the environment variables",
    ),
    "helm": (
        "Helm values",
        "Values for the docker-registry Helm chart that set this policy",
        "values.yaml",
        "the Helm values",
    ),
}


class ExportScreen(Guarded, ModalScreen[None]):
    # The snippet gives up rows first, so that the buttons stay on a short terminal.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-medium"), (32, "-tall")]
    BINDINGS = [
        Binding("c", "copy", "Copy", id="export.copy", tooltip="Copy the shown text"),
        Binding("s", "save", "Save as…", id="export.save",
                tooltip="Write the shown text to a file"),
        Binding("f", "next_form", "Next form", id="export.form",
                tooltip="Next form: validation section, config.yml, environment, Helm values"),
        Binding("escape,q", "dismiss", "Close", id="export.close",
                tooltip="Back to the explorer"),
    ]  # fmt: skip

    def __init__(
        self,
        snippet: str,
        summary: str,
        blocker: str | None = None,
        *,
        source: PolicySource | None = None,
        form: ExportForm = "snippet",
    ) -> None:
        super().__init__(classes="modal")
        self.snippet = snippet
        self.summary = summary
        # Why this policy must not be shipped (the registry would not start), if so.
        self.blocker = blocker
        # The snippet reads back as exactly the policy it was written from.
        self.source = source if source is not None else source_from_config(snippet)
        self.form: ExportForm = form
        self.saved_to: dict[ExportForm, str] = {}

    @property
    def text(self) -> str:
        """What is shown, copied and saved: the policy in the chosen form."""
        if self.form == "snippet":
            return self.snippet
        return render(self.source, self.form)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(FORM_INFO[self.form][1], classes="title", id="export-title")
            yield Tabs(
                *(Tab(FORM_INFO[form][0], id=f"form-{form}") for form in FORMS),
                active=f"form-{self.form}",
                id="forms",
            )
            with VerticalScroll(classes="snippet"):
                yield Static(Text(shown_lines(self.text)), markup=False, id="snippet")
            if self.blocker:
                yield Label(Text(f"✗ {shown(self.blocker)}"), classes="blocker")
            else:
                yield Label(Text(self.summary), classes="summary")
            with Horizontal(classes="buttons"):
                yield Button("Copy", variant="primary", id="copy", disabled=bool(self.blocker))
                yield Button("Save as…", id="save", disabled=bool(self.blocker))
                yield Button("Close", id="close")
        yield Footer()

    def on_mount(self) -> None:
        # Enter copies right away; with a blocked policy only Close is there to press.
        self.query_one("#close" if self.blocker else "#copy", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy", "save") and self.blocker:
            return None
        return True

    def show_form(self, form: ExportForm) -> None:
        """Switch the shown text (and what Copy and Save as… use) to `form`."""
        self.form = form
        self.query_one("#export-title", Label).update(Text(FORM_INFO[form][1]))
        self.query_one("#snippet", Static).update(Text(shown_lines(self.text)))
        tabs = self.query_one("#forms", Tabs)
        if tabs.active != f"form-{form}":
            tabs.active = f"form-{form}"

    @on(Tabs.TabActivated, "#forms")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        form = (event.tab.id or "").removeprefix("form-")
        if form in FORMS and form != self.form:
            self.show_form(form)  # type: ignore[arg-type]

    def action_next_form(self) -> None:
        self.show_form(FORMS[(FORMS.index(self.form) + 1) % len(FORMS)])

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(f"{FORM_INFO[self.form][3]} copied to the clipboard (OSC 52)")

    @work(exclusive=True, exit_on_error=False, group="export-save")
    async def action_save(self) -> None:
        # The form (and its text) as it is now, even if the user switches while asked.
        form, text = self.form, self.text
        suggestion = self.saved_to.get(form, FORM_INFO[form][2])
        path = await self.app.push_screen_wait(SaveAsScreen(suggestion, FORM_INFO[form][3]))
        if path is None:
            return
        try:
            saved = save_text(path, text)
        except SaveTargetExists as exc:
            question = f"{exc.path} exists.\nReplace it with {FORM_INFO[form][3]}?"
            if not await self.app.push_screen_wait(ConfirmScreen(question, "Replace", "Keep it")):
                self.notify(f"not saved: {exc.path} kept as it was")
                return
            try:
                saved = save_text(path, text, overwrite=True)
            except SaveError as error:
                self.notify(error.message, title="not saved", severity="error")
                return
        except SaveError as exc:
            self.notify(exc.message, title="not saved", severity="error")
            return
        self.saved_to[form] = str(saved)
        self.notify(f"saved {saved}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy":
            self.action_copy()
        elif event.button.id == "save":
            self.action_save()
        else:
            self.dismiss()
