"""Compiling and matching: translate, GoRegexp, compile_go with its cache, PatternSet."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import re2

from foreign_explorer.core.goregex.errors import (
    ERR_LARGE,
    EngineLimitError,
    GoRegexpError,
    _Limit,
    _limit_code,
    _ParseError,
)
from foreign_explorer.core.goregex.parser import _Parser
from foreign_explorer.core.goregex.reader import _is_surrogate
from foreign_explorer.core.goregex.spelling import _OPTIONS
from foreign_explorer.core.profiles import DEFAULT_PROFILE, GoVersion


def translate(pattern: str, go: GoVersion) -> str:
    """The RE2 spelling of a pattern Go accepts; raises GoRegexpError exactly where Go fails."""
    return _parsed(pattern, go)[0]


def _parsed(pattern: str, go: GoVersion) -> tuple[str, object]:
    """(RE2 spelling, root of Go's parse tree) of a pattern Go accepts."""
    parser = _Parser(pattern, go)
    try:
        return parser.parse(), parser.stack[0]
    except _ParseError as err:
        raise GoRegexpError(err.code, err.expr, err.position, err.caret) from None
    except _Limit as err:
        raise GoRegexpError(_limit_code(err.kind, go), pattern, 0) from None
    except RecursionError:
        raise EngineLimitError(ERR_LARGE, pattern, 0) from None


def _re2_compile(translated: str, pattern: str) -> re2._Regexp:
    try:
        return re2.compile(translated, _OPTIONS)
    except re2.error:
        raise EngineLimitError(ERR_LARGE, pattern, 0) from None


def _sanitize(text: str) -> str:
    # Lone surrogates cannot reach RE2; the manifest decoder turns them into U+FFFD anyway.
    if text.isascii():
        return text
    return "".join("\ufffd" if _is_surrogate(ch) else ch for ch in text)


@dataclass(frozen=True)
class GoRegexp:
    """A pattern Go's regexp.Compile accepted, matched with Go's semantics."""

    pattern: str
    go: GoVersion = DEFAULT_PROFILE.go
    translated: str = field(default="", compare=False, repr=False)
    _regex: re2._Regexp | None = field(default=None, compare=False, repr=False)
    # Go's parse tree from the same parse (goregex.tree reads it), so no tool parses twice.
    _root: object = field(default=None, compare=False, repr=False)

    def search(self, text: str) -> tuple[int, int] | None:
        """Go's FindStringIndex, in character offsets; None when MatchString is false."""
        regex = self._regex
        if regex is None:
            regex = _re2_compile(translate(self.pattern, self.go), self.pattern)
            object.__setattr__(self, "_regex", regex)
        match = regex.search(_sanitize(text))
        return None if match is None else match.span()

    def matches(self, text: str) -> bool:
        """Go's MatchString: an unanchored search."""
        return self.search(text) is not None


def compile_go(pattern: str, go: GoVersion) -> GoRegexp:
    """Go's regexp.Compile(pattern) as that Go version does it; raises GoRegexpError like Go."""
    key = (pattern, tuple(go))
    hit = _alive.get(key)
    if hit is None:
        hit = _alive[key] = _compile_cached(*key)
    return hit


# A GoRegexp is immutable and a pure function of (pattern, Go version), so one compiled copy
# serves every policy naming it: the app recompiles the policy on each keystroke, with all
# but one pattern unchanged. Every copy some policy still holds is found again (however many
# patterns a policy has), the most recent others too. Failures are not cached.
_alive: weakref.WeakValueDictionary[tuple[str, GoVersion], GoRegexp] = weakref.WeakValueDictionary()


@lru_cache(maxsize=256)
def _compile_cached(pattern: str, go: GoVersion) -> GoRegexp:
    shared = go >= _GO_SAME_LIMITS and not _reads_by_version(pattern)
    if shared:
        twin = _any_version.get(pattern)
        if twin is not None:
            return replace(twin, go=go)
    translated, root = _parsed(pattern, go)
    regex = _re2_compile(translated, pattern)
    compiled = GoRegexp(pattern=pattern, go=go, translated=translated, _regex=regex, _root=root)
    if shared:
        _any_version[pattern] = compiled
    return compiled


# Go versions since 1.19.2 parse a pattern alike (same tree, same size and nesting limits) unless
# it names a Unicode class, opens a group with `(?<`, sets the `i` flag, or names a rune beyond
# Latin-1 (case folding, even of a two-rune class, follows each Go's Unicode tables): such a
# pattern compiled for one of them serves the others. Error texts differ (1.19 says "internal
# error" where later Go says "expression too large"), but failures are never cached.
_GO_SAME_LIMITS = (1, 19, 2)
_any_version: weakref.WeakValueDictionary[str, GoRegexp] = weakref.WeakValueDictionary()


def _reads_by_version(pattern: str) -> bool:
    if not pattern.isascii() or "\\x{" in pattern:
        return True
    if "\\p" in pattern or "\\P" in pattern or "(?<" in pattern:
        return True
    at = pattern.find("(?")
    while at >= 0:
        end = at + 2
        while end < len(pattern) and pattern[end] in "imsU-":
            end += 1
        if "i" in pattern[at + 2 : end]:
            return True
        at = pattern.find("(?", end)
    return False


# Beyond this much compiled program, RE2::Set's DFA may give up silently: larger lists are split.
_SET_PROGRAM_LIMIT = 20_000


class _Range:
    """Patterns lo..hi-1 of a PatternSet: a leaf (one RE2 Set, or one huge pattern alone) or
    two halves, searched first as one joined regexp `(?:p1)|(?:p2)|...` (compiled when first
    needed) so that a text no pattern of the range matches costs one search."""

    __slots__ = ("_regex", "_set", "_translated", "children", "hi", "lo")

    def __init__(self, lo: int, hi: int, children: tuple[_Range, ...] = ()) -> None:
        self.lo = lo
        self.hi = hi
        self.children = children
        self._set: re2._re2.Set | None = None
        self._regex: re2._Regexp | None = None
        self._translated: Sequence[str] = ()

    def found(self, data: bytes) -> bool:
        """Whether any pattern of the range search-matches data."""
        if self._set is not None:
            return bool(self._set.Match(data))
        regex = self._regex_of()
        if regex is None:  # RE2 cannot hold the range as one regexp: ask its halves
            return any(child.found(data) for child in self.children)
        return regex.Match(_UNANCHORED, data, 0, len(data))[0] != _NO_SPAN

    def leaf_hits(self, data: bytes) -> Sequence[int]:
        """Indexes (in the whole set) of the leaf's patterns that match data, any order."""
        if self._set is None:
            return [self.lo] if self.found(data) else []
        found = self._set.Match(data)
        return [self.lo + i for i in found] if self.lo and found else found

    def _regex_of(self) -> re2._re2.RE2 | None:
        regex = self._regex
        if regex is None:
            joined = "|".join(f"(?:{t})" for t in self._translated)
            try:
                regex = re2.compile(joined, _OPTIONS)._regexp
            except re2.error:
                regex = False  # over RE2's memory budget; the halves answer instead
            self._regex = regex
        return regex or None


_UNANCHORED = re2._Anchor.UNANCHORED
_NO_SPAN = (-1, -1)  # RE2's span of a group that did not match


class PatternSet:
    """Which patterns of a list search-match a text (Go's MatchString), in bounded work.

    A list whose compiled program is small runs as one RE2 Set: one call per text. A larger
    list (thousands of patterns) is cut in halves, recursively, down to ranges small enough
    for a Set; each range above them is searched as one joined RE2 regexp, the expression the
    registry itself compiles (RE2 falls back to its NFA where a Set would give up). So "does
    any pattern match" is one search, "which is the first" a few per halving, whatever the
    number of patterns; only "every pattern that matches" grows with the matches.

    `split` (the allow count of a policy's allow+deny set) is where the first cut falls, so
    that each list is one range.
    """

    def __init__(
        self,
        patterns: Sequence[GoRegexp],
        split: int | None = None,
        joined: Sequence[GoRegexp | None] = (),
    ) -> None:
        """`joined`, when given, holds each list's joined expression already compiled (the
        policy compiles it as the registry does): it serves as that list's range."""
        self.patterns = tuple(patterns)
        translated = [p.translated or translate(p.pattern, p.go) for p in self.patterns]
        sizes = [_program_size(p) for p in self.patterns]
        self._root: _Range | None = None
        if self.patterns:
            cuts = [0, len(sizes)]
            if split is not None and 0 < split < len(sizes):
                cuts.insert(1, split)
            parts = tuple(
                _build(translated, self.patterns, sizes, lo, hi)
                for lo, hi in itertools.pairwise(cuts)
            )
            for part, whole in zip(parts, joined, strict=False):
                if part.children and whole is not None and whole._regex is not None:
                    part._regex = whole._regex._regexp
            self._root = parts[0] if len(parts) == 1 else _joined(translated, 0, len(sizes), parts)
        # The common case, kept on the fast path: the whole list is one RE2 Set.
        root = self._root
        self._set = root._set if root is not None and not root.children else None

    @property
    def one_set(self) -> bool:
        """True when one RE2 Set call answers for every pattern (the per-keystroke path)."""
        return self._set is not None or not self.patterns

    def matching(self, text: str) -> list[int]:
        """Indexes of every pattern that search-matches text (Go's MatchString)."""
        return self.matching_bytes(_sanitize(text).encode("utf-8"))

    def matching_bytes(self, data: bytes) -> list[int]:
        """matching() for text already encoded as UTF-8 (invalid bytes match as RE2 decides)."""
        if self._root is None:
            return []
        found: list[int] = []
        _collect(self._root, data, found, top=True)
        return sorted(found)

    def first(self, data: bytes, lo: int = 0, hi: int | None = None) -> int | None:
        """The lowest index in lo..hi-1 whose pattern search-matches data, or None."""
        hi = len(self.patterns) if hi is None else hi
        if self._root is None or lo >= hi:
            return None
        return _first(self._root, data, lo, hi, top=True)

    def any(self, data: bytes, lo: int = 0, hi: int | None = None) -> bool:
        """Whether any pattern in lo..hi-1 search-matches data."""
        hi = len(self.patterns) if hi is None else hi
        if self._root is None or lo >= hi:
            return False
        return _any(self._root, data, lo, hi)

    def match_many(self, texts: Sequence[bytes]) -> list[Sequence[int] | None]:
        """For each UTF-8 text, the indexes of the patterns it matches (any order; None or empty).

        The batch form of matching_bytes() for the per-keystroke path: when the set exists
        this is one C-level loop over RE2::Set::Match, skipping the Python wrapper's
        per-call type dispatch (all it adds for bytes is turning [] into None).
        """
        if self._set is None:
            return [self.matching_bytes(data) for data in texts]
        raw = getattr(self._set, "_set", None)
        return list(map(raw.Match if raw is not None else self._set.Match, texts))

    def any_many(self, texts: Sequence[bytes], lo: int, hi: int) -> list[bool]:
        """any() for each text."""
        return [self.any(data, lo, hi) for data in texts]


def _program_size(pattern: GoRegexp) -> int:
    regex = pattern._regex
    return regex.programsize if regex is not None else _SET_PROGRAM_LIMIT


def _build(
    translated: Sequence[str], regexes: Sequence[GoRegexp], sizes: Sequence[int], lo: int, hi: int
) -> _Range:
    """The range lo..hi-1: a leaf when its program fits one RE2 Set, else two halves."""
    total = sum(sizes[lo:hi])
    if hi - lo == 1 and (total >= _SET_PROGRAM_LIMIT or regexes[lo]._regex is None):
        return _single(regexes[lo], lo)  # one huge pattern: its own regexp, no Set
    if total < _SET_PROGRAM_LIMIT:
        leaf = _Range(lo, hi)
        rset = re2.Set.SearchSet(_OPTIONS)
        try:
            for text in translated[lo:hi]:
                rset.Add(text)
            rset.Compile()
        except re2.error:
            rset = None  # RE2 would not build the Set: split the range instead
        if rset is not None:
            leaf._set = rset._set
            return leaf
        if hi - lo == 1:
            return _single(regexes[lo], lo)
    # Halve by program size, so that a few huge patterns do not make one side deep.
    running, mid = 0, lo + 1
    for mid in range(lo + 1, hi):
        running += sizes[mid - 1]
        if running * 2 >= total:
            break
    halves = (
        _build(translated, regexes, sizes, lo, mid),
        _build(translated, regexes, sizes, mid, hi),
    )
    return _joined(translated, lo, hi, halves)


def _single(pattern: GoRegexp, at: int) -> _Range:
    node = _Range(at, at + 1)
    regex = pattern._regex
    if regex is None:
        regex = _re2_compile(translate(pattern.pattern, pattern.go), pattern.pattern)
    node._regex = regex._regexp
    return node


def _joined(translated: Sequence[str], lo: int, hi: int, children: tuple[_Range, ...]) -> _Range:
    node = _Range(lo, hi, children)
    node._translated = translated[lo:hi]
    return node


def _collect(node: _Range, data: bytes, out: list[int], top: bool = False) -> None:
    if not node.children:
        out.extend(node.leaf_hits(data))
        return
    # The caller asked the parent already (a child is asked only when its parent matched).
    if top and not node.found(data):
        return
    for child in node.children:
        if child.children and not child.found(data):
            continue
        _collect(child, data, out)


def _first(node: _Range, data: bytes, lo: int, hi: int, top: bool = False) -> int | None:
    if node.hi <= lo or node.lo >= hi:
        return None
    if not node.children:
        hits = [i for i in node.leaf_hits(data) if lo <= i < hi]
        return min(hits) if hits else None
    inside = lo <= node.lo and node.hi <= hi
    if inside and top and not node.found(data):
        return None
    for child in node.children:
        if child.hi <= lo or child.lo >= hi:
            continue
        if child.children and lo <= child.lo and child.hi <= hi and not child.found(data):
            continue
        found = _first(child, data, lo, hi)
        if found is not None:
            return found
    return None


def _any(node: _Range, data: bytes, lo: int, hi: int) -> bool:
    if node.hi <= lo or node.lo >= hi:
        return False
    if lo <= node.lo and node.hi <= hi:
        return node.found(data)
    if not node.children:
        return any(lo <= i < hi for i in node.leaf_hits(data))
    return any(_any(child, data, lo, hi) for child in node.children)
