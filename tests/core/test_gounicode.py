"""\\p classes and case folding as each Go version reads them, from Go's own tables.

The registry's Go decides what `\\pL` or `(?i)k` matches with its own unicode package:
Unicode 13.0.0 in Go 1.19 (distribution 2.8), 15.0.0 in Go 1.25 (distribution 3.1), and
Go 1.25 looks names up by a canonical spelling that reaches no script whose Go name has an
underscore or inner capital (`\\p{Old_Italic}` does not compile). The shipped tables
(core/goregex/data) and the vectors (data/gounicode_vectors.json) both come from Go itself:

    GO119=/path/to/go1.19/bin/go GO125=/path/to/go1.25/bin/go \\
        python -m tests.core.test_gounicode --regenerate

(tests/oracle/gounicode_tables dumps a toolchain's tables, tests/oracle/gounicode_oracle.go
answers MatchString for a corpus built from the differences between the two.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

from foreign_explorer.core.goregex import GoRegexpError, compile_go, translate
from foreign_explorer.core.goregex.unicode import encode_tables, go_unicode, unicode_class
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

ROOT = Path(__file__).parents[2]
VECTORS = Path(__file__).parent / "data" / "gounicode_vectors.json"
TABLES = ROOT / "tui" / "foreign_explorer" / "core" / "goregex" / "data"
ORACLE = ROOT / "tests" / "oracle" / "gounicode_oracle.go"
DUMPER = ROOT / "tests" / "oracle" / "gounicode_tables"
# Which profile's Go each vector set stands for (the 1.25 point releases share their tables
# and regexp/syntax; the real v3.1.1 registry confirms the names in tests/registry).
GO_OF = {"go1.19.8": DISTRIBUTION_2_8.go, "go1.25.5": DISTRIBUTION_3.go}


@cache
def load_vectors() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def _answer(pattern: str, subjects: list[str], go: tuple[int, int, int]) -> dict:
    try:
        regexp = compile_go(pattern, go)
    except GoRegexpError as err:
        return {"err": err.message}
    return {"match": "".join("1" if regexp.matches(s) else "0" for s in subjects)}


@pytest.mark.parametrize("toolchain", GO_OF)
def test_unicode_vectors_agree_with_go(toolchain: str) -> None:
    data = load_vectors()
    subjects = data["subjects"]
    go = GO_OF[toolchain]
    mismatches = [
        (pattern, got, want)
        for pattern, want in data["cases"][toolchain]
        # Patterns only compiled have an empty "match" (no subject was given).
        if (got := _answer(pattern, subjects if want.get("match") else [], go)) != want
    ]
    assert mismatches[:20] == []


def test_unicode_vectors_hold_both_outcomes_and_both_versions_differ() -> None:
    cases = load_vectors()["cases"]
    old, new = dict(cases["go1.19.8"]), dict(cases["go1.25.5"])
    assert sum("err" in o for o in old.values()) > 100
    assert sum("match" in o for o in new.values()) > 500
    differ = [p for p in old if p in new and old[p] != new[p]]
    assert len(differ) > 100


@pytest.mark.parametrize(
    "name", ["Old_Italic", "SignWriting", "Old_Persian", "Hanifi_Rohingya", "Canadian_Aboriginal"]
)
def test_go_1_25_reaches_no_script_whose_go_name_is_not_canonical(name: str) -> None:
    assert unicode_class(name, DISTRIBUTION_3.go) is None
    assert unicode_class(name, DISTRIBUTION_2_8.go) is not None
    assert unicode_class("^" + name, DISTRIBUTION_3.go) is None


def test_letters_unicode_14_added_are_letters_only_to_go_1_21_and_later() -> None:
    # U+0870 (Arabic, Unicode 14) and U+1E290 (Toto, Unicode 14): RE2 knows them as letters.
    for url in ("https://\u0870/", "https://\U0001e290/"):
        assert not compile_go(r"^https://\pL/", DISTRIBUTION_2_8.go).matches(url)
        assert compile_go(r"^https://\pL/", DISTRIBUTION_3.go).matches(url)


def test_case_folding_follows_the_go_versions_tables() -> None:
    # U+A7C0/U+A7C1 (Unicode 14) fold together in Go 1.25, not in Go 1.19.
    assert not compile_go(r"(?i)/\x{a7c1}$", DISTRIBUTION_2_8.go).matches("https://x/\ua7c0")
    assert compile_go(r"(?i)/\x{a7c1}$", DISTRIBUTION_3.go).matches("https://x/\ua7c0")


def test_no_class_reaches_re2_by_name_or_under_its_case_folding() -> None:
    # RE2's tables are newer than either Go's: classes are spelled rune range by rune range.
    for pattern in (r"\pL", r"(?i)k", r"(?i)[a-z]\W", r"[\p{Greek}\d]", r"(?i)\P{Lu}"):
        for go in GO_OF.values():
            spelled = translate(pattern, go)
            assert "\\p" not in spelled and "\\P" not in spelled and "(?i" not in spelled


def test_shipped_tables_parse_to_gos_own_names() -> None:
    old, new = go_unicode(DISTRIBUTION_2_8.go), go_unicode(DISTRIBUTION_3.go)
    assert (old.version, new.version) == ("13.0.0", "15.0.0")
    assert "Vithkuqi" in new.scripts and "Vithkuqi" not in old.scripts
    assert "Cn" in new.categories and "Cn" not in old.categories
    assert new.aliases["Letter"] == "L" and not old.aliases
    assert old.simple_fold[ord("k")] == 0x212A and old.simple_fold[0x212A] == ord("K")


# ---------------------------------------------------------------------------------------------
# Regenerating the tables and the vectors (needs both Go toolchains; not part of the run).

SPECIAL_RUNES = [
    *"aAkKsSzZ09_ \n",
    "\u00b5",  # micro sign, folds with Greek mu
    "\u00df",  # sharp s
    "\u0130",  # I with dot
    "\u0131",  # dotless i
    "\u017f",  # long s
    "\u01c4",  # DZ caron (title case orbit)
    "\u01c5",
    "\u01c6",
    "\u0345",  # combining iota
    "\u03a3",
    "\u03c2",
    "\u03c3",
    "\u1e9e",  # capital sharp s
    "\u2126",  # Ohm sign
    "\u212a",  # Kelvin sign
    "\u212b",  # Angstrom sign
    "\ua7c0",
    "\ua7c1",
    "\u0378",  # unassigned
    "\u0870",
    "\U0001e290",
    "\U00010570",
    "\ufffd",
    "\U0010ffff",
]


def _runes(table) -> set[int]:
    out: set[int] = set()
    for lo, hi, stride in table:
        out.update(range(lo, hi + 1, stride))
    return out


def _subjects(old: dict, new: dict) -> list[str]:
    """Code points where the two Go versions' tables or folding differ, and some anchors."""
    picked: set[int] = {ord(ch) for ch in SPECIAL_RUNES}
    new_tables = {(t["kind"], t["name"]): t["ranges"] for t in new["tables"]}
    for table in old["tables"]:
        other = new_tables.get((table["kind"], table["name"]))
        if other is None:
            continue
        diff = sorted(_runes(table["ranges"]) ^ _runes(other))
        picked.update(diff[:2] + diff[-1:])
    old_fold, new_fold = dict(map(tuple, old["fold"])), dict(map(tuple, new["fold"]))
    moved = sorted(r for r in set(old_fold) | set(new_fold) if old_fold.get(r) != new_fold.get(r))
    picked.update(moved[:: max(1, len(moved) // 40)])
    return [chr(r) for r in sorted(picked) if not 0xD800 <= r <= 0xDFFF]


def _name_variants(name: str) -> list[str]:
    return list(
        dict.fromkeys(
            [name, name.lower(), name.upper(), name.replace("_", ""), name.replace("_", " ")]
        )
    )


def _corpus(old: dict, new: dict, subjects: list[str]) -> tuple[list[str], list[str]]:
    """(patterns only compiled, patterns also matched against every subject)."""
    names = sorted(
        {t["name"] for d in (old, new) for t in d["tables"] if t["kind"] in ("category", "script")}
        | set(new["aliases"])
        | {"Any", "Assigned", "ASCII", "ascii", "Lc", "lc", "L&", ""}
    )
    compiled = []
    for name in names:
        for variant in _name_variants(name):
            compiled += [rf"\p{{{variant}}}", rf"\P{{^{variant}}}"]
        if len(name) == 1:
            compiled.append(rf"\p{name}")
    matched = []
    for name in names:
        matched += [rf"\p{{{name}}}", rf"(?i)\p{{{name}}}", rf"(?i)[^\P{{{name}}}z]"]
    for ch in subjects:
        matched += [rf"(?i)\x{{{ord(ch):x}}}", rf"(?i)[\x{{{ord(ch):x}}}-\x{{{ord(ch) + 1:x}}}]"]
    matched += [r"(?i)\w", r"(?i)\W", r"(?i)[[:upper:]]", r"(?i)[[:^lower:]]", r"(?i)[^k]"]
    return compiled, matched


def _go(var: str, default: str | None = None) -> str:
    found = os.environ.get(var, default)
    if not found:
        raise SystemExit(f"set {var} to a Go toolchain's go binary")
    return found


def _build(go: str, source: Path, out: Path) -> None:
    """`go build` of a main package (a file or a directory) in a throwaway module."""
    work = out.parent / f"{out.name}-src"
    work.mkdir()
    for path in [source] if source.is_file() else sorted(source.glob("*.go")):
        shutil.copy(path, work / path.name)
    (work / "go.mod").write_text("module oracle\n\ngo 1.19\n")
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    subprocess.run([go, "build", "-o", str(out)], cwd=work, env=env, check=True)


def regenerate() -> None:
    toolchains = {"go1.19.8": _go("GO119"), "go1.25.5": _go("GO125")}
    with tempfile.TemporaryDirectory() as tmp:
        dumps, oracles = {}, {}
        for label, go in toolchains.items():
            dumper = Path(tmp) / f"tables-{label}"
            _build(go, DUMPER, dumper)
            dumps[label] = json.loads(subprocess.run([str(dumper)], capture_output=True).stdout)
            assert dumps[label]["go"] == label, dumps[label]["go"]
            oracles[label] = Path(tmp) / f"oracle-{label}"
            _build(go, ORACLE, oracles[label])
        for dump in dumps.values():
            (TABLES / f"go-unicode-{dump['unicode']}.txt").write_text(encode_tables(dump))
        old, new = dumps["go1.19.8"], dumps["go1.25.5"]
        subjects = _subjects(old, new)
        compiled, matched = _corpus(old, new, subjects)
        cases = {}
        for label, oracle in oracles.items():
            lines = [json.dumps([p]) for p in compiled]
            lines += [json.dumps([p, *subjects]) for p in matched]
            out = subprocess.run(
                [str(oracle)], input="\n".join(lines).encode() + b"\n", capture_output=True
            ).stdout.decode()
            patterns = [*compiled, *matched]
            results = [json.loads(line) for line in out.splitlines()]
            assert len(results) == len(patterns)
            cases[label] = [
                [p, {"err": r["err"]} if "err" in r else {"match": r["match"]}]
                for p, r in zip(patterns, results, strict=True)
            ]
    data = {"subjects": subjects, "cases": cases}
    VECTORS.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {sum(map(len, cases.values()))} cases over {len(subjects)} subjects")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    regenerate()
