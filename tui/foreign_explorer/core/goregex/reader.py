"""Reading the pattern text: escapes and character classes."""

from __future__ import annotations

from collections.abc import Sequence

from foreign_explorer.core.goregex.builder import _TreeBuilder
from foreign_explorer.core.goregex.errors import (
    ERR_CHAR_RANGE,
    ERR_ESCAPE,
    ERR_MISSING_BRACKET,
    ERR_TRAILING_BACKSLASH,
    ERR_UTF8,
    _ParseError,
)
from foreign_explorer.core.goregex.spelling import _class_text, _complement
from foreign_explorer.core.goregex.syntax import (
    _BOT,
    _CHAR_CLASS,
    _EOT,
    _FOLD,
    _NO_WORD_B,
    _PERL_GROUPS,
    _POSIX_GROUPS,
    _WORD_B,
    _append_class,
    _append_folded_range,
    _append_negated_class,
    _append_range,
    _clean_class,
    _folded_clean,
)
from foreign_explorer.core.goregex.unicode import _MAX_RUNE, GoTable, unicode_class


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_alnum(ch: str) -> bool:
    return "0" <= ch <= "9" or "A" <= ch <= "Z" or "a" <= ch <= "z"


def _unhex(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "a" <= ch <= "f":
        return ord(ch) - 87
    if "A" <= ch <= "F":
        return ord(ch) - 55
    return -1


_C_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}


class _PatternReader(_TreeBuilder):
    """The escape and class half of the parser, on top of the tree builder."""

    # -- errors ----------------------------------------------------------------------------

    def _fail(self, code: str, start: int, end: int | None = None) -> _ParseError:
        expr = self.p[start:] if end is None else self.p[start:end]
        return _ParseError(code, expr, start)

    def _next_rune(self, i: int, end: int | None = None) -> str:
        ch = self.p[i]
        if _is_surrogate(ch):
            raise self._fail(ERR_UTF8, i, end)
        return ch

    def _check_utf8(self, start: int, end: int) -> None:
        for k in range(start, end):
            if _is_surrogate(self.p[k]):
                raise self._fail(ERR_UTF8, k, end)

    # -- escapes -----------------------------------------------------------------------------

    def _backslash(self, i: int) -> int:
        p, n = self.p, self.n
        if i + 1 < n:
            c = p[i + 1]
            simple = {"A": (_BOT, r"\A"), "b": (_WORD_B, r"\b"), "B": (_NO_WORD_B, r"\B")}
            if c in simple:
                op, text = simple[c]
                self._op(op)
                self.out.atom(text)
                return i + 2
            if c == "z":
                self._op(_EOT)
                self.out.atom(r"\z")
                return i + 2
            if c == "C":
                raise self._fail(ERR_ESCAPE, i, i + 2)
            if c == "Q":
                end = p.find(r"\E", i + 2)
                stop = n if end < 0 else end
                for k in range(i + 2, stop):
                    ch = self._next_rune(k, stop)
                    self._literal(ord(ch))
                return n if end < 0 else end + 2

        re = self._new(_CHAR_CLASS)
        re.flags = self.flags
        if i + 1 < n and p[i + 1] in "pP":
            runes: list[int] = []
            after = self._unicode_class(i, runes)
            re.runes = runes
            self.out.atom(_class_text(runes))
            self._push(re)
            return after
        group = _PERL_GROUPS.get(p[i : i + 2])
        if group is not None:
            re.runes = self._group_runes(group)
            self.out.atom(_class_text(re.runes))
            self._push(re)
            return i + 2
        self._reuse(re)
        r, after = self._escape(i)
        self._literal(r)
        return after

    def _escape(self, i: int) -> tuple[int, int]:
        """One escaped character (Go's parseEscape); i is at the backslash."""
        p, n = self.p, self.n
        t = i + 1
        if t >= n:
            raise _ParseError(ERR_TRAILING_BACKSLASH, "", i)
        c = self._next_rune(t)
        t += 1
        if c < "\x80" and not _is_alnum(c):
            return ord(c), t
        if c in "1234567" and (t >= n or not "0" <= p[t] <= "7"):
            raise self._fail(ERR_ESCAPE, i, t)  # a backreference
        if c in "01234567":
            r = ord(c) - 48
            for _ in range(2):
                if t >= n or not "0" <= p[t] <= "7":
                    break
                r = r * 8 + ord(p[t]) - 48
                t += 1
            return r, t
        if c == "x":
            return self._hex_escape(i, t)
        if c in _C_ESCAPES:
            return _C_ESCAPES[c], t
        raise self._fail(ERR_ESCAPE, i, t)

    def _hex_escape(self, i: int, t: int) -> tuple[int, int]:
        n = self.n
        if t >= n:
            raise self._fail(ERR_ESCAPE, i, t)
        c = self._next_rune(t)
        t += 1
        if c == "{":
            digits = 0
            r = 0
            while True:
                if t >= n:
                    raise self._fail(ERR_ESCAPE, i, t)
                c = self._next_rune(t)
                t += 1
                if c == "}":
                    break
                v = _unhex(c)
                if v < 0:
                    raise self._fail(ERR_ESCAPE, i, t)
                r = r * 16 + v
                if r > _MAX_RUNE:
                    raise self._fail(ERR_ESCAPE, i, t)
                digits += 1
            if digits == 0:
                raise self._fail(ERR_ESCAPE, i, t)
            return r, t
        x = _unhex(c)
        if t >= n:
            y = -1  # Go decodes an empty rest as RuneError without consuming anything
        else:
            y = _unhex(self._next_rune(t))
            t += 1
        if x < 0 or y < 0:
            raise self._fail(ERR_ESCAPE, i, t)
        return x * 16 + y, t

    # -- classes -----------------------------------------------------------------------------

    def _group_runes(self, group: tuple[int, tuple[int, ...]]) -> list[int]:
        sign, ranges = group
        base: Sequence[int] = ranges
        if self.flags & _FOLD:
            base = _folded_clean(ranges, self.fold)
        out: list[int] = []
        if sign < 0:
            _append_negated_class(out, base)
        else:
            _append_class(out, base)
        return out

    def _unicode_class(self, i: int, into: list[int]) -> int:
        """\\pX, \\p{Name}, \\PX, \\P{Name} at i, appended to the class `into` as Go's
        parseUnicodeClass does; returns the index after it."""
        p, n = self.p, self.n
        sign = -1 if p[i + 1] == "P" else 1
        t = i + 2
        if t < n:
            c = self._next_rune(t)
            t += 1
        else:
            c = "\ufffd"  # Go decodes an empty rest as RuneError
        if c != "{":
            seq_end = t
            name = p[i + 2 : t]
        else:
            end = p.find("}", i)
            if end < 0:
                self._check_utf8(i, n)
                raise self._fail(ERR_CHAR_RANGE, i)
            seq_end = end + 1
            t = end + 1
            name = p[i + 3 : end]
            self._check_utf8(i + 3, end)
        if name.startswith("^"):
            sign = -sign
            name = name[1:]
        found = unicode_class(name, self.go)
        if found is None:
            raise self._fail(ERR_CHAR_RANGE, i, seq_end)
        sign *= found.sign
        if not self.flags & _FOLD or found.fold is None:
            if sign > 0:
                _append_table(into, found.table)
            else:
                _append_negated_table(into, found.table)
            return t
        # Go merges the table and its fold table, cleans them, then appends (or negates).
        merged: list[int] = []
        _append_table(merged, found.table)
        _append_table(merged, found.fold)
        merged = _clean_class(merged)
        if sign > 0:
            _append_class(into, merged)
        else:
            _append_negated_class(into, merged)
        return t

    def _class(self, i: int) -> int:
        p, n = self.p, self.n
        t = i + 1
        re = self._new(_CHAR_CLASS)
        re.flags = self.flags
        fold = bool(self.flags & _FOLD)
        negated = False
        if t < n and p[t] == "^":
            negated = True
            t += 1
        runes: list[int] = []
        first = True
        while t >= n or p[t] != "]" or first:
            first = False
            if n - t > 2 and p[t] == "[" and p[t + 1] == ":":
                end = p.find(":]", t + 2)
                if end >= 0:
                    name = p[t : end + 2]
                    group = _POSIX_GROUPS.get(name)
                    if group is None:
                        raise self._fail(ERR_CHAR_RANGE, t, end + 2)
                    runes += self._group_runes(group)
                    t = end + 2
                    continue
            if n - t >= 2 and p[t] == "\\" and p[t + 1] in "pP":
                t = self._unicode_class(t, runes)
                continue
            group = _PERL_GROUPS.get(p[t : t + 2]) if n - t >= 2 else None
            if group is not None:
                runes += self._group_runes(group)
                t += 2
                continue
            start = t
            lo, t = self._class_char(t, i)
            hi = lo
            if n - t >= 2 and p[t] == "-" and p[t + 1] != "]":
                t += 1
                hi, t = self._class_char(t, i)
                if hi < lo:
                    raise self._fail(ERR_CHAR_RANGE, start, t)
            if fold:
                _append_folded_range(runes, lo, hi, self.fold)
            else:
                _append_range(runes, lo, hi)
        t += 1
        runes = _clean_class(runes)
        if negated:
            runes = _complement(runes)
        re.runes = runes
        self.out.atom(_class_text(runes))
        self._push(re)
        return t

    def _class_char(self, t: int, class_start: int) -> tuple[int, int]:
        if t >= self.n:
            raise self._fail(ERR_MISSING_BRACKET, class_start)
        if self.p[t] == "\\":
            return self._escape(t)
        return ord(self._next_rune(t)), t + 1


def _append_table(r: list[int], table: GoTable) -> None:
    """Go's appendTable: each range, a strided one rune by rune."""
    for lo, hi, stride in table:
        if stride == 1:
            _append_range(r, lo, hi)
            continue
        for c in range(lo, hi + 1, stride):
            _append_range(r, c, c)


def _append_negated_table(r: list[int], table: GoTable) -> None:
    """Go's appendNegatedTable: the gaps between the table's runes."""
    next_lo = 0
    for lo, hi, stride in table:
        if stride == 1:
            if next_lo <= lo - 1:
                _append_range(r, next_lo, lo - 1)
            next_lo = hi + 1
            continue
        for c in range(lo, hi + 1, stride):
            if next_lo <= c - 1:
                _append_range(r, next_lo, c - 1)
            next_lo = c + 1
    if next_lo <= _MAX_RUNE:
        _append_range(r, next_lo, _MAX_RUNE)
