"""The App: holds the state, derives one view per change and hands it to the main screen."""

from __future__ import annotations

import asyncio
import gc
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerFailed, WorkerState

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.export import config_snippet
from foreign_explorer.core.policy import PolicyUnsupported
from foreign_explorer.core.profiles import get_profile
from foreign_explorer.ui import loading
from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.messages import HistoryLoaded, ImageFailed, ImageLoaded
from foreign_explorer.ui.model import (
    Basis,
    EntryStatus,
    Explorer,
    ExplorerState,
    ExplorerView,
    ImageEntry,
)
from foreign_explorer.ui.screens.error_details import ErrorDetailsScreen
from foreign_explorer.ui.screens.export import ExportScreen
from foreign_explorer.ui.screens.help import HelpScreen
from foreign_explorer.ui.screens.list_layers import ListLayersScreen
from foreign_explorer.ui.screens.main import MainScreen
from foreign_explorer.ui.screens.open_reference import OpenScreen
from foreign_explorer.ui.screens.overview import OverviewScreen
from foreign_explorer.ui.screens.platforms import PlatformScreen
from foreign_explorer.ui.screens.response import FindingsScreen, ResponseScreen
from foreign_explorer.ui.suggesting import offer_suggestion
from foreign_explorer.ui.text import shown, shown_lines
from foreign_explorer.ui.widgets.filter_bar import FilterBar
from foreign_explorer.ui.widgets.findings import finding_block
from foreign_explorer.ui.widgets.image_bar import ImageBar
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.pattern_row import PatternInput
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from foreign_explorer.ui.widgets.push_preview import push_text

ClientFactory = Callable[[LaunchOptions], Any]

# Context keys pressed where they do not apply: (their action, what to say instead).
NOT_APPLICABLE = {
    "r": ("retry", "r loads a failed image again: the shown image did not fail"),
    "exclamation_mark": (
        "error_details",
        "! shows what went wrong: nothing has (no failed load, no internal error)",
    ),
    "left_square_bracket": (
        "cycle_image",
        "[ and ] switch between open images: only one is open (o opens another)",
    ),
    "right_square_bracket": (
        "cycle_image",
        "[ and ] switch between open images: only one is open (o opens another)",
    ),
    "x": ("close_image", "x closes an image when more than one is open: this is the only one"),
}
# App keys the mirror overview does not take: the layer view's, and those it has its own of.
NOT_ON_OVERVIEW = {
    "add_pattern", "suggest", "export", "platforms", "filter", "response", "findings", "open",
    "close_image", "retry", "cycle_image",
}  # fmt: skip


def registry_client(options: LaunchOptions) -> Any:
    from foreign_explorer.core.registry.client import RegistryClient, RegistryOptions

    return RegistryClient(
        RegistryOptions(
            plain_http=options.plain_http, insecure=options.insecure, timeout=options.timeout
        )
    )


class ExplorerApp(Guarded, App[None]):
    """foreign-explorer: see why a registry rejects foreign layers, and fix the policy live."""

    TITLE = "foreign-explorer"
    # Absolute, so that subclasses defined elsewhere (benchmarks, tests) find it too.
    CSS_PATH = Path(__file__).with_name("app.tcss")
    BINDINGS = [
        Binding("a", "add_pattern('allow')", "Allow", id="add_allow",
                tooltip="Add an allow pattern and type it"),
        Binding("d", "add_pattern('deny')", "Deny", id="add_deny",
                tooltip="Add a deny pattern and type it"),
        Binding("s", "suggest", "Suggest", id="suggest", show=False,
                tooltip="Suggest allow patterns from these layers' URLs"),
        Binding("e", "export", "Export", id="export",
                tooltip="The policy as config.yml, environment or Helm values, to copy or save"),
        Binding("p", "platforms", "Platform", id="platforms",
                tooltip="Pick a platform of a multi-arch image"),
        Binding("t", "switch_target", "Target", id="switch_target",
                tooltip="Switch between distribution-2.8 and distribution-3"),
        Binding("slash", "filter", "Filter", id="filter", key_display="/",
                tooltip="Filter the layers as you type"),
        Binding("b", "response", "Response", id="response", show=False,
                tooltip="Show the whole push response, to read or copy"),
        Binding("w", "findings", "Findings", id="findings", show=False,
                tooltip="Every lint finding of this policy with its whole message"),
        Binding("question_mark", "help", "Help", id="help", key_display="?",
                tooltip="Show every key"),
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave foreign-explorer"),
        Binding("o", "open", "Open", id="open",
                tooltip="Open another image: a reference, oci:DIR or a file"),
        Binding("x", "close_image", "Close image", id="close_image",
                tooltip="Close the shown image (when more than one is open)"),
        Binding("r", "retry", "Retry", id="retry", tooltip="Load the failed image again"),
        Binding("exclamation_mark", "error_details", "Details", id="error_details",
                key_display="!", tooltip="What went wrong: a failed load or an internal error"),
        Binding("left_square_bracket", "cycle_image(-1)", "Prev image", id="previous_image",
                key_display="[", tooltip="Show the previous open image"),
        Binding("right_square_bracket", "cycle_image(1)", "Next image", id="next_image",
                key_display="]", tooltip="Show the next open image"),
    ]  # fmt: skip
    # Shown in the footer only where they apply; pressed elsewhere, they say why not.
    CONTEXT_KEYS = {"retry", "error_details", "cycle_image", "close_image"}
    # Every error the guard turned into a notice (tests look here; the user gets `!`).
    reported: list[BaseException] = []
    # Seconds without a keystroke in a pattern after which the panes held at their heights
    # while it was typed take their natural heights (one layout pass, off the keystroke path).
    SETTLE_AFTER = 0.4

    def __init__(
        self, options: LaunchOptions | None = None, *, client_factory: ClientFactory | None = None
    ) -> None:
        super().__init__()
        self.options = options or LaunchOptions()
        self.explorer = Explorer()
        self.state = ExplorerState(
            source=self.options.source, profile=get_profile(self.options.target)
        )
        self.view: ExplorerView = self.explorer.derive(self.state)
        self._client_factory = client_factory or registry_client
        self._client: Any = None
        self._next_key = 0
        self._bindings_key: tuple[bool | None, ...] = ()
        # Errors become notices once the main screen is up (before, Textual reports them).
        self._guarding = False
        self._problem: tuple[str, str, str] | None = None
        self._last_report: tuple[str, float] = ("", 0.0)
        self._settle_timer: Timer | None = None

    # -- life cycle --------------------------------------------------------------------------

    async def on_mount(self) -> None:
        mirror = self.options.mirror
        await self.push_screen(MainScreen() if mirror is None else ListLayersScreen())
        self._guarding = True
        await self.main.query_one(PolicyEditor).load(self.state.source, self.state.profile.go)
        entries = [self._file_entry(f.name, f.data) for f in self.options.files]
        if self.options.sample:
            from foreign_explorer.commands.inputs import sample_bytes

            entries.append(self._sample_entry(sample_bytes()))
        entries += [ImageEntry(self._new_key(), ref) for ref in self.options.references]
        self.apply(replace(self.state, entries=tuple(entries)))
        self._load_pending()
        for entry in entries:
            self._after_load(entry)
        if mirror is not None:
            # `--from FILE`: the overview of the list on top; Enter opens an image under it.
            self.install_screen(OverviewScreen(mirror), name="overview")
            await self.push_screen("overview")

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    # -- errors and notices ----------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notices are plain text, whatever the caller asks (widgets' notify passes
        markup=True by default): they quote patterns, paths and registry messages."""
        super().notify(
            shown_lines(message),
            title=shown(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def report_exception(self, error: BaseException) -> bool:
        """Show an unexpected error as a notice (details on `!`); False: let Textual handle it."""
        if not self._guarding or not isinstance(error, Exception) or not self.is_running:
            return False
        if isinstance(error, WorkerFailed) and isinstance(error.error, Exception):
            error = error.error
        reported = type(self).reported
        reported.append(error)
        del reported[:-100]  # a render that keeps failing must not grow it without bound
        summary = f"{type(error).__name__}: {error}"
        details = "".join(traceback.format_exception(error))
        self._problem = ("internal error", summary, details)
        self.refresh_bindings()
        # A render that fails fails again on the next frame: one notice per error and second.
        now = time.monotonic()
        if self._last_report[0] == summary and now - self._last_report[1] < 5:
            return True
        self._last_report = (summary, now)
        self.notify(
            f"{summary}\nYour policy is kept. ! shows the details.",
            title="internal error",
            severity="error",
            timeout=12,
        )
        return True

    def _handle_exception(self, error: Exception) -> None:
        if not self.report_exception(error):
            super()._handle_exception(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers run with exit_on_error=False: their failures are reported here, in one place.
        worker = event.worker
        # One that exits on error reaches _handle_exception already (as WorkerFailed).
        if (
            event.state is WorkerState.ERROR
            and worker.error is not None
            and not worker.exit_on_error
        ):
            self.report_exception(worker.error)

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def _new_key(self) -> int:
        self._next_key += 1
        return self._next_key

    def _file_entry(self, name: str, data: bytes) -> ImageEntry:
        path = None if name == "-" else Path(name)
        return loading.load_bytes(self._new_key(), name, data, path=path)

    def _sample_entry(self, data: bytes) -> ImageEntry:
        return loading.load_bytes(self._new_key(), loading.SAMPLE_TITLE, data)

    # -- the one place state changes -------------------------------------------------------------

    def apply(self, state: ExplorerState, hold: bool = False) -> None:
        """Derive the view for `state` once and show it; `hold`: from a keystroke in a pattern,
        the panes keep their heights until the typing pauses (see widgets/held.py)."""
        view = self.explorer.derive(state)
        if view.selected != state.selected:
            state = replace(state, selected=view.selected)
            view = replace(view, state=state)
        self.state, self.view = state, view
        overview = self._overview()
        # Under the mirror overview the layer view is hidden: it is shown again on return.
        if overview is None and any(isinstance(s, MainScreen) for s in self.screen_stack):
            self.main.show(view, hold)
            if not hold:
                self.typing_paused()
            # Only what the footer depends on; refreshing on every keystroke redraws it.
            bindings_key = tuple(self._applies(a) for a in sorted(self.CONTEXT_KEYS))
            if bindings_key != self._bindings_key:
                self._bindings_key = bindings_key
                self.refresh_bindings()
        if overview is not None:
            overview.show_view(view, hold)

    def _overview(self) -> OverviewScreen | None:
        """The mirror overview, while it is open (behind a modal, perhaps)."""
        return next((s for s in self.screen_stack if isinstance(s, OverviewScreen)), None)

    # -- loading ---------------------------------------------------------------------------------

    def _registry_client(self) -> Any:
        if self._client is None:
            self._client = self._client_factory(self.options)
        return self._client

    def _load_pending(self) -> None:
        pending = tuple(e for e in self.state.entries if e.status is EntryStatus.LOADING)
        if pending:
            self.load_references(pending)

    @work(exclusive=True, exit_on_error=False, group="load")
    async def load_references(self, entries: tuple[ImageEntry, ...]) -> None:
        """Fetch every pending reference at once; each reports on its own."""
        await asyncio.gather(*(self._load_one(e.key, e.name) for e in entries))

    async def _load_one(self, key: int, reference: str) -> None:
        try:
            entry = await loading.load_reference(
                self._registry_client(), key, reference, self.options.platform
            )
        except ForeignExplorerError as exc:
            self.post_message(ImageFailed(key, exc.message, f"{type(exc).__name__}: {exc.message}"))
        except Exception as exc:
            details = "".join(traceback.format_exception(exc))
            self.post_message(ImageFailed(key, f"unexpected error: {exc}", details))
        else:
            self.post_message(ImageLoaded(entry))

    @work(exclusive=True, exit_on_error=False, group="history")
    async def fetch_history(self, key: int, slot: int) -> None:
        """The image config's history lines for the layer detail (best effort)."""
        entry = next((e for e in self.state.entries if e.key == key), None)
        image = entry.current if entry is not None else None
        if image is None or image.fetched is None or image.history is not None:
            return
        try:
            history = await loading.load_history(image)
        except ForeignExplorerError as exc:
            self.log.warning(f"no history for {image.title}: {exc.message}")
            return
        self.post_message(HistoryLoaded(key, slot, history))

    def _after_load(self, entry: ImageEntry) -> None:
        # The loaded image, its caches and its table rows live as long as it is open: out of
        # the cyclic collector's reach, so that a full collection (which walks every object,
        # tens of ms with 20 images of 500 layers) never lands on a keystroke.
        self.call_after_refresh(gc.freeze)
        if entry.notice:
            self.notify(entry.notice, severity="warning")
        if entry.status is EntryStatus.READY and entry.key == self._current_key():
            self.fetch_history(entry.key, entry.chosen)

    def _current_key(self) -> int | None:
        entry = self.state.entry
        return entry.key if entry is not None else None

    @on(ImageLoaded)
    def _image_loaded(self, message: ImageLoaded) -> None:
        if not any(e.key == message.entry.key for e in self.state.entries):
            return
        state = self.state.with_entry(message.entry)
        if message.entry.key == self._current_key():
            state = replace(state, selected=None)
        self.apply(state)
        self._after_load(message.entry)

    @on(ImageFailed)
    def _image_failed(self, message: ImageFailed) -> None:
        entry = next((e for e in self.state.entries if e.key == message.key), None)
        if entry is None:
            return
        self.apply(
            self.state.with_entry(
                loading.failed(entry.key, entry.name, message.message, message.details)
            )
        )
        self.notify(
            f"{message.message}\nr retry · o open another · ! details",
            title=f"could not load {entry.name}",
            severity="error",
            timeout=12,
        )

    @on(HistoryLoaded)
    def _history_loaded(self, message: HistoryLoaded) -> None:
        entry = next((e for e in self.state.entries if e.key == message.key), None)
        if entry is None or not 0 <= message.slot < len(entry.slots):
            return
        slot = entry.slots[message.slot]
        if slot.image is None:
            return
        slots = list(entry.slots)
        slots[message.slot] = replace(slot, image=replace(slot.image, history=message.history))
        self.apply(self.state.with_entry(replace(entry, slots=tuple(slots))))

    # -- widgets report, the App decides -----------------------------------------------------

    @on(PolicyEditor.Changed)
    def _policy_changed(self, message: PolicyEditor.Changed) -> None:
        # `replace`, never a new PolicySource: the configuration's keys (for lint) stay.
        source = self.state.source.with_flags(allow=message.allow, deny=message.deny)
        self._settle_later(self.SETTLE_AFTER)
        if source != self.state.source:
            self.apply(replace(self.state, source=source), hold=True)

    def _settle_later(self, delay: float | None) -> None:
        """Let the held panes take their natural heights `delay` seconds after the last
        keystroke (None: now, and nothing pending)."""
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        if delay is None:
            return
        self._settle_timer = self.set_timer(delay, self.typing_paused)

    def typing_paused(self) -> None:
        """The held panes take their natural heights (the timer's work, or leaving a pattern)."""
        self._settle_later(None)
        if any(isinstance(s, MainScreen) for s in self.screen_stack):
            self.main.settle()
        overview = self._overview()
        if overview is not None:
            overview.settle()

    @on(PolicyEditor.Left)
    def _policy_left(self) -> None:
        self.typing_paused()
        self.main.query_one(LayersTable).focus()

    @on(LayersTable.Selected)
    def _layer_selected(self, message: LayersTable.Selected) -> None:
        if message.position != self.state.selected:
            self.apply(replace(self.state, selected=message.position))

    @on(FilterBar.FilterChanged)
    def _filter_changed(self, message: FilterBar.FilterChanged) -> None:
        if message.text != self.state.filter:
            self.apply(replace(self.state, filter=message.text))

    @on(FilterBar.FilterDone)
    def _filter_done(self) -> None:
        bar = self.main.query_one(FilterBar)
        if not bar.value:
            bar.display = False
        self.main.query_one(LayersTable).focus()

    @on(ImageBar.Picked)
    def _image_picked(self, message: ImageBar.Picked) -> None:
        self._show_entry(message.position)

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NOT_ON_OVERVIEW and isinstance(self.screen, OverviewScreen):
            return False
        if action == "filter":
            # Textual does not see `/` as printable, so it would show while typing a pattern.
            return not isinstance(self._main_focus(), Input)
        if action in self.CONTEXT_KEYS:
            # Hidden from the footer where they do nothing; pressed there, on_key says why.
            return self._applies(action)
        return True

    def on_key(self, event: events.Key) -> None:
        if not isinstance(self.screen, MainScreen) or isinstance(self._main_focus(), Input):
            return
        why = NOT_APPLICABLE.get(event.key)
        if why is not None and not self._applies(why[0]):
            event.stop()
            self.notify(why[1])

    def _main_focus(self) -> object:
        """What has focus on the main screen (the palette's own input does not count)."""
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        return main.focused if main is not None else self.focused

    def _applies(self, action: str) -> bool:
        """Whether a context key does something now (the footer shows only those)."""
        entry = self.state.entry
        failed = entry is not None and entry.status is EntryStatus.FAILED
        if action == "retry":
            return failed
        if action == "error_details":
            on_list = isinstance(self.screen, OverviewScreen)
            return (failed and not on_list) or self._problem is not None
        if action in ("cycle_image", "close_image"):
            return len(self.state.entries) > 1
        return True

    async def action_add_pattern(self, list_name: str) -> None:
        await self.main.query_one(PolicyEditor).add(list_name)

    def action_suggest(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.suggest_patterns()

    @work(exclusive=True, exit_on_error=False, group="suggest")
    async def suggest_patterns(self) -> None:
        """Allow patterns for the open images' URLs, verified by the engine, into the editor."""
        suggestion = self.explorer.suggest(self.state)
        editor = self.main.query_one(PolicyEditor)
        await offer_suggestion(self, editor, suggestion, of_list=False)

    def action_switch_target(self) -> None:
        state = replace(self.state, profile=self.state.other_profile)
        self.apply(state)
        profile = state.profile
        self.notify(f"target: {profile.name} ({profile.title}, {profile.go_label})")

    def action_filter(self) -> None:
        bar = self.main.query_one(FilterBar)
        bar.display = True
        bar.focus()

    def action_response(self) -> None:
        view = self.view
        text = push_text(view)
        if view.push_known and view.evaluation is not None and view.refusal is None:
            raw = view.evaluation.response.body.decode("utf-8", "replace")
        else:
            raw = text.plain
        name = view.entry.name if view.entry is not None else "nothing loaded"
        title = f"docker push of {shown(name)} to {view.profile.name} would get"
        self.push_screen(ResponseScreen(title, text, raw or text.plain))

    def action_findings(self) -> None:
        view = self.view
        if not view.warnings:
            if view.policy_error is not None:
                text = "w lists the lint findings: none while the registry would not start"
            else:
                text = "w lists the lint findings: this policy has none"
            self.notify(text)
            return
        count = len(view.warnings)
        title = f"{count} lint finding{'s' if count > 1 else ''} on {view.profile.name}"
        if view.basis is Basis.LAST_STARTABLE:
            title += " (the configuration's keys, read with the last policy that started)"
        blocks = "\n\n".join(finding_block(w) for w in view.warnings)
        self.push_screen(FindingsScreen(title, Text(blocks), blocks))

    def action_export(self) -> None:
        view = self.view
        blocker = None
        if view.policy_error is not None:
            blocker = view.policy_error.message
            if not isinstance(view.policy_error, PolicyUnsupported):
                blocker = view.no_start_text
        accepted = sum(1 for s in view.summaries if s.accepted)
        summary = (
            f"With this policy on {view.profile.name}, {accepted} of {len(view.summaries)} "
            "open images would push (or mirror) without a rejected layer."
        )
        self.push_screen(ExportScreen(config_snippet(self.state.source), summary, blocker))

    def action_platforms(self) -> None:
        entry = self.state.entry
        if entry is None or entry.status is not EntryStatus.READY:
            self.notify("p picks a platform of a loaded multi-arch image: nothing loaded here")
            return
        if not entry.is_index:
            self.notify(f"{entry.name} is a single manifest, not a multi-arch index: no platform")
            return
        view = self.view
        rows = self.explorer.platform_rows(entry, view.policy, known=view.push_known)
        no_verdict = None if view.push_known else view.no_start_text

        def picked(position: int | None) -> None:
            current = self.state.entry
            if position is None or current is None or current.key != entry.key:
                return
            if not 0 <= position < len(current.slots):
                return
            if current.slots[position].image is None:
                self.notify(current.slots[position].error or "not fetched", severity="warning")
                return
            state = self.state.with_entry(replace(current, chosen=position))
            self.apply(replace(state, selected=None))
            self.fetch_history(current.key, position)

        self.push_screen(PlatformScreen(entry.name, rows, entry.chosen, no_verdict), picked)

    def action_help(self) -> None:
        own = [s for s in (self.screen,) if isinstance(s, OverviewScreen | ListLayersScreen)]
        sections = [
            *((_screen_keys(s), list(type(s).BINDINGS)) for s in own),
            ("Explorer", list(self.BINDINGS)),
            ("In a pattern", list(PatternInput.BINDINGS)),
            ("In the filter", list(FilterBar.BINDINGS)),
        ]
        self.push_screen(HelpScreen(sections))

    def action_open(self, initial: str = "") -> None:
        def opened(text: str | None) -> None:
            if text:
                self.open_image(text)

        self.push_screen(OpenScreen(initial), opened)

    def open_image(self, text: str) -> None:
        """A file path opens the file; anything else is fetched as a reference."""
        current = self.state.entry
        # Opening from a failed entry replaces it: that is what "open another" means there.
        key = current.key if current and current.status is EntryStatus.FAILED else self._new_key()
        path = Path(text).expanduser()
        try:
            is_file = path.is_file()
        except (OSError, ValueError):
            is_file = False
        if is_file:
            try:
                entry = loading.load_bytes(key, text, path.read_bytes(), path=path)
            except OSError as exc:
                entry = loading.failed(key, text, f"cannot read {text}: {exc.strerror or exc}")
        else:
            entry = ImageEntry(key, text)
        state = self.state.with_entry(entry)
        position = next(i for i, e in enumerate(state.entries) if e.key == key)
        self.apply(replace(state, current=position, selected=None))
        if entry.status is EntryStatus.FAILED:
            self.notify(entry.error or "failed", title=f"could not open {text}", severity="error")
        self._load_pending()

    def action_retry(self) -> None:
        entry = self.state.entry
        if entry is None or entry.status is not EntryStatus.FAILED:
            self.notify("r loads a failed image again: the shown image did not fail")
            return
        self.apply(self.state.with_entry(ImageEntry(entry.key, entry.name)))
        self._load_pending()

    def action_error_details(self) -> None:
        entry = self.state.entry
        on_list = isinstance(self.screen, OverviewScreen)
        if not on_list and entry is not None and entry.status is EntryStatus.FAILED:

            def chosen(what: str | None) -> None:
                if what == "retry":
                    self.action_retry()
                elif what == "open":
                    self.action_open(entry.name)

            screen = ErrorDetailsScreen(
                f"could not load {entry.name}", entry.error or "failed", entry.details
            )
            self.push_screen(screen, chosen)
            return
        if self._problem is not None:
            title, summary, details = self._problem
            self.push_screen(ErrorDetailsScreen(title, summary, details, retry=False))
            return
        self.notify("! shows what went wrong: nothing has (no failed load, no internal error)")

    def action_cycle_image(self, delta: int) -> None:
        if len(self.state.entries) < 2:
            key = "]" if delta > 0 else "["
            self.notify(f"{key} shows another open image: only one is open (o opens another)")
            return
        self._show_entry((self.state.current + delta) % len(self.state.entries))

    def action_close_image(self) -> None:
        entries = self.state.entries
        if len(entries) < 2:
            self.notify("x closes an image when more than one is open: this is the only one")
            return
        closing = self.state.current
        rest = entries[:closing] + entries[closing + 1 :]
        current = min(closing, len(rest) - 1)
        self.apply(replace(self.state, entries=rest, current=current, selected=None))
        self.notify(f"closed {entries[closing].name}")

    def _show_entry(self, position: int) -> None:
        if position == self.state.current or not 0 <= position < len(self.state.entries):
            return
        self.apply(replace(self.state, current=position, selected=None))
        entry = self.state.entry
        if entry is not None:
            self._after_load(replace(entry, notice=None))

    # -- command palette -------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every explorer key, by its description and its tooltip; Textual's own only for
        what the keys do not cover (the theme)."""
        if isinstance(screen, OverviewScreen | ListLayersScreen):
            for binding in type(screen).BINDINGS:
                assert isinstance(binding, Binding)
                yield SystemCommand(
                    f"{binding.description} ({binding.key_display or binding.key})",
                    binding.tooltip or binding.description,
                    partial(self.call_later, screen.run_action, binding.action),
                )
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if not self._palette_allows(binding):
                continue
            key = binding.key_display or binding.key
            yield SystemCommand(
                f"{binding.description} ({key})",
                binding.tooltip or binding.description,
                partial(self.call_later, self.run_action, binding.action),
            )
        for command in super().get_system_commands(screen):
            if command.title.casefold().startswith("theme"):
                yield command

    def _palette_allows(self, binding: Binding) -> bool:
        name = binding.action.split("(", 1)[0]
        return bool(self.check_action(name, ())) and self._applies(name)


def _screen_keys(screen: Screen) -> str:
    if isinstance(screen, OverviewScreen):
        return "Mirror overview (--from)"
    return "Layer view of an image of the list"
