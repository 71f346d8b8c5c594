"""The top lines: what is loaded, for which target, and what a push of it would get."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from foreign_explorer.core.mediatypes import short_media_type
from foreign_explorer.core.policy import PolicyStartupError
from foreign_explorer.core.units import short_digest
from foreign_explorer.ui.model import EntryStatus, ExplorerView
from foreign_explorer.ui.text import (
    DIFFERS,
    FAIL,
    PASS,
    blocked_text,
    push_line,
    refusal_line,
    shown,
    target_name,
)

# Go's regexp errors carry it; the header gives its row to what follows.
GO_PREFIX = "error parsing regexp: "


class VerdictHeader(Widget):
    """Reference, digest, media type, platform, target; then the push verdict."""

    COMPONENT_CLASSES = {
        "verdict-header--brand",
        "verdict-header--dim",
        "verdict-header--pass",
        "verdict-header--fail",
        "verdict-header--warn",
        "verdict-header--target",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: ExplorerView | None = None

    def show(self, view: ExplorerView) -> None:
        self._view = view
        # A fixed two lines: a repaint, no layout pass.
        self.refresh()

    def _style(self, name: str):
        return self.get_component_rich_style(f"verdict-header--{name}", partial=True)

    def render(self) -> Text:
        view = self._view
        lines = Text(no_wrap=True, overflow="ellipsis")
        lines.append(" foreign-explorer ", self._style("brand"))
        if view is None:
            return lines
        lines.append_text(self._identity(view))
        lines.append("\n")
        lines.append_text(self._verdict(view))
        return lines

    def _identity(self, view: ExplorerView) -> Text:
        # Most important first: a narrow terminal cuts the end of the line, never the target.
        text = Text(" target: ")
        text.append(target_name(view.profile), self._style("target"))
        text.append("  · ")
        dim = self._style("dim")
        entry, image = view.entry, view.image
        if entry is not None:
            text.append(f" {shown(image.title if image is not None else entry.name)}")
        if image is not None:
            if image.platform:
                text.append(f"  {shown(image.platform)}")
            text.append(f"  {shown(short_digest(image.digest))}…", dim)
            text.append(f"  {shown(short_media_type(image.manifest.media_type))}", dim)
        return text

    def _no_start(self, view: ExplorerView) -> str:
        """check's line when it fits; else Go's error first and the pattern after it, so that
        the cut at the edge takes the pattern's end, not the error's gist."""
        full = view.no_start_text
        error = view.policy_error
        width = self.content_size.width
        if (
            not isinstance(error, PolicyStartupError)
            or error.pattern is None
            or not width
            or cell_len(f" {FAIL} {shown(full)}") <= width
        ):
            return full
        where = error.list_name if error.index is None else f"{error.list_name}[{error.index}]"
        # `validation.manifests.urls.allow: error parsing regexp: <gist>`: `where` says the first.
        gist = error.message.partition(GO_PREFIX)[2] or error.message
        return f"the registry would not start: {where}: {gist} in `{error.pattern}`"

    def _verdict(self, view: ExplorerView) -> Text:
        text = Text(" ")
        entry, evaluation = view.entry, view.evaluation
        if entry is None:
            text.append("nothing loaded: o opens a reference or a file", self._style("dim"))
            return text
        if entry.status is EntryStatus.LOADING:
            text.append(f"loading {shown(entry.name)}…", self._style("dim"))
            return text
        if entry.status is EntryStatus.FAILED:
            message = f"{FAIL} could not load {shown(entry.name)}: {shown(entry.error or '')}"
            text.append(message, self._style("fail"))
            return text
        if not view.push_known:
            # As check's exit 3: no push verdict while the registry would not even start.
            text.append(f"{FAIL} {shown(self._no_start(view))}", self._style("fail"))
            return text
        if view.refusal is not None:
            text.append(f"{FAIL} {shown(refusal_line(view.refusal))}", self._style("fail"))
            return text
        if evaluation is None:
            return text
        ok = evaluation.accepted
        text.append(
            f"{PASS if ok else FAIL} {push_line(evaluation)}", self._style("pass" if ok else "fail")
        )
        text.append(f"  ·  {blocked_text(evaluation)}")
        if view.mirrors_cleanly is not None or entry.is_index:
            word = {True: "yes", False: "no", None: "unknown"}[view.mirrors_cleanly]
            text.append(f"  ·  mirrors cleanly: {word}")
        if view.differs:
            count = len(view.differs)
            noun = "descriptor differs" if count == 1 else "descriptors differ"
            other = target_name(view.other_profile)
            text.append(f"  ·  {DIFFERS} {count} {noun} on {other}", self._style("warn"))
        return text
