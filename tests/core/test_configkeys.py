"""Which keys under `validation:` each registry reads, and what becomes of the others.

The registry's own behaviour with each of these configurations is proven in
tests/registry/test_lint_registry.py; here the key knowledge is pinned on its own.
"""

from __future__ import annotations

import pytest

from foreign_explorer.core.configkeys import (
    ConfigKey,
    Fate,
    config_keys,
    env_keys,
    env_name,
    fates,
    nearest_path,
    present_paths,
    read_paths,
    variable_path,
)
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

P28, P3 = DISTRIBUTION_2_8, DISTRIBUTION_3

MISINDENTED = """\
version: 0.1
validation:
  allow:
    - ^https?://([^/]+\\.)*example\\.com/
  deny:
    - ^https?://www\\.example\\.com/
"""

GITLAB = """\
validation:
  manifests:
    referencelimit: 150
    payloadsizelimit: 64000
    urls:
      allow:
        - ^https://mcr\\.microsoft\\.com/
"""


def _fates(text: str, profile=P28, env=None) -> dict[str, tuple[Fate, str]]:
    keys = config_keys(text) + env_keys(env or {})
    return {f.key.path: (f.fate, f.nearest or f.reader) for f in fates(keys, profile)}


def test_the_read_paths_of_2_8_are_the_url_lists_and_the_two_switches() -> None:
    assert set(read_paths(P28)) == {
        "validation.enabled",
        "validation.disabled",
        "validation.manifests",
        "validation.manifests.urls",
        "validation.manifests.urls.allow",
        "validation.manifests.urls.deny",
    }


def test_3_reads_the_index_keys_too() -> None:
    added = set(read_paths(P3)) - set(read_paths(P28))
    assert added == {
        "validation.manifests.indexes",
        "validation.manifests.indexes.platforms",
        "validation.manifests.indexes.platformlist",
        "validation.manifests.indexes.platformlist[].architecture",
        "validation.manifests.indexes.platformlist[].os",
    }


def test_a_misindented_copy_of_the_documentation_has_two_unread_keys_with_their_real_paths():
    for profile in (P28, P3):
        assert _fates(MISINDENTED, profile) == {
            "validation.allow": (Fate.UNKNOWN, "validation.manifests.urls.allow"),
            "validation.deny": (Fate.UNKNOWN, "validation.manifests.urls.deny"),
        }


def test_the_patterns_of_an_unread_list_are_kept_for_examples() -> None:
    keys = {k.path: k for k in config_keys(MISINDENTED)}
    assert keys["validation.allow"].items == (r"^https?://([^/]+\.)*example\.com/",)


def test_gitlab_fork_keys_are_named_as_the_forks() -> None:
    assert _fates(GITLAB) == {
        "validation.manifests.referencelimit": (Fate.FORK, "GitLab's fork of the registry"),
        "validation.manifests.payloadsizelimit": (Fate.FORK, "GitLab's fork of the registry"),
    }


def test_index_keys_are_read_by_3_only() -> None:
    text = "validation:\n  manifests:\n    indexes:\n      platforms: none\n"
    assert _fates(text, P28) == {
        "validation.manifests.indexes": (Fate.OTHER_VERSION, "distribution 3")
    }
    assert _fates(text, P3) == {}


def test_a_key_below_an_unread_key_is_not_listed_again() -> None:
    text = "validation:\n  urls:\n    allow: [a]\n    deny: [b]\n"
    assert _fates(text) == {"validation.urls": (Fate.UNKNOWN, "validation.manifests.urls")}


URLS = "validation:\n  manifests:\n    urls:\n"


@pytest.mark.parametrize(
    ("text", "path", "nearest"),
    [
        (URLS + "      Allow: [a]\n", "validation.manifests.urls.Allow",
         "validation.manifests.urls.allow"),
        ("validation:\n  manifests:\n    url:\n      allow: [a]\n", "validation.manifests.url",
         "validation.manifests.urls"),
        ("validation:\n  manifest:\n    urls: {}\n", "validation.manifest", "validation.manifests"),
        ("validation:\n  disable: true\n", "validation.disable", "validation.disabled"),
        ("Validation:\n  disabled: true\n", "Validation", "validation"),
        ("validations:\n  disabled: true\n", "validations", "validation"),
        (URLS + "      alow: [a]\n", "validation.manifests.urls.alow",
         "validation.manifests.urls.allow"),
    ],
)  # fmt: skip
def test_an_unread_key_gets_the_nearest_real_path(text: str, path: str, nearest: str) -> None:
    assert _fates(text) == {path: (Fate.UNKNOWN, nearest)}


def test_an_unknown_key_with_nothing_near_gets_no_guess() -> None:
    assert nearest_path("validation.frobnicate", set(read_paths(P28))) == ""


def test_keys_in_list_items_are_checked_against_the_item_fields() -> None:
    text = (
        "validation:\n  manifests:\n    indexes:\n      platforms: list\n      platformlist:\n"
        "        - {architecture: amd64, os: linux, variant: v8}\n"
    )
    assert _fates(text, P3) == {
        "validation.manifests.indexes.platformlist[0].variant": (Fate.UNKNOWN, "")
    }


def test_a_merge_key_and_other_top_level_sections_are_not_findings() -> None:
    text = (
        "version: 0.1\nhttp:\n  addr: :5000\ndefaults: &d\n  disabled: false\n"
        "validation:\n  <<: *d\n  disabled: false\n"
    )
    assert _fates(text) == {}


def test_broken_yaml_has_no_keys_the_policy_reader_reports_it() -> None:
    assert config_keys("validation: [") == ()


# --- environment variables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fate", "nearest"),
    [
        ("REGISTRY_VALIDATION_ALLOW", Fate.UNKNOWN, "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"),
        ("REGISTRY_VALIDATION_MANIFESTS_URL_ALLOW", Fate.UNKNOWN,
         "REGISTRY_VALIDATION_MANIFESTS_URLS"),
        ("REGISTRY_VALIDATION_DISABLED_X", Fate.BELOW_SCALAR, "REGISTRY_VALIDATION_DISABLED"),
        ("REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0", Fate.INDEXED,
         "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"),
        ("registry_validation_disabled", Fate.CASE, "REGISTRY_VALIDATION_DISABLED"),
        ("REGISTRY_VALIDATION_manifests", Fate.UNKNOWN, "REGISTRY_VALIDATION_MANIFESTS"),
        ("REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS", Fate.OTHER_VERSION, "distribution 3"),
    ],
)  # fmt: skip
def test_variables_2_8_never_reads(name: str, fate: Fate, nearest: str) -> None:
    assert _fates("", P28, {name: "x"}) == {name: (fate, nearest)}


def test_3_reads_indexed_list_names_so_they_are_left_to_its_own_rules() -> None:
    assert _fates("", P3, {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": "x"}) == {}
    assert _fates("", P3, {"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "none"}) == {}


PLATFORMLIST = "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST"


@pytest.mark.parametrize(
    ("name", "fate", "nearest"),
    [
        (f"{PLATFORMLIST}_0_VARIANT", Fate.UNKNOWN, ""),
        (f"{PLATFORMLIST}_0_OS_X", Fate.BELOW_SCALAR, f"{PLATFORMLIST}_0_OS"),
        ("REGISTRY_VALIDATION_Manifests_URLS_ALLOW", Fate.UNKNOWN,
         "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"),
    ],
)  # fmt: skip
def test_variables_3_never_reads_below_a_list_item_or_with_a_lower_case_part(
    name: str, fate: Fate, nearest: str
) -> None:
    assert _fates("", P3, {name: "x"}) == {name: (fate, nearest)}


@pytest.mark.parametrize("name", [f"{PLATFORMLIST}_0_OS", f"{PLATFORMLIST}_X"])
def test_3_reads_a_list_items_fields_and_leaves_a_bad_index_to_the_policy_reader(
    name: str,
) -> None:
    assert _fates("", P3, {name: "linux"}) == {}


def test_keys_inside_a_list_variables_yaml_value_are_checked_per_item() -> None:
    env = {PLATFORMLIST: "[{os: linux, architecture: amd64, variant: v8}]"}
    assert _fates("", P3, env) == {
        "validation.manifests.indexes.platformlist[0].variant": (Fate.UNKNOWN, "")
    }


def test_variables_that_set_a_real_path_are_read() -> None:
    env = {
        "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "['^https://a/']",
        "REGISTRY_VALIDATION_DISABLED": "false",
        "REGISTRY_STORAGE_DELETE_ENABLED": "true",
    }
    assert _fates("", P28, env) == {}


def test_keys_inside_a_variables_yaml_value_are_checked_below_its_path() -> None:
    env = {"REGISTRY_VALIDATION_MANIFESTS": "{urls: {alow: ['^https://a/']}}"}
    found = fates(env_keys(env), P28)
    assert [(f.key.path, f.key.env, f.nearest) for f in found] == [
        (
            "validation.manifests.urls.alow",
            "REGISTRY_VALIDATION_MANIFESTS",
            "validation.manifests.urls.allow",
        )
    ]


def test_variable_names_follow_the_go_field_names() -> None:
    assert env_name("validation.manifests.urls.allow", P28) == (
        "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"
    )
    assert env_name("validation.manifests.indexes.platformlist", P3) == (
        "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST"
    )
    assert variable_path("REGISTRY_VALIDATION_ENABLED", P28) == "validation.enabled"
    assert variable_path("REGISTRY_VALIDATION_MANIFESTS_INDEXES", P28) == ""


def test_the_deprecated_key_is_found_in_the_file_or_the_environment() -> None:
    keys = config_keys("validation:\n  enabled: true\n")
    assert present_paths(keys, P28)["validation.enabled"] == "config.yml"
    keys = env_keys({"REGISTRY_VALIDATION_ENABLED": "true"})
    assert present_paths(keys, P28)["validation.enabled"] == "REGISTRY_VALIDATION_ENABLED"
    keys = env_keys({"REGISTRY_VALIDATION": "{enabled: true}"})
    assert present_paths(keys, P28)["validation.enabled"] == "REGISTRY_VALIDATION"


# --- how the policy carries them ----------------------------------------------------------------


def test_the_policy_source_carries_the_keys_but_compares_without_them() -> None:
    source = source_from_config(MISINDENTED)
    assert [k.path for k in source.keys] == ["validation.allow", "validation.deny"]
    assert source == PolicySource()
    env = {"REGISTRY_VALIDATION_ALLOW": "['^https://a/']"}
    with_env = apply_environment(source, env, P28)
    assert with_env.keys[-1] == ConfigKey(
        "REGISTRY_VALIDATION_ALLOW",
        env="REGISTRY_VALIDATION_ALLOW",
        value="['^https://a/']",
        items=("^https://a/",),
    )


def test_flags_keep_the_keys_of_the_file() -> None:
    source = source_from_config(MISINDENTED).with_flags(allow=["^https://a/"])
    assert [k.path for k in source.keys] == ["validation.allow", "validation.deny"]


# --- what foreign-explorer writes holds only keys the registry reads -----------------------------


@pytest.mark.parametrize("form", ["snippet", "config"])
@pytest.mark.parametrize(
    "source",
    [
        PolicySource(allow=(r"^https://mcr\.microsoft\.com/",)),
        PolicySource(allow=("a",), deny=("b",)),
        PolicySource(deny=("b",)),
        PolicySource(disabled=True),
    ],
)
def test_exported_configs_hold_no_key_either_registry_ignores(form: str, source) -> None:
    from foreign_explorer.core.export import render

    keys = config_keys(render(source, form))
    assert keys, "nothing to check"
    for profile in (P28, P3):
        assert fates(keys, profile) == ()


MERGE_TARGETS = {
    "empty": "",
    "other-sections": "version: 0.1\nhttp:\n  addr: :5000\n",
    "misindented": MISINDENTED,
    "gitlab": GITLAB,
    "flow": "validation: {manifests: {urls: {allow: ['^x'], deny: ['^y']}}}\n",
    "disabled": "validation:\n  disabled: true\n",
}


@pytest.mark.parametrize("target", list(MERGE_TARGETS))
@pytest.mark.parametrize(
    "source",
    [
        PolicySource(allow=(r"^https://mcr\.microsoft\.com/",)),
        PolicySource(allow=("a",), deny=("b",)),
        PolicySource(deny=("b",)),
        PolicySource(disabled=True),
    ],
)
def test_a_merge_adds_no_key_either_registry_ignores(target: str, source) -> None:
    from foreign_explorer.core.merge import merge_policy

    before = MERGE_TARGETS[target]
    after = merge_policy(before, source, force=True).text
    assert config_keys(after), "nothing to check"
    for profile in (P28, P3):
        unread = {f.key.path for f in fates(config_keys(after), profile)}
        assert unread == {f.key.path for f in fates(config_keys(before), profile)}


def test_an_alias_bomb_is_walked_once_per_node_not_expanded() -> None:
    # Each level names the one below four times: expanded, thousands of keys; as written, 32.
    lines = ["validation:", "  l0: &l0 {k: v}"]
    for level in range(1, 7):
        below = f"*l{level - 1}"
        lines.append(f"  l{level}: &l{level} {{a: {below}, b: {below}, c: {below}, d: {below}}}")
    keys = config_keys("\n".join(lines) + "\n")
    assert len(keys) == 1 + 1 + 6 * 5


# --- merge keys: `<<: *base` brings the keys of base in where it stands, as yaml.v2 does ---------

ANCHORED_URLS = "x-urls: &urls\n  alow: ['^https://mcr\\.microsoft\\.com/']\n"


def test_a_misspelt_key_inside_a_merged_anchor_is_reported_by_its_path_under_validation() -> None:
    text = ANCHORED_URLS + URLS + "      <<: *urls\n"
    assert _fates(text) == {
        "validation.manifests.urls.alow": (Fate.UNKNOWN, "validation.manifests.urls.allow")
    }


def test_a_merged_key_the_registry_reads_is_no_finding_and_counts_as_set() -> None:
    text = "x-urls: &urls\n  allow: [a]\n" + URLS + "      <<: *urls\n"
    assert _fates(text) == {}
    assert "validation.manifests.urls.allow" in present_paths(config_keys(text), P28)


def test_merge_keys_are_followed_through_lists_and_nested_merges() -> None:
    text = (
        "x-a: &a\n  disabled: false\n"
        "x-b: &b\n  manifest: {}\n"
        "x-c: &c\n  <<: *b\n  enabeld: true\n"
        "validation:\n  <<: [*a, *c]\n"
    )
    assert _fates(text) == {
        "validation.manifest": (Fate.UNKNOWN, "validation.manifests"),
        "validation.enabeld": (Fate.UNKNOWN, "validation.enabled"),
    }


def test_keys_below_a_merged_key_are_walked_under_its_path() -> None:
    text = "x-m: &m\n  manifests:\n    urls:\n      Deny: [b]\n" + "validation:\n  <<: *m\n"
    assert _fates(text) == {
        "validation.manifests.urls.Deny": (Fate.UNKNOWN, "validation.manifests.urls.deny")
    }


@pytest.mark.parametrize("value", ["*scalar", "[*scalar]", "null", "*list"])
def test_the_merge_key_itself_is_never_an_unread_key(value: str) -> None:
    text = f"x: [&scalar s, &list [1]]\nvalidation:\n  <<: {value}\n  disabled: false\n"
    assert [k.path for k in config_keys(text)] == ["validation.disabled"]


def test_a_key_written_directly_and_through_a_merge_is_reported_once() -> None:
    text = ANCHORED_URLS + URLS + "      <<: *urls\n      alow: [b]\n"
    keys = config_keys(text)
    assert [k.path for k in keys].count("validation.manifests.urls.alow") == 2
    assert [f.key.path for f in fates(keys, P28)] == ["validation.manifests.urls.alow"]


def test_a_merge_bomb_brings_each_mapping_in_once() -> None:
    # Each level merges the one below four times: expanded, thousands of pairs; as written, 7.
    lines = ["x:", "  l0: &l0 {k: v}"]
    for level in range(1, 7):
        below = f"*l{level - 1}"
        lines.append(f"  l{level}: &l{level} {{<<: [{below}, {below}, {below}, {below}]}}")
    lines += ["validation:", "  <<: *l6"]
    keys = config_keys("\n".join(lines) + "\n")
    assert [k.path for k in keys] == ["validation.k"]


def test_the_policy_reader_and_the_key_finder_agree_on_merged_lists() -> None:
    text = "x-urls: &urls\n  allow: [a]\n  deny: [b]\n" + URLS + "      <<: *urls\n"
    source = source_from_config(text)
    assert (source.allow, source.deny) == (("a",), ("b",))
    assert fates(source.keys, P3) == ()


# --- the text as the registry's yaml.v2 reads it ------------------------------------------------


def test_keys_after_a_tab_separator_are_found() -> None:
    assert _fates("validation:\n  disabeld:\ttrue\n") == {
        "validation.disabeld": (Fate.UNKNOWN, "validation.disabled")
    }


def test_keys_are_read_from_the_first_document_only() -> None:
    text = "validation:\n  disabeld: true\n---\nvalidation:\n  enabeld: true\n"
    assert _fates(text) == {"validation.disabeld": (Fate.UNKNOWN, "validation.disabled")}


def test_a_binary_key_is_the_key_it_encodes() -> None:
    # ZGlzYWJsZWQ= is "disabled", ZGlzYWJsZQ== "disable".
    text = "validation:\n  !!binary ZGlzYWJsZWQ=: true\n  !!binary ZGlzYWJsZQ==: true\n"
    assert [k.path for k in config_keys(text)] == ["validation.disabled", "validation.disable"]


def test_a_merge_key_written_through_an_alias_is_a_key_the_registry_never_reads() -> None:
    text = "m: &m <<\nvalidation: {*m : {disabled: true}}\n"
    assert [k.path for k in config_keys(text)] == ["validation.<<", "validation.<<.disabled"]
    assert _fates(text) == {"validation.<<": (Fate.UNKNOWN, "")}


def test_a_variable_with_a_tab_separated_value_has_its_keys_checked() -> None:
    env = {"REGISTRY_VALIDATION": "manifests:\n  urls:\n    alow:\t[a]\n"}
    assert _fates("", env=env) == {
        "validation.manifests.urls.alow": (Fate.UNKNOWN, "validation.manifests.urls.allow")
    }
