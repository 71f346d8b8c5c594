"""The lint: each rule's warning, its example URL, and the engine's verdict behind every claim.

The real registry proves the claims in tests/registry/test_lint_registry.py; here each rule is
pinned on its own, and a property test checks that no warning ever carries an example the
engine does not judge the way the warning says.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foreign_explorer.core import lint as L
from foreign_explorer.core.evaluate import judge_url, prepare_url
from foreign_explorer.core.goregex import GoRegexp, GoRegexpError, compile_go, syntax_tree
from foreign_explorer.core.lint import (
    Claim,
    LintWarning,
    Outcome,
    checked_urls,
    config_key_findings,
    lint,
    lint_policy,
)
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import (
    PolicySource,
    PolicyStartupError,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, PROFILES
from tests.registry import images as im
from tests.registry.test_differential import URLS as TRICKY_URLS

P28, P3 = DISTRIBUTION_2_8, DISTRIBUTION_3
MCR = r"^https://mcr\.microsoft\.com/"
SAMPLE = "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:" + "62239e9a" * 8


def warnings_for(allow=(), deny=(), urls=(SAMPLE,), profile=P28, disabled=False):
    source = PolicySource(allow=tuple(allow), deny=tuple(deny), disabled=disabled)
    return lint(source, profile, urls)


def by_code(warnings, code) -> LintWarning:
    found = [w for w in warnings if w.code == code]
    assert len(found) == 1, [w.code for w in warnings]
    return found[0]


def codes(warnings) -> set[str]:
    return {w.code for w in warnings}


def assert_proven(warning: LintWarning, source: PolicySource, profile=P28) -> None:
    """The claims, re-judged by the engine from scratch."""
    for claim in warning.claims:
        profile_for = PROFILES.get(claim.profile)
        if claim.outcome is Outcome.NO_START:
            line = next(go for name, _label, go in L.GO_LINES if name == claim.profile)
            with pytest.raises(GoRegexpError):
                compile_go(warning.pattern, line)
            continue
        assert profile_for is not None
        if claim.outcome is Outcome.STARTS:
            # A key finding with no URL: the registry starts, with the policy compiled here.
            assert warning.path is not None and warning.example == ""
            compile_policy(source, profile_for)
            continue
        policy = compile_policy(source, profile_for)
        assert judge_url(warning.example, policy).ok == (claim.outcome is Outcome.ACCEPTED)
    assert warning.claims[0].profile == profile.name


# --- allow rules --------------------------------------------------------------------------------


def test_unanchored_pattern_is_shown_a_url_on_another_host_that_passes() -> None:
    warning = by_code(warnings_for(["mcr.microsoft.com"]), L.UNANCHORED)
    assert warning.example == "https://evil.example/?mcr.microsoft.com"
    assert warning.accepted
    assert warning.where == "allow[0]" and warning.pattern == "mcr.microsoft.com"
    assert r"write ^https://mcr\.microsoft\.com/" in warning.message
    assert_proven(warning, PolicySource(allow=("mcr.microsoft.com",)))


def test_unanchored_picks_another_attacker_host_when_the_first_is_denied() -> None:
    warning = by_code(
        warnings_for(["mcr.microsoft.com"], deny=[r"^https://evil\.example/"]), L.UNANCHORED
    )
    assert warning.example == "https://attacker.example/?mcr.microsoft.com"


def test_empty_pattern_matches_every_url() -> None:
    warning = by_code(warnings_for([""]), L.UNANCHORED)
    assert warning.example.startswith("https://evil.example/")
    assert warning.accepted


def test_unescaped_dot_gives_a_lookalike_host_one_could_register() -> None:
    warning = by_code(warnings_for(["^https://mcr.microsoft.com/"]), L.UNESCAPED_DOT)
    assert warning.example == "https://mcr-microsoft.com/"
    assert_proven(warning, PolicySource(allow=("^https://mcr.microsoft.com/",)))


def test_a_dot_outside_the_host_is_not_an_unescaped_dot_in_the_host() -> None:
    assert L.UNESCAPED_DOT not in codes(warnings_for([r"^https://mcr\.microsoft\.com/v2/a.b"]))


def test_host_without_slash_admits_a_longer_host_and_a_userinfo_form() -> None:
    warning = by_code(warnings_for([r"^https://mcr\.microsoft\.com"]), L.HOST_NOT_CLOSED)
    assert warning.example == "https://mcr.microsoft.com.evil.example/"
    assert "mcr.microsoft.com@evil.example" in warning.message
    assert_proven(warning, PolicySource(allow=(r"^https://mcr\.microsoft\.com",)))


def test_a_host_closed_by_a_port_or_end_is_closed() -> None:
    for pattern in (r"^https://mcr\.microsoft\.com(/|$)", r"^https://mcr\.microsoft\.com:443/"):
        assert L.HOST_NOT_CLOSED not in codes(warnings_for([pattern])), pattern


def test_wildcard_before_the_host_lets_another_host_through() -> None:
    warning = by_code(warnings_for([r"^https://.*\.microsoft\.com/"]), L.HOST_WILDCARD)
    assert warning.example == "https://evil.example?.microsoft.com/"
    assert warning.accepted


# --- host escapes, searched on Go's parse tree ---------------------------------------------------

DOC_ALLOW = r"^https?://([^/]+\.)*example\.com/"
DOC_DENY = r"^https?://www\.example\.com/"


@pytest.mark.parametrize(
    ("pattern", "example"),
    [
        (DOC_ALLOW, "https://evil.example?.example.com/"),
        (r"^https?://([^/]+\.)?example\.com/", "https://evil.example?.example.com/"),
        (r"^https://[^/]*\.example\.com/", "https://evil.example?.example.com/"),
        (r"^https://\S+\.example\.com/", "https://evil.example?.example.com/"),
        (r"^https://[a-z0-9.?-]+\.example\.com/", "https://evil.example?.example.com/"),
        (r"^https://(([^/]+)\.)*example\.com/", "https://evil.example?.example.com/"),
        (r"^https://((?:[^/]+)\.){0,3}example\.com/", "https://evil.example?.example.com/"),
        (r"^https://[^/@]+\.example\.com/", "https://evil.example?.example.com/"),
        (r"^https://.+\.example\.com/", "https://evil.example?.example.com/"),
        (r"^https://mcr\.microsoft\.com[^/]*/", "https://mcr.microsoft.com@evil.example/"),
        (r"^https://[^?#]+\.example\.com/", "https://evil.example/.example.com/"),
    ],
)
def test_a_host_wildcard_that_can_end_the_host_is_escaped(pattern: str, example: str) -> None:
    for profile in (P28, P3):
        warning = by_code(warnings_for([pattern], profile=profile), L.HOST_WILDCARD)
        assert warning.example == example
        assert warning.accepted
        assert_proven(warning, PolicySource(allow=(pattern,)), profile)


def test_the_escape_warning_names_the_host_go_reads_and_an_anchored_fix() -> None:
    warning = by_code(warnings_for([DOC_ALLOW]), L.HOST_WILDCARD)
    assert "reads the host of this URL as evil.example, not example.com" in warning.message
    assert r"write ^https://example\.com/" in warning.message
    assert r"with its subdomains, ^https://([a-z0-9-]+\.)*example\.com/" in warning.message


@pytest.mark.parametrize(
    "pattern",
    [
        MCR,
        r"^https://([a-z0-9-]+\.)*example\.com/",
        r"^https://[^/?#@]+\.example\.com/",
        r"^https://[^/?#]+\.example\.com/",
        r"^https://[^/?]+\.example\.com/",
        r"^https://(mcr|go)\.microsoft\.com/",
        r"^https://[a-z]+\.example\.com:443/",
    ],
)
def test_host_patterns_that_pin_the_host_are_not_escaped(pattern: str) -> None:
    for profile in (P28, P3):
        found = codes(warnings_for([pattern], profile=profile))
        assert not found & {L.HOST_WILDCARD, L.HOST_NOT_CLOSED, L.UNANCHORED}, pattern


def test_the_fixes_the_escape_warning_offers_are_not_escaped() -> None:
    warning = by_code(warnings_for([DOC_ALLOW]), L.HOST_WILDCARD)
    fixes = [r"^https://example\.com/", r"^https://([a-z0-9-]+\.)*example\.com/"]
    assert all(fix in warning.message for fix in fixes)
    for fix in fixes:
        assert not codes(warnings_for([fix])) & {L.HOST_WILDCARD, L.HOST_NOT_CLOSED}


def test_a_host_class_without_slash_is_escaped_through_the_query() -> None:
    # [^/]* stops at `/` but not at `?`: the rest of the URL is a query Go never reads.
    warning = by_code(warnings_for([r"^https://[^/]*\.microsoft\.com/"]), L.HOST_WILDCARD)
    assert warning.example == "https://evil.example?.microsoft.com/"
    assert_proven(warning, PolicySource(allow=(r"^https://[^/]*\.microsoft\.com/",)))


def test_a_label_wildcard_under_the_same_top_level_name_is_meant() -> None:
    # [a-z]+\.example admits any such host on purpose; evil.example would prove nothing.
    found = warnings_for([r"^https://[a-z]+\.example/"], urls=("https://a.example/x",))
    assert found == ()


def test_plain_http_admitted_by_an_optional_s() -> None:
    warning = by_code(warnings_for([r"^https?://mcr\.microsoft\.com/"]), L.PLAIN_HTTP)
    assert warning.example == "http://mcr.microsoft.com/"
    assert warning.accepted


def test_plain_http_is_not_warned_when_the_pattern_asks_for_it() -> None:
    found = warnings_for([r"^http://mirror\.internal/"], urls=("http://mirror.internal/x",))
    assert found == ()


def test_plain_http_example_has_a_host_even_for_any_host_patterns() -> None:
    warning = by_code(warnings_for(["^https?://"], urls=()), L.PLAIN_HTTP)
    assert warning.example == "http://mirror.example/"


# --- deny rules ---------------------------------------------------------------------------------

DENY_EVIL = r"^https://evil\.example/"


@pytest.mark.parametrize(
    ("code", "example"),
    [
        (L.DENY_SCHEME_CASE, "HTTPS://evil.example/"),
        (L.DENY_HOST_CASE, "https://EVIL.EXAMPLE/"),
        (L.DENY_PORT, "https://evil.example:443/"),
        (L.DENY_TRAILING_DOT, "https://evil.example./"),
        (L.DENY_USERINFO, "https://u@evil.example/"),
    ],
)
def test_deny_pattern_dodged_by_another_spelling_of_the_same_url(code: str, example: str) -> None:
    warning = by_code(warnings_for(deny=[DENY_EVIL]), code)
    assert warning.example == example
    assert warning.contrast == "https://evil.example/"
    assert warning.accepted
    source = PolicySource(deny=(DENY_EVIL,))
    assert_proven(warning, source)
    assert not judge_url(warning.contrast, compile_policy(source, P28)).ok


def test_deny_dodged_by_percent_encoding_outside_the_host() -> None:
    warning = by_code(warnings_for(["^https://"], deny=["evil"]), L.DENY_PERCENT)
    assert warning.example == "https://x.example/%65vil"
    assert warning.contrast == "https://x.example/evil"


def test_percent_encoding_dodge_is_found_on_the_allowed_host() -> None:
    warning = by_code(warnings_for([MCR], deny=[r"(?i)\.exe$"]), L.DENY_PERCENT)
    assert warning.example == "https://mcr.microsoft.com/%2Eexe"
    assert warning.contrast == "https://mcr.microsoft.com/.exe"


def test_a_dodge_the_allow_list_rejects_anyway_is_not_reported() -> None:
    # HTTPS://evil.example/ dodges the deny, but allow ^https:// rejects it: no proof.
    found = warnings_for(["^https://"], deny=[DENY_EVIL])
    assert L.DENY_SCHEME_CASE not in codes(found)
    assert {L.DENY_HOST_CASE, L.DENY_PORT, L.DENY_TRAILING_DOT} <= codes(found)


def test_case_insensitive_deny_is_not_dodged_by_case() -> None:
    found = codes(warnings_for(deny=[r"(?i)^https://evil\.example/"]))
    assert L.DENY_SCHEME_CASE not in found and L.DENY_HOST_CASE not in found


def test_the_documentation_deny_is_dodged_by_one_label_in_upper_case() -> None:
    # WWW.EXAMPLE.COM fails the case-sensitive allow too; WWW.example.com passes it.
    warning = by_code(warnings_for([DOC_ALLOW], deny=[DOC_DENY]), L.DENY_CASE)
    assert warning.example == "https://WWW.example.com/"
    assert warning.contrast == "https://www.example.com/"
    assert L.DENY_HOST_CASE not in codes(warnings_for([DOC_ALLOW], deny=[DOC_DENY]))
    assert_proven(warning, PolicySource(allow=(DOC_ALLOW,), deny=(DOC_DENY,)))


def test_an_unanchored_deny_naming_a_host_is_dodged_by_case_too() -> None:
    allow, deny = r"^https://[^/]+\.microsoft\.com/", r"evil\.microsoft\.com"
    warning = by_code(warnings_for([allow], deny=[deny]), L.DENY_CASE)
    assert warning.example == "https://EVIL.microsoft.com/"


def test_mixed_case_is_not_reported_when_the_whole_host_in_upper_case_dodges() -> None:
    found = codes(warnings_for(deny=[DENY_EVIL]))
    assert L.DENY_HOST_CASE in found and L.DENY_CASE not in found


def test_case_insensitive_deny_is_not_dodged_by_mixed_case() -> None:
    found = warnings_for([DOC_ALLOW], deny=["(?i)" + DOC_DENY])
    assert L.DENY_CASE not in codes(found) and L.DENY_HOST_CASE not in codes(found)


# --- information: an upper-case scheme ----------------------------------------------------------


def test_a_scheme_only_allow_rejecting_an_upper_case_scheme_is_information() -> None:
    warning = by_code(warnings_for(["^https://"]), L.SCHEME_CASE_REJECTED)
    assert warning.is_info and warning.as_dict()["severity"] == "info"
    assert warning.example == "HTTPS://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:" + (
        "62239e9a" * 8
    )
    assert warning.contrast == SAMPLE
    assert not warning.accepted
    assert "^(?i:https)://" in warning.message
    assert_proven(warning, PolicySource(allow=("^https://",)))


def test_a_host_pattern_gets_the_scheme_note_only_for_a_loaded_upper_case_url() -> None:
    assert L.SCHEME_CASE_REJECTED not in codes(warnings_for([MCR]))
    upper = "HTTPS://mcr.microsoft.com/v2/x"
    warning = by_code(warnings_for([MCR], urls=(SAMPLE, upper)), L.SCHEME_CASE_REJECTED)
    assert warning.example == upper
    assert r"^(?i:https)://mcr\.microsoft\.com/" in warning.message


def test_a_case_insensitive_scheme_gets_no_scheme_note() -> None:
    assert L.SCHEME_CASE_REJECTED not in codes(warnings_for(["(?i)^https://"]))


# --- placeholders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "host"),
    [
        (DOC_ALLOW, "example.com"),
        (r"^https://registry\.example\.org/", "registry.example.org"),
        (r"^https://layers\.example/", "layers.example"),
        (r"^https://cdn\.invalid/", "cdn.invalid"),
        (r"^https://mirror\.test/", "mirror.test"),
        (r"^https://your\.fancy\.domain\.internal/", "your.fancy.domain.internal"),
    ],
)
def test_a_documentation_placeholder_host_is_named_as_such(pattern: str, host: str) -> None:
    warning = by_code(warnings_for([pattern]), L.PLACEHOLDER_HOST)
    assert f"{host} is a placeholder" in warning.message
    assert warning.accepted
    assert L.MATCHES_NONE in codes(warnings_for([pattern]))


def test_a_placeholder_in_a_deny_pattern_protects_nothing() -> None:
    warning = by_code(warnings_for([MCR], deny=[DOC_DENY]), L.PLACEHOLDER_HOST)
    assert warning.list_name == "deny" and not warning.accepted
    assert "denies nothing" in warning.message


def test_a_placeholder_host_that_a_loaded_layer_uses_is_meant() -> None:
    found = warnings_for([r"^https://layers\.example/"], urls=("https://layers.example/x",))
    assert L.PLACEHOLDER_HOST not in codes(found)


@pytest.mark.parametrize("host", ["mcr.microsoft.com", "registry.internal", "examples.com"])
def test_real_looking_hosts_are_not_placeholders(host: str) -> None:
    from foreign_explorer.core.lint.placeholder_rules import placeholder_reason

    assert placeholder_reason(host) is None


# --- keys the registry never reads ---------------------------------------------------------------

MISINDENTED = (
    "validation:\n  allow:\n    - ^https?://([^/]+\\.)*example\\.com/\n"
    "  deny:\n    - ^https?://www\\.example\\.com/\n"
)


def config_warnings(text: str, env=None, profile=P28, urls=(SAMPLE,)):
    source = apply_environment(source_from_config(text), env or {}, profile)
    return lint(source, profile, urls), source


def test_a_misindented_allow_is_a_finding_with_its_path_its_real_path_and_the_policy_in_force():
    found, source = config_warnings(MISINDENTED)
    warning = by_code([w for w in found if w.path == "validation.allow"], L.IGNORED_KEY)
    assert (warning.list_name, warning.index, warning.pattern) == ("policy", None, None)
    assert warning.where == "validation.allow"
    assert "did you mean validation.manifests.urls.allow?" in warning.message
    assert "admits no URL at all" in warning.message
    assert warning.example == "https://example.com/" and not warning.accepted
    assert warning.as_dict()["path"] == "validation.allow"
    assert_proven(warning, source)


def test_a_fork_only_key_is_named_and_the_registry_starts_with_it() -> None:
    text = "validation:\n  manifests:\n    referencelimit: 1\n    urls:\n      allow: ['^https://mcr\\.microsoft\\.com/']\n"
    found, _ = config_warnings(text)
    warning = by_code(found, L.FORK_ONLY_KEY)
    assert "GitLab's fork" in warning.message
    assert warning.example == "" and warning.as_dict()["example"] is None
    assert warning.claims == (Claim("distribution-2.8", Outcome.STARTS),)
    assert warning.verdict_text == "starts"


def test_index_keys_are_ignored_by_2_8_and_read_by_3() -> None:
    text = "validation:\n  manifests:\n    indexes:\n      platforms: none\n"
    warning = by_code(config_warnings(text)[0], L.IGNORED_KEY)
    assert "exists only in distribution 3" in warning.message
    # 3.x reads the key: no key finding (the readings differ, which another rule says).
    codes = {w.code for w in config_warnings(text, profile=P3)[0]}
    assert L.IGNORED_KEY not in codes and "indexes-differ" in codes


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("validation:\n  enabled: true\n", "changes nothing here: validation is on unless"),
        ("validation:\n  enabled: false\n", "which it is by default"),
        ("validation:\n  enabled: false\n  disabled: true\n", "disabled: true turns it off"),
    ],
)
def test_the_deprecated_enabled_key_that_changes_nothing_says_so(text: str, words: str) -> None:
    warning = by_code(config_warnings(text)[0], L.DEPRECATED_KEY)
    assert words in warning.message and warning.path == "validation.enabled"


def test_enabled_true_overriding_disabled_true_is_shown_with_a_rejected_url() -> None:
    found, source = config_warnings("validation:\n  enabled: true\n  disabled: true\n")
    warning = by_code(found, L.DEPRECATED_KEY)
    assert "overrides disabled: true" in warning.message
    assert not warning.accepted
    assert_proven(warning, source)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("REGISTRY_VALIDATION_ALLOW", "Ignoring unrecognized environment variable"),
        ("REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0", "ignores indexed names"),
        ("REGISTRY_VALIDATION_DISABLED_X", "which holds one value"),
        ("registry_validation_disabled", "upper case"),
    ],
)
def test_variables_that_map_to_nothing_are_findings(name: str, words: str) -> None:
    found, _ = config_warnings("", {name: "['^https://mcr\\.microsoft\\.com/']"})
    warning = by_code(found, L.IGNORED_ENV)
    assert warning.path == name and warning.where == name
    assert words in warning.message


def test_a_variable_only_3_reads_is_logged_and_ignored_by_2_8() -> None:
    found, _ = config_warnings("", {"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "none"})
    warning = by_code(found, L.IGNORED_ENV)
    assert "exists only in distribution 3" in warning.message
    assert 'it logs "Ignoring unrecognized environment variable"' in warning.message


def test_a_variable_below_a_platform_list_item_that_3_never_reads_is_a_finding() -> None:
    name = "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST_0_VARIANT"
    found, _ = config_warnings("", {name: "v8"}, profile=P3)
    warning = by_code(found, L.IGNORED_ENV)
    assert warning.path == name
    assert "Ignoring unrecognized environment variable" in warning.message


def test_a_misspelt_key_a_merge_key_brings_in_is_a_finding_with_a_rejected_url() -> None:
    text = (
        "x-urls: &urls\n  alow: ['^https://mcr\\.microsoft\\.com/']\n"
        "validation:\n  manifests:\n    urls:\n      <<: *urls\n"
    )
    for profile in (P28, P3):
        found, source = config_warnings(text, profile=profile)
        warning = by_code(found, L.IGNORED_KEY)
        assert warning.path == "validation.manifests.urls.alow"
        assert "did you mean validation.manifests.urls.allow?" in warning.message
        assert warning.example == "https://mcr.microsoft.com/" and not warning.accepted
        assert_proven(warning, source, profile)


def test_the_key_findings_of_a_config_are_those_about_its_keys_only() -> None:
    found = config_key_findings(MISINDENTED, P3)
    assert [w.path for w in found] == ["validation.allow", "validation.deny"]
    assert {w.code for w in found} == {L.IGNORED_KEY}
    assert [w.claims[0].profile for w in found] == ["distribution-3"] * 2


def test_a_config_the_registry_would_not_start_with_has_no_key_findings() -> None:
    text = "validation:\n  alow: [x]\n  manifests:\n    urls:\n      allow: ['(?=x)']\n"
    assert config_key_findings(text, P28) == ()


def test_the_misplaced_allow_variable_shows_the_url_it_meant_to_admit_rejected() -> None:
    env = {"REGISTRY_VALIDATION_ALLOW": "['^https://mcr\\.microsoft\\.com/']"}
    warning = by_code(config_warnings("", env)[0], L.IGNORED_ENV)
    assert warning.example == "https://mcr.microsoft.com/" and not warning.accepted
    assert "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW" in warning.message


def test_a_source_without_keys_has_no_key_findings_and_the_cache_tells_them_apart() -> None:
    plain = warnings_for([MCR])
    keyed, _ = config_warnings(
        "validation:\n  allow: [x]\n  manifests:\n    urls:\n      allow: ['^https://mcr\\.microsoft\\.com/']\n"
    )
    assert not {w.code for w in plain} & {L.IGNORED_KEY}
    assert L.IGNORED_KEY in codes(keyed)


# --- the policy as a whole ----------------------------------------------------------------------


def test_deny_only_policy_admits_every_other_host() -> None:
    warning = by_code(warnings_for(deny=[DENY_EVIL]), L.DENY_ONLY)
    assert (warning.list_name, warning.index, warning.pattern) == ("policy", None, None)
    assert warning.example == "https://attacker.example/layer.tar.gz"
    assert warning.accepted


def test_validation_disabled_admits_everything() -> None:
    warning = by_code(warnings_for(disabled=True), L.VALIDATION_DISABLED)
    assert warning.accepted and warning.where == "policy"


def test_the_default_policy_allows_nothing_and_has_no_warning() -> None:
    assert warnings_for() == ()


def test_pattern_matching_none_of_the_loaded_urls_shows_a_rejected_one() -> None:
    warning = by_code(warnings_for([r"^https://mcr\.microsoft\.com/windows/"]), L.MATCHES_NONE)
    assert warning.example == SAMPLE
    assert not warning.accepted
    assert "1 loaded URL" in warning.message


def test_unused_pattern_beside_one_that_admits_everything_loaded() -> None:
    warning = by_code(warnings_for([MCR, r"^https://unused\.example/"]), L.MATCHES_NONE)
    assert warning.index == 1
    assert warning.accepted
    assert "another pattern" in warning.message


def test_matches_none_prefers_a_rejected_url_on_the_patterns_host() -> None:
    urls = ("https://other.example/a", "https://mcr.microsoft.com/v2/x")
    warning = by_code(
        warnings_for([r"^https://mcr\.microsoft\.com/windows/"], urls=urls), L.MATCHES_NONE
    )
    assert warning.example == "https://mcr.microsoft.com/v2/x"


def test_matches_none_needs_loaded_urls() -> None:
    assert warnings_for([MCR, r"^https://go\.microsoft\.com/"], urls=()) == ()


# --- versions and profiles ----------------------------------------------------------------------


def test_url_with_brackets_is_judged_differently_by_2_8_and_3() -> None:
    warning = by_code(warnings_for(["mcr.microsoft.com"]), L.PROFILES_DIFFER)
    assert warning.example == "https://[mcr.microsoft.com]/"
    assert warning.claims == (
        Claim("distribution-2.8", Outcome.ACCEPTED),
        Claim("distribution-3", Outcome.REJECTED),
    )
    assert_proven(warning, PolicySource(allow=("mcr.microsoft.com",)))


def test_host_without_slash_admits_no_ipv6_literal_on_either_profile() -> None:
    # distribution-3's Go 1.25.8 has the CVE-2026-25679 fix: `host[::1]` fails to parse there
    # too (Go 1.25.2 to 1.25.7 read it as `[::1]`), so the two profiles agree on it.
    assert L.PROFILES_DIFFER not in codes(warnings_for([r"^https://mcr\.microsoft\.com"]))
    url = "https://mcr.microsoft.com[::1]"
    assert prepare_url(url, P28.go).message == f'parse "{url}": invalid port ":1]" after host'
    assert prepare_url(url, P3.go).message == f'parse "{url}": invalid IP-literal'


def test_loaded_url_judged_differently_is_a_policy_wide_warning_without_allow() -> None:
    found = warnings_for(deny=[DENY_EVIL], urls=("https://[example.com]/x",))
    warning = by_code(found, L.PROFILES_DIFFER)
    assert warning.where == "policy"
    assert warning.example == "https://[example.com]/x"


def test_named_group_in_angle_brackets_stops_a_2_8_registry() -> None:
    pattern = r"(?<host>^https://mcr\.microsoft\.com/)"
    warning = by_code(warnings_for([pattern], profile=P3), L.GO_VERSION_ONLY)
    assert warning.claims[0] == Claim("distribution-3", Outcome.ACCEPTED)
    assert Claim("distribution-2.8", Outcome.NO_START) in warning.claims
    assert "(?P<name>...)" in warning.message
    assert_proven(warning, PolicySource(allow=(pattern,)), profile=P3)
    with pytest.raises(PolicyStartupError):
        lint(PolicySource(allow=(pattern,)), P28)


def test_unicode_class_alias_stops_a_3_0_registry_too() -> None:
    warning = by_code(
        warnings_for([r"^https://\p{Letter}+\.example/"], profile=P3, urls=()), L.GO_VERSION_ONLY
    )
    names = {c.profile for c in warning.claims if c.outcome is Outcome.NO_START}
    assert names == {"distribution-2.8", "distribution-2.8.3", "distribution-3.0"}


def test_go_version_rule_covers_deny_patterns() -> None:
    warning = by_code(warnings_for(deny=[r"(?<e>evil)"], profile=P3, urls=()), L.GO_VERSION_ONLY)
    assert warning.list_name == "deny"
    assert not warning.accepted


# --- what is clean ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "allow",
    [
        (MCR,),
        (r"^https://mcr\.microsoft\.com/v2/windows/",),
        (MCR, r"^https://go\.microsoft\.com/"),
        (r"(?i)^https://mcr\.microsoft\.com/",),
        (r"^https://mcr\.microsoft\.com:443/", MCR),
    ],
)
def test_anchored_escaped_slash_closed_https_patterns_are_clean(allow) -> None:
    urls = (SAMPLE, "https://go.microsoft.com/fwlink", "https://mcr.microsoft.com:443/v2/x")
    found = [w for w in warnings_for(allow, urls=urls) if w.code != L.MATCHES_NONE]
    assert found == []


# --- the contract -------------------------------------------------------------------------------


def test_json_form_has_exactly_the_documented_keys() -> None:
    warning = warnings_for(["mcr.microsoft.com"])[0]
    keys = ["code", "list", "index", "pattern", "message", "example", "severity"]
    assert list(warning.as_dict()) == keys
    assert warning.as_dict()["severity"] == "warning"


def test_every_rule_has_a_short_title() -> None:
    assert all(isinstance(title, str) and title for title in L.TITLES.values())
    assert len(set(L.TITLES)) == 26


def test_policy_wide_warnings_come_first_then_allow_then_deny() -> None:
    found = warnings_for(["mcr.microsoft.com"], deny=["evil"], disabled=False)
    order = [w.list_name for w in found]
    assert order == sorted(order, key={"policy": 0, "allow": 1, "deny": 2}.get)


def test_checked_urls_are_only_those_the_registry_checks() -> None:
    image = im.docker_image(
        [
            im.foreign_layer(["https://a.example/1", "https://a.example/1"]),
            im.layer("x", urls=["https://b.example/not-checked"]),
            im.foreign_layer(["https://c.example/2"], seed="f2"),
        ]
    )
    manifest = parse_manifest(image.manifest)
    assert checked_urls([manifest], P28) == ("https://a.example/1", "https://c.example/2")
    oci = parse_manifest(im.oci_image([im.oci_layer("y", urls=["https://d.example/3"])]).manifest)
    assert checked_urls([manifest, oci], P3)[-1] == "https://d.example/3"


def test_results_are_reused_for_the_same_source_profile_and_urls() -> None:
    source = PolicySource(allow=("mcr.microsoft.com",))
    first = lint_policy(compile_policy(source, P28), (SAMPLE,))
    assert lint_policy(compile_policy(source, P28), [SAMPLE, SAMPLE]) is first


@dataclass
class Work:
    """What one lint run did: URLs judged one by one, their longest, parse-tree steps."""

    judged: int = 0
    longest: int = 0
    steps: int = 0


def _lint_work(monkeypatch, source: PolicySource, urls=(SAMPLE,)) -> Work:
    from foreign_explorer.core.lint import probes, run

    work = Work()
    judge, passes, drafts = run.judge_url, run.url_passes, probes._drafts

    def counting_judge(url, policy):
        work.judged += 1
        work.longest = max(work.longest, len(url))
        return judge(url, policy)

    def counting_passes(url, policy):
        work.judged += 1
        work.longest = max(work.longest, len(url))
        return passes(url, policy)

    def counting_drafts(*args, **kwargs):
        work.steps += 1
        return drafts(*args, **kwargs)

    monkeypatch.setattr(run, "judge_url", counting_judge)
    monkeypatch.setattr(run, "url_passes", counting_passes)
    monkeypatch.setattr(probes, "_drafts", counting_drafts)
    lint_policy(compile_policy(source, P28), urls, other=compile_policy(source, P3))
    monkeypatch.undo()
    return work


LONG_PATTERNS = {
    "literal": lambda n: "a" * n,
    "anchored-literal": lambda n: "^https://" + "a" * n + r"\.example/",
    "dotted-host": lambda n: "^https://" + "a." * (n // 2) + "com/",
    "classes": lambda n: "^https://" + "[a-z?]" * (n // 6) + "/",
    "deny": lambda n: "b" * n,
}


@pytest.mark.parametrize("shape", LONG_PATTERNS)
def test_lint_work_does_not_grow_with_the_pattern_beyond_its_parse(monkeypatch, shape) -> None:
    # Twice the pattern, the same work: a bounded number of URLs judged, none longer than
    # TEXT_LIMIT plus a host and a scheme, and a bounded walk over Go's parse tree.
    make = LONG_PATTERNS[shape]
    found = []
    for n in (3000, 6000):
        pattern = make(n)
        lists = {"deny": (pattern,)} if shape == "deny" else {"allow": (pattern,)}
        source = PolicySource(**lists)
        found.append(_lint_work(monkeypatch, source))
    assert found[0] == found[1]
    assert found[0].longest <= L.probes.TEXT_LIMIT + 64


def test_lint_judges_a_bounded_number_of_urls_however_many_are_loaded(monkeypatch) -> None:
    source = PolicySource(allow=(MCR, "mcr.microsoft.com", r"^https://.*\.net/"), deny=("evil",))
    found = []
    for count in (500, 1000):
        urls = tuple(f"https://other{i}.example/x/{i}" for i in range(count))
        found.append(_lint_work(monkeypatch, source, urls).judged)
    assert found[0] == found[1]


# --- many patterns: lint's work grows with the patterns, not with their square ------------------


def _hosts_policy(count: int) -> PolicySource:
    return PolicySource(allow=tuple(rf"^https://h{i}\.example/" for i in range(count)))


def _searches_to_lint(monkeypatch, source: PolicySource) -> int:
    """RE2 searches one lint run makes (both profiles' policies, a loaded URL per pattern)."""
    from foreign_explorer.core.goregex import matcher

    count = 0
    found, leaf_hits, search = matcher._Range.found, matcher._Range.leaf_hits, GoRegexp.search

    def counting(real):
        def call(*args, **kwargs):
            nonlocal count
            count += 1
            return real(*args, **kwargs)

        return call

    # Small RE2 Sets, so that a few hundred patterns already take the large-list path.
    monkeypatch.setattr(matcher, "_SET_PROGRAM_LIMIT", 200)
    monkeypatch.setattr(matcher._Range, "found", counting(found))
    monkeypatch.setattr(matcher._Range, "leaf_hits", counting(leaf_hits))
    monkeypatch.setattr(GoRegexp, "search", counting(search))
    urls = [f"https://h{i}.example/x" for i in range(0, len(source.allow), 7)]
    L._results.clear()  # a cached lint would search nothing
    lint_policy(compile_policy(source, P28), urls, other=compile_policy(source, P3))
    monkeypatch.undo()
    return count


def test_lint_searches_grow_linearly_with_the_number_of_patterns(monkeypatch) -> None:
    # Every rule probes every pattern: each probe must cost a few searches whatever the list
    # holds (was: one search per pattern per probe, so 8,000 patterns never finished).
    small = _searches_to_lint(monkeypatch, _hosts_policy(300))
    large = _searches_to_lint(monkeypatch, _hosts_policy(600))
    assert small > 300
    assert large <= 2.4 * small


# --- the assumption behind the fast cross-profile check -----------------------------------------

BRACKETED = [
    "https://[::1]/x",
    "https://a[::1]/x",
    "https://[a.example]/x",
    "https://a.example[::1]/x",
    "https://[127.0.0.1]/x",
    "https://]x[/",
]


@pytest.mark.parametrize(
    "source",
    [
        PolicySource(allow=("",)),
        PolicySource(allow=("x",), deny=("evil",)),
        PolicySource(deny=(r"\[",)),
        PolicySource(disabled=True),
        PolicySource(allow=(r"(?i)^https?://[^/]*", r"%"), deny=(r"\.exe$",)),
    ],
)
def test_verdicts_differ_between_profiles_only_where_go_parses_differently(source) -> None:
    mine, theirs = compile_policy(source, P28), compile_policy(source, P3)
    for url in [*TRICKY_URLS, *BRACKETED]:
        parse_28 = prepare_url(url, P28.go).reason is None
        parse_3 = prepare_url(url, P3.go).reason is None
        if judge_url(url, mine).ok != judge_url(url, theirs).ok:
            assert parse_28 != parse_3, url


# --- Go's parse tree, as the lint reads it ------------------------------------------------------


def test_syntax_tree_merges_literals_and_keeps_a_lone_dot() -> None:
    tree = syntax_tree("^ab.c", P28.go)
    assert [sub.op for sub in tree.subs] == ["bot", "literal", "any-not-nl", "literal"]
    assert tree.subs[1].runes == (ord("a"), ord("b"))


def test_syntax_tree_raises_gos_error_for_gos_version() -> None:
    with pytest.raises(GoRegexpError):
        syntax_tree("(?<n>x)", P28.go)
    assert syntax_tree("(?<n>x)", P3.go).op == "capture"


def test_syntax_tree_marks_case_folded_literals() -> None:
    tree = syntax_tree("(?i)ab", P28.go)
    assert tree.op == "literal" and tree.fold


# --- the property: no warning without its proof -------------------------------------------------

ANCHORS = ["", "^"]
SCHEMES = ["https://", "https?://", "http://", "", "(?i)https://", "[a-z]+://"]
HOSTS = [
    "mcr.microsoft.com",
    r"mcr\.microsoft\.com",
    r"[a-z]+\.example",
    ".*",
    "[^/]+",
    r"(mcr|go)\.microsoft\.com",
    r"\p{L}+\.net",
]
TAILS = ["/", "", "/v2/", "$", "(/|$)", ":443/", "/.*\\.tar$"]
DENIES = ["", "evil", r"^https://evil\.example/", r"(?i)\.exe$", r"\.internal", "^http://"]
LOADED = [
    SAMPLE,
    "https://go.microsoft.com/fwlink",
    "http://mcr.microsoft.com/v2/x",
    "https://evil.example/x.exe",
    "https://[mcr.microsoft.com]/x",
    "https://a.example:8443/x.tar",
]


@st.composite
def policies(draw):
    patterns = []
    for _ in range(draw(st.integers(0, 2))):
        parts = [draw(st.sampled_from(options)) for options in (ANCHORS, SCHEMES, HOSTS, TAILS)]
        patterns.append("".join(parts))
    deny = draw(st.sampled_from(DENIES))
    profile = draw(st.sampled_from([P28, P3]))
    urls = draw(st.lists(st.sampled_from(LOADED), max_size=4))
    source = PolicySource(allow=tuple(patterns), deny=(deny,) if deny else ())
    return source, profile, tuple(urls)


@settings(max_examples=150, deadline=None)
@given(policies())
def test_every_warning_carries_an_example_the_engine_judges_as_claimed(drawn) -> None:
    source, profile, urls = drawn
    try:
        policy = compile_policy(source, profile)
    except PolicyStartupError:
        return
    for warning in lint_policy(policy, urls):
        assert_proven(warning, source, profile)
        if warning.list_name == "allow" and warning.code in (
            L.UNANCHORED,
            L.HOST_WILDCARD,
            L.UNESCAPED_DOT,
            L.HOST_NOT_CLOSED,
            L.PLAIN_HTTP,
        ):
            assert warning.accepted
            assert GoRegexp(warning.pattern, profile.go).matches(warning.example)
        if warning.contrast is not None and warning.is_info:
            assert not warning.accepted
            assert judge_url(warning.contrast, policy).ok
        elif warning.contrast is not None:
            assert warning.accepted
            assert not judge_url(warning.contrast, policy).ok
            deny = GoRegexp(warning.pattern, profile.go)
            assert deny.matches(warning.contrast) and not deny.matches(warning.example)
        if warning.code == L.MATCHES_NONE:
            assert warning.example in urls
