"""The RE2 side: engine options, class tables probed from RE2, the pattern emitter."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import re2

from foreign_explorer.core.goregex.unicode import _MAX_RUNE, _UTable

_RE2_MAX_MEM = 256 << 20  # Go accepts programs up to ~3.3M instructions; RE2's default is 8 MiB


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would write parse errors to stderr (and garble a TUI)
    options.max_mem = _RE2_MAX_MEM
    return options


_OPTIONS = _re2_options()
_PROBE_LOCK = threading.Lock()
_probe_text: str | None = None
_probe_cache: dict[tuple[str, bool], tuple[int, ...]] = {}


def _all_code_points() -> str:
    """Every code point except surrogates, in order: RE2 tables are read off it."""
    global _probe_text
    if _probe_text is None:
        _probe_text = "".join(map(chr, range(0xD800))) + "".join(
            map(chr, range(0xE000, _MAX_RUNE + 1))
        )
    return _probe_text


def _probe(items: str, fold: bool) -> tuple[int, ...]:
    """The sorted, merged ranges (flat lo, hi pairs) RE2 matches with the class [items]."""
    key = (items, fold)
    with _PROBE_LOCK:
        cached = _probe_cache.get(key)
        if cached is not None:
            return cached
        if not items:
            result: tuple[int, ...] = ()
        else:
            pattern = f"(?i:[{items}])+" if fold else f"[{items}]+"
            rx = re2.compile(pattern, _OPTIONS)
            flat: list[int] = []
            for match in rx.finditer(_all_code_points()):
                lo, hi = match.span()
                lo = lo if lo < 0xD800 else lo + 0x800
                hi = (hi - 1) if hi - 1 < 0xD800 else hi - 1 + 0x800
                if flat and flat[-1] + 1 >= lo:
                    flat[-1] = hi
                else:
                    flat += [lo, hi]
            # Surrogates are never in the probe text: a class spanning them is joined here.
            result = tuple(_join_over_surrogates(flat))
        _probe_cache[key] = result
        return result


def _join_over_surrogates(flat: list[int]) -> list[int]:
    out: list[int] = []
    for i in range(0, len(flat), 2):
        lo, hi = flat[i], flat[i + 1]
        if out and out[-1] == 0xD7FF and lo == 0xE000:
            out[-1] = hi
        else:
            out += [lo, hi]
    return out


def _complement(flat: Sequence[int]) -> list[int]:
    out: list[int] = []
    next_lo = 0
    for i in range(0, len(flat), 2):
        lo, hi = flat[i], flat[i + 1]
        if next_lo <= lo - 1:
            out += [next_lo, lo - 1]
        next_lo = hi + 1
    if next_lo <= _MAX_RUNE:
        out += [next_lo, _MAX_RUNE]
    return out


def _hex(r: int) -> str:
    return f"\\x{{{r:X}}}"


def _ranges_items(flat: Sequence[int]) -> str:
    parts = []
    for i in range(0, len(flat), 2):
        lo, hi = flat[i], flat[i + 1]
        parts.append(_hex(lo) if lo == hi else f"{_hex(lo)}-{_hex(hi)}")
    return "".join(parts)


def _table_ranges(table: _UTable, fold: bool) -> Sequence[int]:
    if table.pos is not None:
        return _probe(table.pos, fold)
    assert table.neg is not None
    return _complement(_probe(table.neg, fold))


def _table_items(table: _UTable, fold: bool, positive: bool) -> str:
    wanted, other = (table.pos, table.neg) if positive else (table.neg, table.pos)
    if wanted is not None:
        return wanted
    assert other is not None
    # Go negates after folding; RE2 would fold our complement again, so spell it out folded.
    return _ranges_items(_complement(_probe(other, fold)))


# The RE2 spelling, built alongside the tree.


class _Emitter:
    """Builds the RE2 pattern: one frame per open group, atoms of the current branch."""

    def __init__(self) -> None:
        self.frames: list[tuple[list[str], list[str], list[bool]]] = [([], [], [])]

    def atom(self, text: str) -> None:
        _, atoms, repeated = self.frames[-1]
        atoms.append(text)
        repeated.append(False)

    def repeat(self, op: str) -> None:
        _, atoms, repeated = self.frames[-1]
        if not atoms:  # unreachable when Go accepted the operator; keep RE2 valid regardless
            atoms.append("(?:)")
            repeated.append(False)
        base = f"(?:{atoms[-1]})" if repeated[-1] else atoms[-1]
        atoms[-1] = base + op
        repeated[-1] = True

    def open(self) -> None:
        self.frames.append(([], [], []))

    def bar(self) -> None:
        alts, atoms, repeated = self.frames[-1]
        alts.append("".join(atoms))
        atoms.clear()
        repeated.clear()

    def close(self) -> None:
        alts, atoms, _ = self.frames.pop()
        self.atom("(?:" + "|".join([*alts, "".join(atoms)]) + ")")

    def result(self) -> str:
        alts, atoms, _ = self.frames[0]
        return "|".join([*alts, "".join(atoms)])


def _repeat_text(lo: int, hi: int) -> str:
    if lo == hi:
        return f"{{{lo}}}"
    return f"{{{lo},}}" if hi == -1 else f"{{{lo},{hi}}}"


def _literal_text(r: int, fold: bool) -> str:
    text = chr(r) if r < 0x80 and chr(r).isalnum() else _hex(r)
    if fold and not (r < 0x80 and not chr(r).isalpha()):
        return f"(?i:{text})"
    return text
