"""The allow and deny lists being edited. Each keystroke posts the lists; the App decides."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from foreign_explorer.core.lint import LintWarning
from foreign_explorer.core.policy import (
    PolicyIndexesError,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
)
from foreign_explorer.core.profiles import GoVersion
from foreign_explorer.core.report import indexes_line
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.model import Basis, ExplorerView
from foreign_explorer.ui.text import shown
from foreign_explorer.ui.widgets.findings import LintLines, is_policy_level
from foreign_explorer.ui.widgets.pattern_row import PatternRow

LISTS = ("allow", "deny")


def _set_text(widget: Static, text: str) -> None:
    """Update and show (or hide, when empty) only on change: each update costs a layout pass."""
    if getattr(widget, "_shown_text", None) == text:
        return
    widget._shown_text = text  # type: ignore[attr-defined]
    # Plain text: patterns and Go's errors quote `[` and `]`, which markup would parse.
    widget.update(Text(text))
    widget.display = bool(text)


class PolicyEditor(Guarded, VerticalScroll):
    """Two ordered lists of Go patterns; add, edit, remove and reorder them."""

    class Changed(Message):
        """The lists as they now read (rows still empty since `a`/`d` are left out)."""

        def __init__(self, allow: tuple[str, ...], deny: tuple[str, ...]) -> None:
            super().__init__()
            self.allow = allow
            self.deny = deny

    class Left(Message):
        """The user left a pattern (Esc or Enter)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._go: GoVersion = (1, 19, 8)
        self._view: ExplorerView | None = None

    def compose(self) -> ComposeResult:
        for name in LISTS:
            yield Label(name, classes="list-title")
            yield Vertical(id=f"{name}-rows", classes="pattern-list")
            yield Label("", id=f"{name}-empty", classes="list-empty")
        # validation.manifests.indexes, as check says it (when the target reads it or it is set).
        yield Static("", id="policy-indexes")
        yield LintLines(id="policy-warnings")
        yield Static("", id="policy-status")
        yield Label("a allow · d deny · s suggest · Tab next pane · Esc back", id="policy-hint")

    def rows(self, list_name: str) -> list[PatternRow]:
        return list(self.query_one(f"#{list_name}-rows", Vertical).query_children(PatternRow))

    def patterns(self, list_name: str) -> tuple[str, ...]:
        return tuple(row.value for row in self.rows(list_name) if not row.pending)

    async def load(self, source: PolicySource, go: GoVersion) -> None:
        """Start from a policy (flags, --config); replaces every row."""
        self._go = go
        for name in LISTS:
            container = self.query_one(f"#{name}-rows", Vertical)
            await container.remove_children()
            patterns = source.allow if name == "allow" else source.deny
            ignored = not source.validation_enabled
            await container.mount_all(PatternRow(name, p, go, ignored=ignored) for p in patterns)
        self._renumber()
        self._show_empty()

    async def add(self, list_name: str) -> PatternRow:
        ignored = self._view is not None and not self._view.source.validation_enabled
        row = PatternRow(list_name, "", self._go, pending=True, ignored=ignored)
        await self.query_one(f"#{list_name}-rows", Vertical).mount(row)
        self._renumber()
        # Now, not at the first keystroke: a line going away then would re-lay out the screen.
        self._show_empty()
        row.focus_input()
        self.call_after_refresh(self._keep_in_view, row)
        return row

    def _keep_in_view(self, row: PatternRow) -> None:
        """The row being typed in, whole if it fits, else from its input line down."""
        if not row.is_attached:
            return
        top = row.outer_size.height > self.scrollable_content_region.height
        self.scroll_to_widget(row, animate=False, top=top)

    def show(self, view: ExplorerView, hold: bool = False) -> None:
        """What the App derived: the Go version to check with, and policy-wide facts; `hold`:
        a pattern is being typed, the lines keep their height (see held)."""
        if view.profile.go != self._go:
            self._go = view.profile.go
            for name in LISTS:
                for row in self.rows(name):
                    row.set_go(self._go)
        self._view = view
        enabled = view.source.validation_enabled
        for name in LISTS:
            for row in self.rows(name):
                row.set_ignored(not enabled)
        self._show_empty()
        _set_text(
            self.query_one("#policy-indexes", Static), indexes_line(view.source, view.profile) or ""
        )
        error = view.policy_error
        if error is not None:
            status = self._startup_text(error)
        elif not enabled:
            status = "validation disabled: any well-formed http(s) URL passes"
        else:
            status = ""
        _set_text(self.query_one("#policy-status", Static), status)
        self._show_warnings(view.warnings, hold)

    def _show_empty(self) -> None:
        """What an empty list means, under it."""
        view = self._view
        if view is None:
            return
        enabled = view.source.validation_enabled
        for name in LISTS:
            if self.rows(name):
                text = ""
            elif not enabled:
                text = "(ignored: validation is disabled)"
            elif name == "allow" and view.policy_error is not None:
                text = "(empty)"  # what it means depends on a policy the registry starts with
            elif name == "allow" and view.policy.allows_nothing:
                text = "(empty: the registry allows nothing)"
            elif name == "allow":
                text = "(empty: every URL not denied passes)"
            else:
                text = "(empty)"
            _set_text(self.query_one(f"#{name}-empty", Label), text)

    def release(self) -> None:
        """The typing paused: every line takes its natural height."""
        for name in LISTS:
            for row in self.rows(name):
                row.release()
                if row.input.has_focus:
                    self.call_after_refresh(self._keep_in_view, row)
        self.query_one("#policy-warnings", LintLines).release()

    def _show_warnings(self, warnings: tuple[LintWarning, ...], hold: bool) -> None:
        """Each warning under its pattern; those about the policy as a whole under the lists."""
        by_pattern: dict[tuple[str, int], list[LintWarning]] = {}
        wide: list[LintWarning] = []
        for warning in warnings:
            # About one allow or deny pattern: under it. Anything else (the policy as a whole,
            # config keys the registry ignores, other settings): one line under the lists.
            if not is_policy_level(warning):
                by_pattern.setdefault((warning.list_name, warning.index), []).append(warning)
            else:
                wide.append(warning)
        for name in LISTS:
            # Pending rows (added, still empty) are not in the policy: they do not count.
            index = 0
            for row in self.rows(name):
                if row.pending:
                    row.show_warnings((), hold)
                    continue
                row.show_warnings(tuple(by_pattern.get((name, index), ())), hold)
                index += 1
        note = ""
        if self._view is not None and self._view.basis is Basis.LAST_STARTABLE:
            note = "(read with the last policy the registry started with: the edited one does not)"
        self.query_one("#policy-warnings", LintLines).show(tuple(wide), hold, note)

    def _startup_text(self, error: PolicyStartupError | PolicyUnsupported) -> str:
        if isinstance(error, PolicyUnsupported):
            return f"✗ {shown(error.message)}"
        if isinstance(error, PolicyIndexesError) or error.list_name not in LISTS:
            # Not about a pattern (validation.manifests.indexes): the message names it.
            return f"✗ the registry would not start: {shown(error.message)}"
        rows = [row for row in self.rows(error.list_name) if not row.pending]
        if error.index is not None and error.index < len(rows) and rows[error.index].error:
            # The row shows Go's error, and the header what it means: nothing to add here (a
            # line that came and went as a pattern is typed would re-lay out the screen).
            return ""
        where = f"{error.list_name}[{error.index}]" if error.index is not None else error.list_name
        return f"✗ the registry would not start ({where}): {shown(error.message)}"

    def _renumber(self) -> None:
        for name in LISTS:
            for number, row in enumerate(self.rows(name)):
                row.set_number(number)

    def _post_changed(self) -> None:
        self.post_message(self.Changed(self.patterns("allow"), self.patterns("deny")))

    @on(PatternRow.Edited)
    def _edited(self, event: PatternRow.Edited) -> None:
        event.stop()
        self._post_changed()

    @on(PatternRow.RemoveRequested)
    async def _remove(self, event: PatternRow.RemoveRequested) -> None:
        event.stop()
        await self.remove_row(event.row)

    async def remove_row(self, row: PatternRow) -> None:
        siblings = self.rows(row.list_name)
        if row not in siblings:
            # A held Backspace asks again for a row whose removal is already under way.
            return
        position = siblings.index(row)
        was_focused = row.input.has_focus
        counted = not row.pending
        await row.remove()
        self._renumber()
        self._show_empty()
        if counted:
            self._post_changed()
        rest = self.rows(row.list_name)
        if was_focused:
            if rest:
                rest[max(0, position - 1)].focus_input()
            else:
                self.post_message(self.Left())

    @on(PatternRow.MoveRequested)
    def _move(self, event: PatternRow.MoveRequested) -> None:
        event.stop()
        siblings = self.rows(event.row.list_name)
        position = siblings.index(event.row)
        target = position + event.delta
        if not 0 <= target < len(siblings):
            return
        container = self.query_one(f"#{event.row.list_name}-rows", Vertical)
        if event.delta < 0:
            container.move_child(event.row, before=siblings[target])
        else:
            container.move_child(event.row, after=siblings[target])
        self._renumber()
        event.row.focus_input()
        self._post_changed()

    @on(PatternRow.LeaveRequested)
    async def _leave(self, event: PatternRow.LeaveRequested) -> None:
        event.stop()
        if event.row.pending and not event.row.value:
            await self.remove_row(event.row)
            self.post_message(self.Left())
            return
        self.post_message(self.Left())
