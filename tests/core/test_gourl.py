"""Go net/url.Parse port: hand vectors per rule, Go 1.19.8 oracle vectors, and a property test.

The oracle vectors in data/gourl_go119.json come from tests/oracle/gourl_oracle.go run by
Go 1.19.8 over the corpus `_corpus()` builds. Regenerate them (Go on PATH) with:

    python tests/core/test_gourl.py --regenerate
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.gourl import GoURL, URLParseError, _Fail, _parse_addr, parse

GO119 = (1, 19, 8)
GO120 = (1, 20, 8)
GO123 = (1, 23, 7)
GO1251 = (1, 25, 1)
GO1252 = (1, 25, 2)
GO1257 = (1, 25, 7)
GO1258 = (1, 25, 8)
GO1247 = (1, 24, 7)
GO1248 = (1, 24, 8)
GO1260 = (1, 26, 0)
GO1261 = (1, 26, 1)
GO1270 = (1, 27, 0)
OLD_GOS = (GO119, GO120, GO123, GO1247, GO1251)
# With the CVE-2025-47912 fix only: text before the last '[' of the host is dropped.
LOOSE_GOS = (GO1248, GO1252, GO1257, GO1260)
# With the CVE-2026-25679 fix too: a '[' anywhere but first in the host is an error.
LEADING_GOS = (GO1258, GO1261, GO1270)
NEW_GOS = LOOSE_GOS + LEADING_GOS

VECTORS = Path(__file__).parent / "data" / "gourl_go119.json"
ORACLE = Path(__file__).parents[1] / "oracle" / "gourl_oracle.go"

MCR = (
    "https://mcr.microsoft.com/v2/windows/servercore/blobs/"
    "sha256:1bd4ab33e7bb5c4e2a6a0b3cfc9e9a3b7f0a7b0b0b0b0b0b0b0b0b0b0b0b0b0b"
)


def _error(raw: str, go: tuple[int, int, int] = GO119) -> URLParseError:
    with pytest.raises(URLParseError) as caught:
        parse(raw, go)
    return caught.value


def _url(**fields: object) -> GoURL:
    base: dict[str, object] = {
        "scheme": "",
        "opaque": "",
        "userinfo": None,
        "host": "",
        "path": "",
        "raw_query": "",
        "fragment": "",
    }
    base.update(fields)
    return GoURL(**base)  # type: ignore[arg-type]


# --- API shape ---------------------------------------------------------------------------


def test_parse_returns_all_fields_of_a_realistic_layer_url() -> None:
    url = parse("HTTPS://u:p@Mcr.Microsoft.com:443/v2/a%2Fb?x=1&y#", GO119)
    assert url == _url(
        scheme="https",
        userinfo="u:p",
        host="Mcr.Microsoft.com:443",
        path="/v2/a/b",
        raw_query="x=1&y",
    )


def test_error_keeps_message_url_and_reason() -> None:
    err = _error("https://x:abc/")
    assert err.message == 'parse "https://x:abc/": invalid port ":abc" after host'
    assert str(err) == err.message
    assert err.url == "https://x:abc/"
    assert err.reason == 'invalid port ":abc" after host'
    assert isinstance(err, ForeignExplorerError)


# --- rule 1: the fragment ----------------------------------------------------------------


def test_fragment_is_split_at_first_hash_and_unescaped() -> None:
    url = parse("https://a/p#x%20y#z", GO119)
    assert (url.path, url.fragment) == ("/p", "x y#z")


def test_empty_fragment_counts_as_none() -> None:
    assert parse("https://a/#", GO119).fragment == ""


def test_bad_escape_in_fragment_quotes_the_whole_url() -> None:
    err = _error("https://a/#%zz")
    assert err.message == 'parse "https://a/#%zz": invalid URL escape "%zz"'
    assert err.url == "https://a/#%zz"


def test_fragment_may_hold_control_characters_and_spaces() -> None:
    assert parse("https://a/#x\ty\x00 ", GO119).fragment == "x\ty\x00 "


def test_error_before_the_fragment_quotes_only_the_text_before_hash() -> None:
    err = _error("https://a b/#%zz")
    assert err.message == 'parse "https://a b/": invalid character " " in host name'


# --- rule 2: control characters ----------------------------------------------------------


@pytest.mark.parametrize("ctl", ["\x00", "\t", "\n", "\r", "\x1f", "\x7f"])
def test_control_byte_before_hash_is_rejected(ctl: str) -> None:
    err = _error(f"https://a/{ctl}x")
    assert err.reason == "net/url: invalid control character in URL"


def test_control_error_is_quoted_with_go_escapes() -> None:
    err = _error("https://a/\tx\x7f")
    assert err.message == 'parse "https://a/\\tx\\x7f": net/url: invalid control character in URL'


def test_c1_controls_and_non_ascii_are_not_control_bytes() -> None:
    assert parse("https://a/\u0085\u00e9", GO119).path == "/\u0085\u00e9"


def test_control_check_comes_before_scheme_check() -> None:
    assert _error(":\t").reason == "net/url: invalid control character in URL"


# --- rule 3: the scheme ------------------------------------------------------------------


def test_scheme_is_lower_cased() -> None:
    assert parse("HtTpS://a/", GO119).scheme == "https"


def test_scheme_may_hold_digits_plus_dot_dash_after_first_letter() -> None:
    assert parse("git+ssh.v-2://a/", GO119).scheme == "git+ssh.v-2"


def test_leading_colon_is_missing_protocol_scheme() -> None:
    err = _error("://a/")
    assert err.message == 'parse "://a/": missing protocol scheme'


def test_empty_input_parses_to_nothing() -> None:
    assert parse("", GO119) == _url()


@pytest.mark.parametrize("raw", ["1https://x", "h_ttp://x", " https://x", "+a:b"])
def test_no_scheme_and_colon_in_first_segment_is_rejected(raw: str) -> None:
    assert _error(raw).reason == "first path segment in URL cannot contain colon"


def test_no_scheme_and_colon_after_first_slash_is_a_path() -> None:
    assert parse("a/b:c", GO119) == _url(path="a/b:c")


# --- rule 4: the query -------------------------------------------------------------------


def test_query_is_cut_at_first_question_mark_and_never_validated() -> None:
    url = parse("https://a/p?%zz? \\{}#", GO119)
    assert (url.path, url.raw_query) == ("/p", "%zz? \\{}")


def test_lone_trailing_question_mark_gives_empty_query() -> None:
    assert parse("https://a/p?", GO119).raw_query == ""


def test_question_mark_hides_colon_from_first_segment_rule() -> None:
    assert parse("a?b:c", GO119) == _url(path="a", raw_query="b:c")


# --- rule 5: opaque URLs -----------------------------------------------------------------


def test_scheme_without_slash_is_opaque_and_unchecked() -> None:
    url = parse("https:%zz x@[?q", GO119)
    assert url == _url(scheme="https", opaque="%zz x@[", raw_query="q")


def test_opaque_url_still_checks_the_fragment() -> None:
    assert _error("https:foo#%").reason == 'invalid URL escape "%"'


# --- rule 6: authority -------------------------------------------------------------------


def test_userinfo_ends_at_last_at_sign() -> None:
    url = parse("https://a@b@evil.example/", GO119)
    assert (url.userinfo, url.host) == ("a@b", "evil.example")


@pytest.mark.parametrize("userinfo", ["a b", "ü", "a\\b", "a[b", 'a"b', "a^b"])
def test_userinfo_characters_outside_the_rfc_set_are_rejected(userinfo: str) -> None:
    assert _error(f"https://{userinfo}@x/").reason == "net/url: invalid userinfo"


def test_slash_or_hash_ends_the_authority_before_any_at_sign() -> None:
    assert parse("https://a/b@x/", GO119) == _url(scheme="https", host="a", path="/b@x/")
    assert parse("https://a#@x/", GO119) == _url(scheme="https", host="a", fragment="@x/")


def test_userinfo_escapes_must_be_well_formed_per_part() -> None:
    assert _error("https://a%3:b@x/").reason == 'invalid URL escape "%3"'
    assert _error("https://a:b%@x/").reason == 'invalid URL escape "%"'
    assert parse("https://%41:%42@x/", GO119).userinfo == "%41:%42"


def test_bad_host_is_reported_before_bad_userinfo() -> None:
    assert _error("https://a b@x y/").reason == 'invalid character " " in host name'


def test_empty_host_is_fine() -> None:
    assert parse("https://", GO119) == _url(scheme="https")
    assert parse("https:///p", GO119) == _url(scheme="https", path="/p")


def test_triple_slash_without_scheme_is_a_path() -> None:
    assert parse("///a/b", GO119) == _url(path="///a/b")
    assert parse("//a/b", GO119) == _url(host="a", path="/b")


@pytest.mark.parametrize("port", [":99999", ":", ":0", ":443"])
def test_port_is_digits_or_empty_without_range_check(port: str) -> None:
    assert parse(f"https://x{port}/", GO119).host == f"x{port}"


@pytest.mark.parametrize("port", [":abc", ":-1", ":1a", ": 1", ":１"])
def test_port_with_non_digits_is_rejected(port: str) -> None:
    assert _error(f"https://x{port}/").reason == f'invalid port "{port}" after host'


def test_port_is_taken_from_the_last_colon() -> None:
    assert parse("https://a:b:1/", GO119).host == "a:b:1"
    assert _error("https://a:1:b/").reason == 'invalid port ":b" after host'


@pytest.mark.parametrize("ch", list(" {}|^`"))
def test_ascii_outside_the_host_set_is_invalid_character(ch: str) -> None:
    assert _error(f"https://a{ch}b/").reason == f'invalid character "{ch}" in host name'


def test_invalid_host_character_is_quoted_the_go_way() -> None:
    assert _error('https://a"\\b/').reason == 'invalid character "\\\\" in host name'


@pytest.mark.parametrize("host", ["a_b", "<a>", '"a"', "a!$&'()*+,;=b", "a~b", "例え.jp"])
def test_host_set_and_non_ascii_are_accepted(host: str) -> None:
    assert parse(f"https://{host}/", GO119).host == host


def test_host_escape_of_ascii_fails_except_percent_25() -> None:
    assert _error("https://%65vil.example/").reason == 'invalid URL escape "%65"'
    assert parse("https://a%25b/", GO119).host == "a%b"


def test_host_escape_of_non_ascii_is_decoded() -> None:
    assert parse("https://%C3%A9.example/", GO119).host == "\u00e9.example"


def test_host_escape_decoding_to_invalid_utf8_shows_replacement_per_byte() -> None:
    assert parse("https://%ff%fe/", GO119).host == "\ufffd\ufffd"


def test_host_errors_are_reported_left_to_right() -> None:
    assert _error("https://a%zz b/").reason == 'invalid URL escape "%zz"'
    assert _error("https://a b%zz/").reason == 'invalid character " " in host name'


def test_escape_error_text_is_cut_at_three_bytes() -> None:
    assert _error("https://x/%\u00e9").reason == 'invalid URL escape "%\u00e9"'
    assert _error("https://x/%a\u00e9").reason == 'invalid URL escape "%a\\xc3"'


# --- rule 6: brackets, Go 1.19 (and Go without the CVE-2025-47912 fix) -------------------


@pytest.mark.parametrize("go", OLD_GOS)
@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("https://[::1]/", "[::1]"),
        ("https://[::1]:5000/", "[::1]:5000"),
        ("https://[example.com]/", "[example.com]"),
        ("https://[1.2.3.4]/", "[1.2.3.4]"),
        ("https://[]/", "[]"),
        ("https://[fe80::1%25en0]:80/", "[fe80::1%en0]:80"),
        ("https://[a]b]/", "[a]b]"),
        ("https://a[b]/", "a[b]"),
        ("https://]x[/", "]x["),
    ],
)
def test_go119_brackets_are_not_looked_inside(
    raw: str, host: str, go: tuple[int, int, int]
) -> None:
    assert parse(raw, go).host == host


@pytest.mark.parametrize("go", OLD_GOS)
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("https://[::1/", "missing ']' in host"),
        ("https://[::1]x/", 'invalid port "x" after host'),
        ("https://[::1]:x/", 'invalid port ":x" after host'),
        ("https://a[::1]/", 'invalid port ":1]" after host'),
        ("https://[fe80::1%25%0a]/", 'invalid URL escape "%0a"'),
        ("https://[fe80::1%25a/b]/", "missing ']' in host"),
        ("https://[fe80::1%25a b]/", 'invalid character " " in host name'),
        ("https://[fe80::1%en0]/", 'invalid URL escape "%en"'),
    ],
)
def test_go119_bracket_errors(raw: str, reason: str, go: tuple[int, int, int]) -> None:
    assert _error(raw, go).reason == reason


def test_go119_bracket_with_valid_port_then_bracket_character() -> None:
    # With no ']' after the last '[', Go 1.19 only checks the characters.
    assert parse("https://a[b/", GO119).host == "a[b"


def test_go119_zone_accepts_escaped_space_and_rejects_escaped_non_ascii() -> None:
    assert parse("https://[fe80::1%25a%20b]/", GO119).host == "[fe80::1%a b]"
    assert _error("https://[fe80::1%25%C3%A9]/").reason == 'invalid URL escape "%C3"'


# --- rule 6: brackets, Go >= 1.25.2 (and 1.24.8+) ----------------------------------------


@pytest.mark.parametrize("go", NEW_GOS)
@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("https://[::1]/", "[::1]"),
        ("https://[::1]:5000/", "[::1]:5000"),
        ("https://[::ffff:1.2.3.4]/", "[::ffff:1.2.3.4]"),
        ("https://[fe80::1%25en0]:80/", "[fe80::1%en0]:80"),
        ("https://[fe80::1%25a%20b]/", "[fe80::1%a b]"),
        ("https://u@[::1]/", "[::1]"),
    ],
)
def test_go1252_brackets_hold_an_ipv6_address(
    raw: str, host: str, go: tuple[int, int, int]
) -> None:
    assert parse(raw, go).host == host


@pytest.mark.parametrize("go", LOOSE_GOS)
@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("https://a[::1]/", "[::1]"),
        ("https://a b[::1]:8/", "[::1]:8"),
        ("https://[x[::1]/", "[::1]"),
    ],
)
def test_go1252_drops_text_before_the_last_bracket(
    raw: str, host: str, go: tuple[int, int, int]
) -> None:
    assert parse(raw, go).host == host


@pytest.mark.parametrize("go", LOOSE_GOS)
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("https://a[b]/", 'invalid host: ParseAddr("b"): unable to parse IP'),
        ("https://]x[/", 'invalid port "x[" after host'),
        ("https://a[::1/", "missing ']' in host"),
    ],
)
def test_go1252_errors_for_a_bracket_after_the_start(
    raw: str, reason: str, go: tuple[int, int, int]
) -> None:
    assert _error(raw, go).reason == reason


@pytest.mark.parametrize("go", NEW_GOS)
@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("https://[1.2.3.4]/", "invalid IP-literal"),
        (
            "https://[example.com]/",
            'invalid host: ParseAddr("example.com"): unexpected character (at "example.com")',
        ),
        ("https://[]/", 'invalid host: ParseAddr(""): unable to parse IP'),
        ("https://[::1/", "missing ']' in host"),
        ("https://[::1]x/", 'invalid port "x" after host'),
        (
            "https://[::1]]/",
            'invalid host: ParseAddr("::1]"): unexpected character, want colon (at "]")',
        ),
        ("https://[fe80::1%en0]/", 'invalid URL escape "%en"'),
        (
            "https://[fe80::1%25]/",
            'invalid host: ParseAddr("fe80::1%"): zone must be a non-empty string',
        ),
        ("https://[%25x]/", 'invalid host: ParseAddr("%x"): missing IPv6 address'),
        ("https://[::1%25%0a]/", 'invalid URL escape "%0a"'),
        (
            "https://[::g]/",
            'invalid host: ParseAddr("::g"): '
            'each colon-separated field must have at least one digit (at "g")',
        ),
        (
            "https://[1:2:3:4:5:6:7:8:9]/",
            'invalid host: ParseAddr("1:2:3:4:5:6:7:8:9"): trailing garbage after address (at "9")',
        ),
        (
            "https://[::1.2.3]/",
            'invalid host: ParseAddr("::1.2.3"): '
            'ParseAddr("1.2.3"): IPv4 address too short (at "1.2.3")',
        ),
        (
            "https://[%C3%A9::1]/",
            'invalid host: ParseAddr("\u00e9::1"): '
            'each colon-separated field must have at least one digit (at "\u00e9::1")',
        ),
        (
            "https://[%ff::1]/",
            'invalid host: ParseAddr("\\xff::1"): '
            'each colon-separated field must have at least one digit (at "\\xff::1")',
        ),
    ],
)
def test_go1252_bracket_errors(raw: str, reason: str, go: tuple[int, int, int]) -> None:
    assert _error(raw, go).reason == reason


@pytest.mark.parametrize("go", NEW_GOS)
def test_go1252_keeps_go119_rules_outside_brackets(go: tuple[int, int, int]) -> None:
    assert parse("https://x:99999/", go).host == "x:99999"
    assert _error("https://x:abc/", go).reason == 'invalid port ":abc" after host'
    assert _error("https://%65vil.example/", go).reason == 'invalid URL escape "%65"'


def test_bracket_rules_switch_at_the_fixing_releases() -> None:
    assert parse("https://[example.com]/", GO1251).host == "[example.com]"
    assert parse("https://[example.com]/", GO1247).host == "[example.com]"
    for go in (GO1248, GO1252, (1, 26, 0)):
        assert _error("https://[example.com]/", go).reason.startswith("invalid host: ")


def test_leading_bracket_rule_switches_at_the_fixing_releases() -> None:
    # Go 1.24 had no release with the CVE-2026-25679 fix; 1.25.8 and 1.26.1 brought it.
    for go in ((1, 24, 8), (1, 24, 13), (1, 25, 2), GO1257, GO1260):
        assert parse("https://a[::1]/", go).host == "[::1]"
    for go in (GO1258, (1, 25, 9), GO1261, (1, 26, 3), GO1270, (2, 0, 0)):
        assert _error("https://a[::1]/", go).reason == "invalid IP-literal"


# --- rule 6: brackets, Go >= 1.25.8 (CVE-2026-25679, go.dev/issue/77578) -----------------

# The cases Go's TestParseErrors holds for this fix; Go checks only that each fails, the
# reasons are what its parseHost returns for them.
GO_FIX_CASES = [
    ("http://example.com[::1]", "invalid IP-literal"),
    ("http://example.com[::1", "invalid IP-literal"),
    ("http://[::1", "missing ']' in host"),
    ("http://.[::1]", "invalid IP-literal"),
    ("http:// [::1]", "invalid IP-literal"),
    ("hxxp://mathepqo[.]serveftp(.)com:9059", "invalid IP-literal"),
]


@pytest.mark.parametrize("go", LEADING_GOS)
@pytest.mark.parametrize(("raw", "reason"), GO_FIX_CASES)
def test_go1258_rejects_the_go_fix_test_cases(
    raw: str, reason: str, go: tuple[int, int, int]
) -> None:
    err = _error(raw, go)
    assert err.reason == reason
    assert err.message == f'parse "{raw}": {reason}'


def test_go1257_accepted_or_failed_otherwise_on_the_go_fix_test_cases() -> None:
    got = {}
    for raw, _reason in GO_FIX_CASES:
        try:
            got[raw] = parse(raw, GO1257).host
        except URLParseError as err:
            got[raw] = "!" + err.reason
    assert got == {
        "http://example.com[::1]": "[::1]",
        "http://example.com[::1": "!missing ']' in host",
        "http://[::1": "!missing ']' in host",
        "http://.[::1]": "[::1]",
        "http:// [::1]": "[::1]",
        "hxxp://mathepqo[.]serveftp(.)com:9059": '!invalid port "serveftp(.)com:9059" after host',
    }


def test_go119_accepted_or_failed_otherwise_on_the_go_fix_test_cases() -> None:
    # Checked against Go 1.19.8.
    got = {}
    for raw, _reason in GO_FIX_CASES:
        try:
            got[raw] = parse(raw, GO119).host
        except URLParseError as err:
            got[raw] = "!" + err.reason
    assert got == {
        "http://example.com[::1]": '!invalid port ":1]" after host',
        "http://example.com[::1": "example.com[::1",
        "http://[::1": "!missing ']' in host",
        "http://.[::1]": '!invalid port ":1]" after host',
        "http:// [::1]": '!invalid port ":1]" after host',
        "hxxp://mathepqo[.]serveftp(.)com:9059": "mathepqo[.]serveftp(.)com:9059",
    }


@pytest.mark.parametrize("go", LEADING_GOS)
@pytest.mark.parametrize(
    "raw",
    [
        "https://a[::1]/",
        "https://a[::1]:443/x",
        "https://u:p@a[::1]/",
        "https://[x[::1]/",
        "https://[::1][/",
        "https://]x[/",
        "https://a[b]/",
        "https://a[b/",
        # Before any escape or character check of the host.
        "https://%zz[::1]/",
        "https://a b[::1]:8/",
        "https://a[::1]:x/",
    ],
)
def test_go1258_any_bracket_after_the_first_byte_is_invalid_ip_literal(
    raw: str, go: tuple[int, int, int]
) -> None:
    assert _error(raw, go).reason == "invalid IP-literal"


@pytest.mark.parametrize("go", LEADING_GOS)
def test_go1258_checks_the_host_after_the_userinfo_only(go: tuple[int, int, int]) -> None:
    assert parse("https://u@[::1]:80/", go).host == "[::1]:80"
    assert _error("https://u[x@h/", go).reason == "net/url: invalid userinfo"
    # A bad host is still reported before bad userinfo.
    assert _error("https://u[x@h[::1]/", go).reason == "invalid IP-literal"


@pytest.mark.parametrize("go", LEADING_GOS)
def test_go1258_keeps_the_bracket_rules_of_1252_for_a_leading_bracket(
    go: tuple[int, int, int],
) -> None:
    assert parse("https://[fe80::1%25en0]:80/", go).host == "[fe80::1%en0]:80"
    assert _error("https://[1.2.3.4]/", go).reason == "invalid IP-literal"
    assert _error("https://[::1]x/", go).reason == 'invalid port "x" after host'
    assert _error("https://[example.com]/", go).reason.startswith("invalid host: ")
    # Brackets outside the host are not looked at.
    assert parse("https://h/a[::1]?q=[x]", go).path == "/a[::1]"


# --- rule 7: the path --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "shown"), [("%", "%"), ("%2", "%2"), ("%zz", "%zz"), ("%2g", "%2g")]
)
def test_malformed_path_escape_fails(escape: str, shown: str) -> None:
    assert _error(f"https://x/a{escape}").reason == f'invalid URL escape "{shown}"'


def test_path_allows_spaces_braces_and_backslash_and_decodes_escapes() -> None:
    assert parse("https://x/a b{}\\%2F%41+", GO119).path == "/a b{}\\/A+"


def test_path_escape_decoding_to_invalid_utf8_shows_replacement_per_byte() -> None:
    assert parse("https://x/%e2%82", GO119).path == "/\ufffd\ufffd"


# --- input that Go could never hold ------------------------------------------------------


def test_lone_surrogate_is_read_as_replacement_character() -> None:
    assert parse("https://x/\ud800", GO119).path == "/\ufffd"
    assert (
        _error("https://x/\ud800%").message == 'parse "https://x/\ufffd%": invalid URL escape "%"'
    )


# --- Go 1.19.8 oracle vectors ------------------------------------------------------------


def _load_vectors() -> dict[str, list[list[object]]]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def _go_unescape(text: str) -> str:
    """Percent-decoding of text Go already accepted, shown the way the oracle's JSON shows it."""
    data = text.encode()
    pieces = data.split(b"%")
    out = bytearray(pieces[0])
    for piece in pieces[1:]:
        out.append(int(piece[:2], 16))
        out += piece[2:]
    return out.decode("utf-8", "surrogateescape").translate(
        {cp: "\ufffd" for cp in range(0xDC80, 0xDD00)}
    )


def _user_as_go(userinfo: str | None) -> list[str | None] | None:
    if userinfo is None:
        return None
    name, colon, password = userinfo.partition(":")
    return [_go_unescape(name), _go_unescape(password) if colon else None]


def test_oracle_vectors_are_many_and_varied() -> None:
    vectors = _load_vectors()
    rows = vectors["url"]
    failures = [row for row in rows if len(row) == 2]
    assert vectors["go"] == "go1.19.8"
    assert len(rows) >= 5000
    assert 0.25 * len(rows) < len(failures) < 0.75 * len(rows)
    assert len({str(row[1]).split(": ", 1)[-1][:20] for row in failures}) >= 10
    assert len(vectors["addr"]) >= 1000
    assert VECTORS.stat().st_size < 1_100_000


def test_parse_agrees_with_go119_on_every_oracle_vector() -> None:
    mismatches = []
    for row in _load_vectors()["url"]:
        raw = str(row[0])
        try:
            url = parse(raw, GO119)
        except URLParseError as err:
            got: list[object] = [raw, "!" + err.message]
        else:
            got = [
                raw,
                url.scheme,
                url.opaque,
                _user_as_go(url.userinfo),
                url.host,
                url.path,
                url.raw_query,
                url.fragment,
            ]
        if got != row:
            mismatches.append((row, got))
    assert mismatches[:5] == []


def test_netip_port_agrees_with_go_parse_addr_on_every_oracle_vector() -> None:
    mismatches = []
    for raw, want in _load_vectors()["addr"]:
        try:
            got = "4" if _parse_addr(str(raw).encode()) else "6"
        except _Fail as fail:
            got = "!" + fail.reason
        if got != want:
            mismatches.append((raw, want, got))
    assert mismatches[:5] == []


def test_go1252_bracket_verdicts_follow_go_parse_addr_vectors() -> None:
    host_safe = set("0123456789abcdefABCDEFgxz:.")
    checked = 0
    for raw, want in _load_vectors()["addr"]:
        text = str(raw)
        if not set(text) <= host_safe:
            continue
        checked += 1
        url = f"https://[{text}]:1/"
        if want == "6":
            assert parse(url, GO1258).host == f"[{text}]:1"
        elif want == "4":
            assert _error(url, GO1258).reason == "invalid IP-literal"
        else:
            assert _error(url, GO1258).reason == "invalid host: " + str(want)[1:]
    assert checked >= 500


# --- property ----------------------------------------------------------------------------

_URLISH = st.text(
    alphabet=st.sampled_from(list("hHtps:/[]@%25aAfF?#.-+ \t\x00\x7f\u00e9\ud800\U0001f600zZ_0")),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(raw=st.one_of(st.text(max_size=60), _URLISH), new=st.booleans())
def test_parse_raises_only_url_parse_error(raw: str, new: bool) -> None:
    try:
        url = parse(raw, GO1258 if new else GO119)
    except URLParseError as err:
        assert err.message.startswith("parse ")
        assert "\n" not in err.message
    else:
        assert isinstance(url, GoURL)


# --- regenerating the oracle vectors -----------------------------------------------------

_HOSTS = [
    "mcr.microsoft.com",
    "MCR.Microsoft.COM",
    "mcr.microsoft.com.",
    "mcr.microsoft.com:443",
    "mcr.microsoft.com:",
    "go.microsoft.com",
    "registry.example.com:5000",
    "storage.googleapis.com",
    "s3.amazonaws.com",
    "127.0.0.1:8080",
    "[::1]",
    "[::1]:5000",
    "[fe80::1%25en0]",
    "[fe80::1%25en0]:80",
    "[fe80::1%en0]",
    "[fe80::1%25a%20b]",
    "[fe80::1%25%C3%A9]",
    "[1.2.3.4]",
    "[example.com]",
    "[]",
    "[::1",
    "::1",
    "a[::1]",
    "a[b]",
    "]x[",
    "[x]y]",
    "[::1]x",
    "[::1]:x",
    "x:abc",
    "x:-1",
    "x:99999",
    "x:1:2",
    "x%41",
    "x%7e",
    "x%7F",
    "x%80y",
    "%E2%82%AC.example",
    "x%25y",
    "%C3%A9.example",
    "%65vil.example",
    "%ff",
    "ex ample",
    "exam_ple",
    "ex<am>ple",
    '"q"',
    "a{b}",
    "a|b",
    "例え.jp",
    "xn--r8jz45g.jp",
    "",
    "~!$&'()*+,;=",
]
_USERS = [
    "",
    "u@",
    "u:p@",
    "u:p:q@",
    "@",
    "u@v@",
    "u%20@",
    "u%zz@",
    "u%3:p@",
    "u:p%@",
    "u p@",
    "ü@",
    "u\\@",
    "%41:%42@",
    "user:pa$$w0rd!@",
    ":@",
    "u:@",
    "u[@",
]
_PATHS = [
    "/v2/windows/servercore/blobs/sha256:" + "ab" * 32,
    "/",
    "",
    "/a b",
    "/a%20b",
    "/%",
    "/%2",
    "/%zz",
    "/%2F",
    "/%e9",
    "/%C3%A9",
    "/é",
    "/{x}",
    "/a\\b",
    "//x",
    "/fwlink/",
    "/layer.tar.gz",
    "/a:b",
    "/a@b",
    "/a[b]",
]
_TAILS = [
    "",
    "?",
    "?x=1",
    "?linkid=2",
    "?%zz",
    "??",
    "?a#b",
    "#",
    "#x",
    "#%zz",
    "#%",
    "#%41",
    "#a b",
    "#\t",
    "#é",
    "?q#f%2",
    "#a#b",
]
_SCHEMES = [
    "https://",
    "http://",
    "HTTPS://",
    "HtTp://",
    "https:",
    "https:///",
    "file://",
    "s3://",
    "git+ssh://",
    "//",
    "",
    "1https://",
    "h_ttp://",
    " https://",
    "://",
    ":",
    "https//",
    "https:/",
    "a.b-c+d://",
]
_JUNK = [
    " ",
    "\t",
    "\n",
    "\x00",
    "\x1f",
    "\x7f",
    "#",
    "?",
    "/",
    "@",
    ":",
    "[",
    "]",
    "%",
    "%2",
    "%zz",
    "%41",
    "%7e",
    "%80",
    "%25",
    "%e9",
    "%C3%A9",
    "é",
    "€",
    "😀",
    "\ufffd",
    "\u2028",
    "\\",
    "{",
    "}",
    "<",
    ">",
    '"',
    "'",
    "|",
    "^",
    "`",
    "~",
    "!",
    "$",
    "&",
    "(",
    ")",
    "*",
    "+",
    ",",
    ";",
    "=",
    "\u0085",
    "\ud800",
    "//",
    "::",
    "[::1]",
    "x",
]
_ADDR_ALPHABET = "0123456789abcdefABCDEFgx:.%"
_ADDR_SEEDS = [
    "::",
    "::1",
    "1::",
    "fe80::1",
    "2001:db8::68",
    "1:2:3:4:5:6:7:8",
    "::ffff:1.2.3.4",
    "1.2.3.4",
    "255.255.255.255",
    "0.0.0.0",
    "fe80::1%en0",
    "1:2:3:4:5:6:1.2.3.4",
    "::1.2.3.4",
    "ffff::",
    "0:0:0:0:0:0:0:0",
]


def _mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        pos = rng.randint(0, len(text))
        roll = rng.random()
        if roll < 0.55:
            text = text[:pos] + rng.choice(_JUNK) + text[pos:]
        elif roll < 0.75 and text:
            end = min(len(text), pos + rng.randint(1, 4))
            text = text[:pos] + text[end:]
        elif roll < 0.85:
            text = text.swapcase() if rng.random() < 0.3 else text[:pos]
        else:
            text = text[:pos] + text[pos : pos + 3].upper() + text[pos + 3 :]
    return text


_REAL = [
    "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:"
    "62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9",
    "https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:"
    "3889bb8d808bbae6fa5a33e07093e65c31371bcf9e4c38c21be6b9af52ad1548",
    "https://go.microsoft.com/fwlink/?linkid=873640",
    "https://storage.googleapis.com/bucket/layers/sha256-abc.tar.gz",
    "https://acct.blob.core.windows.net/layers/l.tar.gz?sv=2020-08-04&sig=ab%2Bc%3D",
    "http://10.0.0.1:8080/layers/base.tar",
    "https://[2001:db8::1]:443/v2/x/blobs/sha256:00",
    "https://user:token@artifactory.example/api/blobs/sha256:01",
    "https://registry.example.com:5000/v2/team/app/blobs/sha256:02#",
    "HTTPS://MCR.MICROSOFT.COM/v2/windows/servercore/blobs/sha256:03",
    "https://mcr.microsoft.com.evil.example/",
    "https://mcr.microsoft.com@evil.example/",
    "https://evil.example/?mcr.microsoft.com",
    "https://x.example/%65vil",
    "https://%65vil.example/",
    "https://evil.example.:/",
]
# Every URL the hand-written tests above pin for Go 1.19, so the oracle confirms them too.
_HAND = [
    "https://x:abc/",
    "https://a/p#x%20y#z",
    "https://a/#",
    "https://a/#%zz",
    "https://a/#x\ty\x00 ",
    "https://a b/#%zz",
    "https://a/\tx\x7f",
    "https://a/\x00x",
    "https://a/\nx",
    "https://a/\u0085\u00e9",
    ":\t",
    "HtTpS://a/",
    "git+ssh.v-2://a/",
    "://a/",
    "",
    "1https://x",
    "h_ttp://x",
    " https://x",
    "+a:b",
    "a/b:c",
    "https://a/p?%zz? \\{}#",
    "https://a/p?",
    "a?b:c",
    "https:%zz x@[?q",
    "https:foo#%",
    "https://a@b@evil.example/",
    "https://a b@x/",
    "https://\u00fc@x/",
    "https://a\\b@x/",
    "https://a[b@x/",
    'https://a"b@x/',
    "https://a^b@x/",
    "https://a/b@x/",
    "https://a#@x/",
    "https://a%3:b@x/",
    "https://a:b%@x/",
    "https://%41:%42@x/",
    "https://a b@x y/",
    "https://",
    "https:///p",
    "///a/b",
    "//a/b",
    "https://x:99999/",
    "https://x:/",
    "https://x:0/",
    "https://x: 1/",
    "https://x:\uff11/",
    "https://a:b:1/",
    "https://a:1:b/",
    "https://a{b/",
    "https://a`b/",
    'https://a"\\b/',
    "https://a_b/",
    "https://<a>/",
    "https://a!$&'()*+,;=b/",
    "https://\u4f8b\u3048.jp/",
    "https://a%25b/",
    "https://%C3%A9.example/",
    "https://%ff%fe/",
    "https://a%zz b/",
    "https://a b%zz/",
    "https://x/%\u00e9",
    "https://x/%a\u00e9",
    "https://[::1]/",
    "https://[::1]:5000/",
    "https://[example.com]/",
    "https://[1.2.3.4]/",
    "https://[]/",
    "https://[fe80::1%25en0]:80/",
    "https://[a]b]/",
    "https://a[b]/",
    "https://]x[/",
    "https://[::1/",
    "https://[::1]x/",
    "https://[::1]:x/",
    "https://a[::1]/",
    "https://[fe80::1%25%0a]/",
    "https://[fe80::1%25a/b]/",
    "https://[fe80::1%25a b]/",
    "https://[fe80::1%en0]/",
    "https://a[b/",
    "https://[fe80::1%25a%20b]/",
    "https://[fe80::1%25%C3%A9]/",
    "https://[::ffff:1.2.3.4]/",
    "https://a b[::1]:8/",
    "https://[x[::1]/",
    "https://[::1]]/",
    "https://[fe80::1%25]/",
    "https://[%25x]/",
    "https://[::g]/",
    "https://[%ff::1]/",
    "https://x/a%",
    "https://x/a%2",
    "https://x/a%zz",
    "https://x/a%2g",
    "https://x/a b{}\\%2F%41+",
    "https://x/%e2%82",
    "https://x/\ud800",
    "https://x/\ud800%",
]


def _corpus(rng: random.Random) -> list[str]:
    urls = _HAND + _REAL
    for _ in range(2200):
        url = (
            rng.choice(_SCHEMES[:4] if rng.random() < 0.6 else _SCHEMES)
            + (rng.choice(_USERS) if rng.random() < 0.4 else "")
            + rng.choice(_HOSTS[:10] if rng.random() < 0.4 else _HOSTS)
            + rng.choice(_PATHS[:3] if rng.random() < 0.5 else _PATHS)
            + (rng.choice(_TAILS) if rng.random() < 0.5 else "")
        )
        urls.append(url)
        if rng.random() < 0.7:
            urls.append(_mutate(rng, url))
    for _ in range(900):
        urls.append(_mutate(rng, rng.choice(_REAL)))
    alphabet = list("hs:/?#@[]%2541aé :.\t")
    for _ in range(700):
        urls.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
    return list(dict.fromkeys(urls))


def _random_ip(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return ".".join(str(rng.randint(0, 255)) for _ in range(4))
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(8)]
    if rng.random() < 0.3:
        groups[6:] = [".".join(str(rng.randint(0, 255)) for _ in range(4))]
    if rng.random() < 0.6:
        cut = rng.randint(0, len(groups) - 1)
        span = rng.randint(1, len(groups) - cut)
        return ":".join(groups[:cut]) + "::" + ":".join(groups[cut + span :])
    return ":".join(groups)


def _addr_corpus(rng: random.Random) -> list[str]:
    addrs = list(_ADDR_SEEDS)
    for _ in range(700):
        seed = rng.choice(_ADDR_SEEDS) if rng.random() < 0.4 else _random_ip(rng)
        pos = rng.randint(0, len(seed))
        roll = rng.random()
        if roll < 0.3:
            addrs.append(seed)
        elif roll < 0.65:
            addrs.append(seed[:pos] + rng.choice(_ADDR_ALPHABET) + seed[pos:])
        else:
            addrs.append(seed[:pos] + seed[pos + rng.randint(1, 3) :])
    for _ in range(600):
        length = rng.randint(0, 18)
        addrs.append("".join(rng.choice(_ADDR_ALPHABET) for _ in range(length)))
    addrs += [
        "1.2.3",
        "01.2.3.4",
        "256.1.1.1",
        "1.2.3.4.5",
        "1..2.3",
        ".1.2.3",
        "1.2.3.",
        "1:2:3:4:5:6:7:8:9",
        "::1::",
        "1:::2",
        "12345::",
        "é::1",
        "1:2:3:4:5:6:7::",
        "1.2.3.4%x",
        "::1%",
        "%x",
        "",
        "g",
        "::ffff:01.2.3.4",
        "00000001::",
    ]
    return list(dict.fromkeys(addrs))


def _run_oracle(inputs: list[str], *flags: str) -> list[list[object]]:
    lines = "".join(json.dumps(text) + "\n" for text in inputs)
    done = subprocess.run(
        ["go", "run", ORACLE.name, *flags],
        input=lines.encode(),
        capture_output=True,
        check=True,
        cwd=ORACLE.parent,
    )
    rows = [json.loads(line) for line in done.stdout.decode().split("\n") if line]
    # The oracle echoes what Go read; keep our own input, which may hold a lone surrogate.
    return [[text, *row[1:]] for text, row in zip(inputs, rows, strict=True)]


def _regenerate() -> None:
    version = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, check=True)
    rng = random.Random(1198)
    data = {
        "go": version.stdout.decode().strip(),
        "url": _run_oracle(_corpus(rng)),
        "addr": _run_oracle(_addr_corpus(rng), "-addr"),
    }
    text = json.dumps(data, separators=(",", ":"))
    VECTORS.write_text(text.replace('],["', '],\n["') + "\n", encoding="utf-8")
    print(f"{len(data['url'])} url and {len(data['addr'])} addr vectors, {len(text)} bytes")


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python tests/core/test_gourl.py --regenerate")
    _regenerate()
