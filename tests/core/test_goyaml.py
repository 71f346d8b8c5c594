import pytest

from foreign_explorer.core.goyaml import GoYAMLError, decode_validation, overlay_env
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3


def _env(env, *, allow=(), deny=(), indexed=False, disabled=False):
    return overlay_env(
        allow=allow, deny=deny, disabled=disabled, enabled=False, env=env, indexed_names=indexed
    )


def test_missing_section_is_empty_and_enabled():
    section = decode_validation("version: 0.1\nhttp:\n  addr: :5000\n")
    assert (section.allow, section.deny, section.disabled) == ((), (), False)


def test_lists_are_read_in_order():
    text = "validation:\n  manifests:\n    urls:\n      allow: ['^a', '^b']\n      deny: [c]\n"
    section = decode_validation(text)
    assert (section.allow, section.deny) == (("^a", "^b"), ("c",))


def test_null_and_empty_items_become_the_empty_pattern():
    text = (
        "validation:\n  manifests:\n    urls:\n      allow:\n        -\n        - ~\n        - ''\n"
    )
    assert decode_validation(text).allow == ("", "", "")


def test_scalars_keep_their_text_like_yaml_v2():
    text = "validation:\n  manifests:\n    urls:\n      allow: [123, 0x10, true, 1.50]\n"
    assert decode_validation(text).allow == ("123", "0x10", "true", "1.50")


def test_bare_string_list_is_a_config_error_naming_the_list_its_value_cut_as_yaml_v2_cuts_it():
    text = "validation:\n  manifests:\n    urls:\n      allow: '^https://x/'\n"
    with pytest.raises(GoYAMLError) as info:
        decode_validation(text)
    assert info.value.list_name == "allow"
    assert info.value.message == (
        "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `^https:...` into []string"
    )


def test_mapping_item_is_a_config_error():
    text = "validation:\n  manifests:\n    urls:\n      deny:\n        - {a: b}\n"
    with pytest.raises(GoYAMLError, match=r"cannot unmarshal !!map into string"):
        decode_validation(text)


def test_disabled_accepts_yaml_1_1_booleans():
    assert decode_validation("validation:\n  disabled: yes\n").disabled is True


def test_enabled_flag_is_read():
    assert decode_validation("validation:\n  enabled: true\n  disabled: true\n").enabled is True


def test_broken_yaml_is_one_line_error():
    with pytest.raises(GoYAMLError) as info:
        decode_validation("validation: [\n")
    assert "\n" not in info.value.message


def test_env_list_replaces_file_list():
    section = _env({"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "['^https://a/']"}, allow=("x",))
    assert section.allow == ("^https://a/",)


def test_env_plain_scalar_is_config_error():
    with pytest.raises(GoYAMLError, match="into \\[\\]string"):
        _env({"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "^https://a/"})


def test_env_indexed_name_is_ignored_by_2_8():
    section = _env({"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": "^https://a/"})
    assert section.allow == ()


def test_env_indexed_name_at_length_appends_allow_all_in_3():
    section = _env({"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": "^https://a/"}, indexed=True)
    assert section.allow == ("",)


def test_env_indexed_name_of_existing_entry_is_silently_ignored_in_3():
    section = _env(
        {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": "^https://b/"}, allow=("a",), indexed=True
    )
    assert section.allow == ("a",)


def test_env_index_past_the_end_fails_in_3():
    with pytest.raises(GoYAMLError, match="undefined index: 2"):
        _env({"REGISTRY_VALIDATION_MANIFESTS_URLS_DENY_2": "x"}, indexed=True)


def test_env_disabled_flag():
    assert _env({"REGISTRY_VALIDATION_DISABLED": "true"}).disabled is True


def test_env_whole_section_resets_lists():
    env = {"REGISTRY_VALIDATION": "{manifests: {urls: {deny: [evil]}}}"}
    section = _env(env, allow=("a",))
    assert (section.allow, section.deny) == ((), ("evil",))


def test_env_lowercase_names_are_not_read():
    section = _env({"registry_validation_manifests_urls_allow": "[x]"})
    assert section.allow == ()


def test_a_merge_key_brings_in_the_anchored_section():
    text = "base: &b\n  manifests: {urls: {allow: [a]}}\nvalidation:\n  <<: *b\n"
    assert decode_validation(text).allow == ("a",)


def test_keys_after_a_merge_win_and_a_list_of_merges_lets_the_first_win():
    text = (
        "one: &one {allow: [one], deny: [one]}\ntwo: &two {allow: [two]}\n"
        "validation: {manifests: {urls: {<<: [*two, *one], deny: [mine]}}}\n"
    )
    section = decode_validation(text)
    assert (section.allow, section.deny) == (("two",), ("mine",))


def test_a_section_written_twice_is_decoded_field_by_field():
    text = "validation:\n  manifests: {urls: {deny: [d]}}\n  manifests: {urls: {allow: [a]}}\n"
    section = decode_validation(text)
    assert (section.allow, section.deny) == (("a",), ("d",))


def test_a_null_section_zeroes_what_came_before_it():
    text = "validation:\n  manifests: {urls: {allow: [a]}}\n  manifests: ~\n"
    assert decode_validation(text).allow == ()


def test_a_merge_bomb_is_refused_as_the_registry_refuses_it():
    lines = ["a0: &a0 {allow: [x]}"]
    lines += [f"a{k}: &a{k} {{<<: [{', '.join([f'*a{k - 1}'] * 10)}]}}" for k in range(1, 30)]
    lines.append("validation: {manifests: {urls: {<<: *a29}}}")
    with pytest.raises(GoYAMLError, match="document contains excessive aliasing"):
        decode_validation("\n".join(lines))


# --- the text as yaml.v2 reads it ---------------------------------------------------------------


@pytest.mark.parametrize(("word", "value"), [("y", True), ("Y", True), ("n", False), ("N", False)])
def test_single_letter_yaml_1_1_booleans_are_booleans_as_in_yaml_v2(word, value):
    text = f"validation:\n  enabled: {word}\n  disabled: {'N' if value else 'y'}\n"
    section = decode_validation(text)
    assert (section.enabled, section.disabled) == (value, not value)


def test_a_quoted_y_stays_a_string_which_is_no_bool():
    assert decode_validation("validation:\n  disabled: y\n").disabled is True
    with pytest.raises(
        GoYAMLError,
        match=r"^yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `y` into bool$",
    ):
        decode_validation("validation:\n  disabled: 'y'\n")


def test_an_environment_y_is_a_bool_and_a_quoted_one_a_type_error():
    assert _env({"REGISTRY_VALIDATION_DISABLED": "Y"}).disabled is True
    with pytest.raises(GoYAMLError, match=r"cannot unmarshal !!str `y` into bool"):
        _env({"REGISTRY_VALIDATION_DISABLED": "'y'"})


@pytest.mark.parametrize(
    "tail",
    [
        "---\n",
        "---\nvalidation: {disabled: false}\n",
        "...\n---\n",
        "---\nvalidation: [\n",  # a second document that would not even parse
    ],
)
def test_only_the_first_document_is_read(tail):
    assert decode_validation("validation:\n  disabled: true\n" + tail).disabled is True


def test_double_quoted_escapes_are_yaml_v2s():
    escapes = r"\0\a\b\t\	\n\v\f\r\e\ \"\'\\\N\_\L\P\x41\u00e9\U0001F600"
    text = f'validation:\n  manifests:\n    urls:\n      deny: ["{escapes}"]\n'
    expected = "\0\a\b\t\t\n\v\f\r\x1b \"'\\\x85\xa0\u2028\u2029Aé😀"
    assert decode_validation(text).deny == (expected,)


@pytest.mark.parametrize(
    ("escape", "problem"),
    [
        (r"\/", "found unknown escape character"),
        (r"\q", "found unknown escape character"),
        (r"\u00g1", "did not find expected hexdecimal number"),
        (r"\uD800", "found invalid Unicode character escape code"),
        (r"\U00110000", "found invalid Unicode character escape code"),
    ],
)
def test_escapes_yaml_v2_does_not_know_stop_the_registry(escape, problem):
    text = f'version: 0.1\nvalidation:\n  manifests:\n    urls:\n      allow: ["^a{escape}"]\n'
    with pytest.raises(GoYAMLError) as info:
        decode_validation(text)
    assert info.value.message == f"yaml: line 5: {problem}"


@pytest.mark.parametrize(
    "text",
    [
        "validation:\n  disabled:\ttrue\n",
        "validation: {disabled:\ttrue}\n",
        "validation:\n  disabled: true\t# a comment after a tab\n",
        "validation:\n  disabled: !!bool\ttrue\n",
    ],
)
def test_a_tab_separates_where_libyaml_allows_it(text):
    assert decode_validation(text).disabled is True


def test_a_tab_inside_a_plain_scalar_is_kept():
    text = "validation:\n  manifests:\n    urls:\n      deny: [a\tb, c\t]\n"
    assert decode_validation(text).deny == ("a\tb", "c")


def test_a_tab_indenting_a_line_stops_the_registry():
    with pytest.raises(GoYAMLError, match="found a tab character that violates indentation"):
        decode_validation("validation:\n  disabled: true\n\tx: 1\n")


def test_binary_items_and_keys_are_decoded_from_base64():
    # "^https://mcr/" and "disabled"
    text = (
        "validation:\n  !!binary ZGlzYWJsZWQ=: true\n  manifests:\n    urls:\n"
        "      allow: [!!binary Xmh0dHBzOi8vbWNyLw==]\n"
    )
    section = decode_validation(text)
    assert (section.disabled, section.allow) == (True, ("^https://mcr/",))


def test_bad_base64_stops_the_registry_where_it_is_decoded_only():
    assert decode_validation("unused: !!binary '!!'\n").allow == ()
    with pytest.raises(GoYAMLError, match=r"^yaml: !!binary value contains invalid base64 data$"):
        decode_validation("validation:\n  manifests: {urls: {allow: [!!binary '!!']}}\n")


def test_deep_nesting_anywhere_is_read_without_recursion():
    text = "x: " + "[" * 600 + "]" * 600 + "\nvalidation: {disabled: true}\n"
    assert decode_validation(text).disabled is True


def test_nesting_past_10000_levels_stops_the_registry():
    text = "validation: {disabled: true}\nx: " + "[" * 10_001 + "]" * 10_001 + "\n"
    with pytest.raises(GoYAMLError) as info:
        decode_validation(text)
    assert info.value.message == "yaml: line 2: exceeded max depth of 10000"


def test_a_config_error_says_config_once():
    with pytest.raises(PolicyConfigError) as info:
        source_from_config("version: 0.1\nvalidation: [\n")
    assert info.value.message == "config: yaml: line 2: did not find expected node content"


# --- what stops yaml.v2's decoding ----------------------------------------------------------


def _keys(count: int) -> str:
    return "{" + ", ".join(f"k{n}: {n}" for n in range(count)) + "}"


def test_aliasing_past_yaml_v2s_ratio_stops_both_registries():
    text = f"base: &b {_keys(3000)}\nvalidation: {{<<: *b, disabled: true}}\n"
    with pytest.raises(GoYAMLError) as info:
        decode_validation(text)
    assert info.value.message == "yaml: document contains excessive aliasing"


def test_many_small_merges_stay_under_the_ratio():
    text = "a: &a {disabled: true}\nvalidation: {<<: [" + ", ".join(["*a"] * 10_001) + "]}\n"
    assert decode_validation(text).disabled is True


def test_non_aliased_decoding_before_the_aliases_raises_what_they_may_add():
    # Up to 400,000 steps yaml.v2 allows 99% of them to come through aliases: 2,950 keys
    # brought in by one merge need about 30 steps of the document's own first.
    aliased = f"base: &b {_keys(2950)}\nvalidation: {{<<: *b}}\n"
    own = "notifications: {endpoints: [" + ", ".join(["{name: n}"] * 10) + "]}\n"
    with pytest.raises(GoYAMLError, match="excessive aliasing"):
        decode_validation(aliased)
    assert decode_validation(own + aliased).allow == ()


def test_a_value_only_one_release_line_decodes_refuses_that_line_only():
    section = decode_validation("tags: {<<: 5}\nvalidation: {disabled: true}\n")
    assert section.disabled is True
    assert section.refused_by == (
        ("distribution-3", "yaml: map merge requires map or sequence of maps as the value"),
    )


def test_the_refusal_reaches_that_profile_only():
    source = source_from_config(f"x: &b {_keys(3000)}\ncompatibility: {{schema1: {{<<: *b}}}}\n")
    with pytest.raises(PolicyStartupError, match="excessive aliasing"):
        compile_policy(source, DISTRIBUTION_2_8)
    assert compile_policy(source, DISTRIBUTION_3).allows_nothing


def test_a_file_one_release_line_cannot_decode_stops_it_before_the_environment():
    source = source_from_config("tags: {<<: 5}\n")
    env = {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_-1": "x"}
    with pytest.raises(PolicyStartupError, match="map merge requires map"):
        compile_policy(apply_environment(source, env, DISTRIBUTION_3), DISTRIBUTION_3)


def test_an_anchor_decoded_inside_itself_stops_the_registry_unless_never_decoded():
    assert decode_validation("unused: &v [*v]\n").allow == ()
    with pytest.raises(GoYAMLError, match=r"^yaml: anchor 'v' value contains itself$"):
        decode_validation("validation: &v {<<: *v}\n")


def test_a_merge_key_written_through_an_alias_merges_nothing():
    text = "m: &m <<\nvalidation: {*m : {disabled: true}}\n"
    assert decode_validation(text).disabled is False


def test_a_long_chain_of_merges_is_read_without_recursion():
    lines = ["a0: &a0 {disabled: true}"]
    lines += [f"a{k}: &a{k} {{<<: *a{k - 1}}}" for k in range(1, 3000)]
    lines.append("validation: {<<: *a2999}")
    assert decode_validation("\n".join(lines)).disabled is True


def test_an_explicit_tag_the_text_does_not_fit_stops_the_registry_where_decoded():
    assert decode_validation("unused: !!int abc\n").allow == ()
    with pytest.raises(GoYAMLError, match=r"^yaml: cannot decode !!str `abc` as a !!int$"):
        decode_validation("validation: {manifests: {urls: {allow: [!!int abc]}}}\n")


def test_an_environment_value_is_decoded_with_the_same_limits():
    bomb = f"base: &b {_keys(3000)}\n<<: *b\n"
    with pytest.raises(GoYAMLError, match="REGISTRY_VALIDATION: yaml: document contains excessive"):
        _env({"REGISTRY_VALIDATION": bomb})


# --- indexed variable names (3.x) -------------------------------------------------------------


def test_a_signed_index_is_read_as_strconv_atoi_reads_it_and_a_negative_one_makes_3_panic():
    env = {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_+1": "x"}
    assert _env(env, allow=("a",), indexed=True).allow == ("a", "")
    with pytest.raises(GoYAMLError, match="reflect: slice index out of range"):
        _env({"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_-1": "x"}, allow=("a",), indexed=True)


@pytest.mark.parametrize("index", ["\u0661", "99999999999999999999", "0x1", " 1"])
def test_an_index_strconv_atoi_cannot_read_is_non_numeric(index):
    env = {f"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_{index}": "x"}
    with pytest.raises(GoYAMLError, match=f"non-numeric index: {index}$"):
        _env(env, allow=tuple("a" * 11), indexed=True)


def test_a_negative_platform_index_makes_3_panic():
    env = {"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST_-1_OS": "linux"}
    source = apply_environment(PolicySource(), env, DISTRIBUTION_3)
    assert source.indexes.error == "reflect: slice index out of range"
