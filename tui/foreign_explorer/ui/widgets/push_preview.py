"""What `docker push` would get back: status line and the exact JSON body bytes."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from foreign_explorer.ui.model import ExplorerView
from foreign_explorer.ui.text import mark


class PushPreview(Widget):
    """`HTTP 500 Internal Server Error  {"errors":[...]}` as the registry writes it."""

    COMPONENT_CLASSES = {"push-preview--pass", "push-preview--fail", "push-preview--dim"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: ExplorerView | None = None

    def show(self, view: ExplorerView) -> None:
        before = self._response()
        self._view = view
        if self._response() != before:
            self.refresh(layout=True)

    def _response(self) -> object:
        view = self._view
        return None if view is None or view.evaluation is None else view.evaluation.response

    def render(self) -> Text:
        view = self._view
        if view is None or view.evaluation is None:
            return Text("nothing to push yet", self.get_component_rich_style("push-preview--dim"))
        response = view.evaluation.response
        ok = response.accepted
        style = self.get_component_rich_style(f"push-preview--{'pass' if ok else 'fail'}")
        text = Text()
        text.append(f"{mark(ok)} HTTP {response.status_line}", style)
        if ok:
            text.append("  (empty body: the manifest is stored)")
            return text
        body = response.body.decode("utf-8", "replace").rstrip("\n")
        text.append(f"  {body}")
        return text
