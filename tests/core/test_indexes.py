"""validation.manifests.indexes: read as 3.x reads it, and which index children must exist."""

from __future__ import annotations

import pytest

from foreign_explorer.core.indexes import IndexesSetting, PlatformRef, must_exist
from foreign_explorer.core.policy import (
    PolicyIndexesError,
    PolicySource,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

LINUX = PlatformRef("linux", "amd64")
E = "REGISTRY_VALIDATION_MANIFESTS_INDEXES"


def _config(body: str) -> IndexesSetting:
    return source_from_config(f"validation:\n  manifests:\n    indexes:\n{body}").indexes


def _env(env: dict[str, str], base: PolicySource | None = None) -> IndexesSetting:
    return apply_environment(base or PolicySource(), env, DISTRIBUTION_3).indexes


# --- which children -----------------------------------------------------------------------------


def test_unset_means_every_child_must_exist():
    assert must_exist(IndexesSetting(), "windows", "amd64")


def test_none_means_no_child_is_looked_up():
    assert not must_exist(IndexesSetting(platforms="none"), "linux", "amd64")


def test_list_matches_os_and_architecture_exactly():
    setting = IndexesSetting(platforms="list", platformlist=(LINUX,))
    assert must_exist(setting, "linux", "amd64")
    assert not must_exist(setting, "Linux", "amd64")
    assert not must_exist(setting, "linux", "arm64")


def test_list_without_platforms_checks_every_child_like_all():
    setting = IndexesSetting(platforms="list")
    assert setting.effective == "all"
    assert must_exist(setting, "windows", "amd64")


def test_platformlist_without_list_is_not_applied():
    assert IndexesSetting(platformlist=(LINUX,)).effective == "all"


# --- config -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("all", ""), ("ALL", ""), ("NoNe", "none"), ("~", "")]
)
def test_platforms_is_lower_cased_and_all_is_the_default(value, expected):
    assert _config(f"      platforms: {value}\n") == IndexesSetting(platforms=expected)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("bogus", "invalid platforms option bogus Must be one of [all, none, list]"),
        ("''", "invalid platforms option  Must be one of [all, none, list]"),
        ("123", "invalid platforms option 123 Must be one of [all, none, list]"),
        ("[a]", "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into string"),
    ],
)
def test_an_invalid_platforms_value_is_kept_in_3_x_s_words(value, text):
    assert _config(f"      platforms: {value}\n").error == text


def test_platformlist_entries_keep_their_text():
    setting = _config("      platforms: list\n      platformlist: [{os: 1, architecture: x}, ~]\n")
    assert setting.platformlist == (PlatformRef("1", "x"), PlatformRef())


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("x", "!!str `x` into []configuration.Platform"),
        ("[x]", "!!str `x` into configuration.Platform"),
        ("{os: a}", "!!map into []configuration.Platform"),
        ("[{os: [a]}]", "!!seq into string"),
    ],
)
def test_a_platformlist_of_the_wrong_shape_is_a_3_x_error(value, what):
    setting = _config(f"      platformlist: {value}\n")
    assert setting.error == f"yaml: unmarshal errors:\n  line 4: cannot unmarshal {what}"


def test_a_scalar_section_is_a_3_x_error():
    text = "validation:\n  manifests:\n    indexes: x\n"
    assert source_from_config(text).indexes.error == (
        "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `x` into "
        "configuration.ValidationIndexes"
    )


# --- environment --------------------------------------------------------------------------------


def test_env_platforms_replaces_the_file_s():
    base = PolicySource(indexes=IndexesSetting(platforms="none"))
    assert _env({f"{E}_PLATFORMS": "LIST"}, base).platforms == "list"


def test_env_empty_platforms_resets_to_all():
    base = PolicySource(indexes=IndexesSetting(platforms="none"))
    assert _env({f"{E}_PLATFORMS": ""}, base).platforms == ""


def test_env_indexed_platformlist_fields_fill_one_entry():
    env = {f"{E}_PLATFORMLIST_0_OS": "linux", f"{E}_PLATFORMLIST_0_ARCHITECTURE": "amd64"}
    assert _env(env).platformlist == (LINUX,)


def test_env_indexed_platformlist_entry_alone_panics_3_x():
    assert _env({f"{E}_PLATFORMLIST_0": "linux"}).error == (
        "runtime error: index out of range [0] with length 0"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [("PLATFORMLIST_1_OS", "undefined index: 1"), ("PLATFORMLIST_X_OS", "non-numeric index: X")],
)
def test_env_platformlist_index_errors_name_the_variable(name, text):
    assert _env({f"{E}_{name}": "linux"}).error == (
        f"parsing environment variable {E}_{name}: {text}"
    )


def test_env_unknown_platformlist_field_still_appends_an_empty_entry():
    assert _env({f"{E}_PLATFORMLIST_0_FOO": "x"}).platformlist == (PlatformRef(),)


def test_env_whole_manifests_section_replaces_indexes():
    base = PolicySource(indexes=IndexesSetting(platforms="none"))
    env = {"REGISTRY_VALIDATION_MANIFESTS": "{urls: {allow: [x]}}"}
    assert _env(env, base) == IndexesSetting()


def test_the_first_3_x_error_stays_the_error():
    env = {f"{E}_PLATFORMS": "bogus", f"{E}_PLATFORMS_X": "1", "REGISTRY_VALIDATION": "{}"}
    assert "invalid platforms option bogus" in _env(env).error


# --- start-up -----------------------------------------------------------------------------------


def test_3_x_will_not_start_on_an_unreadable_setting():
    source = PolicySource(indexes=IndexesSetting(error="invalid platforms option x Must be"))
    with pytest.raises(PolicyIndexesError) as caught:
        compile_policy(source, DISTRIBUTION_3)
    assert caught.value.list_name == "indexes"
    assert caught.value.registry_text == "invalid platforms option x Must be"


def test_2_8_starts_whatever_the_setting_says():
    source = PolicySource(indexes=IndexesSetting(error="invalid platforms option x"))
    policy = compile_policy(source, DISTRIBUTION_2_8)
    assert policy.indexes is None
