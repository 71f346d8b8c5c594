"""Go's regexp/syntax parser: the main loop over the pattern, groups, repeats, flags."""

from __future__ import annotations

from foreign_explorer.core.goregex.errors import (
    ERR_MISSING_PAREN,
    ERR_MISSING_REPEAT_ARG,
    ERR_NAMED_CAPTURE,
    ERR_PERL_OP,
    ERR_REPEAT_OP,
    ERR_REPEAT_SIZE,
    ERR_UNEXPECTED_PAREN,
    _ParseError,
)
from foreign_explorer.core.goregex.reader import _is_alnum, _is_digit, _PatternReader
from foreign_explorer.core.goregex.spelling import _Emitter
from foreign_explorer.core.goregex.syntax import (
    _ANY_CHAR,
    _ANY_NOT_NL,
    _BOL,
    _BOT,
    _CAPTURE,
    _DOT_NL,
    _EOL,
    _EOT,
    _FLAG_MASK,
    _FOLD,
    _LEFT_PAREN,
    _MAX_REPEAT,
    _NON_GREEDY,
    _ONE_LINE,
    _PERL,
    _PLUS,
    _PSEUDO,
    _QUEST,
    _REPEAT,
    _STAR,
    _VERTICAL_BAR,
    _WAS_DOLLAR,
    _Node,
    _repeat_is_valid,
)
from foreign_explorer.core.goregex.unicode import LazyFold
from foreign_explorer.core.profiles import GoVersion

# Go versions where the parser's behaviour changes.
_GO_NAMED_ANGLE = (1, 22, 0)  # (?<name>...) accepted
_GO_SIZE_LIMITS = (1, 19, 2)  # CVE-2022-41715: size and rune limits


class _Parser(_PatternReader):
    def __init__(self, pattern: str, go: GoVersion) -> None:
        self.p = pattern
        self.n = len(pattern)
        self.go = go
        # This Go's unicode.SimpleFold: case folding follows its Unicode tables (read when a
        # rune is first folded).
        self.fold = LazyFold(go)
        self.limits = go >= _GO_SIZE_LIMITS
        self.flags = _PERL
        self.stack: list[_Node] = []
        self.free: list[_Node] = []
        self.num_cap = 0
        self.num_regexp = 0
        self.num_runes = 0
        self.repeats = 0
        self.size: dict[_Node, int] | None = None
        self.height: dict[_Node, int] | None = None
        self.out = _Emitter()
        self.open_parens: list[int] = []

    # -- the main loop ----------------------------------------------------------------------

    def parse(self) -> str:
        p, n = self.p, self.n
        i = 0
        last_repeat: int | None = None
        while i < n:
            repeat: int | None = None
            c = p[i]
            if c == "(":
                if i + 1 < n and p[i + 1] == "?":
                    i = self._perl_flags(i)
                else:
                    self.num_cap += 1
                    paren = self._op(_LEFT_PAREN)
                    assert paren is not None
                    paren.cap = self.num_cap
                    self._open(i)
                    i += 1
            elif c == "|":
                self._concat()
                if not self._swap_vertical_bar():
                    self._op(_VERTICAL_BAR)
                self.out.bar()
                i += 1
            elif c == ")":
                self._right_paren(i)
                i += 1
            elif c == "^":
                if self.flags & _ONE_LINE:
                    self._op(_BOT)
                    self.out.atom(r"\A")
                else:
                    self._op(_BOL)
                    self.out.atom("(?m:^)")
                i += 1
            elif c == "$":
                if self.flags & _ONE_LINE:
                    re = self._op(_EOT)
                    if re is not None:
                        re.flags |= _WAS_DOLLAR
                    self.out.atom(r"\z")
                else:
                    self._op(_EOL)
                    self.out.atom("(?m:$)")
                i += 1
            elif c == ".":
                if self.flags & _DOT_NL:
                    self._op(_ANY_CHAR)
                    self.out.atom("(?s:.)")
                else:
                    self._op(_ANY_NOT_NL)
                    self.out.atom("(?-s:.)")
                i += 1
            elif c == "[":
                i = self._class(i)
            elif c in "*+?":
                op = {"*": _STAR, "+": _PLUS, "?": _QUEST}[c]
                repeat = i
                i = self._repeat(op, 0, 0, i, i + 1, last_repeat, c)
            elif c == "{":
                parsed = self._parse_repeat(i)
                if parsed is None:
                    self._literal(ord("{"))
                    i += 1
                else:
                    lo, hi, after = parsed
                    if lo < 0 or lo > _MAX_REPEAT or hi > _MAX_REPEAT or (0 <= hi < lo):
                        raise self._fail(ERR_REPEAT_SIZE, i, after)
                    text = (
                        f"{{{lo}}}" if lo == hi else f"{{{lo},}}" if hi == -1 else f"{{{lo},{hi}}}"
                    )
                    repeat = i
                    i = self._repeat(_REPEAT, lo, hi, i, after, last_repeat, text)
            elif c == "\\":
                i = self._backslash(i)
            else:
                ch = self._next_rune(i)
                self._literal(ord(ch))
                i += 1
            last_repeat = repeat

        self._concat()
        if self._swap_vertical_bar():
            self.stack.pop()
        self._alternate()
        if len(self.stack) != 1:
            caret = self.open_parens[-1] if self.open_parens else None
            raise _ParseError(ERR_MISSING_PAREN, p, 0, caret)
        return self.out.result()

    def _open(self, at: int) -> None:
        self.open_parens.append(at)
        self.out.open()

    def _right_paren(self, at: int) -> None:
        self._concat()
        if self._swap_vertical_bar():
            self.stack.pop()
        self._alternate()
        stack = self.stack
        if len(stack) < 2:
            raise _ParseError(ERR_UNEXPECTED_PAREN, self.p, 0, at)
        re1 = stack.pop()
        re2 = stack.pop()
        if re2.op != _LEFT_PAREN:
            raise _ParseError(ERR_UNEXPECTED_PAREN, self.p, 0, at)
        self.flags = re2.flags
        if re2.cap == 0:
            self._push(re1)
        else:
            re2.op = _CAPTURE
            re2.subs = [re1]
            self._push(re2)
        self.open_parens.pop()
        self.out.close()

    def _repeat(
        self,
        op: int,
        lo: int,
        hi: int,
        before: int,
        after: int,
        last_repeat: int | None,
        text: str,
    ) -> int:
        flags = self.flags
        if after < self.n and self.p[after] == "?":
            after += 1
            flags ^= _NON_GREEDY
        if last_repeat is not None:
            raise self._fail(ERR_REPEAT_OP, last_repeat, after)
        if not self.stack or self.stack[-1].op >= _PSEUDO:
            raise self._fail(ERR_MISSING_REPEAT_ARG, before, after)
        sub = self.stack[-1]
        re = self._new(op)
        re.min, re.max, re.flags = lo, hi, flags
        re.subs = [sub]
        self.stack[-1] = re
        self._check_limits(re)
        if op == _REPEAT and (lo >= 2 or hi >= 2) and not _repeat_is_valid(re, _MAX_REPEAT):
            raise self._fail(ERR_REPEAT_SIZE, before, after)
        self.out.repeat(text + ("?" if flags & _NON_GREEDY else ""))
        return after

    def _parse_int(self, j: int) -> tuple[int, int] | None:
        p, n = self.p, self.n
        if j >= n or not _is_digit(p[j]):
            return None
        if j + 1 < n and p[j] == "0" and _is_digit(p[j + 1]):
            return None  # Go disallows leading zeros: such a brace is a literal
        start = j
        while j < n and _is_digit(p[j]):
            j += 1
        value = 0
        for k in range(start, j):
            if value >= 100_000_000:
                value = -1
                break
            value = value * 10 + ord(p[k]) - 48
        return value, j

    def _parse_repeat(self, i: int) -> tuple[int, int, int] | None:
        p, n = self.p, self.n
        got = self._parse_int(i + 1)
        if got is None:
            return None
        lo, j = got
        if j >= n:
            return None
        if p[j] != ",":
            hi = lo
        else:
            j += 1
            if j >= n:
                return None
            if p[j] == "}":
                hi = -1
            else:
                got = self._parse_int(j)
                if got is None:
                    return None
                hi, j = got
                if hi < 0:
                    lo = -1
        if j >= n or p[j] != "}":
            return None
        return lo, hi, j + 1

    def _perl_flags(self, i: int) -> int:
        p, n = self.p, self.n
        starts_p = n - i > 4 and p[i + 2] == "P" and p[i + 3] == "<"
        starts_angle = self.go >= _GO_NAMED_ANGLE and n - i > 3 and p[i + 2] == "<"
        if starts_p or starts_angle:
            name_start = i + (4 if starts_p else 3)
            end = p.find(">", i)
            if end < 0:
                self._check_utf8(i, n)
                raise self._fail(ERR_NAMED_CAPTURE, i)
            self._check_utf8(name_start, end)
            name = p[name_start:end]
            if not name or not all(ch == "_" or _is_alnum(ch) for ch in name):
                raise self._fail(ERR_NAMED_CAPTURE, i, end + 1)
            self.num_cap += 1
            paren = self._op(_LEFT_PAREN)
            assert paren is not None
            paren.cap = self.num_cap
            self._open(i)
            return end + 1

        t = i + 2
        flags = self.flags
        sign = 1
        saw_flag = False
        while t < n:
            c = self._next_rune(t)
            t += 1
            if c == "i":
                flags |= _FOLD
                saw_flag = True
            elif c == "m":
                flags &= ~_ONE_LINE & _FLAG_MASK
                saw_flag = True
            elif c == "s":
                flags |= _DOT_NL
                saw_flag = True
            elif c == "U":
                flags |= _NON_GREEDY
                saw_flag = True
            elif c == "-":
                if sign < 0:
                    break
                sign = -1
                flags ^= _FLAG_MASK  # invert, so the flag letters above clear instead of set
                saw_flag = False
            elif c in ":)":
                if sign < 0:
                    if not saw_flag:
                        break
                    flags ^= _FLAG_MASK
                if c == ":":
                    self._op(_LEFT_PAREN)
                    self._open(i)
                self.flags = flags
                return t
            else:
                break
        raise self._fail(ERR_PERL_OP, i, t)
