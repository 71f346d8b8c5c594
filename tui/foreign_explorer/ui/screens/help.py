"""`?`: every key, from the same Binding objects the footer and the palette use."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from foreign_explorer.ui.guard import Guarded

ABOUT = (
    "foreign-explorer predicts how a distribution registry (2.8 or 3.x) judges the urls of "
    "foreign layers under validation.manifests.urls allow/deny, with Go's regexp and "
    "net/url rules. Every verdict on screen comes from the same engine as "
    "`foreign-explorer check`."
)

LINT = (
    "⚠ under a pattern (or under the lists, for the policy as a whole) is a URL the registry "
    "would accept although you most likely did not mean it, or reject although you did; the "
    "engine judged that very URL before showing it. ℹ is the same for what is true but no "
    "risk. Under the lists, a line that starts with a key (validation.allow, "
    "validation.manifests.referencelimit, REGISTRY_VALIDATION_…) is about the configuration "
    "itself: a key the registry never reads, one only a fork reads, a deprecated one. w lists "
    "every finding with its whole message. s suggests allow patterns made from the open "
    "images' layer URLs (anchored, dots escaped, ending at a `/`), verified the same way."
)


GESTURES = """Also
  Tab / Shift+Tab  move between the layers, the patterns and the filter
  Enter            leaves a pattern too (it is already applied: every keystroke counts)
  Backspace        in an empty pattern removes it; so does its ✕ button
  mouse            click a row, a pattern, a button
  Ctrl+P           the command palette: every explorer key above is there too
"""


def binding_lines(title: str, bindings: Iterable[Binding]) -> Text:
    text = Text(f"{title}\n", style="bold")
    for binding in bindings:
        key = binding.key_display or binding.key
        text.append(f"  {key:<12}", style="bold")
        text.append(f"{binding.description}")
        if binding.tooltip:
            text.append(f" — {binding.tooltip}", style="dim")
        text.append("\n")
    return text


class HelpScreen(Guarded, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close", tooltip="Back"),
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__(classes="modal")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Keys", classes="title")
            with VerticalScroll(classes="details"):
                yield Static(ABOUT + "\n", markup=False)
                yield Static(LINT + "\n", markup=False)
                for title, bindings in self.sections:
                    yield Static(binding_lines(title, bindings))
                yield Static(GESTURES, markup=False)
        yield Footer()
