"""Words and marks shared by the widgets: every colour comes with a symbol or a word."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from foreign_explorer.core.evaluate import Check, DescriptorVerdict, Evaluation, Reason, Verdict
from foreign_explorer.core.manifest import Descriptor
from foreign_explorer.core.profiles import Profile
from foreign_explorer.core.visible import visible

if TYPE_CHECKING:
    from foreign_explorer.ui.model import Refusal

PASS = "✓"
FAIL = "✗"
DIFFERS = "≠"

VERDICT_WORDS = {
    Verdict.OK: "pass",
    Verdict.INVALID_URL: "invalid URL",
    Verdict.MISSING_URL: "missing URL",
    Verdict.INVALID_DIGEST: "invalid digest",
}

REASON_WORDS = {
    Reason.PARSE: "Go's url.Parse fails",
    Reason.SCHEME: "not http or https",
    Reason.FRAGMENT: "has a fragment",
    Reason.NOT_ALLOWED: "not allowed",
    Reason.DENIED: "denied",
}


def mark(ok: bool) -> str:
    return PASS if ok else FAIL


def badges(descriptor: Descriptor) -> str:
    """FOREIGN for foreign media types, URL for descriptors that carry urls."""
    parts = []
    if descriptor.foreign:
        parts.append("FOREIGN")
    if descriptor.has_urls:
        parts.append("URL")
    return " ".join(parts)


def checks_text(verdict: DescriptorVerdict) -> str:
    if not verdict.checks:
        return "none"
    return "+".join(c.value for c in verdict.checks)


def check_description(checks: tuple[Check, ...], validation: bool = True) -> str:
    """What the registry checks for a descriptor; `validation` False: `disabled: true`, so
    only the form of each URL counts (as `check` says it)."""
    if not checks:
        return "the registry checks nothing here (it ignores these urls and the blob)"
    parts = []
    if Check.URLS in checks:
        if validation:
            parts.append("every URL against allow/deny")
        else:
            parts.append(
                "that every URL is well-formed http(s), not allow/deny (validation is disabled)"
            )
    if Check.BLOB in checks:
        parts.append("that the blob was pushed")
    return "the registry checks " + " and ".join(parts)


def push_line(evaluation: Evaluation) -> str:
    """`push → 500 Internal Server Error: invalid URL on layer 0` or `push → 201 Created`."""
    response = evaluation.response
    if response.accepted:
        return f"push → {response.status_line}"
    return f"push → {response.status_line}: {evaluation.summary}"


def refusal_line(refusal: Refusal) -> str:
    """`push → 400 Bad Request: manifest invalid: …` (as check), or what the document is not."""
    if len(refusal.responses) == 1:
        return f"push → {refusal.responses[0].response.status_line}: {refusal.message}"
    return refusal.message


def blocked_text(evaluation: Evaluation) -> str:
    # From the kinds: the per-descriptor detail objects cost a keystroke's budget at 500 layers.
    failing = sum(1 for kind in evaluation.kinds if kind is not Verdict.OK)
    total = len(evaluation.kinds)
    noun = "children" if evaluation.manifest.is_index else "descriptors"
    if not failing:
        return f"all {total} {noun} pass"
    return f"{failing} of {total} {noun} blocked"


def group_digits(size: int) -> str:
    return f"{size:,}"


def window(text: str, position: int, width: int) -> tuple[str, int]:
    """A slice of `text` at most `width` long that shows `position`, and where it falls."""
    if len(text) <= width or width <= 1:
        return text, position
    start = max(0, min(position - width // 2, len(text) - width))
    piece = text[start : start + width]
    shift = start
    if start > 0:
        piece = "…" + piece[1:]
    if start + width < len(text):
        piece = piece[:-1] + "…"
    return piece, position - shift


def shown(text: str) -> str:
    """Outside text as it may be put on screen: controls and bidi marks escaped visibly.

    Widgets render it as plain text (rich `Text`, or `markup=False`), never as markup.
    """
    return visible(text)


def shown_lines(text: str) -> str:
    """Like `shown`, keeping the line breaks of a text the program laid out itself."""
    return "\n".join(visible(line) for line in text.split("\n"))


def target_name(profile: Profile) -> str:
    """`distribution-2.8`: the name README and the CLI use (`--target`)."""
    return profile.name


def _console(width: int) -> Any:
    from rich.console import Console

    console = _MEASURE.get(width)
    if console is None:
        console = _MEASURE[width] = Console(width=width, file=None, legacy_windows=False)
    return console


def wrapped(text: Text, width: int) -> list[Text]:
    """The rows `text` takes when wrapped to `width` (as a widget would draw it)."""
    if width <= 0:
        return []
    return list(text.wrap(_console(width), width))


def lines_needed(text: Text, width: int) -> int:
    """How many rows `text` takes when wrapped to `width` (as a widget would draw it)."""
    return len(wrapped(text, width))


def in_rows(lines: list[Text], width: int, rows: int) -> Text:
    """Exactly `rows` rows: `lines` padded with empty ones, or cut with `…` ending the last row
    kept. Each line must fit `width`; the result does not wrap again."""
    if len(lines) > rows:
        lines = lines[:rows]
        if lines:
            last = lines[-1].copy()
            last.rstrip()
            last.truncate(max(width - 2, 0))
            last.append(" …")
            lines[-1] = last
    else:
        lines = lines + [Text() for _ in range(rows - len(lines))]
    text = Text("\n").join(lines)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


_MEASURE: dict[int, Any] = {}
