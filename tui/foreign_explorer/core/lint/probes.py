"""What a pattern seems to mean: texts it matches, read from Go's parse tree."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from foreign_explorer.core.goregex import GoRegexp, GoRegexpError, SyntaxNode, syntax_tree
from foreign_explorer.core.profiles import GoVersion

_WITNESS_LIMIT = 8
_DEPTH_LIMIT = 200
# Characters a class stands for in a witness, best first (a host or path character).
_PREFERRED = "abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ/:@!$&'()*+,;=?"


@dataclass(frozen=True)
class _Witness:
    """A text the pattern matches, and where a lone `.` (any character) put a dot in it."""

    text: str
    dots: tuple[int, ...]


@dataclass(frozen=True)
class _Shape:
    anchored: bool
    # The literal text right after the anchor, as written (empty when something else follows).
    prefix: str
    witnesses: tuple[_Witness, ...]


def _class_pick(runes: tuple[int, ...]) -> str | None:
    def member(ch: str) -> bool:
        # runes is Go's sorted [lo, hi, lo, hi, ...]: inside a range after an odd count.
        r = ord(ch)
        at = bisect_right(runes, r)
        return at % 2 == 1 or (at > 0 and runes[at - 1] == r)

    for ch in _PREFERRED:
        if member(ch):
            return ch
    for k in range(0, len(runes), 2):
        r = max(runes[k], 0xA1)
        if r <= runes[k + 1] and not 0xD800 <= r <= 0xDFFF:
            return chr(r)
    return None


def _literal_text(node: SyntaxNode) -> str:
    if not node.fold:
        return "".join(map(chr, node.runes))
    # Go keeps the smallest case fold ('A'); the URL as people write it is lower case.
    return "".join(chr(r).lower() if r < 0x80 else chr(r) for r in node.runes)


def _concat(parts: Iterable[list[_Witness]]) -> list[_Witness]:
    out = [_Witness("", ())]
    for options in parts:
        if not options:
            return []
        out = [
            _Witness(a.text + b.text, a.dots + tuple(len(a.text) + d for d in b.dots))
            for a in out
            for b in options
        ][:_WITNESS_LIMIT]
    return out


def _witnesses(node: SyntaxNode, repeated: bool = False, depth: int = 0) -> list[_Witness]:
    """Texts the node matches, most "meant" first: `?` taken once, `*` never, `+` once."""
    if depth > _DEPTH_LIMIT:
        return []
    op, down = node.op, depth + 1
    if op == "literal":
        return [_Witness(_literal_text(node), ())]
    if op == "class":
        ch = _class_pick(node.runes)
        return [] if ch is None else [_Witness(ch, ())]
    if op in ("any-not-nl", "any"):
        # A lone `.` between letters is usually meant as a dot; under a repeat, a wildcard.
        return [_Witness("a", ())] if repeated else [_Witness(".", (0,))]
    if op == "no-match":
        return []
    if op == "capture":
        return _witnesses(node.subs[0], repeated, down)
    if op == "star":
        return [_Witness("", ())]
    if op == "plus":
        return _witnesses(node.subs[0], True, down)
    if op == "quest":
        return [*_witnesses(node.subs[0], repeated, down), _Witness("", ())][:_WITNESS_LIMIT]
    if op == "repeat":
        if node.min == 0:
            return [_Witness("", ())]
        return _concat([_witnesses(node.subs[0], True, down)] * min(node.min, 64))
    if op == "concat":
        return _concat(_witnesses(sub, repeated, down) for sub in node.subs)
    if op == "alternate":
        out: list[_Witness] = []
        for sub in node.subs:
            out.extend(_witnesses(sub, repeated, down))
        return out[:_WITNESS_LIMIT]
    return [_Witness("", ())]  # empty-width assertions and the empty string


def _anchored(node: SyntaxNode) -> bool:
    if node.op in ("bot", "bol"):
        return True
    if node.op == "concat":
        return bool(node.subs) and _anchored(node.subs[0])
    if node.op == "capture":
        return _anchored(node.subs[0])
    if node.op == "alternate":
        return all(_anchored(sub) for sub in node.subs)
    return False


def _prefix(node: SyntaxNode) -> str:
    subs = node.subs if node.op == "concat" else (node,)
    text = ""
    for sub in subs:
        if sub.op in ("bot", "bol") and not text:
            continue
        if sub.op == "literal" and not sub.fold:
            text += "".join(map(chr, sub.runes))
            continue
        break
    return text


@lru_cache(maxsize=1024)
def _shape(pattern: str, go: GoVersion) -> _Shape | None:
    try:
        tree = syntax_tree(pattern, go)
        regexp = GoRegexp(pattern, go)
        # Only texts the pattern really matches (an inner `$` or `\b` can make one wrong).
        witnesses = tuple(w for w in _witnesses(tree) if regexp.matches(w.text))
    except GoRegexpError:
        return None
    return _Shape(_anchored(tree), _prefix(tree), witnesses)


@lru_cache(maxsize=4096)
def _compile_error(pattern: str, go: GoVersion) -> str | None:
    try:
        syntax_tree(pattern, go)
    except GoRegexpError as exc:
        return exc.message
    return None
