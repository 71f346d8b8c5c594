"""Suggest: the narrowest sensible allow patterns, quoted like Go's QuoteMeta, verified."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foreign_explorer.core.evaluate import judge_url
from foreign_explorer.core.goregex import compile_go
from foreign_explorer.core.lint import lint
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.suggest import (
    PLAIN_HTTP_REASON,
    USERINFO_REASON,
    SuggestError,
    host_pattern,
    quote_meta,
    suggest,
)

P28, P3 = DISTRIBUTION_2_8, DISTRIBUTION_3
SAMPLE = "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:" + "62239e9a" * 8
MCR = r"^https://mcr\.microsoft\.com/"


# --- QuoteMeta ----------------------------------------------------------------------------------


def test_quote_meta_escapes_exactly_gos_special_characters() -> None:
    # The example from Go's regexp.QuoteMeta documentation.
    assert quote_meta("Escaping symbols like: .+*?()|[]{}^$") == (
        r"Escaping symbols like: \.\+\*\?\(\)\|\[\]\{\}\^\$"
    )
    assert quote_meta("\\") == "\\\\"
    assert quote_meta("a-b/c:d@e%f~g#h") == "a-b/c:d@e%f~g#h"
    assert quote_meta("ä.example") == r"ä\.example"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_quoted_text_matches_itself_and_only_itself_under_go(text: str) -> None:
    for go in (P28.go, P3.go):
        regexp = compile_go("^" + quote_meta(text) + "$", go)
        assert regexp.matches(text)
        if text:
            assert not regexp.matches(text + "x")
            assert not regexp.matches(text[:-1])


# --- the patterns -------------------------------------------------------------------------------


def test_sample_url_gives_the_host_anchored_escaped_and_closed_by_a_slash() -> None:
    suggestion = suggest([SAMPLE], P28)
    assert suggestion.patterns == (MCR,)
    assert suggestion.admitted == ((SAMPLE, 0),)
    assert suggestion.unfixable == ()
    assert suggestion.warnings == ()
    assert suggestion.verified


def test_one_pattern_per_host_in_first_seen_order() -> None:
    urls = ["https://b.example/1", "https://a.example/2", "https://b.example/3"]
    assert suggest(urls, P28).patterns == (r"^https://b\.example/", r"^https://a\.example/")


def test_the_authority_is_kept_as_written_port_case_and_brackets() -> None:
    urls = [
        "https://mirror.example:8443/x",
        "HTTPS://Upper.Example/x",
        "https://[2001:db8::1]/x",
    ]
    suggestion = suggest(urls, P28)
    assert suggestion.patterns == (
        r"^https://mirror\.example:8443/",
        r"^HTTPS://Upper\.Example/",
        r"^https://\[2001:db8::1\]/",
    )
    assert suggestion.verified


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://mirror.internal/layer", PLAIN_HTTP_REASON),
        ("HTTP://mirror.internal/layer", PLAIN_HTTP_REASON),
        ("https://u@cdn.example/x", USERINFO_REASON),
        ("https://u:secret@cdn.example/x", USERINFO_REASON),
    ],
)
def test_a_url_no_pattern_can_make_safe_gets_none_and_the_reason(url: str, reason: str) -> None:
    suggestion = suggest([url, "https://mcr.microsoft.com/x"], P28)
    assert suggestion.patterns == (r"^https://mcr\.microsoft\.com/",)
    assert suggestion.unfixable == ((url, reason),)
    assert not suggestion.verified


def test_a_url_without_a_path_is_pinned_at_its_end_or_query() -> None:
    suggestion = suggest(["https://a.example", "https://b.example?x=1"], P28)
    assert suggestion.patterns == (r"^https://a\.example$", r"^https://b\.example\?")
    assert suggestion.verified


def test_narrow_pins_each_hosts_longest_common_directory() -> None:
    urls = [
        "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:1",
        "https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:2",
        "https://go.example/one/two",
    ]
    suggestion = suggest(urls, P28, narrow=True)
    assert suggestion.patterns == (
        r"^https://mcr\.microsoft\.com/v2/windows/",
        r"^https://go\.example/one/",
    )
    assert suggestion.verified and suggestion.warnings == ()


def test_narrow_single_url_pins_its_directory() -> None:
    assert suggest([SAMPLE], P28, narrow=True).patterns == (
        r"^https://mcr\.microsoft\.com/v2/windows/nanoserver/blobs/",
    )


def test_path_prefix_is_quoted_and_must_fit_every_url_of_the_host() -> None:
    suggestion = suggest([SAMPLE], P28, path_prefix="/v2/windows/")
    assert suggestion.patterns == (r"^https://mcr\.microsoft\.com/v2/windows/",)
    with pytest.raises(SuggestError, match="does not start with the path prefix /v2/linux/"):
        suggest([SAMPLE], P28, path_prefix="/v2/linux/")
    with pytest.raises(SuggestError, match="must start with /"):
        suggest([SAMPLE], P28, path_prefix="v2/")


# --- what no allow pattern can fix --------------------------------------------------------------


def test_urls_go_cannot_parse_or_with_another_scheme_are_reported_not_allowed() -> None:
    urls = [SAMPLE, "https://a.example:abc/", "ftp://mcr.microsoft.com/x", "https://a/#frag"]
    suggestion = suggest(urls, P28)
    assert suggestion.patterns == (MCR,)
    assert [u for u, _ in suggestion.unfixable] == urls[1:]
    assert 'invalid port ":abc" after host' in suggestion.unfixable[0][1]
    assert not suggestion.verified


def test_a_url_only_one_profile_parses_is_fixable_there_only() -> None:
    url = "https://[a.example]/x"
    assert suggest([url], P28).verified
    assert suggest([url], P3).patterns == ()
    # On 2.8 the suggestion works, and the lint says that 3.x disagrees.
    assert {w.code for w in suggest([url], P28).warnings} == {"profiles-differ"}


def test_a_deny_pattern_that_blocks_a_url_is_reported() -> None:
    suggestion = suggest([SAMPLE], P28, deny=["nanoserver"])
    assert suggestion.patterns == (MCR,)
    assert suggestion.unfixable == ((SAMPLE, "denied by deny[0] nanoserver"),)


def test_nothing_to_allow_gives_no_pattern() -> None:
    suggestion = suggest([], P28)
    assert suggestion.patterns == () and not suggestion.verified


def test_host_pattern_is_the_fix_the_lint_advises() -> None:
    assert host_pattern("https://mcr.microsoft.com") == MCR
    assert host_pattern("not a url") == ""


# --- the property: every suggestion admits its URLs and lints clean -----------------------------

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
HOST = st.lists(LABEL, min_size=2, max_size=4).map(".".join)
PATH = st.lists(st.from_regex(r"[A-Za-z0-9._~:@!$&'()*+,;=-]{1,8}", fullmatch=True), max_size=4)
URL = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}/" + "/".join(path),
    st.just("https"),
    HOST,
    st.sampled_from(["", ":443", ":8443"]),
    PATH,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(URL, min_size=1, max_size=6), st.booleans(), st.sampled_from([P28, P3]))
def test_every_suggestion_admits_its_urls_and_lints_clean(urls, narrow, profile) -> None:
    suggestion = suggest(urls, profile, narrow=narrow)
    assert suggestion.verified
    policy = compile_policy(PolicySource(allow=suggestion.patterns), profile)
    for url in urls:
        assert judge_url(url, policy).ok
    assert lint(PolicySource(allow=suggestion.patterns), profile, urls) == ()
    for pattern in suggestion.patterns:
        assert pattern.startswith("^http")


# --- the self-check: never a suggested pattern the lint warns about ------------------------------

TRICKY = [
    "https://evil.example?.example.com/",
    "https://u@mcr.microsoft.com/x",
    "HTTPS://mcr.microsoft.com/v2/x",
    "https://mcr.microsoft.com:443/x",
    "https://mcr.microsoft.com./x",
    "https://[::1]/x",
    "https://[a.example]/x",
    "https://example.com/x",
    "https://mcr.microsoft.com?x",
    "https://mcr.microsoft.com",
    "http://10.0.0.1:8080/layer",
    "https://xn--bcher-kva.example/x",
]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=5),
    st.booleans(),
    st.sampled_from([P28, P3]),
)
def test_no_suggested_pattern_carries_a_warning_of_its_own(urls, narrow, profile) -> None:
    suggestion = suggest(urls, profile, narrow=narrow)
    own = [
        w
        for w in suggestion.warnings
        if w.list_name == "allow" and not w.is_info and w.code != "profiles-differ"
    ]
    assert own == []


def test_a_pattern_the_lint_warns_about_is_withdrawn(monkeypatch) -> None:
    from foreign_explorer.core import suggest as module

    # A suggestion gone wrong (dots unescaped) must not reach the user.
    monkeypatch.setattr(module, "_group_pattern", lambda key, *a: "^" + key[0] + "/")
    suggestion = suggest([SAMPLE], P28)
    assert suggestion.patterns == ()
    assert [url for url, _ in suggestion.unfixable] == [SAMPLE]
    assert "unescaped `.`" in suggestion.unfixable[0][1]
    assert not suggestion.verified


def test_a_host_longer_than_any_dns_name_gets_no_pattern_and_costs_no_compile(
    monkeypatch,
) -> None:
    # A 3 MB host made RE2 refuse the suggestion's Set after a long parse ("internal error").
    from foreign_explorer.core import policy

    compiled: list[str] = []
    real = policy.compile_go
    monkeypatch.setattr(
        policy, "compile_go", lambda pattern, go: compiled.append(pattern) or real(pattern, go)
    )
    long_url = "https://" + "a." * 5000 + "/x"
    result = suggest([long_url, "https://mcr.microsoft.com/x"], DISTRIBUTION_2_8)
    assert result.patterns == (r"^https://mcr\.microsoft\.com/",)
    assert result.unfixable == (
        (long_url, "its host is 10000 characters long: no DNS name is longer than 253"),
    )
    assert max(map(len, compiled)) < 100


def test_a_host_of_253_characters_still_gets_its_pattern() -> None:
    host = ".".join(["a" * 63] * 3 + ["b" * 61])
    assert len(host) == 253
    result = suggest([f"https://{host}/x"], DISTRIBUTION_2_8)
    assert result.verified
