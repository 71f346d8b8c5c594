"""Go's own Unicode tables, per Go version, and the \\p names each Go version knows.

Go 1.19 and 1.20 carry Unicode 13.0.0, Go 1.21 to 1.25 Unicode 15.0.0; RE2 carries a newer
Unicode still. A \\p class or a case-insensitive match decided by RE2's tables would admit
characters the registry's Go rejects (`\\pL` and U+0870, added in Unicode 14), so the classes
and case folding are computed here from Go's tables, dumped by Go itself
(tests/oracle/gounicode_tables, converted by tests/core/test_gounicode.py) and shipped in
data/: every unicode.Categories, Scripts, FoldCategory and FoldScript table range by range,
unicode.SimpleFold wherever it moves a rune, and Go 1.25's category aliases.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from foreign_explorer.core.profiles import GoVersion

_MAX_RUNE = 0x10FFFF

# Go versions where the tables or the lookup change.
_GO_UNICODE_15 = (1, 21, 0)  # unicode tables move from Unicode 13.0.0 to 15.0.0
_GO_PROPERTY_ALIASES = (1, 25, 0)  # canonical names, aliases, Any/ASCII/Assigned, Cn and LC
# Categories Go 1.25 added (they were always Unicode's, but Go's maps lacked them).
_GO_125_CATEGORIES = ("Cn", "LC")

# A Go RangeTable: (lo, hi, stride) triples, R16 then R32, as Go lists them.
GoTable = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class GoUnicode:
    """One Go version's unicode package, as regexp/syntax reads it."""

    version: str
    categories: Mapping[str, GoTable]
    scripts: Mapping[str, GoTable]
    fold_category: Mapping[str, GoTable]
    fold_script: Mapping[str, GoTable]
    # unicode.SimpleFold(r) for every rune it moves (the next rune of r's case orbit).
    simple_fold: Mapping[int, int]
    # unicode.CategoryAliases (Go 1.25): "Letter" -> "L".
    aliases: Mapping[str, str]


@dataclass(frozen=True)
class UnicodeClass:
    """What a \\p name stands for: Go's table, its fold table (None: none), and sign -1 when
    the class is the table's complement (Go 1.25's Assigned is "not Cn")."""

    table: GoTable
    fold: GoTable | None
    sign: int = 1


_ANY: GoTable = ((0, _MAX_RUNE, 1),)
_ASCII: GoTable = ((0, 0x7F, 1),)
# Go 1.25's asciiFoldTable: ASCII plus the two runes that fold into it.
_ASCII_FOLD: GoTable = ((0, 0x7F, 1), (0x017F, 0x017F, 1), (0x212A, 0x212A, 1))

_DATA = Path(__file__).parent / "data"
_LOCK = threading.Lock()
_loaded: dict[str, GoUnicode] = {}


def go_unicode(go: GoVersion) -> GoUnicode:
    """The unicode package of Go version `go` (its tables, and the names it knows)."""
    if go >= _GO_PROPERTY_ALIASES:
        return _load("15.0.0", "1.25")
    if go >= _GO_UNICODE_15:
        return _load("15.0.0", "1.21")
    return _load("13.0.0", "1.19")


class LazyFold(Mapping[int, int]):
    """Go's unicode.SimpleFold map for one Go version, read from its tables on first use.

    Most patterns never fold a rune (no `(?i)`, no class needing it): parsing them must not
    pay for reading the tables, which is most of a cold `check`'s own work."""

    __slots__ = ("_go", "_map")

    def __init__(self, go: GoVersion) -> None:
        self._go = go
        self._map: Mapping[int, int] | None = None

    def _tables(self) -> Mapping[int, int]:
        found = self._map
        if found is None:
            found = self._map = go_unicode(self._go).simple_fold
        return found

    def get(self, key: int, default: int | None = None) -> int | None:  # type: ignore[override]
        return self._tables().get(key, default)

    def __getitem__(self, key: int) -> int:
        return self._tables()[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._tables())

    def __len__(self) -> int:
        return len(self._tables())


def _load(version: str, line: str) -> GoUnicode:
    key = f"{version}/{line}"
    with _LOCK:
        found = _loaded.get(key)
        if found is None:
            found = _loaded[key] = _parse(_read(f"go-unicode-{version}.txt"), line)
        return found


def _read(name: str) -> str:
    try:
        return (_DATA / name).read_text(encoding="ascii")
    except OSError:
        from importlib.resources import files  # a zipped install

        return files("foreign_explorer.core.goregex").joinpath("data", name).read_text("ascii")


def _parse(text: str, line: str) -> GoUnicode:
    """The data file (see encode_tables): one table, the fold map or an alias per line."""
    kinds: dict[str, dict[str, GoTable]] = {
        "category": {},
        "script": {},
        "fold-category": {},
        "fold-script": {},
    }
    fold: dict[int, int] = {}
    aliases: dict[str, str] = {}
    version = ""
    for row in text.splitlines():
        if not row or row.startswith("#"):
            continue
        kind, _, rest = row.partition(" ")
        if kind == "unicode":
            version = rest
        elif kind == "alias":
            name, actual = rest.split(" ")
            aliases[name] = actual
        elif kind == "fold":
            at = 0
            for item in rest.split(" "):
                step, delta = item.split(".")
                at += int(step, 36)
                fold[at] = at + int(delta, 36)
        else:
            name, _, ranges = rest.partition(" ")
            kinds[kind][name] = _decode_ranges(ranges)
    categories = kinds["category"]
    if line != "1.25":
        # Go 1.25 added these categories and the aliases; earlier Go knows neither.
        categories = {k: v for k, v in categories.items() if k not in _GO_125_CATEGORIES}
        aliases = {}
    return GoUnicode(
        version=version,
        categories=categories,
        scripts=kinds["script"],
        fold_category=kinds["fold-category"],
        fold_script=kinds["fold-script"],
        simple_fold=fold,
        aliases=aliases,
    )


def _decode_ranges(text: str) -> GoTable:
    out: list[tuple[int, int, int]] = []
    hi = 0
    for item in text.split(" ") if text else ():
        parts = [int(part, 36) for part in item.split(".")]
        lo = hi + parts[0]
        hi = lo + parts[1]
        out.append((lo, hi, parts[2] if len(parts) > 2 else 1))
    return tuple(out)


def encode_tables(dump: Mapping[str, object]) -> str:
    """The data file for one dump of tests/oracle/gounicode_tables (its JSON, decoded).

    A table's ranges are `gap.length[.stride]` in base 36 (gap from the previous range's
    end); the fold map is `step.delta` pairs (step from the previous rune moved).
    """
    lines = [
        f"# Go's unicode tables, dumped by {dump['go']}; see core/goregex/unicode.py",
        f"unicode {dump['unicode']}",
    ]
    for table in dump["tables"]:  # type: ignore[attr-defined]
        items = []
        hi = 0
        for lo, top, stride in table["ranges"]:
            item = f"{_b36(lo - hi)}.{_b36(top - lo)}"
            items.append(item if stride == 1 else f"{item}.{_b36(stride)}")
            hi = top
        lines.append(f"{table['kind']} {table['name']} {' '.join(items)}")
    at = 0
    pairs = []
    for rune, folded in dump["fold"]:  # type: ignore[attr-defined]
        pairs.append(f"{_b36(rune - at)}.{_b36(folded - rune)}")
        at = rune
    lines.append("fold " + " ".join(pairs))
    for name, actual in sorted(dump["aliases"].items()):  # type: ignore[attr-defined]
        lines.append(f"alias {name} {actual}")
    return "\n".join(lines) + "\n"


def _b36(number: int) -> str:
    if number < 0:
        return "-" + _b36(-number)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = digits[digit] + out
        if not number:
            return out


def canonical_name(name: str) -> str:
    """Go 1.25's canonicalName: drop ' ', '_', '-'; the first letter upper, the rest lower."""
    out = []
    first = True
    for ch in name:
        if ch in " _-":
            continue
        if first:
            out.append(ch.upper() if "a" <= ch <= "z" else ch)
            first = False
        else:
            out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


def unicode_class(name: str, go: GoVersion) -> UnicodeClass | None:
    """Go's unicodeTable(name) in that Go version, or None when Go rejects the name."""
    tables = go_unicode(go)
    if go < _GO_PROPERTY_ALIASES:
        # Go 1.19 to 1.24: "Any", then the exact keys of Categories and Scripts.
        if name == "Any":
            return UnicodeClass(_ANY, _ANY)
        return _named(tables, name)
    # Go 1.25 canonicalises the name once and looks it up in maps keyed by Go's own names,
    # so a script whose Go name is not canonical itself (Old_Italic, SignWriting) is
    # unreachable; only the aliases map is re-keyed by canonical names.
    name = canonical_name(name)
    if name == "Any":
        return UnicodeClass(_ANY, _ANY)
    if name == "Assigned":
        cn = tables.categories["Cn"]
        return UnicodeClass(cn, cn, -1)
    if name == "Ascii":
        return UnicodeClass(_ASCII, _ASCII_FOLD)
    if name == "Lc":
        return _named(tables, "LC")
    found = _named(tables, name)
    if found is not None:
        return found
    actual = _canonical_aliases(tables).get(name)
    if actual is not None and actual in tables.categories:
        return UnicodeClass(tables.categories[actual], tables.fold_category.get(actual))
    return None


def _named(tables: GoUnicode, name: str) -> UnicodeClass | None:
    table = tables.categories.get(name)
    if table is not None:
        return UnicodeClass(table, tables.fold_category.get(name))
    table = tables.scripts.get(name)
    if table is not None:
        return UnicodeClass(table, tables.fold_script.get(name))
    return None


_canonical_cache: dict[int, dict[str, str]] = {}


def _canonical_aliases(tables: GoUnicode) -> dict[str, str]:
    key = id(tables)
    found = _canonical_cache.get(key)
    if found is None:
        found = {canonical_name(alias): actual for alias, actual in tables.aliases.items()}
        _canonical_cache[key] = found
    return found
