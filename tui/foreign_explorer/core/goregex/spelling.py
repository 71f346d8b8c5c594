"""The RE2 side: engine options, classes spelled rune by rune, the pattern emitter."""

from __future__ import annotations

from collections.abc import Sequence

import re2

from foreign_explorer.core.goregex.unicode import _MAX_RUNE

_RE2_MAX_MEM = 256 << 20  # Go accepts programs up to ~3.3M instructions; RE2's default is 8 MiB


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would write parse errors to stderr (and garble a TUI)
    options.max_mem = _RE2_MAX_MEM
    return options


_OPTIONS = _re2_options()


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


def _class_text(runes: Sequence[int]) -> str:
    """A Go class (its clean or unclean [lo, hi] pairs) as an RE2 class of the same runes.

    Classes are spelled out rune range by rune range, never by name (`\\pL`) nor under
    `(?i)`: RE2's Unicode tables are not the registry's Go's.
    """
    if not runes:
        return r"[^\x{0}-\x{10FFFF}]"  # the empty class: RE2 has no []
    return f"[{_ranges_items(runes)}]"


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


def _literal_text(r: int, orbit: Sequence[int] = ()) -> str:
    """A literal rune, or under (?i) its case orbit in Go's tables (`orbit`, r included)."""
    if len(orbit) > 1:
        return _class_text([bound for member in sorted(orbit) for bound in (member, member)])
    return chr(r) if r < 0x80 and chr(r).isalnum() else _hex(r)
