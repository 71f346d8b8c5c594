"""What `docker push` would get back: status line and the exact JSON body bytes.

The pane scrolls (mouse, or Tab to it and the arrow keys) and `b` opens the whole response in
a modal: a body is never cut without a way to read the rest.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from foreign_explorer.core.response import PushResponse
from foreign_explorer.ui.model import EntryStatus, ExplorerView, RefusalAnswer
from foreign_explorer.ui.text import mark, shown
from foreign_explorer.ui.widgets.held import HeldText


def response_text(
    response: PushResponse, ok_style: Style | str = "", fail_style: Style | str = ""
) -> Text:
    """`✓ HTTP 201 Created  (empty body…)` or `✗ HTTP 500 …  {"errors":[…]}`, body escaped;
    `✗ no response: …` when the registry drops the connection (there is no status to show)."""
    ok = response.accepted
    text = Text()
    if response.dropped is not None:
        text.append(f"{mark(False)} no response", fail_style)
        text.append(f": {shown(response.dropped)}")
        return text
    text.append(f"{mark(ok)} HTTP {response.status_line}", ok_style if ok else fail_style)
    if ok:
        text.append("  (empty body: the manifest is stored)")
        return text
    body = response.body.decode("utf-8", "replace").rstrip("\n")
    text.append(f"  {shown(body)}")
    return text


def answer_text(
    answer: RefusalAnswer,
    ok_style: Style | str = "",
    fail_style: Style | str = "",
    note: str = "",
) -> Text:
    """`✗ 400 MANIFEST_INVALID as a Docker manifest: <the registry's reason>` (status first, so
    a one-row pane still says it), then the body on its own line, indented."""
    response = answer.response
    ok = response.accepted
    if response.dropped is not None:
        status = "no response"
    else:
        code = response.errors[0].code if response.errors else ""
        status = f"{response.status} {code}".strip() if code else f"HTTP {response.status_line}"
    text = Text()
    text.append(f"{mark(ok)} {status} {shown(answer.label or '')}", ok_style if ok else fail_style)
    if note:
        text.append(f" {note}")
    if answer.reason:
        text.append(f": {shown(answer.reason)}")
    if response.dropped is not None:
        text.append(f"\n  {shown(response.dropped)}")
    elif response.body:
        body = response.body.decode("utf-8", "replace").rstrip("\n")
        text.append(f"\n  {shown(body)}")
    return text


def push_text(
    view: ExplorerView | None,
    ok_style: Style | str = "",
    fail_style: Style | str = "",
    pane: bool = False,
) -> Text:
    """Everything the push pane says for `view` (the modal shows the same, unclipped; `pane`:
    the first line also says that `b` shows every answer)."""
    if view is None or view.entry is None or view.entry.status is EntryStatus.LOADING:
        return Text("nothing to push yet")
    if view.entry.status is EntryStatus.FAILED:
        return Text("nothing to push: the image could not be loaded")
    if not view.push_known:
        return Text(
            "no push: the registry would not start with this policy, so there is nothing to "
            "push to (see the first lines)",
            fail_style,
        )
    if view.refusal is not None:
        if not view.refusal.responses:
            return Text(f"the registry would refuse it: {shown(view.refusal.message)}", fail_style)
        text = Text()
        for number, answer in enumerate(view.refusal.responses):
            if number:
                text.append("\n")
            if answer.label is None:
                text.append_text(response_text(answer.response, ok_style, fail_style))
                continue
            count = len(view.refusal.responses)
            note = f"(1 of {count} Content-Types · b all)" if pane and not number else ""
            text.append_text(answer_text(answer, ok_style, fail_style, note))
        return text
    if view.evaluation is None:
        return Text("nothing to push yet")
    return response_text(view.evaluation.response, ok_style, fail_style)


class PushBody(HeldText):
    """The pane's text (held while a pattern is typed, like the other panes), up to
    `MAX_ROWS` rows: past them a last line says how much more there is and that `b` shows it
    whole (a body of a hundred errors would be 150 rows to redraw on every keystroke)."""

    MAX_ROWS = 24

    def __init__(self, preview: PushPreview) -> None:
        super().__init__(id="push-body")
        self._preview = preview

    def content(self) -> Text:
        text = self._preview.text()
        limit = (self.MAX_ROWS - 1) * max(self.content_size.width, 40)
        if len(text) <= limit:
            return text
        more = len(text) - limit
        shown = text[:limit]
        shown.append(f"…\n… {more:,} more characters: b shows the whole response")
        return shown


class PushPreview(VerticalScroll):
    """`HTTP 500 Internal Server Error  {"errors":[...]}` as the registry writes it."""

    COMPONENT_CLASSES = {"push-preview--pass", "push-preview--fail", "push-preview--dim"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: ExplorerView | None = None
        self._shown: object = ()
        # The text for `_shown` (a body of a hundred errors costs a millisecond to encode).
        self._text: Text | None = None

    def compose(self) -> ComposeResult:
        yield PushBody(self)

    def show(self, view: ExplorerView, hold: bool = False) -> None:
        self._view = view
        key = self._key(view)
        if key != self._shown:
            self._shown = key
            self._text = None
            self.query_one(PushBody).changed(hold)

    def release(self) -> None:
        self.query_one(PushBody).release()

    @staticmethod
    def _key(view: ExplorerView) -> object:
        entry = view.entry
        response = view.evaluation.response if view.evaluation is not None else None
        return (entry.status if entry else None, view.push_known, view.refusal, response)

    def text(self) -> Text:
        if self._text is None:
            ok = self.get_component_rich_style("push-preview--pass")
            fail = self.get_component_rich_style("push-preview--fail")
            self._text = push_text(self._view, ok, fail, pane=True)
        return self._text.copy()

    def notify_style_update(self) -> None:
        self._text = None  # the theme changed: its colours are in the text
        super().notify_style_update()
