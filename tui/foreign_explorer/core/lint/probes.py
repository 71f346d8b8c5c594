"""What a pattern seems to mean: texts it matches, read from Go's parse tree.

Witnesses are built as ropes (a text is a leaf or a pair of ropes) and written out once at
the end, so that a pattern of n characters costs O(n) however many pieces it has; texts longer
than `TEXT_LIMIT` are dropped on the way, which bounds every regexp match the rules make.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from foreign_explorer.core.goregex import (
    GoRegexpError,
    SyntaxNode,
    compile_go,
    compiled_tree,
    syntax_tree,
)
from foreign_explorer.core.profiles import GoVersion

_WITNESS_LIMIT = 8
_DEPTH_LIMIT = 200
# The longest text a rule ever probes with: longer than the URL any pattern means in practice,
# short enough that one regexp match over it stays cheap whatever the pattern is (a DFA over a
# self-overlapping pattern costs up to text length x pattern length).
TEXT_LIMIT = 256
# Characters a class stands for in a witness, best first (a host or path character).
_PREFERRED = "abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ/:@!$&'()*+,;=?"


@dataclass(frozen=True)
class Free:
    """A character a class or `.` put in a witness, and what else it could have been."""

    runes: tuple[int, ...] | None  # the class's [lo, hi] pairs; None for `.`
    newline: bool  # `.` under (?s) also matches a newline
    repeatable: bool  # under `*`, `+` or a repeat: it may stand for several characters

    def admits(self, text: str) -> bool:
        """Whether this position can spell `text` (several characters only when repeatable)."""
        if not text or (len(text) > 1 and not self.repeatable):
            return False
        if self.runes is None:
            return self.newline or "\n" not in text
        return all(_in_class(self.runes, ord(ch)) for ch in text)


@dataclass(frozen=True)
class _Witness:
    """A text the pattern matches, where a lone `.` (any character) put a dot in it, and
    which of its characters came from a class or `.` (the rest is the pattern's literal text)."""

    text: str
    dots: tuple[int, ...]
    free: tuple[tuple[int, Free], ...] = ()


@dataclass(frozen=True)
class _Shape:
    """What a pattern seems to mean, read from its Go parse tree."""

    anchored: bool
    # The literal text right after the anchor, as written (empty when something else follows).
    prefix: str
    witnesses: tuple[_Witness, ...]
    # Witnesses with every `*`, `{0,n}` taken once: where a wildcard can be made to stand.
    expanded: tuple[_Witness, ...] = ()


def _in_class(runes: tuple[int, ...], r: int) -> bool:
    # runes is Go's sorted [lo, hi, lo, hi, ...]: inside a range after an odd count.
    at = bisect_right(runes, r)
    return at % 2 == 1 or (at > 0 and runes[at - 1] == r)


def _class_pick(runes: tuple[int, ...]) -> str | None:
    for ch in _PREFERRED:
        if _in_class(runes, ord(ch)):
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


# A rope: a leaf (fixed text, or one character a class or `.` stands for) or a pair of ropes.
@dataclass(frozen=True)
class _Char:
    """One character of a witness, and whether a lone `.` stands there."""

    char: str
    free: Free
    dot: bool  # a lone `.` read as the dot it most likely means


_Tree = str | _Char | tuple  # tuple: (_Tree, _Tree)


@dataclass(frozen=True)
class _Draft:
    """A witness being built."""

    size: int
    tree: _Tree


_EMPTY = _Draft(0, "")


def _join(a: _Draft, b: _Draft) -> _Draft:
    if not b.size:
        return a
    if not a.size:
        return b
    return _Draft(a.size + b.size, (a.tree, b.tree))


def _write(draft: _Draft) -> _Witness:
    """The draft as text, in one pass over its leaves."""
    pieces: list[str] = []
    dots: list[int] = []
    free: list[tuple[int, Free]] = []
    at = 0
    stack: list[_Tree] = [draft.tree]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.append(item[1])
            stack.append(item[0])
        elif isinstance(item, _Char):
            if item.dot:
                dots.append(at)
            free.append((at, item.free))
            pieces.append(item.char)
            at += 1
        elif item:
            pieces.append(item)
            at += len(item)
    return _Witness("".join(pieces), tuple(dots), tuple(free))


def _concat(parts: Iterable[list[_Draft]]) -> list[_Draft]:
    out = [_EMPTY]
    for options in parts:
        if not options:
            return []
        out = [joined for a in out for b in options if (joined := _join(a, b)).size <= TEXT_LIMIT][
            :_WITNESS_LIMIT
        ]
        if not out:
            return []
    return out


def _drafts(node: SyntaxNode, repeated: bool, expand: bool, depth: int = 0) -> list[_Draft]:
    """Texts the node matches, most "meant" first: `?` taken once, `*` never, `+` once.

    With `expand`, `*` and `{0,n}` are taken once too, so that their wildcards show.
    """
    if depth > _DEPTH_LIMIT:
        return []
    op, down = node.op, depth + 1
    if op == "literal":
        text = _literal_text(node)
        return [_Draft(len(text), text)] if len(text) <= TEXT_LIMIT else []
    if op == "class":
        ch = _class_pick(node.runes)
        if ch is None:
            return []
        return [_Draft(1, _Char(ch, Free(node.runes, False, repeated), False))]
    if op in ("any-not-nl", "any"):
        free = Free(None, op == "any", repeated)
        # A lone `.` between letters is usually meant as a dot; under a repeat, a wildcard.
        return [_Draft(1, _Char("a", free, False) if repeated else _Char(".", free, True))]
    if op == "no-match":
        return []
    if op == "capture":
        return _drafts(node.subs[0], repeated, expand, down)
    if op == "star":
        return _drafts(node.subs[0], True, expand, down) if expand else [_EMPTY]
    if op == "plus":
        return _drafts(node.subs[0], True, expand, down)
    if op == "quest":
        return [*_drafts(node.subs[0], repeated, expand, down), _EMPTY][:_WITNESS_LIMIT]
    if op == "repeat":
        again = node.max == -1 or node.max > 1 or repeated
        if node.min == 0:
            return _drafts(node.subs[0], again, expand, down) if expand else [_EMPTY]
        return _concat([_drafts(node.subs[0], again, expand, down)] * min(node.min, 64))
    if op == "concat":
        return _concat(_drafts(sub, repeated, expand, down) for sub in node.subs)
    if op == "alternate":
        out: list[_Draft] = []
        for sub in node.subs:
            out.extend(_drafts(sub, repeated, expand, down))
            if len(out) >= _WITNESS_LIMIT:
                break
        return out[:_WITNESS_LIMIT]
    return [_EMPTY]  # empty-width assertions and the empty string


def _witnesses(node: SyntaxNode, expand: bool = False) -> list[_Witness]:
    return [_write(draft) for draft in _drafts(node, False, expand)]


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


# Every rule reads the shape of every pattern: the cache holds a whole large policy's.
@lru_cache(maxsize=1 << 16)
def _shape(pattern: str, go: GoVersion) -> _Shape | None:
    try:
        regexp = compile_go(pattern, go)
        tree = compiled_tree(regexp)
        # Only texts the pattern really matches (an inner `$` or `\b` can make one wrong).
        witnesses = tuple(w for w in _witnesses(tree) if regexp.matches(w.text))
        expanded = tuple(w for w in _witnesses(tree, expand=True) if regexp.matches(w.text))
    except GoRegexpError:
        return None
    return _Shape(_anchored(tree), _prefix(tree), witnesses, expanded)


# Only these constructs make Go versions parse a pattern differently (named groups in angle
# brackets, Unicode class names), in the engine's Go model as in Go; the size limits are the
# same in every Go the profiles name.
_VERSIONED = ("(?<", "\\p", "\\P")


def _compile_error(pattern: str, go: GoVersion) -> str | None:
    """Go `go`'s compile error for a pattern the linted profile's Go compiles, or None."""
    if not any(mark in pattern for mark in _VERSIONED):
        return None
    return _versioned_compile_error(pattern, go)


@lru_cache(maxsize=4096)
def _versioned_compile_error(pattern: str, go: GoVersion) -> str | None:
    try:
        syntax_tree(pattern, go)
    except GoRegexpError as exc:
        return exc.message
    return None
