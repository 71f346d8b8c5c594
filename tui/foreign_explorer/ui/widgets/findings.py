"""Lint findings as lines: under a pattern, or under the lists for the policy as a whole.

A finding about a pattern says what is wrong and the URL the engine judged to prove it. A
finding about the configuration itself (a key the registry never reads, a variable that sets
nothing, how validation.manifests.indexes is read) names the key or variable and says what it
is in a few words; its whole message is in the tooltip and in `w`'s list.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from foreign_explorer.core.lint import MATCHES_NONE, LintWarning, Outcome
from foreign_explorer.core.lint.reading_rules import INDEXES_DIFFER, PLATFORM_LIST_PANIC
from foreign_explorer.ui.text import shown, wrapped
from foreign_explorer.ui.widgets.held import HeldText

WARN = "⚠"
INFO = "ℹ"
INDEXES_KEY = "validation.manifests.indexes"


def _short(profile: str) -> str:
    return profile.removeprefix("distribution-")


def glyph(warning: LintWarning) -> str:
    return INFO if warning.is_info else WARN


def is_policy_level(warning: LintWarning) -> bool:
    """About the configuration as a whole, not about one allow or deny pattern."""
    return warning.index is None or warning.list_name not in ("allow", "deny")


def where(warning: LintWarning) -> str | None:
    """The key or variable a policy-level finding is about; None when it names none."""
    if warning.path is not None:
        return warning.path
    if warning.code in (INDEXES_DIFFER, PLATFORM_LIST_PANIC):
        return INDEXES_KEY
    return None


def _is_url(example: str) -> bool:
    return "://" in example


def _title(warning: LintWarning) -> str | None:
    """The rule's few words, when it has them."""
    try:
        return warning.title
    except KeyError:
        return None


def warning_line(warning: LintWarning) -> tuple[str, str]:
    """(what is wrong, what the registry does with which URL) for one line on screen; the
    second part is "" when no URL proves the finding."""
    key = where(warning)
    if key is not None:
        # A key, a variable or a setting: its name and a few words; the whole message (and
        # the URL that shows it, if any) is in the tooltip and in `w`'s list.
        return f"{key}: {_title(warning) or warning.code}", ""
    if warning.code == MATCHES_NONE:
        # The title alone beside "passes <url>" reads as a contradiction: say why it passes.
        return warning.message, f"e.g. {warning.example}" if warning.example else ""
    title = _title(warning)
    if title is None or not warning.claims or not warning.example:
        # A finding without a URL to prove it: its own words.
        return warning.message, ""
    first, *others = warning.claims
    if first.outcome is Outcome.STARTS:
        return title, ""
    verb = "passes" if first.outcome is Outcome.ACCEPTED else "rejected"
    if not others:
        return title, f"{verb} {warning.example}"
    starts = [c for c in others if c.outcome is Outcome.NO_START]
    if starts:
        names = "/".join(_short(c.profile) for c in starts)
        return title, f"{names} would not start; {verb} {warning.example}"
    second = others[0]
    their = "passes" if second.outcome is Outcome.ACCEPTED else "rejected"
    return (
        title,
        f"{verb} on {_short(first.profile)}, {their} on {_short(second.profile)}: "
        f"{warning.example}",
    )


def findings_text(
    warnings: tuple[LintWarning, ...],
    width: int,
    title_style: Style | str = "",
    url_style: Style | str = "",
    info_style: Style | str = "",
) -> Text:
    """One finding after the other, each wrapped to `width` (at spaces only: a URL's hyphens
    do not break it)."""
    lines: list[Text] = []
    for warning in warnings:
        title, rest = warning_line(warning)
        head = f"{glyph(warning)} {title}:" if rest else f"{glyph(warning)} {title}"
        line = Text(shown(head), info_style if warning.is_info else title_style)
        if rest:
            line.append(f" {shown(rest)}", url_style)
        lines.extend(wrapped(line, max(width, 20)))
    return Text("\n").join(lines)


def example_text(warning: LintWarning) -> str:
    """What the registry of each profile does with the finding's example, or ""."""
    if not warning.example or not warning.claims:
        return ""
    if _is_url(warning.example):
        return f"{warning.verdict_text}: {warning.example}"
    # A description of an index (indexes findings): accepted or refused, per registry.
    words = {
        Outcome.ACCEPTED: "accepts",
        Outcome.REJECTED: "refuses",
        Outcome.NO_START: "does not start",
        Outcome.STARTS: "starts",
    }
    said = ", ".join(f"{_short(c.profile)} {words[c.outcome]}" for c in warning.claims)
    return f"{said}: {warning.example}"


def finding_block(warning: LintWarning) -> str:
    """Where, what and the whole message of one finding, and what shows it (for `w` and the
    tooltips)."""
    title = _title(warning) or warning.code
    head = f"{glyph(warning)} {where(warning) or warning.where}: {title}"
    lines = [head, warning.message]
    example = example_text(warning)
    if example:
        lines.append(f"e.g. {example}")
    # Each part escaped on its own: a pattern's own line break must not start a line.
    return "\n".join(shown(line) for line in lines)


def tooltip_text(warnings: tuple[LintWarning, ...], note: str = "") -> Text | None:
    """Every finding's whole message, with where it is."""
    if not warnings:
        return None
    parts = [finding_block(w) for w in warnings]
    if note:
        parts.append(note)
    return Text("\n\n".join(parts))


class LintLines(HeldText):
    """Findings about the policy as a whole (under the lists), one line or a few each."""

    COMPONENT_CLASSES = {"lint-lines--title", "lint-lines--url", "lint-lines--info"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.warnings: tuple[LintWarning, ...] = ()
        self._note = ""
        self.display = False

    def show(self, warnings: tuple[LintWarning, ...], hold: bool = False, note: str = "") -> None:
        # Only on change: this runs on every keystroke.
        if (warnings, note) == (self.warnings, self._note):
            return
        self.warnings, self._note = warnings, note
        self.tooltip = tooltip_text(warnings, note)
        self.changed(hold)

    def wants_display(self) -> bool:
        return bool(self.warnings)

    def content(self) -> Text:
        return findings_text(
            self.warnings,
            self.content_size.width,
            self.get_component_rich_style("lint-lines--title"),
            self.get_component_rich_style("lint-lines--url"),
            self.get_component_rich_style("lint-lines--info"),
        )
