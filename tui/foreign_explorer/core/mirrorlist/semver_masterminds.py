"""Semantic versions and constraints as Masterminds/semver v3.4.0 reads them.

`skopeo sync` v1.22.2 (which vendors Masterminds/semver v3.4.0) keeps, for an
`images-by-semver` entry, every tag that `semver.NewVersion` parses and the entry's
`semver.NewConstraint` accepts. What that means, as the library behaves (not as its README
sometimes says):

* Versions are coerced: an optional lower-case `v`, one to three dot-separated numbers
  (leading zeros allowed, each below 2**64), then `-prerelease` and `+metadata` made of
  `[0-9A-Za-z-]` identifiers; a numeric prerelease identifier may not start with 0. `1.2`
  is 1.2.0; `latest`, `1.2.3.4`, `V1.0` and `1.0-alpine_3` are not versions and are skipped.
* Precedence is semver's: numbers, then a release above its prereleases, then prerelease
  identifiers (numeric ones compare as numbers and sort below alphanumeric ones, which
  compare as bytes). Metadata is ignored.
* A constraint string is OR groups split on `||`; in a group, comparisons separated by
  spaces or commas are ANDed. Operators: `=` (or none), `!=`, `>`, `<`, `>=`/`=>`,
  `<=`/`=<`, `~`/`~>`, `^`; `A - B` (spaces around the dash) means `>= A, <= B`. A version in
  a constraint may use `x`, `X` or `*` (or stop early) for the parts it leaves open.
* A prerelease version only satisfies a group that names a prerelease somewhere.
* The wildcard rules are the library's own and have corners: `^*` admits only 0.x
  versions and `<=*` only 0.0.x.

Written from the library's documented behaviour and checked against it by oracle vectors
(tests/oracle/semver_masterminds_oracle.go).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from foreign_explorer.core.errors import ForeignExplorerError

_UINT64_MAX = 2**64 - 1
_DIGITS = frozenset("0123456789")
_IDENT = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")
# Go's regexp \s: the only white space the constraint grammar knows.
_SPACE = frozenset("\t\n\f\r ")
# What a version part of a constraint may be made of ('|' included, as the library has it).
_PART = frozenset("0123456789|xX*")
_WILDCARDS = frozenset({"x", "X", "*"})
# Longest first: an operator is never followed by something a version can start with.
_OPERATORS = ("!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^")


class SemverConstraintError(ForeignExplorerError):
    """A constraint string Masterminds/semver refuses; the message is the library's."""


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: str = ""
    metadata: str = ""


def _parse_uint(text: str) -> int | None:
    """Go's strconv.ParseUint(text, 10, 64)."""
    if not text or not set(text) <= _DIGITS:
        return None
    value = int(text)
    return value if value <= _UINT64_MAX else None


def _identifiers_ok(text: str) -> bool:
    return all(part and set(part) <= _IDENT for part in text.split("."))


def parse_version(text: str) -> Version | None:
    """semver.NewVersion (coercing, as the library's default is); None when it fails."""
    rest = text[1:] if text.startswith("v") else text
    rest, plus, metadata = rest.partition("+")
    numbers, dash, prerelease = rest.partition("-")
    if (plus and not _identifiers_ok(metadata)) or (dash and not _identifiers_ok(prerelease)):
        return None
    parts = numbers.split(".")
    if len(parts) > 3 or not all(part and set(part) <= _DIGITS for part in parts):
        return None
    values = [_parse_uint(part) for part in parts]
    if any(value is None for value in values):
        return None
    for ident in prerelease.split(".") if dash else ():
        if set(ident) <= _DIGITS and len(ident) > 1 and ident[0] == "0":
            return None
    major, minor, patch = ([*values, 0, 0])[:3]
    return Version(major, minor, patch, prerelease, metadata)  # type: ignore[arg-type]


def _compare_identifier(mine: str, other: str) -> int:
    if mine == other:
        return 0
    if mine == "":
        return -1
    if other == "":
        return 1
    mine_number, other_number = _parse_uint(mine), _parse_uint(other)
    if mine_number is None and other_number is None:
        return 1 if mine > other else -1
    if other_number is None:
        return -1
    if mine_number is None:
        return 1
    # Two spellings of one number ("1" and "01") are unequal, and the first one loses.
    return 1 if mine_number > other_number else -1


def compare_prerelease(mine: str, other: str) -> int:
    """Identifier by identifier; a missing identifier sorts first."""
    left, right = mine.split("."), other.split(".")
    for index in range(max(len(left), len(right))):
        a = left[index] if index < len(left) else ""
        b = right[index] if index < len(right) else ""
        if order := _compare_identifier(a, b):
            return order
    return 0


def compare(a: Version, b: Version) -> int:
    """Version.Compare: -1, 0 or 1, prereleases included, metadata ignored."""
    for x, y in ((a.major, b.major), (a.minor, b.minor), (a.patch, b.patch)):
        if x != y:
            return -1 if x < y else 1
    if a.prerelease == b.prerelease == "":
        return 0
    if a.prerelease == "":
        return 1
    if b.prerelease == "":
        return -1
    return compare_prerelease(a.prerelease, b.prerelease)


@dataclass(frozen=True)
class _VersionPattern:
    """A version as written in a constraint, split where the library splits it."""

    text: str  # the whole spelling, 'v' and metadata included
    parts: tuple[str, ...]  # one to three parts, each possibly a wildcard
    prerelease_suffix: str  # "-..." or ""


def _scan_identifiers(text: str, start: int) -> int:
    """End of the longest `ident(.ident)*` at start; start itself when there is none."""
    end = pos = start
    while True:
        ident_start = pos
        while pos < len(text) and text[pos] in _IDENT:
            pos += 1
        if pos == ident_start:
            return end
        end = pos
        if not text.startswith(".", pos):
            return end
        pos += 1


def _scan_version(text: str, start: int) -> tuple[int, _VersionPattern] | None:
    """The longest version pattern at start (the grammar never needs a shorter one)."""
    pos = start + 1 if text.startswith("v", start) else start
    parts: list[str] = []
    while len(parts) < 3:
        if parts:
            if not (pos < len(text) - 1 and text[pos] == "." and text[pos + 1] in _PART):
                break
            pos += 1
        part_start = pos
        while pos < len(text) and text[pos] in _PART:
            pos += 1
        if pos == part_start:
            return None
        parts.append(text[part_start:pos])
    prerelease = ""
    if text.startswith("-", pos) and (end := _scan_identifiers(text, pos + 1)) > pos + 1:
        prerelease, pos = text[pos:end], end
    if text.startswith("+", pos) and (end := _scan_identifiers(text, pos + 1)) > pos + 1:
        pos = end
    return pos, _VersionPattern(text[start:pos], tuple(parts), prerelease)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _operator_at(text: str, pos: int) -> str:
    for operator in _OPERATORS:
        if text.startswith(operator, pos):
            return operator
    return ""


def _rewrite_hyphen_ranges(text: str) -> str:
    """`A - B` becomes `>= A, <= B ` (the library rewrites the first occurrence of each)."""
    matches: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(text):
        found = _hyphen_range_at(text, pos)
        if found is None:
            pos += 1
            continue
        end, low, high = found
        matches.append((text[pos:end], low, high))
        pos = end
    for whole, low, high in matches:
        text = text.replace(whole, f">= {low}, <= {high} ", 1)
    return text


def _hyphen_range_at(text: str, pos: int) -> tuple[int, str, str] | None:
    first = _scan_version(text, _skip_space(text, pos))
    if first is None:
        return None
    after_low, low = first
    dash = _skip_space(text, after_low)
    if dash == after_low or not text.startswith("-", dash):
        return None
    second_start = _skip_space(text, dash + 1)
    if second_start == dash + 1:
        return None
    second = _scan_version(text, second_start)
    if second is None:
        return None
    after_high, high = second
    return _skip_space(text, after_high), low.text, high.text


def _split_comparisons(group: str) -> list[tuple[str, _VersionPattern]] | None:
    """The comparisons of one OR group, or None when the group is not well formed."""
    found: list[tuple[str, _VersionPattern]] = []
    pos = _skip_space(group, 0)
    while True:
        operator = _operator_at(group, pos)
        scanned = _scan_version(group, _skip_space(group, pos + len(operator)))
        if scanned is None:
            return None
        pos, pattern = scanned
        found.append((operator, pattern))
        spaced = _skip_space(group, pos)
        if spaced == len(group):
            return found
        if group[spaced] == ",":
            pos = _skip_space(group, spaced + 1)
        elif spaced > pos:
            pos = spaced
        else:
            return None


@dataclass(frozen=True)
class _Comparison:
    operator: str
    version: Version
    # How many of major, minor, patch the constraint pins (3 unless written with x or cut short).
    pinned: int

    def admits(self, v: Version) -> bool:
        return _CHECKS[self.operator](v, self)


def _comparison(operator: str, pattern: _VersionPattern) -> _Comparison:
    parts = pattern.parts
    pinned = 3
    for index in range(3):
        if index >= len(parts) or parts[index] in _WILDCARDS:
            pinned = index
            break
    if pinned == 3:
        spelled = pattern.text
    else:
        spelled = ".".join([*parts[:pinned], *["0"] * (3 - pinned)]) + pattern.prerelease_suffix
    version = parse_version(spelled)
    if version is None:
        raise SemverConstraintError("constraint parser error")
    return _Comparison(operator, version, pinned)


def _tilde(v: Version, c: _Comparison) -> bool:
    con = c.version
    if compare(v, con) < 0:
        return False
    if c.pinned in (0, 3) and (con.major, con.minor, con.patch) == (0, 0, 0):
        return True
    if v.major != con.major:
        return False
    return c.pinned == 1 or v.minor == con.minor


def _equal(v: Version, c: _Comparison) -> bool:
    return _tilde(v, c) if c.pinned < 3 else compare(v, c.version) == 0


def _not_equal(v: Version, c: _Comparison) -> bool:
    con = c.version
    if c.pinned < 3:
        if v.major != con.major:
            return True
        if c.pinned == 1:
            return False
        if v.minor != con.minor:
            return True
        if c.pinned == 2:
            if v.prerelease or con.prerelease:
                return compare_prerelease(v.prerelease, con.prerelease) != 0
            return False
        if v.patch != con.patch:
            return True
    return compare(v, con) != 0


def _greater(v: Version, c: _Comparison) -> bool:
    con = c.version
    if c.pinned < 3 and v.major != con.major:
        return v.major > con.major
    if c.pinned == 1:
        return False
    if c.pinned == 2:
        return v.minor > con.minor
    return compare(v, con) > 0


def _less_or_equal(v: Version, c: _Comparison) -> bool:
    con = c.version
    if c.pinned == 3:
        return compare(v, con) <= 0
    if v.major > con.major:
        return False
    return not (v.major == con.major and v.minor > con.minor and c.pinned != 1)


def _caret(v: Version, c: _Comparison) -> bool:
    con = c.version
    if compare(v, con) < 0:
        return False
    if con.major > 0 or c.pinned == 1:
        return v.major == con.major
    if v.major > 0:
        return False
    if con.minor > 0 or c.pinned == 2:
        return v.minor == con.minor
    if v.minor > 0:
        return False
    return v.patch == con.patch


_CHECKS = {
    "": _equal,
    "=": _equal,
    "!=": _not_equal,
    ">": _greater,
    "<": lambda v, c: compare(v, c.version) < 0,
    ">=": lambda v, c: compare(v, c.version) >= 0,
    "=>": lambda v, c: compare(v, c.version) >= 0,
    "<=": _less_or_equal,
    "=<": _less_or_equal,
    "~": _tilde,
    "~>": _tilde,
    "^": _caret,
}


@dataclass(frozen=True)
class Constraints:
    """A parsed constraint string: OR of AND groups."""

    text: str
    groups: tuple[tuple[_Comparison, ...], ...]

    def check(self, v: Version) -> bool:
        for group in self.groups:
            if v.prerelease and not any(c.version.prerelease for c in group):
                continue
            if all(c.admits(v) for c in group):
                return True
        return False

    def admits_tag(self, tag: str) -> bool:
        """What skopeo asks of a tag: does it parse as a version, and satisfy the constraint?"""
        version = parse_version(tag)
        return version is not None and self.check(version)


@lru_cache(maxsize=256)
def parse_constraints(text: str) -> Constraints:
    """semver.NewConstraint; raises SemverConstraintError with the library's message."""
    groups: list[tuple[_Comparison, ...]] = []
    for group in _rewrite_hyphen_ranges(text).split("||"):
        comparisons = _split_comparisons(group)
        if comparisons is None:
            raise SemverConstraintError(f"improper constraint: {group}")
        groups.append(tuple(_comparison(op, pattern) for op, pattern in comparisons))
    return Constraints(text, tuple(groups))
