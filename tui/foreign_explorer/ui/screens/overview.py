"""`foreign-explorer --from FILE`: every image x platform of a mirror list, with its verdict.

The counts on top, the rows blocked first, the policy pane under them: a keystroke there
re-judges the whole list (the App compiles the policy once; `Overview.derive` judges every
image x platform with it in one `judge_list`). The list arrives in a worker, row by row;
the screen is usable meanwhile. Enter opens a row's image in the layer view.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.export import config_snippet
from foreign_explorer.core.listcheck.model import ListResult
from foreign_explorer.core.policy import PolicySource, PolicyUnsupported
from foreign_explorer.core.suggest import suggest
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.model import ExplorerView
from foreign_explorer.ui.overview_loading import MirrorInput
from foreign_explorer.ui.overview_model import Overview, OverviewRow, OverviewView
from foreign_explorer.ui.screens.export import ExportScreen
from foreign_explorer.ui.suggesting import offer_suggestion
from foreign_explorer.ui.text import shown
from foreign_explorer.ui.widgets.filter_bar import FilterBar
from foreign_explorer.ui.widgets.footer import (
    OVERVIEW_DROP_FIRST,
    OVERVIEW_ORDER,
    ExplorerFooter,
)
from foreign_explorer.ui.widgets.overview_counts import OverviewCounts
from foreign_explorer.ui.widgets.overview_detail import OverviewDetail
from foreign_explorer.ui.widgets.overview_table import OverviewTable
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor


class ListPlanned(Message):
    def __init__(self, planned: int) -> None:
        super().__init__()
        self.planned = planned


class ListArrived(Message):
    def __init__(self, result: ListResult) -> None:
        super().__init__()
        self.result = result


class ListDone(Message):
    def __init__(self, problem: str | None = None) -> None:
        super().__init__()
        self.problem = problem


async def sync_editor(editor: PolicyEditor, source: PolicySource, go: Any) -> None:
    """Load `source` into a policy pane unless it already reads so (a switch of screens)."""
    if editor.patterns("allow") != source.allow or editor.patterns("deny") != source.deny:
        await editor.load(source, go)


class OverviewScreen(Guarded, Screen):
    """The mirror overview: counts, one row per image x platform, the policy for all of them."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    AUTO_FOCUS = "#overview-table"
    BINDINGS = [
        Binding("enter", "open_row", "Open", id="overview.open",
                tooltip="Open the highlighted image in the layer view, its platform chosen"),
        Binding("a", "add_pattern('allow')", "Allow", id="overview.allow",
                tooltip="Add an allow pattern for the whole list and type it"),
        Binding("d", "add_pattern('deny')", "Deny", id="overview.deny",
                tooltip="Add a deny pattern for the whole list and type it"),
        Binding("s", "suggest", "Suggest", id="overview.suggest",
                tooltip="Allow patterns that admit every foreign URL of every image of the list"),
        Binding("e", "export", "Export", id="overview.export",
                tooltip="The policy as config.yml, environment or Helm values, to copy or save"),
        Binding("slash", "filter", "Filter", id="overview.filter", key_display="/",
                tooltip="Filter the rows: image, platform, reason, blocked / clean / not judged"),
    ]  # fmt: skip

    def __init__(self, mirror: MirrorInput) -> None:
        super().__init__()
        self.mirror = mirror
        self.overview = Overview(description=mirror.description, list_notices=mirror.notices)
        self._filter = ""
        self._explorer_view: ExplorerView | None = None
        self.view: OverviewView | None = None

    def compose(self) -> ComposeResult:
        yield OverviewCounts(id="overview-counts")
        with Vertical(id="overview-pane"):
            filter_bar = FilterBar(id="overview-filter")
            filter_bar.placeholder = "filter rows: image, platform, reason, blocked, clean…"
            yield filter_bar
            yield OverviewTable(id="overview-table")
        yield OverviewDetail(id="overview-detail")
        yield PolicyEditor(id="overview-policy")
        yield ExplorerFooter(OVERVIEW_ORDER, OVERVIEW_DROP_FIRST)

    def on_mount(self) -> None:
        self.query_one("#overview-pane").border_title = "Mirror list"
        self.query_one("#overview-policy").border_title = "Policy for the whole list (Go RE2)"
        self.query_one("#overview-filter").display = False
        for notice in self.mirror.notices:
            # What check says on stderr: settings of the list that are not modelled, merged.
            self.app.notify(notice, severity="warning", timeout=12)
        self.fetch()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            # Textual does not see `/` as printable: it would show while typing a pattern.
            return not isinstance(self.focused, Input)
        return True

    def on_resize(self, event: events.Resize) -> None:
        # Below 100 columns the keys only fit (q Quit included) without their padding.
        self.query_one(Footer).compact = event.size.width < 100

    async def on_screen_resume(self) -> None:
        app: Any = self.app
        await sync_editor(self.query_one(PolicyEditor), app.state.source, app.state.profile.go)
        self.show_view(app.view)

    # -- loading -------------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="overview-load")
    async def fetch(self) -> None:
        """Every image of the list, each posted as it arrives (failures are rows too)."""
        mirror = self.mirror
        problem = None
        try:
            async for result in mirror.fetch(mirror, lambda n: self.post_message(ListPlanned(n))):
                self.post_message(ListArrived(result))
        except ForeignExplorerError as exc:
            problem = exc.message
        finally:
            self.post_message(ListDone(problem))

    @on(ListPlanned)
    def _planned(self, message: ListPlanned) -> None:
        self.overview.planned = message.planned
        self._redraw()

    @on(ListArrived)
    def _arrived(self, message: ListArrived) -> None:
        self.overview.add(message.result)
        self._redraw()

    @on(ListDone)
    def _done(self, message: ListDone) -> None:
        self.overview.done = True
        self._redraw()
        if message.problem:
            self.app.notify(message.problem, title="the list stopped", severity="error")

    # -- showing -------------------------------------------------------------------------------

    def show_view(self, view: ExplorerView, hold: bool = False) -> None:
        """The App's derived view (the policy, compiled once): judge the list with it."""
        self._explorer_view = view
        self._redraw(hold)

    def settle(self) -> None:
        """The typing paused: the policy pane's lines take their natural heights."""
        self.query_one(PolicyEditor).release()

    def _redraw(self, hold: bool = False) -> None:
        explorer = self._explorer_view
        if explorer is None:
            explorer = getattr(self.app, "view", None)
            if explorer is None:
                return
            self._explorer_view = explorer
        view = self.overview.derive(explorer, self._filter)
        self.view = view
        self.query_one(OverviewCounts).show(view)
        table = self.query_one(OverviewTable)
        table.show(view)
        self._show_detail()
        pane = self.query_one("#overview-pane")
        title = _title(view)
        if getattr(pane, "_title_text", None) != title:
            pane._title_text = title  # type: ignore[attr-defined]
            pane.border_title = Text(title)
        self.query_one(PolicyEditor).show(replace(explorer, warnings=view.warnings), hold)

    def _show_detail(self) -> None:
        row = self.current_row()
        hint = "Enter opens the highlighted image · / filters · a adds an allow pattern"
        self.query_one(OverviewDetail).show(row, hint)

    def current_row(self) -> OverviewRow | None:
        key = self.query_one(OverviewTable).current_key
        if key is None or self.view is None:
            return None
        return next((r for r in self.view.rows if r.key == key), None)

    @on(OverviewTable.Highlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    # -- the filter ----------------------------------------------------------------------------

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, message: FilterBar.FilterChanged) -> None:
        message.stop()
        if message.text != self._filter:
            self._filter = message.text
            self._redraw()

    @on(FilterBar.FilterDone)
    def _filter_done(self, message: FilterBar.FilterDone) -> None:
        message.stop()
        bar = self.query_one(FilterBar)
        if not bar.value:
            bar.display = False
        self.query_one(OverviewTable).focus()

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = True
        bar.focus()

    # -- the policy ----------------------------------------------------------------------------

    @on(PolicyEditor.Left)
    def _policy_left(self, message: PolicyEditor.Left) -> None:
        message.stop()
        self.app.typing_paused()  # type: ignore[attr-defined]
        self.query_one(OverviewTable).focus()

    async def action_add_pattern(self, list_name: str) -> None:
        await self.query_one(PolicyEditor).add(list_name)

    @work(exclusive=True, exit_on_error=False, group="overview-suggest")
    async def action_suggest(self) -> None:
        """Allow patterns admitting every foreign URL of the list, verified, into the pane."""
        app: Any = self.app
        state = app.state
        urls = self.overview.urls(state.profile)
        suggestion = suggest(urls, state.profile, deny=state.source.deny)
        editor = self.query_one(PolicyEditor)
        await offer_suggestion(app, editor, suggestion, of_list=True, uncovered=self._uncovered())

    def _uncovered(self) -> str:
        """What a suggestion made now cannot cover: images not judged, or not fetched yet."""
        parts = []
        failures = self.overview.failures
        if failures:
            first = failures[0].reference  # notify escapes it
            noun = "image" if len(failures) == 1 else "images"
            parts.append(f"{len(failures)} {noun} not judged ({first}…)")
        overview = self.overview
        pending = 0 if overview.done else max(overview.planned - overview.fetched, 0)
        if pending:
            parts.append(f"{pending} still loading")
        if not parts:
            return ""
        return "\nnot covered: " + ", ".join(parts) + "; their URLs are not in the suggestion"

    def action_export(self) -> None:
        app: Any = self.app
        explorer: ExplorerView = app.view
        blocker = None
        if explorer.policy_error is not None:
            blocker = explorer.policy_error.message
            if not isinstance(explorer.policy_error, PolicyUnsupported):
                blocker = explorer.no_start_text
        view = self.view
        if view is not None and view.judgement is not None and blocker is None:
            judgement = view.judgement
            blocked, unjudged = judgement.blocked_platforms, len(judgement.failures)
            summary = (
                f"With this policy on {explorer.profile.name}, {judgement.summary()} "
                f"({blocked} platform{'s' if blocked != 1 else ''} blocked, "
                f"{unjudged} image{'s' if unjudged != 1 else ''} not judged)."
            )
        else:
            summary = f"No verdict for the list on {explorer.profile.name} with this policy."
        self.app.push_screen(ExportScreen(config_snippet(app.state.source), summary, blocker))

    # -- opening a row -------------------------------------------------------------------------

    @on(OverviewTable.Opened)
    async def _opened(self, message: OverviewTable.Opened) -> None:
        message.stop()
        await self.action_open_row()

    async def action_open_row(self) -> None:
        """The highlighted row's image in the layer view, with the same policy."""
        row = self.current_row()
        if row is None:
            self.app.notify("Enter opens the highlighted image: no image row is highlighted")
            return
        app: Any = self.app
        entry = self.overview.entry(app._new_key(), row)
        if entry is None:
            app.notify(f"{row.reference}: {row.reason}", title="no image to open")
            return
        main = app.main
        await sync_editor(main.query_one(PolicyEditor), app.state.source, app.state.profile.go)
        await app.pop_screen()
        # Once the overview is off the stack: the App shows the layer view again.
        app.apply(replace(app.state, entries=(entry,), current=0, selected=None))


def _title(view: OverviewView) -> str:
    """`Mirror list (90 rows)`, `Mirror list (3 of 90 rows match /win)`."""
    if view.filter:
        shown_rows = len(view.rows)
        return f"Mirror list ({shown_rows} of {view.total_rows} rows match /{shown(view.filter)})"
    return f"Mirror list ({view.total_rows} row{'s' if view.total_rows != 1 else ''})"
