"""One allow or deny pattern: an input checked under Go's regexp syntax as it is typed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.strip import Strip
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label

from foreign_explorer.core.goregex import GoRegexpError, compile_go
from foreign_explorer.core.lint import LintWarning
from foreign_explorer.core.profiles import GoVersion
from foreign_explorer.core.visible import is_visible
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.text import FAIL, in_rows, lines_needed, shown, window
from foreign_explorer.ui.widgets.findings import findings_text, tooltip_text
from foreign_explorer.ui.widgets.held import HeldText
from foreign_explorer.ui.widgets.visible_input import VisibleInput


class GoPatternValidator(Validator):
    """Accepts what Go's regexp.Compile accepts; keeps Go's error for the caret."""

    def __init__(self, go: GoVersion) -> None:
        super().__init__()
        self.go = go
        self.error: GoRegexpError | None = None
        # Validation disabled: the registry drops the lists without compiling them.
        self.ignored = False

    def validate(self, value: str) -> ValidationResult:
        if self.ignored:
            self.error = None
            return self.success()
        try:
            compile_go(value, self.go)
        except GoRegexpError as exc:
            self.error = exc
            return self.failure(exc.message, value)
        self.error = None
        return self.success()


class PatternStatus(HeldText):
    """What a pattern's row says under it: Go's error with a caret under the offending
    position, a note (empty, pending, control characters), then the lint findings.

    While its row has focus it keeps three rows at least, room for Go's error: a pattern
    turning invalid as it is typed repaints the row instead of laying the screen out again.
    """

    COMPONENT_CLASSES = {
        "pattern-status--message",
        "pattern-status--caret",
        "pattern-status--note",
        "pattern-status--hint",
        "lint-lines--title",
        "lint-lines--url",
        "lint-lines--info",
    }
    FOCUSED_ROWS = 3
    HINT = "Enter or Esc: leave the pattern · ctrl+↑/↓: move it"

    def __init__(self) -> None:
        super().__init__()
        self.error: GoRegexpError | None = None
        self.pattern = ""
        self.note = ""
        self.warnings: tuple[LintWarning, ...] = ()
        self.focused = False
        self.display = False

    def show(self, pattern: str, error: GoRegexpError | None, note: str, hold: bool) -> None:
        """The pattern as typed, Go's error on it (or None) and the note under it."""
        if (error, note) == (self.error, self.note) and (error is None or pattern == self.pattern):
            self.pattern = pattern  # drawn only with an error
            return
        self.pattern, self.error, self.note = pattern, error, note
        self._update_tooltip()
        self.changed(hold)

    def show_warnings(self, warnings: tuple[LintWarning, ...], hold: bool = False) -> None:
        if warnings == self.warnings:
            return
        self.warnings = warnings
        self._update_tooltip()
        self.changed(hold)

    def set_focused(self, focused: bool) -> None:
        if focused != self.focused:
            self.focused = focused
            self.changed(hold=False)

    def _update_tooltip(self) -> None:
        parts = []
        if self.error is not None:
            parts.append(shown(self.error.message))
        tip = tooltip_text(self.warnings)
        if tip is not None:
            parts.append(tip.plain)
        self.tooltip = Text("\n\n".join(parts)) if parts else None

    def wants_display(self) -> bool:
        return self.focused or bool(self.error or self.note or self.warnings)

    def held_rows(self) -> int:
        return self.FOCUSED_ROWS if self.focused else 0

    def content(self) -> Text:
        return self._text(compact=False)

    def render(self) -> Text:
        if not self.is_held:
            return super().render()
        # Held: when the whole text does not fit, Go's error takes one row, then the caret.
        width = self.content_size.width
        held = self._held or 0
        rows = self._rows(self._cut(self._text(compact=False)), width)
        if len(rows) > held:
            rows = self._rows(self._cut(self._text(compact=True)), width)
        return in_rows(rows, width, held)

    def _text(self, compact: bool) -> Text:
        width = max(self.content_size.width, 8)
        text = Text()
        error = self.error
        if error is not None:
            message = Text(f"{FAIL} {shown(error.message)}")
            if compact:
                message.truncate(width, overflow="ellipsis")
            message.stylize(self.get_component_rich_style("pattern-status--message"))
            text.append_text(message)
            if error.caret is not None:
                # Each character as it is drawn (escapes widen it), so the caret stays under it.
                cells = [shown(c) for c in self.pattern]
                flat = "".join(cells)
                at = sum(len(c) for c in cells[: error.caret])
                piece, at = window(flat, at, max(width - 1, 8))
                text.append(f"\n{piece}\n")
                caret = self.get_component_rich_style("pattern-status--caret")
                text.append(" " * at + "^", caret)
        if self.note:
            if text:
                text.append("\n")
            text.append(self.note, self.get_component_rich_style("pattern-status--note"))
        if self.warnings:
            if text:
                text.append("\n")
            text.append_text(
                findings_text(
                    self.warnings,
                    width,
                    self.get_component_rich_style("lint-lines--title"),
                    self.get_component_rich_style("lint-lines--url"),
                    self.get_component_rich_style("lint-lines--info"),
                )
            )
        if self.focused:
            if not text:
                text.append(self.HINT, self.get_component_rich_style("pattern-status--hint"))
            rows = lines_needed(text, width)
            if rows < self.FOCUSED_ROWS:
                text.append("\n" * (self.FOCUSED_ROWS - rows))
        return text


class PatternInput(VisibleInput):
    """The text field; Esc or Enter hand the keyboard back to the table."""

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

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        # The field draws its text scrolled itself: a repaint, not a scroll pass of the screen
        # (Textual's default, which every keystroke past the field's width would pay).
        if round(old_value) != round(new_value):
            self.refresh()

    def render_line(self, y: int) -> Strip:
        # Without focus the field shows the pattern's start, an ellipsis where it is cut:
        # scrolled to the cursor, `^https://mcr…` would read `s://mcr…` with nothing to say
        # that the start is hidden. The scroll stays, for when the field has focus again.
        if self.has_focus or not self.value or y != 0:
            return super().render_line(y)
        width = self.scrollable_content_region.width
        text = self._value.copy()
        text.truncate(width, overflow="ellipsis")
        strip = Strip(
            self.app.console.render(text, self.app.console_options.update_width(width + 1))
        )
        # As Textual's: one more cell, the cursor's column past the end.
        return strip.crop(0, width).extend_cell_length(width + 1).apply_style(self.rich_style)

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

    def __init__(
        self,
        list_name: str,
        value: str,
        go: GoVersion,
        *,
        pending: bool = False,
        ignored: bool = False,
    ) -> None:
        super().__init__(classes=f"pattern-row -{list_name}")
        self.list_name = list_name
        # A row added with `a`/`d` joins the policy at its first keystroke, not while empty
        # (an empty pattern matches every URL).
        self.pending = pending
        self.validator = GoPatternValidator(go)
        self.validator.ignored = ignored
        # The text as last reported by the input: readable before the input is composed.
        self._value = value
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
        yield PatternStatus()

    def on_mount(self) -> None:
        self.input.validate(self._value)
        self._show_error(hold=False)

    @property
    def input(self) -> PatternInput:
        return self.query_one(PatternInput)

    @property
    def value(self) -> str:
        return self._value

    @property
    def error(self) -> GoRegexpError | None:
        return self.validator.error

    @property
    def status(self) -> PatternStatus:
        return self.query_one(PatternStatus)

    def show_warnings(self, warnings: tuple[LintWarning, ...], hold: bool = False) -> None:
        self.status.show_warnings(warnings, hold)

    def release(self) -> None:
        """The typing paused: the row's text takes its natural height."""
        self.status.release()

    def set_number(self, number: int) -> None:
        label = self.query_one(".pattern-number", Label)
        if str(label.content) != str(number):
            # A fixed width: a repaint, not a layout pass.
            label.update(str(number), layout=False)

    def set_go(self, go: GoVersion) -> None:
        if self.validator.go != go:
            self.validator.go = go
            self.input.validate(self._value)
            self._show_error(hold=False)

    def set_ignored(self, ignored: bool) -> None:
        """Validation disabled: the registry ignores the pattern, so Go's verdict on it does
        not count (no error shown); the row says it is ignored instead."""
        if self.validator.ignored != ignored:
            self.validator.ignored = ignored
            self.input.validate(self._value)
            self._show_error(hold=False)

    def focus_input(self) -> None:
        self.input.focus()

    def on_descendant_focus(self) -> None:
        self.status.set_focused(self.input.has_focus)

    def on_descendant_blur(self) -> None:
        self.status.set_focused(self.input.has_focus)

    def _show_error(self, hold: bool) -> None:
        if self.validator.ignored:
            text = "ignored: validation is disabled"
        elif self.pending and not self._value and self._emptied:
            text = "empty: left out of the policy until you type (empty would match every URL)"
        elif self.pending and not self._value:
            text = "type a pattern; Esc leaves, Backspace removes"
        elif not self._value:
            text = "empty pattern (as started with): it matches every URL"
        elif not is_visible(self._value):
            text = f"holds control characters: {shown(self._value)}"
        else:
            text = ""
        self.status.show(self._value, self.validator.error, text, hold)

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
        # Typed: the row keeps its height until the typing pauses (see held).
        self._show_error(hold=changed and self.input.has_focus)
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
