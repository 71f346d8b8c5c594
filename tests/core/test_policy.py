"""The effective policy: built from config, environment and flags, compiled like the registry."""

from __future__ import annotations

import pytest

from foreign_explorer.core.policy import (
    DEFAULT_ALLOW,
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

PROFILES = [DISTRIBUTION_2_8, DISTRIBUTION_3]
MCR = r"^https://mcr\.microsoft\.com/"
URL = "https://mcr.microsoft.com/v2/x"
ALLOW_0 = "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0"
ALLOW_ENV = "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"


def _startup_error(source: PolicySource, profile=DISTRIBUTION_2_8) -> PolicyStartupError:
    with pytest.raises(PolicyStartupError) as info:
        compile_policy(source, profile)
    return info.value


# --- what the registry installs ----------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_both_lists_empty_installs_implicit_caret_dollar_allow(profile):
    policy = compile_policy(PolicySource(), profile)
    assert policy.enabled
    assert policy.allow is not None
    assert policy.allow.implicit
    assert [p.pattern for p in policy.allow.patterns] == [DEFAULT_ALLOW] == ["^$"]
    assert policy.deny is None
    assert policy.allows_nothing
    assert policy.allow.matching(URL) == []


def test_deny_only_policy_has_no_allow_list():
    policy = compile_policy(PolicySource(deny=("evil",)), DISTRIBUTION_2_8)
    assert policy.allow is None
    assert policy.deny is not None
    assert [p.pattern for p in policy.deny.patterns] == ["evil"]
    assert not policy.allows_nothing


def test_allow_only_policy_has_no_deny_list():
    policy = compile_policy(PolicySource(allow=(MCR,)), DISTRIBUTION_2_8)
    assert policy.deny is None
    assert policy.allow is not None
    assert not policy.allow.implicit
    assert not policy.allows_nothing
    assert policy.allow.matching(URL) == [0]


def test_explicit_caret_dollar_is_not_the_implicit_default():
    policy = compile_policy(PolicySource(allow=("^$",)), DISTRIBUTION_2_8)
    assert policy.allow is not None and not policy.allow.implicit
    assert not policy.allows_nothing


def test_disabled_validation_drops_both_lists():
    source = PolicySource(allow=(MCR,), deny=("evil",), disabled=True)
    policy = compile_policy(source, DISTRIBUTION_2_8)
    assert not policy.enabled
    assert policy.allow is None
    assert policy.deny is None
    assert not policy.allows_nothing


def test_disabled_validation_does_not_compile_the_patterns():
    # The registry never reads the lists when validation is off, so a bad one cannot panic.
    policy = compile_policy(PolicySource(allow=("(",), disabled=True), DISTRIBUTION_2_8)
    assert policy.allow is None


def test_enabled_wins_over_disabled():
    source = PolicySource(disabled=True, enabled=True)
    assert source.validation_enabled
    policy = compile_policy(source, DISTRIBUTION_2_8)
    assert policy.enabled
    assert policy.allows_nothing


def test_matching_lists_every_pattern_index_in_order():
    policy = compile_policy(PolicySource(allow=("zzz", "mcr", "^https://")), DISTRIBUTION_2_8)
    assert policy.allow is not None
    assert policy.allow.matching(URL) == [1, 2]


# --- flags -------------------------------------------------------------------------------------


def test_allow_flag_replaces_the_file_allow_list_and_keeps_deny():
    source = PolicySource(allow=("a", "b"), deny=("d",)).with_flags(allow=["c"])
    assert (source.allow, source.deny) == (("c",), ("d",))


def test_deny_flag_replaces_the_file_deny_list_and_keeps_allow():
    source = PolicySource(allow=("a",), deny=("d",)).with_flags(deny=["e", "f"])
    assert (source.allow, source.deny) == (("a",), ("e", "f"))


def test_flags_not_given_leave_the_source_unchanged():
    source = PolicySource(allow=("a",), deny=("d",), disabled=True)
    assert source.with_flags() == source


def test_disabled_flag_beats_enabled_in_the_file():
    source = PolicySource(enabled=True).with_flags(disabled=True)
    assert not source.validation_enabled


# --- start-up failures -------------------------------------------------------------------------


def test_bad_allow_pattern_names_list_index_pattern_and_registry_text():
    error = _startup_error(PolicySource(allow=(MCR, "(?=x)")))
    assert (error.list_name, error.index, error.pattern) == ("allow", 1, "(?=x)")
    assert error.message == (
        "validation.manifests.urls.allow: error parsing regexp: "
        "invalid or unsupported Perl syntax: `(?=`"
    )


def test_bad_deny_pattern_names_the_deny_list():
    error = _startup_error(PolicySource(deny=("(",)))
    assert (error.list_name, error.index, error.pattern) == ("deny", 0, "(")
    assert error.message == (
        "validation.manifests.urls.deny: error parsing regexp: missing closing ): `(`"
    )


def test_allow_is_compiled_before_deny():
    error = _startup_error(PolicySource(allow=("(",), deny=("[",)))
    assert error.list_name == "allow"


def test_startup_error_as_dict_has_the_report_keys():
    error = _startup_error(PolicySource(allow=("(",)))
    assert error.as_dict() == {
        "list": "allow",
        "index": 0,
        "pattern": "(",
        "message": "validation.manifests.urls.allow: error parsing regexp: missing closing ): `(`",
    }


def test_unclosed_quote_alone_compiles_but_the_joined_expression_fails():
    error = _startup_error(PolicySource(allow=("ok", r"^\Qabc")))
    assert (error.list_name, error.index, error.pattern) == ("allow", 1, r"^\Qabc")
    assert error.message == (
        r"regexp: Compile(`(?:ok)|(?:^\Qabc)`): error parsing regexp: "
        r"missing closing ): `(?:ok)|(?:^\Qabc)`"
    )


def test_joined_expression_is_quoted_with_go_strconv_when_it_holds_a_backquote():
    # Go's regexp.MustCompile quotes with backquotes only when it can (a ` forces "...").
    error = _startup_error(PolicySource(deny=("a`b", r"^\Qabc")))
    assert error.message == (
        'regexp: Compile("(?:a`b)|(?:^\\\\Qabc)"): error parsing regexp: '
        "missing closing ): `(?:a`b)|(?:^\\Qabc)`"
    )
    assert (error.list_name, error.index) == ("deny", 1)


def test_named_group_with_angle_brackets_is_rejected_by_distribution_2_8():
    error = _startup_error(PolicySource(allow=("(?<n>a)",)), DISTRIBUTION_2_8)
    assert error.message == (
        "validation.manifests.urls.allow: error parsing regexp: "
        "invalid or unsupported Perl syntax: `(?<`"
    )


def test_named_group_with_angle_brackets_is_accepted_by_distribution_3():
    policy = compile_policy(PolicySource(allow=("(?<n>a)",)), DISTRIBUTION_3)
    assert policy.allow is not None
    assert policy.allow.matching("https://a/") == [0]


def test_compiled_patterns_carry_the_profile_go_version():
    policy = compile_policy(PolicySource(allow=(MCR,)), DISTRIBUTION_3)
    assert policy.profile is DISTRIBUTION_3
    assert policy.allow is not None
    assert policy.allow.patterns[0].go == DISTRIBUTION_3.go


# --- config and environment --------------------------------------------------------------------


def test_config_validation_section_becomes_the_source():
    text = (
        "version: 0.1\nvalidation:\n  disabled: false\n  manifests:\n    urls:\n"
        "      allow: ['^https://a/']\n      deny: [evil]\n"
    )
    assert source_from_config(text) == PolicySource(allow=("^https://a/",), deny=("evil",))


def test_config_with_a_bare_string_list_is_a_config_error_naming_the_list():
    text = "validation:\n  manifests:\n    urls:\n      allow: '^https://a/'\n"
    with pytest.raises(PolicyConfigError) as info:
        source_from_config(text)
    assert info.value.list_name == "allow"
    assert info.value.message.startswith(
        "config: yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str"
    )
    assert info.value.as_dict()["index"] is None


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_env_whole_list_replaces_the_file_list(profile):
    source = apply_environment(PolicySource(allow=("x",)), {ALLOW_ENV: f"['{MCR}']"}, profile)
    assert source.allow == (MCR,)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_env_plain_scalar_list_is_a_config_error(profile):
    with pytest.raises(PolicyConfigError) as info:
        apply_environment(PolicySource(), {ALLOW_ENV: MCR}, profile)
    assert info.value.list_name == "allow"
    assert info.value.message.startswith(
        f"environment: parsing environment variable {ALLOW_ENV}: yaml: unmarshal errors:\n"
        "  line 1: cannot unmarshal !!str"
    )


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_env_variables_outside_the_validation_section_are_ignored(profile):
    source = PolicySource(allow=("x",))
    env = {"REGISTRY_HTTP_ADDR": ":5000", "PATH": "/bin", "REGISTRY_VALIDATIONX": "[a]"}
    assert apply_environment(source, env, profile) == source


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_env_disabled_turns_validation_off(profile):
    source = apply_environment(PolicySource(), {"REGISTRY_VALIDATION_DISABLED": "true"}, profile)
    assert compile_policy(source, profile).allow is None


def test_env_indexed_allow_is_ignored_by_distribution_2_8():
    source = apply_environment(PolicySource(), {ALLOW_0: MCR}, DISTRIBUTION_2_8)
    assert source.allow == ()
    assert compile_policy(source, DISTRIBUTION_2_8).allows_nothing


def test_env_indexed_allow_trap_admits_every_url_in_distribution_3():
    # `_ALLOW_0` on an empty list appends "" instead of the value: everything is allowed.
    source = apply_environment(PolicySource(), {ALLOW_0: MCR}, DISTRIBUTION_3)
    assert source.allow == ("",)
    policy = compile_policy(source, DISTRIBUTION_3)
    assert policy.allow is not None
    assert policy.allow.matching("https://evil.example/") == [0]


def test_env_indexed_allow_of_an_existing_entry_is_ignored_by_distribution_3():
    source = apply_environment(PolicySource(allow=("x",)), {ALLOW_0: MCR}, DISTRIBUTION_3)
    assert source.allow == ("x",)


def test_env_indexed_allow_past_the_end_is_a_config_error_in_distribution_3():
    with pytest.raises(PolicyConfigError, match="undefined index: 2"):
        apply_environment(
            PolicySource(), {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_2": MCR}, DISTRIBUTION_3
        )


def test_env_variables_apply_in_name_order():
    # ..._ALLOW sorts before ..._ALLOW_0: the list is set first, then _0 is a no-op.
    env = {ALLOW_0: "ignored", ALLOW_ENV: "['a']"}
    assert apply_environment(PolicySource(), env, DISTRIBUTION_3).allow == ("a",)


def test_pattern_go_accepts_but_re2_cannot_run_is_unsupported_not_a_startup_failure(
    monkeypatch,
):
    from foreign_explorer.core import policy as policy_module
    from foreign_explorer.core.goregex import EngineLimitError
    from foreign_explorer.core.policy import PolicyUnsupported

    def too_big(pattern, go):
        raise EngineLimitError("expression too large", pattern, 0)

    monkeypatch.setattr(policy_module, "compile_go", too_big)
    with pytest.raises(PolicyUnsupported) as info:
        policy_module.compile_policy(PolicySource(allow=("x",)), DISTRIBUTION_2_8)
    assert (info.value.list_name, info.value.index) == ("allow", 0)
    assert "registry would start" in info.value.message


def test_check_reports_an_unsupported_pattern_as_one_line_exit_2(monkeypatch, capsys):
    from foreign_explorer.cli import main
    from foreign_explorer.core import policy as policy_module
    from foreign_explorer.core.goregex import EngineLimitError

    def too_big(pattern, go):
        raise EngineLimitError("expression too large", pattern, 0)

    monkeypatch.setattr(policy_module, "compile_go", too_big)
    assert main(["check", "--sample", "--allow", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "too large" in err
