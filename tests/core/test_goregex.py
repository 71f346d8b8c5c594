"""Go regexp semantics on RE2: Go's compile errors word for word, Go's matches.

The vectors in data/goregex_go119.json come from Go 1.19.8 itself (tests/oracle/goregex_oracle.go
over a generated corpus). Regenerate them with:

    python -m tests.core.test_goregex --regenerate
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foreign_explorer.core.goregex import (
    GoRegexp,
    GoRegexpError,
    PatternSet,
    compile_go,
    translate,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

GO_2_8 = DISTRIBUTION_2_8.go  # 1.19.8
GO_3 = DISTRIBUTION_3.go  # 1.25.8
GO_1_20 = (1, 20, 14)
GO_1_22 = (1, 22, 0)
GO_1_21 = (1, 21, 0)
VECTORS = Path(__file__).parent / "data" / "goregex_go119.json"
ORACLE = Path(__file__).parents[1] / "oracle" / "goregex_oracle.go"


def error_of(pattern: str, go: tuple[int, int, int] = GO_2_8) -> GoRegexpError:
    with pytest.raises(GoRegexpError) as info:
        compile_go(pattern, go)
    return info.value


def span(pattern: str, text: str, go: tuple[int, int, int] = GO_2_8) -> tuple[int, int] | None:
    return compile_go(pattern, go).search(text)


# ---------------------------------------------------------------------------------------------
# Section 5 of the reference, rule by rule.


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"\d", "\u0663", None),  # Arabic-Indic three: Python's \d matches it
        (r"\w", "é", None),
        (r"\s", "\u00a0", None),
        (r"\s", "\v", None),  # Go's \s is [\t\n\f\r ]
        (r"\s", "\f", (0, 1)),
        (r"\bx", "éx", (1, 2)),  # é is not a word character, so there is a boundary
        (r"\Bx", "éx", None),
        (r"\D", "\u0663", (0, 1)),
    ],
)
def test_perl_classes_are_ascii_only(pattern, text, expected):
    assert span(pattern, text) == expected


def test_brace_without_minimum_is_a_literal():
    assert span("a{,3}", "aaa") is None
    assert span("a{,3}", "xa{,3}") == (1, 6)
    assert span("a{01}", "a{01}") == (0, 5)  # leading zero: literal too


def test_posix_class_inside_brackets():
    assert span("^[[:alpha:]]+$", "Registry") == (0, 8)
    assert span("[[:alpha:]]", "[:]") is None  # Python re reads this as a set of '[', ':', ...
    assert span("[[:^digit:]]", "7a") == (1, 2)
    assert error_of("[[:alpah:]]").message == (
        "error parsing regexp: invalid character class range: `[:alpah:]`"
    )


def test_end_of_text_escapes():
    assert span(r"a\z", "a\n") is None
    assert span(r"a\z", "a") == (0, 1)
    assert span("a$", "a\n") is None  # Go's $ is \z without (?m); Python's matches before \n
    assert span("(?m)a$", "a\nb") == (0, 1)
    err = error_of(r"https://x/\Z")
    assert err.message == r"error parsing regexp: invalid escape sequence: `\Z`"
    assert (err.code, err.expr, err.position) == ("invalid escape sequence", r"\Z", 10)


def test_unicode_classes():
    assert span(r"\pL+", "λx1") == (0, 2)
    assert span(r"\p{Greek}", "aλ") == (1, 2)
    assert span(r"\PL", "ab1") == (2, 3)
    assert span(r"\p{^Greek}", "λa") == (1, 2)
    assert span(r"[\p{Lu}\d]+", "aB7c") == (1, 3)
    assert error_of(r"\p{Klingon}").message == (
        r"error parsing regexp: invalid character class range: `\p{Klingon}`"
    )


def test_quoted_literals():
    assert span(r"^\Qa.b\E$", "a.b") == (0, 3)
    assert span(r"^\Qa.b\E$", "axb") is None
    assert span(r"\Qa+", "xa+") == (1, 3)  # no \E: quoted to the end
    assert error_of(r"\Q\E*").message == (
        "error parsing regexp: missing argument to repetition operator: `*`"
    )


def test_quoted_literal_breaks_once_wrapped():
    compile_go(r"^\Qabc", GO_2_8)
    err = error_of(r"(?:^\Qabc)|(?:x)")
    assert err.message == r"error parsing regexp: missing closing ): `(?:^\Qabc)|(?:x)`"


def test_flags():
    assert span("(?U)a+", "aaa") == (0, 1)
    assert span("(?U)a+?", "aaa") == (0, 3)
    assert span("(?s)a.b", "a\nb") == (0, 3)
    assert span("a.b", "a\nb") is None
    assert span("(?i)mcr", "MCR") == (0, 3)
    assert span("(?i)k", "\u212a") == (0, 1)  # Kelvin sign folds to k in Go
    assert span("(?m)^b", "a\nb") == (2, 3)
    assert span("^b", "a\nb") is None
    assert span("(?i-i)a", "A") is None
    assert span("(?)a", "a") == (0, 1)  # an empty flag group is accepted by Go


def test_flags_are_scoped_to_the_wrapped_pattern():
    joined = compile_go("(?:(?i)abc)|(?:def)", GO_2_8)
    assert joined.matches("xABCx")
    assert not joined.matches("DEF")


def test_hex_and_octal_escapes():
    assert span(r"\x{41}\x42", "AB") == (0, 2)
    assert span(r"\101", "A") == (0, 1)
    assert error_of(r"\x{110000}").message == (
        r"error parsing regexp: invalid escape sequence: `\x{110000`"
    )


@pytest.mark.parametrize(
    ("pattern", "code", "expr"),
    [
        ("a(?=b)", "invalid or unsupported Perl syntax", "(?="),
        ("a(?!b)", "invalid or unsupported Perl syntax", "(?!"),
        ("(?<=a)b", "invalid or unsupported Perl syntax", "(?<"),
        ("(?<!a)b", "invalid or unsupported Perl syntax", "(?<"),
        (r"(a)\1", "invalid escape sequence", r"\1"),
        (r"(?P<n>a)\k<n>", "invalid escape sequence", r"\k"),
        ("(?P=n)", "invalid or unsupported Perl syntax", "(?P"),
        ("a*+", "invalid nested repetition operator", "*+"),
        ("a++", "invalid nested repetition operator", "++"),
        ("a**", "invalid nested repetition operator", "**"),
        ("a*?*", "invalid nested repetition operator", "*?*"),
        ("a{2}{3}", "invalid nested repetition operator", "{2}{3}"),
        ("(?>a)", "invalid or unsupported Perl syntax", "(?>"),
        ("(?#note)a", "invalid or unsupported Perl syntax", "(?#"),
        ("(?x) a", "invalid or unsupported Perl syntax", "(?x"),
        ("a{1001}", "invalid repeat count", "{1001}"),
        ("a{2,1}", "invalid repeat count", "{2,1}"),
        ("(?:a{500}){3}", "invalid repeat count", "{3}"),
        (r"\C", "invalid escape sequence", r"\C"),
        ("*a", "missing argument to repetition operator", "*"),
        ("a|*", "missing argument to repetition operator", "*"),
        ("[a", "missing closing ]", "[a"),
        ("[z-a]", "invalid character class range", "z-a"),
        ("(?P<a-b>x)", "invalid named capture", "(?P<a-b>"),
        ("(?P<n", "invalid named capture", "(?P<n"),
        ("a\\", "trailing backslash at end of expression", ""),
        ("(?i-)", "invalid or unsupported Perl syntax", "(?i-)"),
    ],
)
def test_constructs_go_rejects(pattern, code, expr):
    err = error_of(pattern)
    assert (err.code, err.expr) == (code, expr)
    assert err.message == f"error parsing regexp: {code}: `{expr}`"
    assert pattern.find(expr) == err.position or (expr == "" and err.position == 1)


def test_paren_errors_name_the_whole_pattern_with_a_caret():
    err = error_of("ab)c")
    assert err.message == "error parsing regexp: unexpected ): `ab)c`"
    assert (err.position, err.caret) == (0, 2)
    err = error_of("x(a(b)")
    assert err.message == "error parsing regexp: missing closing ): `x(a(b)`"
    assert err.caret == 1


def test_duplicate_capture_names_are_fine_in_go():
    assert span("(?P<x>a)(?P<x>b)", "ab") == (0, 2)


def test_named_group_with_angle_brackets_is_go_1_22():
    assert error_of("(?<name>a)", GO_2_8).message == (
        "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"
    )
    assert span("(?<name>a)b", "ab", GO_1_22) == (0, 2)
    assert span("(?<name>a)b", "ab", GO_3) == (0, 2)
    # From 1.22 on a look-behind is read as a broken group name.
    assert error_of("(?<=a)b", GO_3).message == (
        "error parsing regexp: invalid named capture: `(?<=a)b`"
    )
    assert error_of("(?<=a)>", GO_3).message == (
        "error parsing regexp: invalid named capture: `(?<=a)>`"
    )


def test_unicode_names_follow_the_go_version():
    # Unicode 14 scripts arrive with Go 1.21.
    assert error_of(r"\p{Vithkuqi}", GO_2_8).code == "invalid character class range"
    assert span(r"\p{Vithkuqi}", "\U00010570", GO_1_21) == (0, 1)
    # Go 1.25 accepts aliases and loose spelling.
    for pattern in (r"\p{Letter}", r"\p{greek}", r"\pl", r"\p{Uppercase_Letter}"):
        assert error_of(pattern, GO_2_8).code == "invalid character class range"
    assert span(r"\p{Letter}", "1a", GO_3) == (1, 2)
    assert span(r"\p{greek}", "aλ", GO_3) == (1, 2)
    assert span(r"\pl", "1a", GO_3) == (1, 2)
    assert span(r"\p{upper case-let ter}", "aB", GO_3) == (1, 2)
    # ... but only by canonical names: a script whose Go name is not canonical is unreachable.
    assert span(r"\p{Canadian_Aboriginal}", "\u1401", GO_2_8) == (0, 1)
    assert error_of(r"\p{Canadian_Aboriginal}", GO_3).code == "invalid character class range"


def test_go_1_25_special_property_names():
    assert span(r"\p{Cn}", "a\u0378", GO_3) == (1, 2)
    assert span(r"\p{Assigned}", "\u0378a", GO_3) == (1, 2)
    assert span(r"[\P{Assigned}x]", "a\u0378", GO_3) == (1, 2)
    assert span(r"\p{ASCII}+", "éab", GO_3) == (1, 3)
    assert span(r"\P{ASCII}", "abé", GO_3) == (2, 3)
    assert span(r"\p{LC}", "1ǅ", GO_3) == (1, 2)
    assert span(r"[^\p{LC}]", "a1", GO_3) == (1, 2)
    # Go negates after folding: ſ and the Kelvin sign fold into ASCII, so they are excluded.
    assert span(r"(?i)\P{ascii}", "\u017f\u212aé", GO_3) == (2, 3)
    assert span(r"\P{Any}", "abc", GO_3) is None
    for name in ("Cn", "LC", "Assigned", "ASCII"):
        assert error_of(rf"\p{{{name}}}", GO_2_8).code == "invalid character class range"


def test_nesting_limit():
    compile_go("(" * 999 + ")" * 999, GO_2_8)
    deep = "(" * 1000 + ")" * 1000
    err = error_of(deep)
    assert err.message == f"error parsing regexp: expression nests too deeply: `{deep}`"
    assert error_of("(?:" * 1000 + ")*" * 1000).code == "expression nests too deeply"
    compile_go("(?:" * 5000 + ")" * 5000, GO_2_8)  # groups without captures add no depth


def test_size_limit_code_depends_on_go_version():
    big = "(?:" + "x" * 4000 + "){1000}"
    assert error_of(big, GO_2_8).message == (
        f"error parsing regexp: regexp/syntax: internal error: `{big}`"
    )
    assert error_of(big, GO_1_20).message == f"error parsing regexp: expression too large: `{big}`"
    assert error_of(big, GO_3).code == "expression too large"
    compile_go("(?:" + "x" * 3355 + "){1000}", GO_2_8)  # just under Go's budget
    assert error_of("(?:" + "x" * 3356 + "){1000}").code == "regexp/syntax: internal error"
    # Here Go only notices the size once the whole pattern is assembled: the escape wins.
    assert error_of(big + r"\8").message == r"error parsing regexp: invalid escape sequence: `\8`"


def test_rune_limit():
    many = r"\pL" * 27000
    assert (
        error_of(many).message == f"error parsing regexp: regexp/syntax: internal error: `{many}`"
    )


def test_patterns_go_accepts_fit_re2_memory():
    assert compile_go(r"[\pL\pN]{1000}", GO_2_8).search("x" * 999) is None
    assert compile_go("(?:[a-z]{4}){0,250}", GO_2_8).search("abcdabcd!") == (0, 8)
    assert compile_go("(?:" + "a" * 3000 + "){1000}", GO_2_8).search("a" * 3000) is None


def test_realistic_url_traps():
    allow = compile_go(r"^https://mcr\.microsoft\.com", GO_2_8)
    assert allow.matches("https://mcr.microsoft.com.evil.example/")
    assert allow.matches("https://mcr.microsoft.com@evil.example/")
    assert compile_go(r"mcr\.microsoft\.com", GO_2_8).matches(
        "https://evil.example/?mcr.microsoft.com"
    )
    deny = compile_go(r"^https://evil\.example/", GO_2_8)
    assert not deny.matches("HTTPS://evil.example/")
    assert not deny.matches("https://EVIL.example/")
    assert compile_go("", GO_2_8).search("anything") == (0, 0)


def test_spans_are_character_offsets():
    assert span("b", "ééb") == (2, 3)
    assert span("é+", "aééb") == (1, 3)


def test_surrogates_never_reach_re2():
    assert error_of("a\ud800").message == "error parsing regexp: invalid UTF-8: `\ufffd`"
    assert span(".", "\udc00") == (0, 1)  # read as U+FFFD, like the manifest decoder does


def test_translation_never_captures():
    assert "(?:" in translate("(a)(?P<n>b)", GO_2_8)
    assert "(?P" not in translate("(a)(?P<n>b)", GO_2_8)


def test_goregexp_is_a_value():
    a = compile_go("ab+", GO_2_8)
    b = compile_go("ab+", GO_2_8)
    assert a == b
    assert GoRegexp("ab+", GO_2_8).search("xabb") == (1, 4)  # compiles lazily when built by hand


# ---------------------------------------------------------------------------------------------
# PatternSet.


def test_pattern_set_reports_every_matching_pattern():
    patterns = [
        compile_go(p, GO_2_8) for p in (r"^https://a\.example/", "evil", r"\d{3}", "(?i)^HTTP:")
    ]
    pset = PatternSet(patterns)
    assert pset.matching("https://a.example/evil/123") == [0, 1, 2]
    assert pset.matching("http://x") == [3]
    assert pset.matching("") == []
    assert pset.matching_bytes(b"https://a.example/") == [0]
    assert PatternSet([]).matching("x") == []


def test_pattern_set_handles_empty_width_patterns():
    pset = PatternSet([compile_go(p, GO_2_8) for p in ("", "^$", r"\b", "a$")])
    assert pset.matching("") == [0, 1]
    assert pset.matching("a") == [0, 2, 3]


def test_pattern_set_falls_back_for_huge_programs():
    patterns = [compile_go(r"[\pL\pN]{1000}", GO_2_8), compile_go("z", GO_2_8)]
    pset = PatternSet(patterns)
    assert pset.matching("z") == [1]


@pytest.mark.parametrize("limit", [0, 12, 40])
@pytest.mark.parametrize("split", [None, 3, 7])
def test_pattern_set_split_in_ranges_answers_like_one_search_per_pattern(monkeypatch, limit, split):
    # Lists too large for one RE2 Set are cut into ranges, each searched as one joined regexp.
    from foreign_explorer.core.goregex import matcher

    monkeypatch.setattr(matcher, "_SET_PROGRAM_LIMIT", limit)
    texts = ["https://a.example/evil/123", "http://x", "", "zz", "HTTP://A.EXAMPLE/"]
    regexes = [compile_go(p, GO_2_8) for p in [*_SET_PATTERNS, "", "^$", r"\d{3}", "z$", "(?i)a"]]
    pset = PatternSet(regexes, split=split)
    assert not pset.one_set
    for text in texts:
        expected = [i for i, rx in enumerate(regexes) if rx.matches(text)]
        data = text.encode()
        assert pset.matching(text) == expected
        for lo, hi in [(0, len(regexes)), (0, 3), (3, len(regexes)), (2, 5), (7, 8)]:
            inside = [i for i in expected if lo <= i < hi]
            assert pset.first(data, lo, hi) == (inside[0] if inside else None)
            assert pset.any(data, lo, hi) == bool(inside)


def test_pattern_set_of_many_patterns_asks_few_questions_per_text(monkeypatch):
    # "Which pattern is the first to match" costs a few searches per halving of the list.
    from foreign_explorer.core.goregex import matcher

    monkeypatch.setattr(matcher, "_SET_PROGRAM_LIMIT", 40)
    calls = []
    for count in (256, 1024):
        regexes = [compile_go(rf"^https://h{i}\.example/", GO_2_8) for i in range(count)]
        pset = PatternSet(regexes)
        searches = 0
        found = matcher._Range.found

        def counting(node, data, found=found):
            nonlocal searches
            searches += 1
            return found(node, data)

        monkeypatch.setattr(matcher._Range, "found", counting)
        assert pset.first(b"https://h77.example/x") == 77
        assert not pset.any(b"https://nothing.example/")
        monkeypatch.setattr(matcher._Range, "found", found)
        calls.append(searches)
    assert calls[1] <= calls[0] + 6  # four times the patterns: two more halvings


# ---------------------------------------------------------------------------------------------
# The oracle vectors (Go 1.19.8's own answers).


@cache
def load_vectors() -> dict:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def char_offset(text: str, byte_offset: int) -> int:
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8"))


def test_oracle_vectors_agree_with_go_1_19():
    data = load_vectors()
    subjects = data["subjects"]
    assert len(data["cases"]) >= 3000
    mismatches = []
    for pattern, subject_ids, outcome in data["cases"]:
        try:
            regex = compile_go(pattern, GO_2_8)
        except GoRegexpError as err:
            got = {"err": err.message}
        else:
            got = {"spans": [regex.search(subjects[i]) for i in subject_ids]}
        if "err" in outcome:
            want = {"err": outcome["err"]}
        else:
            want = {
                "spans": [
                    None
                    if sp is None
                    else (char_offset(subjects[i], sp[0]), char_offset(subjects[i], sp[1]))
                    for i, sp in zip(subject_ids, outcome["spans"], strict=True)
                ]
            }
        if got != want:
            mismatches.append((pattern, got, want))
    assert mismatches == []


def test_oracle_vectors_cover_both_outcomes():
    cases = load_vectors()["cases"]
    errors = {outcome["err"].split(":")[1].strip() for _, _, outcome in cases if "err" in outcome}
    assert len(errors) >= 12
    assert sum(1 for _, _, o in cases if "spans" in o and any(o["spans"])) >= 1000


def test_pattern_set_agrees_with_single_searches_on_vectors():
    data = load_vectors()
    subjects = data["subjects"]
    accepted = [p for p, _, o in data["cases"] if "spans" in o][:400]
    regexes = [compile_go(p, GO_2_8) for p in accepted]
    for start in range(0, len(regexes), 40):
        chunk = regexes[start : start + 40]
        pset = PatternSet(chunk)
        for subject in subjects:
            expected = [i for i, rx in enumerate(chunk) if rx.matches(subject)]
            assert pset.matching(subject) == expected


# ---------------------------------------------------------------------------------------------
# Properties.

META = [*"()[]{}|*+?.^$\\-:,<>=!#PpQEzZbBdDwWsSx0123456789aAkKiImsU_ ", "é", "λ", "\n"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pattern=st.one_of(
        st.text(max_size=30), st.lists(st.sampled_from(META), max_size=30).map("".join)
    ),
    text=st.text(max_size=40),
)
def test_compile_and_search_never_raise_anything_else(pattern, text):
    for go in (GO_2_8, GO_3):
        try:
            regex = compile_go(pattern, go)
        except GoRegexpError as err:
            assert err.message.startswith("error parsing regexp: ")
            continue
        result = regex.search(text)
        assert result is None or 0 <= result[0] <= result[1] <= len(text)


def test_nothing_reaches_stderr(capfd):
    for pattern in ("a(?=b)", r"\C", "(?<n>a)", r"\p{Nope}", "x{1001}", "[a", "(a"):
        with pytest.raises(GoRegexpError):
            compile_go(pattern, GO_2_8)
    PatternSet([compile_go("a", GO_2_8)]).matching("a")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


# ---------------------------------------------------------------------------------------------
# Regenerating the vectors (needs Go; not part of the test run).

SUBJECT_POOL = [
    "",
    "a",
    "\n",
    "https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:abc",
    "https://mcr.microsoft.com.evil.example/x",
    "HTTPS://MCR.Microsoft.COM/",
    "https://go.microsoft.com/fwlink/?linkid=2099876",
    "https://registry.example.org:443/v2/library/busybox",
    "http://10.0.0.1:5000/layers/layer.tar.gz",
    "https://evil.example/?mcr.microsoft.com#frag",
    "https://user@evil.example./path%20with%20spaces",
    "https://storage.googleapis.com/artifacts/a b/c",
    "https://example.blob.core.windows.net/c/d.tgz?sv=2019&sig=x%2By",
    "ftp://files.example.com/pub/file.iso",
    "https://例え.jp/パス/é",
    "https://λ.example/Ωmega/ſK\u212a",
    "aaa{,3}bb",
    "a{01}",
    "xx\nyy\r\nzz\tww",
    "[:alpha:]",
    "abcABC123_-.~",
    "k K \u212a s S \u017f",
    "a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o",
    "0123456789",
    "\u0663\u00a0\v\f",
    "xyzzy-éé-\U0001f600-end",
    "foo.bar.baz/qux",
    "ab" * 30,
    "https://mcr.microsoft.com/",
    "https://a.example/evil/123",
]

BASE_PATTERNS = [
    r"^https://mcr\.microsoft\.com/",
    r"^https://mcr\.microsoft\.com",
    r"mcr\.microsoft\.com",
    r"^https://(?:[a-z0-9-]+\.)*microsoft\.com/",
    r"^https?://[^/]+/v2/",
    r"\.blob\.core\.windows\.net/",
    r"(?i)^https://registry\.example\.org(?::443)?/",
    r"^https://go\.microsoft\.com/fwlink/\?linkid=\d+$",
    r"^https://storage\.googleapis\.com/[\w-]+/",
    r"^(?:https?|ftp)://",
    r"^https://[a-zA-Z0-9.-]+(?::\d{1,5})?/.*\.t(?:ar\.)?gz$",
    r"\.example/",
    r"^http://10\.\d{1,3}\.\d{1,3}\.\d{1,3}(:\d+)?/",
    r"(?P<host>[^/:]+)",
    r"^https://\S+$",
    r"evil",
    r"^$",
    r"",
    r".*",
    r"^https://[\p{L}\p{N}.-]+/",
    r"\bmicrosoft\b",
    r"(?m)^https://",
    r"(?s)a.*b",
    r"^\Qhttps://a.b/\E",
    r"[[:alpha:]]+://",
    r"^https://[^@]+@",
    r"%[0-9A-Fa-f]{2}",
    r"#.+$",
    r"^https://(mcr|docker|gcr)\.io/",
    r"^[^:]+:[^/]",
]

FRAGMENTS = [
    "(",
    ")",
    "(?:",
    "(?i)",
    "(?i:",
    "(?s)",
    "(?m)",
    "(?U)",
    "(?-i)",
    "(?P<n>",
    "(?<n>",
    "(?=",
    "(?!",
    "(?<=",
    "(?#",
    "(?x)",
    "(?>",
    "(?P=n)",
    "[",
    "]",
    "[^",
    "[:alpha:]",
    "[[:word:]]",
    "[[:^space:]]",
    "[[:nope:]]",
    "{",
    "}",
    "{2}",
    "{,3}",
    "{1,}",
    "{2,5}",
    "{1001}",
    "{5,2}",
    "{01}",
    "*",
    "+",
    "?",
    "*?",
    "+?",
    "??",
    "**",
    "*+",
    "|",
    "^",
    "$",
    ".",
    "\\",
    "\\d",
    "\\D",
    "\\w",
    "\\W",
    "\\s",
    "\\S",
    "\\b",
    "\\B",
    "\\A",
    "\\z",
    "\\Z",
    "\\C",
    "\\Q",
    "\\E",
    "\\pL",
    "\\p{Greek}",
    "\\PL",
    "\\p{^Han}",
    "\\p{Nope}",
    "\\pX",
    "\\p",
    "\\p{",
    "\\x41",
    "\\x{1F600}",
    "\\x{110000}",
    "\\x{",
    "\\xg",
    "\\0",
    "\\012",
    "\\1",
    "\\8",
    "\\a",
    "\\f",
    "\\n",
    "\\r",
    "\\t",
    "\\v",
    "\\e",
    "\\k",
    "\\_",
    "\\-",
    "\\.",
    "\\/",
    "\\é",
    "a-z",
    "z-a",
    "-",
    "é",
    "λ",
    "K",
    "k",
    "\u212a",
    "ſ",
    ":",
    "/",
    "%",
    "#",
    "@",
    "x",
    "abc",
    "\n",
    " ",
    "\t",
]


def _mutate(pattern: str, rng: random.Random) -> str:
    choice = rng.random()
    pos = rng.randint(0, len(pattern))
    if choice < 0.4:
        return pattern[:pos] + rng.choice(FRAGMENTS) + pattern[pos:]
    if choice < 0.6 and pattern:
        end = min(len(pattern), pos + rng.randint(1, 3))
        return pattern[:pos] + pattern[end:]
    if choice < 0.75:
        return pattern[:pos] + rng.choice(FRAGMENTS) + pattern[pos + 1 :]
    if choice < 0.85:
        return f"(?:{pattern})|(?:{rng.choice(BASE_PATTERNS)})"
    return (
        rng.choice(["(?i)", "(?U)", "(?s)", "(?m)", "^", ""])
        + pattern
        + rng.choice(["", "$", "*", "+", "{2}", "|x", "/"])
    )


def _random_pattern(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 8)))


def _limit_patterns() -> list[str]:
    # Kept small enough for the vector file; the big ones live in the tests above.
    out = []
    for depth in (998, 999, 1000, 1001):
        out.append("(" * depth + ")" * depth)
        out.append("(?:" * depth + ")*" * depth)
        out.append("(?:a|" * depth + "b" + ")" * depth)
    for n in (250, 251):
        out.append(f"(?:[a-z]{{4}}){{0,{n}}}")
    out += ["((((((((((x{2}){2}){2}){2}){2}){2}){2}){2}){2}){2})", "(?:a{1000}){0,1}"]
    out += ["(?:(?:a{2}){0,1}){1000}", "(?:" + "ab|" * 300 + "c){900}", "(a*)*" * 300]
    out += ["(x{2})" * 200 + "{1000}", "(?:(?:(?:a*)*)*)*" * 120]
    return out


ATOMS = [
    "a",
    "b",
    "k",
    "s",
    "x",
    "é",
    ".",
    "/",
    ":",
    r"\.",
    r"\d",
    r"\w",
    r"\s",
    r"\W",
    r"\S",
    r"\pL",
    r"\p{Greek}",
    r"\PL",
    "[a-z]",
    "[^/]",
    "[[:upper:]]",
    "[[:^alpha:]]",
    r"[\d.]",
    "[ak-m]",
    "^",
    "$",
    r"\b",
    r"\B",
    r"\A",
    r"\z",
    r"\x{2F}",
    r"\Q.*\E",
    "https",
    "mcr",
    "[éλ]",
    "(?i:k)",
    r"\n",
    "[^\n]",
    "{",
    "}",
    "{,2}",
]


def _grammar_pattern(rng: random.Random, depth: int = 0) -> str:
    """A pattern Go usually accepts, built from the constructs above."""
    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.2 and depth < 3:
            opener = rng.choice(["(", "(?:", "(?i:", "(?s:", "(?U:", "(?P<g>", "(?m:"])
            alts = [_grammar_pattern(rng, depth + 1) for _ in range(rng.randint(1, 3))]
            atom = opener + "|".join(alts) + ")"
        elif roll < 0.25:
            atom = rng.choice(["(?i)", "(?U)", "(?s)", "(?m)", "(?-i)"])
            parts.append(atom)
            continue
        else:
            atom = rng.choice(ATOMS)
        if rng.random() < 0.35:
            atom += rng.choice(["*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0,}", "{2,}?"])
        parts.append(atom)
    return "".join(parts)


def _generate_corpus(seed: int = 1988) -> list[str]:
    rng = random.Random(seed)
    patterns: list[str] = []
    patterns += BASE_PATTERNS
    patterns += FRAGMENTS
    patterns += [a + b for a in FRAGMENTS[:60] for b in ("a", "*", ")", "]", "}", "?")]
    patterns += _limit_patterns()
    for _ in range(3000):
        pattern = rng.choice(BASE_PATTERNS)
        for _ in range(rng.randint(1, 3)):
            pattern = _mutate(pattern, rng)
        patterns.append(pattern)
    patterns += [_random_pattern(rng) for _ in range(1500)]
    patterns += [_grammar_pattern(rng) for _ in range(2500)]
    return list(dict.fromkeys(patterns))


def _pick_subjects(spans: list, rng: random.Random) -> list[int]:
    """Up to two subjects Go matched and one it did not, so both outcomes are pinned."""
    hits = [i for i, sp in enumerate(spans) if sp is not None]
    misses = [i for i, sp in enumerate(spans) if sp is None]
    chosen = rng.sample(hits, min(2, len(hits))) + rng.sample(misses, min(1, len(misses)))
    return sorted(chosen)


def regenerate() -> None:
    patterns = _generate_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "oracle"
        subprocess.run(["go", "build", "-o", str(binary), str(ORACLE)], check=True)
        lines = "".join(json.dumps([p, *SUBJECT_POOL]) + "\n" for p in patterns)
        out = subprocess.run(
            [str(binary)], input=lines.encode(), capture_output=True, check=True
        ).stdout.decode()
    results = [json.loads(line) for line in out.splitlines()]
    rng = random.Random(7)
    cases = []
    for pattern, result in zip(patterns, results, strict=True):
        if "err" in result:
            cases.append([pattern, [], {"err": result["err"]}])
            continue
        ids = _pick_subjects(result["spans"], rng)
        cases.append([pattern, ids, {"spans": [result["spans"][i] for i in ids]}])
    data = {"go": "go1.19.8", "subjects": SUBJECT_POOL, "cases": cases}
    VECTORS.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {VECTORS}")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    regenerate()


# --- the per-keystroke fast paths ----------------------------------------------------------------

_SUBJECTS = [
    b"https://mcr.microsoft.com/v2/x",
    b"https://evil.example/?mcr.microsoft.com",
    b"HTTPS://MCR.microsoft.com/",
    "https://x/\u00e9".encode(),
    b"",
]
_SET_PATTERNS = [r"^https://mcr\.microsoft\.com/", "evil", "(?i)^https://mcr", r"/\pL$"]


def _sorted_or_empty(hits):
    return sorted(hits) if hits else []


def test_match_many_agrees_with_matching_bytes():
    pattern_set = PatternSet([compile_go(p, GO_2_8) for p in _SET_PATTERNS])
    batch = pattern_set.match_many(_SUBJECTS)
    assert [_sorted_or_empty(h) for h in batch] == [
        pattern_set.matching_bytes(s) for s in _SUBJECTS
    ]


def test_match_many_agrees_without_the_re2_set(monkeypatch):
    from foreign_explorer.core.goregex import matcher

    monkeypatch.setattr(matcher, "_SET_PROGRAM_LIMIT", 0)
    pattern_set = PatternSet([compile_go(p, GO_2_8) for p in _SET_PATTERNS])
    batch = pattern_set.match_many(_SUBJECTS)
    expected = [
        [i for i, p in enumerate(_SET_PATTERNS) if compile_go(p, GO_2_8).matches(s.decode())]
        for s in _SUBJECTS
    ]
    assert [_sorted_or_empty(h) for h in batch] == expected


def test_compile_cache_returns_the_same_object_and_never_caches_failures():
    assert compile_go("^a+$", GO_2_8) is compile_go("^a+$", GO_2_8)
    for _ in range(2):
        with pytest.raises(GoRegexpError):
            compile_go("(?=a)", GO_2_8)


def test_pattern_set_answers_when_re2_refuses_its_sets_and_joined_regexps(monkeypatch):
    # RE2 failures (a Set it will not compile, a joined regexp over its memory budget) never
    # surface: the range is split down to single patterns, each already compiled alone.
    import re2

    from foreign_explorer.core.goregex import matcher

    def refuse(*args, **kwargs):
        raise re2.error("out of memory")

    regexes = [compile_go(p, GO_2_8) for p in [*_SET_PATTERNS, "", "z$", r"\d{3}"]]
    monkeypatch.setattr(matcher, "_SET_PROGRAM_LIMIT", 12)
    monkeypatch.setattr(re2.Set, "Compile", refuse)
    monkeypatch.setattr(matcher.re2, "compile", refuse)
    pset = PatternSet(regexes, split=3)
    for text in ["https://mcr.microsoft.com/evil/123", "z", "HTTPS://MCR.x/"]:
        expected = [i for i, rx in enumerate(regexes) if rx.matches(text)]
        assert pset.matching(text) == expected
        assert pset.first(text.encode(), 3) == next((i for i in expected if i >= 3), None)


def test_pattern_set_uses_each_lists_joined_expression_as_its_range(monkeypatch):
    # The policy compiles `(?:p1)|(?:p2)|...` as the registry does; the set reuses it.
    from foreign_explorer.core.goregex import matcher

    monkeypatch.setattr(matcher, "_SET_PROGRAM_LIMIT", 12)
    allow = [compile_go(p, GO_2_8) for p in (*_SET_PATTERNS, "z$")]
    deny = [compile_go(p, GO_2_8) for p in ("evil", r"\d{3}", "^$")]
    joined = [compile_go("|".join(f"(?:{r.pattern})" for r in rs), GO_2_8) for rs in (allow, deny)]
    pset = PatternSet([*allow, *deny], split=len(allow), joined=joined)
    assert pset._root.children[0]._regex is joined[0]._regex._regexp
    for text in ["https://mcr.microsoft.com/evil/123", "z", "", "HTTPS://MCR.x/"]:
        data = text.encode()
        matching = [i for i, rx in enumerate([*allow, *deny]) if rx.matches(text)]
        assert pset.any(data, 0, len(allow)) == any(i < len(allow) for i in matching)
        assert pset.any(data, len(allow)) == any(i >= len(allow) for i in matching)
        assert pset.matching(text) == matching
