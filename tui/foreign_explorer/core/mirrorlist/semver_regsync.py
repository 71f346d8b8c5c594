"""Versions and ranges as regsync v0.11.5 reads `tags.semverRange` (regclient's own semver).

regsync does not use Masterminds/semver; its small parser differs in ways that change which
tags are copied:

* A version is an optional `v`, then any number of dot-separated decimal numbers (leading
  zeros allowed, each a Go int), then `-prerelease` and `+metadata` taken verbatim: `1` is
  1.0.0, `1.2.3.4` is a version, `3.19-alpine` is 3.19 with prerelease `alpine`, and `latest`
  or `1.x` are not versions. Missing numbers count as 0.
* A release sorts above its prereleases. Prereleases compare identifier by identifier, each
  identifier as runs of text and numbers. Two identifiers that are the same text without
  digits end the comparison as equal, so `1.0.0-alpha.1` equals `1.0.0-alpha.2`.
* A range is comparisons separated by white space, all of which must hold: `=` (or none),
  `>`, `<`, `>=`, `<=`, `~1.2.3` (>=1.2.3 <1.3.0), `^1.2.3` (>=1.2.3 <2.0.0; <0.3.0 for
  ^0.2.3; <0.0.4 for ^0.0.3). No `||`, no `x`, no space between an operator and its version.
* Prerelease versions are compared like any other: `<2.0.0` admits `2.0.0-rc1` and `>=3.19`
  admits `3.19.1-alpine`.

Written from regclient's documentation and behaviour, checked against it by oracle vectors
(tests/oracle/semver_regsync_oracle.go).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from foreign_explorer.core.errors import ForeignExplorerError

_INT_MAX = 2**63 - 1
_DIGITS = frozenset("0123456789")
# Go's unicode.IsSpace, which strings.Fields and strings.TrimSpace split on.
_GO_SPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)


class SemverRangeError(ForeignExplorerError):
    """A semverRange string regsync refuses; the message is regsync's."""


@dataclass(frozen=True)
class Version:
    numbers: tuple[int, ...]
    prerelease: str = ""

    def part(self, index: int) -> int:
        return self.numbers[index] if index < len(self.numbers) else 0


def _atoi(text: str) -> int | None:
    """Go's strconv.Atoi for what can reach it here (no sign: '+' and '-' were split off)."""
    if not text or not set(text) <= _DIGITS:
        return None
    value = int(text)
    return value if value <= _INT_MAX else None


def parse_version(text: str) -> Version | None:
    """regsync's semver.NewVersion; None when it fails."""
    rest = text.removeprefix("v").partition("+")[0]
    numbers_text, _, prerelease = rest.partition("-")
    numbers = [_atoi(part) for part in numbers_text.split(".")]
    if any(number is None for number in numbers):
        return None
    return Version(tuple(numbers), prerelease)  # type: ignore[arg-type]


def _split_numeric(text: str) -> tuple[str, str, str]:
    """(text before the first digit, the digits that follow, the rest)."""
    start = next((i for i, ch in enumerate(text) if ch in _DIGITS), len(text))
    end = start
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return text[:start], text[start:end], text[end:]


def _compare_prereleases(a: str, b: str) -> int:
    left, right = a.split("."), b.split(".")
    for mine, other in zip(left, right, strict=False):
        while mine and other:
            mine_head, mine_digits, mine = _split_numeric(mine)
            other_head, other_digits, other = _split_numeric(other)
            if mine_head != other_head:
                return -1 if mine_head < other_head else 1
            mine_number, other_number = _atoi(mine_digits), _atoi(other_digits)
            if mine_number is None or other_number is None:
                # No number on one side: the side with a number is greater, and with
                # numbers on neither side the whole comparison stops, as equal.
                if other_number is not None:
                    return -1
                if mine_number is not None:
                    return 1
                return 0
            if mine_number != other_number:
                return -1 if mine_number < other_number else 1
        if mine:
            return 1
        if other:
            return -1
    if len(left) != len(right):
        return -1 if len(left) < len(right) else 1
    return 0


def compare(a: Version, b: Version) -> int:
    for index in range(max(len(a.numbers), len(b.numbers))):
        x, y = a.part(index), b.part(index)
        if x != y:
            return -1 if x < y else 1
    if a.prerelease == "" and b.prerelease != "":
        return 1
    if a.prerelease != "" and b.prerelease == "":
        return -1
    if a.prerelease != b.prerelease:
        return _compare_prereleases(a.prerelease, b.prerelease)
    return 0


_HOLDS = {
    "=": lambda order: order == 0,
    ">": lambda order: order > 0,
    ">=": lambda order: order >= 0,
    "<": lambda order: order < 0,
    "<=": lambda order: order <= 0,
}


@dataclass(frozen=True)
class Range:
    """One semverRange string: every comparison must hold."""

    text: str
    comparisons: tuple[tuple[str, Version], ...]

    def check(self, v: Version) -> bool:
        return all(_HOLDS[op](compare(v, bound)) for op, bound in self.comparisons)


def _fields(text: str) -> list[str]:
    fields, current = [], ""
    for ch in text:
        if ch in _GO_SPACE:
            if current:
                fields.append(current)
            current = ""
        else:
            current += ch
    if current:
        fields.append(current)
    return fields


def _version_or_fail(text: str, what: str) -> Version:
    version = parse_version(text)
    if version is None:
        index = _failing_part(text)
        raise SemverRangeError(f"{what}: invalid version part {index}: {text}")
    return version


def _failing_part(text: str) -> int:
    numbers_text = text.removeprefix("v").partition("+")[0].partition("-")[0]
    return next(i for i, part in enumerate(numbers_text.split(".")) if _atoi(part) is None)


@lru_cache(maxsize=256)
def parse_range(text: str) -> Range:
    """regsync's semver.NewConstraint; raises SemverRangeError with regsync's message."""
    fields = _fields(text)
    if not fields:
        raise SemverRangeError("empty constraint")
    comparisons: list[tuple[str, Version]] = []
    for field in fields:
        if field.startswith("^"):
            low = _version_or_fail(field[1:], "invalid caret constraint version")
            if low.part(0) > 0:
                high = Version((low.part(0) + 1, 0, 0))
            elif low.part(1) > 0:
                high = Version((0, low.part(1) + 1, 0))
            else:
                high = Version((0, 0, low.part(2) + 1))
            comparisons += [(">=", low), ("<", high)]
        elif field.startswith("~"):
            low = _version_or_fail(field[1:], "invalid tilde constraint version")
            comparisons += [(">=", low), ("<", Version((low.part(0), low.part(1) + 1, 0)))]
        else:
            op = next((o for o in (">=", "<=", ">", "<", "=") if field.startswith(o)), "")
            version = _version_or_fail(field[len(op) :], "invalid constraint version")
            comparisons.append((op or "=", version))
    return Range(text, tuple(comparisons))
