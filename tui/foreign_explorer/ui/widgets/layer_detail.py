"""The selected descriptor: every URL with its verdict and the matched span, regex101-style."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from foreign_explorer.core.evaluate import (
    DescriptorVerdict,
    UrlVerdict,
    Verdict,
    child_must_exist,
)
from foreign_explorer.core.manifest import Role
from foreign_explorer.ui.model import Basis, EntryStatus, ExplorerView
from foreign_explorer.ui.text import (
    DIFFERS,
    REASON_WORDS,
    VERDICT_WORDS,
    badges,
    check_description,
    group_digits,
    mark,
    shown,
)
from foreign_explorer.ui.widgets.held import HeldText


def detail_title(verdict: DescriptorVerdict | None, view: ExplorerView | None = None) -> str:
    if verdict is None:
        return "Detail"
    d = verdict.descriptor
    title = (
        "Config"
        if d.role is Role.CONFIG
        else f"{'Child' if d.role is Role.CHILD else 'Layer'} {d.index}"
    )
    if view is not None and view.basis is Basis.LAST_STARTABLE:
        title += " · verdict under the last policy the registry started with"
    return title


class LayerDetail(HeldText):
    """Media type, size, digest, history, then each URL and why it passes or fails."""

    COMPONENT_CLASSES = {
        "layer-detail--dim",
        "layer-detail--pass",
        "layer-detail--fail",
        "layer-detail--match",
        "layer-detail--foreign",
        "layer-detail--differs",
        "layer-detail--url",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: ExplorerView | None = None

    def show(self, view: ExplorerView, hold: bool = False) -> None:
        """Show the view's selected descriptor; `hold`: a pattern is being typed (see held)."""
        before = self._shown()
        self._view = view
        # Most keystrokes leave the selected layer's verdict as it was: no refresh at all; and
        # a new text of as many rows is a repaint, not a layout pass of the whole screen.
        if self._shown() != before:
            self.changed(hold)

    def _shown(self) -> tuple[object, ...]:
        view = self._view
        if view is None:
            return ()
        image = view.image
        history = image.history if image is not None else None
        return (
            self.selected(),
            self._other(view),
            history,
            view.other_profile,
            view.entry,
            view.basis,
            view.refusal,
            view.state.filter if view.selected is None else None,
            view.source.validation_enabled,
        )

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"layer-detail--{name}", partial=True)

    def selected(self) -> DescriptorVerdict | None:
        view = self._view
        if view is None or view.evaluation is None or view.selected is None:
            return None
        return view.evaluation.descriptor(view.selected)

    def content(self) -> Text:
        view = self._view
        verdict = self.selected()
        if view is None or verdict is None:
            return self._placeholder(view)
        if view.basis is Basis.NONE:
            return self._facts(view, verdict, self._no_verdict(view))
        d = verdict.descriptor
        # The verdict and its cause first: on a short terminal they are what stays visible.
        text = Text(overflow="fold")
        if view.basis is Basis.LAST_STARTABLE:
            text.append(
                "under the last policy the registry started with, not the edited one:\n",
                self._style("dim"),
            )
        if self._crashes(view):
            # What the push gets, before what the child's own check says.
            text.append(
                "✗ no response: this child has no platform, and reading it makes the "
                f"registry's request handler panic ({view.profile.name} under "
                "validation.manifests.indexes platforms: list): the connection is closed\n",
                self._style("fail"),
            )
        ok_style = self._style("pass" if verdict.ok else "fail")
        text.append(f"{mark(verdict.ok)} {VERDICT_WORDS[verdict.verdict]}", ok_style)
        checked = check_description(verdict.checks, view.source.validation_enabled)
        if verdict.urls and verdict.verdict in (Verdict.OK, Verdict.INVALID_URL):
            # Each URL line below says why; the descriptor's summary would repeat it.
            text.append(f" · {checked}", self._style("dim"))
        else:
            text.append(f": {shown(verdict.message)}")
            text.append(f"\n{checked}", self._style("dim"))
        if d.urls is not None and not d.urls:
            text.append("\nurls: [] (an empty list: the registry treats it as no URL)")
        for url in verdict.urls:
            text.append("\n")
            text.append_text(self._url_line(url))
        other = self._other(view)
        if other is not None:
            note = f"\n{DIFFERS} on {view.other_profile.name}: {mark(other.ok)} "
            note += f"{VERDICT_WORDS[other.verdict]}: {shown(other.message)}"
            text.append(note, self._style("differs"))
        return self._facts(view, verdict, text)

    def _no_verdict(self, view: ExplorerView) -> Text:
        """No policy the registry starts with yet: the URLs, and no word on them."""
        verdict = self.selected()
        text = Text(overflow="fold")
        text.append(
            "no verdict: the registry would not start with this policy", self._style("fail")
        )
        if verdict is not None:
            for url in verdict.descriptor.urls or ():
                text.append("\n  ")
                text.append(shown(url), self._style("url"))
        return text

    def _facts(self, view: ExplorerView, verdict: DescriptorVerdict, text: Text) -> Text:
        d = verdict.descriptor
        text.append("\n")
        if badge := badges(d):
            text.append(f"{badge}  ", self._style("foreign"))
        text.append(shown(d.media_type))
        text.append(f" · {group_digits(d.size)} bytes", self._style("dim"))
        text.append(f"\n{shown(d.digest)}", self._style("dim"))
        history = self._history(view, verdict)
        if history:
            text.append(f"\nhistory: {shown(history)}", self._style("dim"))
        if d.role is Role.CHILD:
            platform = shown(str(d.platform)) if d.platform is not None else ""
            text.append(f"\nplatform: {platform or '(none given)'}", self._style("dim"))
        elif d.platform is not None:
            text.append(f"\nplatform: {shown(str(d.platform))}", self._style("dim"))
        return text

    def _placeholder(self, view: ExplorerView | None) -> Text:
        entry = view.entry if view is not None else None
        if entry is not None and entry.status is EntryStatus.FAILED:
            text = Text(f"{mark(False)} could not load {shown(entry.name)}\n", self._style("fail"))
            text.append(shown(entry.error or ""))
            text.append("\nr retries · o opens another image · ! shows the details")
            return text
        if entry is not None and entry.status is EntryStatus.LOADING:
            return Text(f"loading {shown(entry.name)}…", self._style("dim"))
        if view is not None and view.refusal is not None:
            text = Text(f"{mark(False)} {shown(view.refusal.message)}\n", self._style("fail"))
            text.append(
                "The registry refuses the document as a whole, before it looks at any layer: "
                "there are no layers to show.",
                self._style("dim"),
            )
            return text
        slot = entry.slot if entry is not None else None
        if slot is not None and slot.image is None:
            message = f"{shown(slot.platform)} could not be fetched: {shown(slot.error or '')}"
            return Text(message, self._style("fail"))
        if view is not None and view.evaluation is not None and not view.visible:
            return Text(
                f"No row matches /{shown(view.state.filter)}. / edits the filter; Esc in it "
                "clears it.",
                self._style("dim"),
            )
        return Text("Select a layer to see its URLs and verdicts.", self._style("dim"))

    def _url_line(self, url: UrlVerdict) -> Text:
        """The verdict and its reason, then the URL itself with the allow match highlighted."""
        line = Text(overflow="fold")
        line.append(f"{mark(url.ok)} ", self._style("pass" if url.ok else "fail"))
        word = REASON_WORDS[url.reason] if url.reason is not None else ""
        reason = f"{word}: " if word and not url.message.startswith(word) else ""
        line.append(shown(f"{reason}{url.message}"))
        if url.span is not None and url.span[1] == url.span[0]:
            line.append(f" (an empty match at {url.span[0]})", self._style("dim"))
        line.append("\n  ")
        line.append_text(self._highlighted(url))
        return line

    def _highlighted(self, url: UrlVerdict) -> Text:
        """The URL, escaped, with the allow pattern's match highlighted (spans move with it)."""
        text = Text(style=self._style("url"))
        span = url.span if url.span is not None and url.span[1] > url.span[0] else None
        if span is None:
            text.append(shown(url.url))
            return text
        text.append(shown(url.url[: span[0]]))
        text.append(shown(url.url[span[0] : span[1]]), self._style("match"))
        text.append(shown(url.url[span[1] :]))
        return text

    def _history(self, view: ExplorerView, verdict: DescriptorVerdict) -> str | None:
        image = view.image
        d = verdict.descriptor
        if image is None or image.history is None or d.role is not Role.LAYER:
            return None
        if d.index < len(image.history):
            return image.history[d.index]
        return None

    @staticmethod
    def _crashes(view: ExplorerView) -> bool:
        """Whether the selected index child is the one the registry panics on (no response)."""
        evaluation = view.evaluation
        if evaluation is None or view.selected is None or evaluation.response.dropped is None:
            return False
        if not evaluation.manifest.is_index:
            return False
        return child_must_exist(evaluation.prepared, view.selected, evaluation.policy) is None

    def _other(self, view: ExplorerView) -> DescriptorVerdict | None:
        if view.other is None or view.selected is None or view.selected not in view.differs:
            return None
        return view.other.descriptor(view.selected)
