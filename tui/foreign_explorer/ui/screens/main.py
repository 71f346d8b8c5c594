"""The main screen: verdict header, layers, policy, the selected layer and the push preview."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from foreign_explorer.ui.guard import Guarded
from foreign_explorer.ui.model import Basis, EntryStatus, ExplorerView
from foreign_explorer.ui.text import shown
from foreign_explorer.ui.widgets.filter_bar import FilterBar
from foreign_explorer.ui.widgets.footer import ExplorerFooter
from foreign_explorer.ui.widgets.image_bar import ImageBar
from foreign_explorer.ui.widgets.layer_detail import LayerDetail, detail_title
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from foreign_explorer.ui.widgets.push_preview import PushPreview
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader


class MainScreen(Guarded, Screen):
    """Layers on top; the policy beside the selected layer's URLs from 100 columns, else stacked."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    # Below 30 rows the policy and detail panes give up rows first: the header's verdict line,
    # the table's verdict column and the push line stay.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    AUTO_FOCUS = "#layers"

    def compose(self) -> ComposeResult:
        yield VerdictHeader(id="header")
        yield ImageBar(id="images")
        with Vertical(id="layers-pane"):
            yield FilterBar(id="filter")
            yield LayersTable(id="layers")
        with Container(id="lower"):
            # First in the DOM so that, stacked on a narrow terminal, it comes right under
            # the layers; on a wide one it docks to the right of the detail.
            yield PolicyEditor(id="policy")
            with VerticalScroll(id="detail-pane"):
                yield LayerDetail(id="detail")
        yield PushPreview(id="push")
        yield ExplorerFooter()

    def on_mount(self) -> None:
        self.query_one("#layers-pane").border_title = "Layers"
        self.query_one("#policy").border_title = "Policy (Go RE2)"
        self.query_one("#detail-pane").border_title = "Detail"
        self.query_one("#push").border_title = "docker push would get · b whole response"
        self.query_one("#filter").display = False

    def on_resize(self, event: events.Resize) -> None:
        # Below 100 columns the keys only fit (q Quit included) without their padding.
        self.query_one(Footer).compact = event.size.width < 100

    def show(self, view: ExplorerView, hold: bool = False) -> None:
        """Hand the one view to every widget; none of them looks at another. `hold`: a pattern
        is being typed, the panes keep their heights until `settle` (see widgets/held.py)."""
        self.query_one(VerdictHeader).show(view)
        self.query_one(ImageBar).show(view)
        table = self.query_one(LayersTable)
        table.loading = view.entry is not None and view.entry.status is EntryStatus.LOADING
        table.show(view)
        _set_title(self.query_one("#layers-pane"), layers_title(view))
        self.query_one(PolicyEditor).show(view, hold)
        detail = self.query_one(LayerDetail)
        detail.show(view, hold)
        _set_title(self.query_one("#detail-pane"), detail_title(detail.selected(), view))
        self.query_one(PushPreview).show(view, hold)

    def settle(self) -> None:
        """The typing paused: every pane takes its natural height (one layout pass at most)."""
        self.query_one(PolicyEditor).release()
        self.query_one(LayerDetail).release()
        self.query_one(PushPreview).release()


def _set_title(widget: Widget, title: str) -> None:
    """Border titles are markup when given a str: outside text goes in as plain Text."""
    if getattr(widget, "_title_text", None) != title:
        widget._title_text = title  # type: ignore[attr-defined]
        widget.border_title = Text(title)


def layers_title(view: ExplorerView) -> str:
    """`Layers (7)`, `Layers (1 of 7 match /foreign)`, and whose verdicts they are."""
    evaluation = view.evaluation
    if evaluation is None:
        return "Layers"
    noun = "Children" if evaluation.manifest.is_index else "Layers"
    total = len(evaluation.prepared.descriptors)
    if view.state.filter:
        title = f"{noun} ({len(view.visible)} of {total} match /{shown(view.state.filter)})"
    else:
        title = f"{noun} ({total})"
    if view.basis is Basis.LAST_STARTABLE and view.basis_source is not None:
        title += f" · verdicts under the last policy the registry started with: {_lists(view)}"
    elif view.basis is Basis.NONE:
        title += " · no verdicts: the registry would not start with this policy"
    return title


def _lists(view: ExplorerView) -> str:
    source = view.basis_source
    assert source is not None
    allow = ", ".join(shown(p) for p in source.allow) or "(none)"
    deny = ", ".join(shown(p) for p in source.deny) or "(none)"
    return f"allow {allow} · deny {deny}"
