"""One allow or deny pattern: an input checked under Go's regexp syntax as it is typed."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label

from foreign_explorer.core.goregex import GoRegexpError, compile_go
from foreign_explorer.core.lint import MATCHES_NONE, TITLES, LintWarning, Outcome
from foreign_explorer.core.profiles import GoVersion
from foreign_explorer.core.visible import is_visible
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.text import FAIL, lines_needed, shown, window
from foreign_explorer.ui.widgets.visible_input import VisibleInput


class GoPatternValidator(Validator):
    """Accepts what Go's regexp.Compile accepts; keeps Go's error for the caret."""

    def __init__(self, go: GoVersion) -> None:
        super().__init__()
        self.go = go
        self.error: GoRegexpError | None = None

    def validate(self, value: str) -> ValidationResult:
        try:
            compile_go(value, self.go)
        except GoRegexpError as exc:
            self.error = exc
            return self.failure(exc.message, value)
        self.error = None
        return self.success()


class PatternError(Widget):
    """Go's error text, then the pattern with a caret under the offending position."""

    COMPONENT_CLASSES = {"pattern-error--message", "pattern-error--caret"}

    def __init__(self) -> None:
        super().__init__()
        self.error: GoRegexpError | None = None
        self.pattern = ""
        self.display = False

    def show(self, pattern: str, error: GoRegexpError | None) -> None:
        if (pattern, error) == (self.pattern, self.error) or (error is None is self.error):
            self.pattern = pattern
            return
        self.pattern, self.error = pattern, error
        if (error is not None) != self.display:
            self.display = error is not None
            self.refresh(layout=True)
            return
        # While a pattern stays invalid, each keystroke changes the text, rarely its height.
        self.refresh(layout=lines_needed(self.render(), self.size.width) != self.size.height)

    def render(self) -> Text:
        error = self.error
        if error is None:
            return Text()
        text = Text()
        text.append(
            f"{FAIL} {shown(error.message)}",
            self.get_component_rich_style("pattern-error--message"),
        )
        if error.caret is not None:
            width = max(self.size.width - 1, 8)
            # Each character as it is drawn (escapes widen it), so the caret stays under it.
            cells = [shown(c) for c in self.pattern]
            flat = "".join(cells)
            at = sum(len(c) for c in cells[: error.caret])
            piece, at = window(flat, at, width)
            text.append(f"\n{piece}\n")
            text.append(" " * at + "^", self.get_component_rich_style("pattern-error--caret"))
        return text


def _short(profile: str) -> str:
    return profile.removeprefix("distribution-")


def warning_line(warning: LintWarning) -> tuple[str, str]:
    """(what is wrong, what the registry does with which URL) for one line on screen."""
    if warning.code == MATCHES_NONE:
        # The title alone beside "passes <url>" reads as a contradiction: say why it passes.
        return warning.message, f"e.g. {warning.example}"
    if warning.code not in TITLES or not warning.claims:
        # A finding without a URL to prove it (a config key the registry ignores, say).
        return warning.message, warning.example or ""
    first, *others = warning.claims
    verb = "passes" if first.outcome is Outcome.ACCEPTED else "rejected"
    if not others:
        return warning.title, f"{verb} {warning.example}"
    starts = [c for c in others if c.outcome is Outcome.NO_START]
    if starts:
        names = "/".join(_short(c.profile) for c in starts)
        return warning.title, f"{names} would not start; {verb} {warning.example}"
    second = others[0]
    their = "passes" if second.outcome is Outcome.ACCEPTED else "rejected"
    return (
        warning.title,
        f"{verb} on {_short(first.profile)}, {their} on {_short(second.profile)}: "
        f"{warning.example}",
    )


class LintLines(Widget):
    """Lint findings, one line each: what is wrong, and the URL the engine judged to prove it."""

    COMPONENT_CLASSES = {"lint-lines--title", "lint-lines--url"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.warnings: tuple[LintWarning, ...] = ()
        self.display = False

    def show(self, warnings: tuple[LintWarning, ...]) -> None:
        # Only on change: each refresh costs a layout pass, and this runs on every keystroke.
        if warnings == self.warnings:
            return
        was_shown = bool(self.warnings)
        self.warnings = warnings
        self.display = bool(warnings)
        tip = "\n\n".join(f"{w.where}: {shown(w.message)}" for w in warnings)
        self.tooltip = Text(tip) if tip else None
        rows = len(self.render().plain.split("\n")) if warnings else 0
        self.refresh(layout=was_shown != bool(warnings) or rows != self.size.height)

    def render(self) -> Text:
        text = Text()
        title_style = self.get_component_rich_style("lint-lines--title")
        url_style = self.get_component_rich_style("lint-lines--url")
        width = max(self.content_size.width, 20)
        for number, warning in enumerate(self.warnings):
            title, rest = warning_line(warning)
            head = f"⚠ {title}:" if rest else f"⚠ {title}"
            # Words (and URLs) whole where they fit: no break at a URL's hyphens.
            line_text = shown(f"{head} {rest}" if rest else head)
            lines = textwrap.wrap(line_text, width=width, break_on_hyphens=False)
            for k, line in enumerate(lines):
                if number or k:
                    text.append("\n")
                if k == 0:
                    text.append(line[: len(head)], title_style)
                    text.append(line[len(head) :], url_style)
                else:
                    text.append(line, url_style)
        return text


class PatternInput(VisibleInput):
    """The text field; Esc or Enter hand the keyboard back to the layers."""

    BINDINGS = [
        Binding(
            "escape", "leave", "Leave pattern", id="pattern.leave", tooltip="Back to the layers"
        ),
        Binding(
            "ctrl+up", "move(-1)", "Move up", id="pattern.move_up", tooltip="Earlier in its list"
        ),
        Binding(
            "ctrl+down", "move(1)", "Move down", id="pattern.move_down", tooltip="Later in its list"
        ),
    ]

    class Leave(Message):
        pass

    class Move(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class RemoveEmpty(Message):
        pass

    _typing = False

    def _watch_value(self, value: str) -> None:
        # Textual's Input re-lays out the whole screen on every keystroke (its virtual width
        # follows the text). This field has a fixed size, so a repaint is enough: half of a
        # keystroke's cost at 500 layers.
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
        return super().refresh(
            *regions, repaint=repaint, layout=layout and not self._typing, recompose=recompose
        )

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def action_move(self, delta: int) -> None:
        self.post_message(self.Move(delta))

    def action_delete_left(self) -> None:
        # Backspace in an empty field removes the pattern, as in tag editors.
        if not self.value:
            self.post_message(self.RemoveEmpty())
            return
        super().action_delete_left()


class PatternRow(Guarded, Vertical):
    """Number, input and remove button; Go's error under them while the pattern is invalid."""

    class Edited(Message):
        """The text changed (every keystroke)."""

        def __init__(self, row: PatternRow) -> None:
            super().__init__()
            self.row = row

    class RemoveRequested(Message):
        def __init__(self, row: PatternRow) -> None:
            super().__init__()
            self.row = row

    class MoveRequested(Message):
        def __init__(self, row: PatternRow, delta: int) -> None:
            super().__init__()
            self.row = row
            self.delta = delta

    class LeaveRequested(Message):
        def __init__(self, row: PatternRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, list_name: str, value: str, go: GoVersion, *, pending: bool = False) -> None:
        super().__init__(classes=f"pattern-row -{list_name}")
        self.list_name = list_name
        # A row added with `a`/`d` joins the policy at its first keystroke, not while empty
        # (an empty pattern matches every URL).
        self.pending = pending
        self.validator = GoPatternValidator(go)
        # The text as last reported by the input: readable before the input is composed.
        self._value = value
        self._note: str | None = None
        # Emptied by the user (as opposed to added with `a`/`d` and not typed in yet).
        self._emptied = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pattern-line"):
            yield Label("0", classes="pattern-number")
            placeholder = r"Go regexp, e.g. ^https://mcr\.microsoft\.com/"
            yield PatternInput(
                self._value,
                placeholder=placeholder
                if self.list_name == "allow"
                else r"Go regexp, e.g. ^http://",
                validators=[self.validator],
                validate_on=["changed"],
                compact=True,
                select_on_focus=False,
            )
            yield Button("✕", classes="pattern-remove", compact=True, tooltip="Remove this pattern")
        yield PatternError()
        yield Label("", classes="pattern-note")
        yield LintLines(classes="pattern-warnings")

    def on_mount(self) -> None:
        self.input.validate(self._value)
        self._show_error()

    @property
    def input(self) -> PatternInput:
        return self.query_one(PatternInput)

    @property
    def value(self) -> str:
        return self._value

    @property
    def error(self) -> GoRegexpError | None:
        return self.validator.error

    def show_warnings(self, warnings: tuple[LintWarning, ...]) -> None:
        self.query_one(LintLines).show(warnings)

    def set_number(self, number: int) -> None:
        self.query_one(".pattern-number", Label).update(str(number))

    def set_go(self, go: GoVersion) -> None:
        if self.validator.go != go:
            self.validator.go = go
            self.input.validate(self._value)
            self._show_error()

    def focus_input(self) -> None:
        self.input.focus()

    def _show_error(self) -> None:
        self.query_one(PatternError).show(self._value, self.validator.error)
        if self.pending and not self._value and self._emptied:
            text = "empty: left out of the policy until you type (empty would match every URL)"
        elif self.pending and not self._value:
            text = "type a pattern; Esc leaves, Backspace removes"
        elif not self._value:
            text = "empty pattern (as started with): it matches every URL"
        elif not is_visible(self._value):
            text = f"holds control characters: {shown(self._value)}"
        else:
            text = ""
        if text != self._note:
            self._note = text
            note = self.query_one(".pattern-note", Label)
            note.update(text)
            note.display = bool(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        changed = event.value != self._value
        self._value = event.value
        if event.value:
            self.pending = False
        elif changed:
            # Emptied by an edit: left out, like a row just added, not "match every URL".
            self.pending = self._emptied = True
        self._show_error()
        # The input reports its initial value too: that is no edit.
        if changed:
            self.post_message(self.Edited(self))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.LeaveRequested(self))

    @on(PatternInput.Leave)
    def _leave(self, event: PatternInput.Leave) -> None:
        event.stop()
        self.post_message(self.LeaveRequested(self))

    @on(PatternInput.Move)
    def _move(self, event: PatternInput.Move) -> None:
        event.stop()
        self.post_message(self.MoveRequested(self, event.delta))

    @on(PatternInput.RemoveEmpty)
    @on(Button.Pressed, ".pattern-remove")
    def _remove(self, event: Message) -> None:
        event.stop()
        self.post_message(self.RemoveRequested(self))
