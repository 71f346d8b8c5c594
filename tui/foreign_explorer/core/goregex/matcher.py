"""Compiling and matching: translate, GoRegexp, compile_go with its cache, PatternSet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
    return _compile_cached(pattern, tuple(go))


# A GoRegexp is immutable and a pure function of (pattern, Go version), so one compiled copy
# serves every policy naming it: the app recompiles the policy on each keystroke, with all
# but one pattern unchanged. Failures are not cached (lru_cache does not keep exceptions).
@lru_cache(maxsize=256)
def _compile_cached(pattern: str, go: GoVersion) -> GoRegexp:
    translated, root = _parsed(pattern, go)
    regex = _re2_compile(translated, pattern)
    return GoRegexp(pattern=pattern, go=go, translated=translated, _regex=regex, _root=root)


# Beyond this much compiled program, RE2::Set's DFA may give up silently; search one by one.
_SET_PROGRAM_LIMIT = 20_000


class PatternSet:
    """All patterns of one list, for the per-keystroke path: one RE2 Set call per text."""

    def __init__(self, patterns: Sequence[GoRegexp]) -> None:
        self.patterns = tuple(patterns)
        self._set: re2.Set | None = None
        total = 0
        for pattern in self.patterns:
            regex = pattern._regex
            total += regex.programsize if regex is not None else _SET_PROGRAM_LIMIT
        if self.patterns and total < _SET_PROGRAM_LIMIT:
            rset = re2.Set.SearchSet(_OPTIONS)
            for pattern in self.patterns:
                rset.Add(pattern.translated or translate(pattern.pattern, pattern.go))
            rset.Compile()
            self._set = rset

    def matching(self, text: str) -> list[int]:
        """Indexes of every pattern that search-matches text (Go's MatchString)."""
        if self._set is None:
            return [i for i, pattern in enumerate(self.patterns) if pattern.matches(text)]
        found = self._set.Match(_sanitize(text))
        return sorted(found) if found else []

    def matching_bytes(self, data: bytes) -> list[int]:
        """matching() for text already encoded as UTF-8 (invalid bytes match as RE2 decides)."""
        if self._set is None:
            return self.matching(data.decode("utf-8", "replace"))
        found = self._set.Match(data)
        return sorted(found) if found else []

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
