import pytest

from foreign_explorer.core.goyaml import GoYAMLError, decode_validation, overlay_env


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


def test_bare_string_list_is_a_config_error_naming_the_list():
    text = "validation:\n  manifests:\n    urls:\n      allow: '^https://x/'\n"
    with pytest.raises(GoYAMLError) as info:
        decode_validation(text)
    assert info.value.list_name == "allow"
    assert "cannot unmarshal !!str `^https://x/` into []string" in info.value.message


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
