"""The model of Go's parse tree: case folding, rune-list classes, ops, flags, nodes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from foreign_explorer.core.goregex.spelling import _complement
from foreign_explorer.core.goregex.unicode import _MAX_RUNE

# Case folding, for the tree model: `fold` is the Go version's unicode.SimpleFold, as a map of
# the runes it moves (see goregex.unicode).

_MIN_FOLD = 0x41
_MAX_FOLD = 0x1E943


def _simple_fold(r: int, fold: Mapping[int, int]) -> int:
    return fold.get(r, r)


def _min_fold(r: int, fold: Mapping[int, int]) -> int:
    if r < _MIN_FOLD or r > _MAX_FOLD:
        return r
    best = r
    f = fold.get(r, r)
    while f != r:
        best = min(best, f)
        f = fold.get(f, f)
    return best


def _orbit(r: int, fold: Mapping[int, int]) -> list[int]:
    """r and every rune Go's case folding makes equal to it."""
    out = [r]
    f = fold.get(r, r)
    while f != r:
        out.append(f)
        f = fold.get(f, f)
    return out


# Character classes as flat rune lists (lo, hi, lo, hi, ...), the way Go builds them.


def _append_range(r: list[int], lo: int, hi: int) -> None:
    n = len(r)
    for i in (2, 4):  # Go folds into the last or next-to-last range when they touch
        if n >= i:
            rlo, rhi = r[n - i], r[n - i + 1]
            if lo <= rhi + 1 and rlo <= hi + 1:
                if lo < rlo:
                    r[n - i] = lo
                if hi > rhi:
                    r[n - i + 1] = hi
                return
    r += [lo, hi]


def _append_folded_range(r: list[int], lo: int, hi: int, fold: Mapping[int, int]) -> None:
    if lo <= _MIN_FOLD and hi >= _MAX_FOLD:
        _append_range(r, lo, hi)
        return
    if hi < _MIN_FOLD or lo > _MAX_FOLD:
        _append_range(r, lo, hi)
        return
    if lo < _MIN_FOLD:
        _append_range(r, lo, _MIN_FOLD - 1)
        lo = _MIN_FOLD
    if hi > _MAX_FOLD:
        _append_range(r, _MAX_FOLD + 1, hi)
        hi = _MAX_FOLD
    for c in range(lo, hi + 1):
        _append_range(r, c, c)
        f = fold.get(c, c)
        while f != c:
            _append_range(r, f, f)
            f = fold.get(f, f)


def _append_class(r: list[int], x: Sequence[int]) -> None:
    if not r:
        r.extend(x)  # x is clean: appending range by range would give the same list
        return
    for i in range(0, len(x), 2):
        _append_range(r, x[i], x[i + 1])


def _append_negated_class(r: list[int], x: Sequence[int]) -> None:
    _append_class(r, _complement(x))


def _clean_class(r: list[int]) -> list[int]:
    pairs = sorted(((r[i], r[i + 1]) for i in range(0, len(r), 2)), key=lambda p: (p[0], -p[1]))
    out: list[int] = []
    for lo, hi in pairs:
        if out and lo <= out[-1] + 1:
            if hi > out[-1]:
                out[-1] = hi
            continue
        out += [lo, hi]
    return out


def _folded_clean(x: Sequence[int], fold: Mapping[int, int]) -> list[int]:
    tmp: list[int] = []
    for i in range(0, len(x), 2):
        _append_folded_range(tmp, x[i], x[i + 1], fold)
    return _clean_class(tmp)


_PERL_GROUPS: dict[str, tuple[int, tuple[int, ...]]] = {
    r"\d": (1, (0x30, 0x39)),
    r"\D": (-1, (0x30, 0x39)),
    r"\s": (1, (0x9, 0xA, 0xC, 0xD, 0x20, 0x20)),
    r"\S": (-1, (0x9, 0xA, 0xC, 0xD, 0x20, 0x20)),
    r"\w": (1, (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A)),
    r"\W": (-1, (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A)),
}
_POSIX_CLASSES: dict[str, tuple[int, ...]] = {
    "alnum": (0x30, 0x39, 0x41, 0x5A, 0x61, 0x7A),
    "alpha": (0x41, 0x5A, 0x61, 0x7A),
    "ascii": (0x0, 0x7F),
    "blank": (0x9, 0x9, 0x20, 0x20),
    "cntrl": (0x0, 0x1F, 0x7F, 0x7F),
    "digit": (0x30, 0x39),
    "graph": (0x21, 0x7E),
    "lower": (0x61, 0x7A),
    "print": (0x20, 0x7E),
    "punct": (0x21, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E),
    "space": (0x9, 0xD, 0x20, 0x20),
    "upper": (0x41, 0x5A),
    "word": (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A),
    "xdigit": (0x30, 0x39, 0x41, 0x46, 0x61, 0x66),
}
_POSIX_GROUPS: dict[str, tuple[int, tuple[int, ...]]] = {}
for _name, _ranges in _POSIX_CLASSES.items():
    _POSIX_GROUPS[f"[:{_name}:]"] = (1, _ranges)
    _POSIX_GROUPS[f"[:^{_name}:]"] = (-1, _ranges)


# Go's Op values: their order matters (pseudo-ops sort last, "more complex" classes sort later).
_NO_MATCH, _EMPTY, _LITERAL, _CHAR_CLASS, _ANY_NOT_NL, _ANY_CHAR = 1, 2, 3, 4, 5, 6
_BOL, _EOL, _BOT, _EOT, _WORD_B, _NO_WORD_B = 7, 8, 9, 10, 11, 12
_CAPTURE, _STAR, _PLUS, _QUEST, _REPEAT, _CONCAT, _ALTERNATE = 13, 14, 15, 16, 17, 18, 19
_PSEUDO = 128
_LEFT_PAREN, _VERTICAL_BAR = 128, 129

# Go's parse flags (only the ones that matter here).
_FOLD, _CLASS_NL, _DOT_NL, _ONE_LINE, _NON_GREEDY, _PERL_X, _UNICODE = 1, 4, 8, 16, 32, 64, 128
_WAS_DOLLAR = 256
_PERL = _CLASS_NL | _ONE_LINE | _PERL_X | _UNICODE
_FLAG_MASK = 0xFFFF

_MAX_HEIGHT = 1000
_MAX_SIZE = (128 << 20) // 40
_MAX_RUNES = (128 << 20) // 4
_MAX_REPEAT = 1000


class _Node:
    """One Go Regexp node; recycled through a free list like Go's, since identity matters."""

    __slots__ = ("cap", "flags", "max", "min", "op", "runes", "subs")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.op = 0
        self.flags = 0
        self.runes: list[int] = []
        self.subs: list[_Node] = []
        self.min = 0
        self.max = 0
        self.cap = 0


def _is_char_class(re: _Node) -> bool:
    return (
        (re.op == _LITERAL and len(re.runes) == 1)
        or re.op == _CHAR_CLASS
        or re.op == _ANY_NOT_NL
        or re.op == _ANY_CHAR
    )


def _match_rune(re: _Node, r: int) -> bool:
    if re.op == _LITERAL:
        return len(re.runes) == 1 and re.runes[0] == r
    if re.op == _CHAR_CLASS:
        return any(re.runes[i] <= r <= re.runes[i + 1] for i in range(0, len(re.runes), 2))
    if re.op == _ANY_NOT_NL:
        return r != 0xA
    return re.op == _ANY_CHAR


def _equal(x: _Node | None, y: _Node | None) -> bool:
    """Go's Regexp.Equal, without recursion (trees may be ~1000 deep)."""
    work = [(x, y)]
    while work:
        a, b = work.pop()
        if a is None or b is None:
            if a is not b:
                return False
            continue
        if a.op != b.op:
            return False
        op = a.op
        if op == _EOT:
            if a.flags & _WAS_DOLLAR != b.flags & _WAS_DOLLAR:
                return False
        elif op in (_LITERAL, _CHAR_CLASS):
            if a.runes != b.runes:
                return False
        elif op in (_ALTERNATE, _CONCAT):
            if len(a.subs) != len(b.subs):
                return False
            work.extend(zip(a.subs, b.subs, strict=True))
        elif op in (_STAR, _PLUS, _QUEST):
            if a.flags & _NON_GREEDY != b.flags & _NON_GREEDY:
                return False
            work.append((a.subs[0], b.subs[0]))
        elif op == _REPEAT:
            if a.flags & _NON_GREEDY != b.flags & _NON_GREEDY or a.min != b.min or a.max != b.max:
                return False
            work.append((a.subs[0], b.subs[0]))
        elif op == _CAPTURE:
            if a.cap != b.cap:
                return False
            work.append((a.subs[0], b.subs[0]))
    return True


def _repeat_is_valid(re: _Node, n: int) -> bool:
    work = [(re, n)]
    while work:
        node, budget = work.pop()
        if node.op == _REPEAT:
            m = node.max
            if m == 0:
                continue
            if m < 0:
                m = node.min
            if m > budget:
                return False
            if m > 0:
                budget //= m
        work.extend((sub, budget) for sub in node.subs)
    return True


def _leading_string(re: _Node) -> tuple[list[int], int]:
    if re.op == _CONCAT and re.subs:
        re = re.subs[0]
    if re.op != _LITERAL:
        return [], 0
    return re.runes, re.flags & _FOLD


def _leading_regexp(re: _Node) -> _Node | None:
    if re.op == _EMPTY:
        return None
    if re.op == _CONCAT and re.subs:
        sub = re.subs[0]
        return None if sub.op == _EMPTY else sub
    return re


def _clean_alt(re: _Node) -> None:
    if re.op == _CHAR_CLASS:
        re.runes = _clean_class(re.runes)
        if re.runes == [0, _MAX_RUNE]:
            re.runes = []
            re.op = _ANY_CHAR
        elif re.runes == [0, 9, 11, _MAX_RUNE]:
            re.runes = []
            re.op = _ANY_NOT_NL


def _append_literal(r: list[int], x: int, flags: int, fold: Mapping[int, int]) -> None:
    if flags & _FOLD:
        _append_folded_range(r, x, x, fold)
    else:
        _append_range(r, x, x)


def _merge_char_class(dst: _Node, src: _Node, fold: Mapping[int, int]) -> None:
    if dst.op == _ANY_CHAR:
        return
    if dst.op == _ANY_NOT_NL:
        if _match_rune(src, 0xA):
            dst.op = _ANY_CHAR
        return
    if dst.op == _CHAR_CLASS:
        if src.op == _LITERAL:
            _append_literal(dst.runes, src.runes[0], src.flags, fold)
        else:
            for k in range(0, len(src.runes), 2):  # src may be unclean here
                _append_range(dst.runes, src.runes[k], src.runes[k + 1])
        return
    if dst.op == _LITERAL:
        if src.runes[0] == dst.runes[0] and src.flags == dst.flags:
            return
        first = dst.runes[0]
        dst.op = _CHAR_CLASS
        dst.runes = []
        _append_literal(dst.runes, first, dst.flags, fold)
        _append_literal(dst.runes, src.runes[0], src.flags, fold)
