"""The config.yml snippet and its atomic, no-clobber save."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.export import (
    FORMS,
    HELM_CHART_VERSION,
    ExportError,
    ExportExists,
    config_document,
    config_snippet,
    env_text,
    env_values,
    helm_values,
    render,
    save_text,
    shell_quote,
    snippet_document,
)
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.visible import is_visible

MCR = r"^https://mcr\.microsoft\.com/"


def test_snippet_is_exactly_validation_manifests_urls_allow_deny() -> None:
    text = config_snippet(PolicySource(allow=(MCR,), deny=("^http://",)))
    assert text == (
        "validation:\n"
        "  manifests:\n"
        "    urls:\n"
        "      allow:\n"
        "        - ^https://mcr\\.microsoft\\.com/\n"
        "      deny:\n"
        "        - ^http://\n"
    )


def test_snippet_writes_empty_lists_explicitly() -> None:
    text = config_snippet(PolicySource())
    assert yaml.safe_load(text) == {
        "validation": {"manifests": {"urls": {"allow": [], "deny": []}}}
    }


def test_snippet_keeps_validation_disabled_so_verdicts_do_not_change() -> None:
    document = snippet_document(PolicySource(allow=(MCR,), disabled=True))
    assert document["validation"]["disabled"] is True
    assert document["validation"]["manifests"]["urls"]["allow"] == [MCR]


def test_snippet_keeps_non_ascii_patterns_readable() -> None:
    assert "        - ^https://bücher\\.example/\n" in config_snippet(
        PolicySource(allow=(r"^https://bücher\.example/",))
    )


def test_snippet_never_folds_a_long_pattern() -> None:
    pattern = "^https://" + "a" * 300 + r"\.example\.com/"
    text = config_snippet(PolicySource(allow=(pattern,)))
    assert f"        - {pattern}\n" in text


@pytest.mark.parametrize(
    "pattern",
    [
        *("y", "N", "on", "null", "~", "", "123", "1e3", "- x", "#x", "a: b", "'q'", '"', "\\"),
        *("é\t", "\x85", "\x85a", "\u2028", "\ufeff", " x", "x "),
    ],
)
def test_snippet_scalars_read_back_identically_by_the_registry_decoder(pattern: str) -> None:
    source = PolicySource(allow=(pattern,), deny=(pattern,))
    assert source_from_config(config_snippet(source)) == source


@settings(max_examples=300, deadline=None)
@given(
    allow=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=4),
    deny=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=4),
)
def test_snippet_round_trips_through_the_registry_decoder(
    allow: list[str], deny: list[str]
) -> None:
    source = PolicySource(allow=tuple(allow), deny=tuple(deny))
    assert source_from_config(config_snippet(source)) == source


def test_save_writes_the_text(tmp_path: Path) -> None:
    target = save_text(tmp_path / "snippet.yml", "validation: {}\n")
    assert target.read_text(encoding="utf-8") == "validation: {}\n"


def test_save_refuses_to_overwrite_without_being_asked(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(ExportExists) as caught:
        save_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert caught.value.path == target


@pytest.mark.parametrize("overwrite", [False, True])
def test_save_refuses_a_symlink_that_leads_nowhere(tmp_path: Path, overwrite: bool) -> None:
    target = tmp_path / "link.yml"
    target.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ExportError) as caught:
        save_text(target, "new\n", overwrite=overwrite)
    assert caught.value.message == (
        f"{target} is a symbolic link to {tmp_path / 'nowhere'}, which does not exist"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yml"]


def test_save_overwrites_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("old\n", encoding="utf-8")
    save_text(target, "new\n", overwrite=True)
    assert target.read_text(encoding="utf-8") == "new\n"


def test_save_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    save_text(tmp_path / "a.yml", "x\n")
    with pytest.raises(ExportExists):
        save_text(tmp_path / "a.yml", "y\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yml"]


def test_saved_file_is_readable_like_any_other_not_0600(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        target = save_text(tmp_path / "a.yml", "x\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_save_into_a_missing_directory_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        save_text(tmp_path / "missing" / "a.yml", "x\n")
    assert "\n" not in caught.value.message
    assert "missing" in caught.value.message


def test_save_onto_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a directory"):
        save_text(tmp_path, "x\n")


# --- the other forms --------------------------------------------------------------------------

SOURCES = st.builds(
    PolicySource,
    allow=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=3).map(tuple),
    deny=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=3).map(tuple),
)
TRICKY = (
    "it's",
    'say "hi"',
    "back\\slash",
    "$HOME ${X} $",
    "`cmd` !x",
    "# not a comment",
    "tab\there",
    "line\nbreak",
    "nel\x85ls\u2028bom\ufeff",
    "é ü 😀",
    "",
    "'",
    "\\",
    "[a, b]",
    "{a: b}",
)
CHART_CONFIG_DATA = {
    "version": 0.1,
    "log": {"fields": {"service": "registry"}},
    "storage": {"cache": {"blobdescriptor": "inmemory"}},
    "http": {
        "addr": ":5000",
        "headers": {"X-Content-Type-Options": ["nosniff"]},
        "debug": {"addr": ":5001", "prometheus": {"enabled": False, "path": "/metrics"}},
    },
    "health": {"storagedriver": {"enabled": True, "interval": "10s", "threshold": 3}},
}


def _helm_config_text(text: str) -> str:
    """configData's block as the config.yml the chart renders (dedented by its two spaces)."""
    body = text.split("configData:\n", 1)[1]
    assert all(line.startswith("  ") or not line.strip() for line in body.splitlines())
    return "".join(line[2:] + "\n" for line in body.splitlines())


def test_every_form_has_a_renderer_and_unknown_forms_are_refused() -> None:
    assert FORMS == ("snippet", "config", "env", "helm")
    source = PolicySource(allow=(MCR,))
    assert render(source, "snippet") == config_snippet(source)
    with pytest.raises(ValueError, match="unknown export form"):
        render(source, "toml")  # type: ignore[arg-type]


def test_config_form_is_a_whole_minimal_registry_config() -> None:
    text = config_document(PolicySource(allow=(MCR,)))
    document = yaml.safe_load(text)
    assert list(document) == ["version", "log", "storage", "http", "validation"]
    assert document["version"] == 0.1
    assert document["storage"] == {"filesystem": {"rootdirectory": "/var/lib/registry"}}
    assert document["http"] == {"addr": ":5000", "headers": {"X-Content-Type-Options": ["nosniff"]}}
    assert text.endswith(config_snippet(PolicySource(allow=(MCR,))))


def test_helm_form_is_the_charts_default_config_data_plus_validation() -> None:
    text = helm_values(PolicySource(allow=(MCR,), deny=("^http://",)))
    values = yaml.safe_load(text)
    assert list(values) == ["configData"]
    config = dict(values["configData"])
    validation = config.pop("validation")
    assert config == CHART_CONFIG_DATA
    assert validation == {"manifests": {"urls": {"allow": [MCR], "deny": ["^http://"]}}}
    assert f"chart version {HELM_CHART_VERSION}" in text
    assert "twuni/docker-registry" in text


@settings(max_examples=200, deadline=None)
@given(source=SOURCES, disabled=st.booleans())
def test_config_and_helm_forms_read_back_as_exactly_the_policy(
    source: PolicySource, disabled: bool
) -> None:
    source = PolicySource(allow=source.allow, deny=source.deny, disabled=disabled)
    assert source_from_config(config_document(source)) == source
    assert source_from_config(_helm_config_text(helm_values(source))) == source


@pytest.mark.parametrize("pattern", TRICKY)
def test_config_and_helm_forms_keep_tricky_patterns(pattern: str) -> None:
    source = PolicySource(allow=(pattern, MCR), deny=(pattern,))
    assert source_from_config(config_document(source)) == source
    assert source_from_config(_helm_config_text(helm_values(source))) == source


# --- env --------------------------------------------------------------------------------------


def test_env_form_for_the_mcr_policy_is_single_quoted_yaml_flow_lists() -> None:
    text = env_text(PolicySource(allow=(MCR,)))
    assert (
        "export REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW='[\"^https://mcr\\\\.microsoft\\\\.com/\"]'\n"
        in text
    )
    assert "export REGISTRY_VALIDATION_MANIFESTS_URLS_DENY='[]'\n" in text
    assert "REGISTRY_VALIDATION_DISABLED" not in parse_env_file(text)


def test_env_form_warns_about_the_indexed_name_trap() -> None:
    text = env_text(PolicySource(allow=(MCR,)))
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0" in comments
    assert "2.8" in comments and "3.x" in comments
    assert 'appends ""' in comments and "admits every URL" in comments


def test_env_form_of_a_disabled_policy_turns_validation_off_even_against_enabled_true() -> None:
    source = PolicySource(allow=(MCR,), disabled=True)
    env = parse_env_file(env_text(source))
    assert env["REGISTRY_VALIDATION_DISABLED"] == "true"
    assert env["REGISTRY_VALIDATION_ENABLED"] == "false"
    from_file = PolicySource(allow=("^x$",), enabled=True)
    for profile in (DISTRIBUTION_2_8, DISTRIBUTION_3):
        assert not apply_environment(from_file, env, profile).validation_enabled


def test_env_values_never_hold_a_single_quote_or_a_line_break() -> None:
    values = env_values(PolicySource(allow=TRICKY, deny=TRICKY))
    for value in values.values():
        assert "'" not in value
        assert not any(ch in value for ch in "\n\r\x85\u2028\u2029")
        # compose's .env reader ends a single-quoted value at a quote not after a backslash.
        assert not value.endswith("\\")


def test_shell_quote_escapes_single_quotes_the_posix_way() -> None:
    assert shell_quote("it's") == "'it'\\''s'"
    assert shell_quote("") == "''"


@settings(max_examples=300, deadline=None)
@given(source=SOURCES)
def test_env_form_round_trips_through_our_env_file_reader_and_the_registry_env_parser(
    source: PolicySource,
) -> None:
    env = parse_env_file(env_text(source))
    assert env == env_values(source)
    # The variables replace whatever lists the file had.
    from_file = PolicySource(allow=("^file-allow$",), deny=("^file-deny$",))
    for profile in (DISTRIBUTION_2_8, DISTRIBUTION_3):
        assert apply_environment(from_file, env, profile) == source


def _compose_environment(text: str) -> dict[str, str]:
    """The commented compose `environment:` block, read as compose does (YAML, then $$ → $)."""
    lines = text.splitlines()
    start = lines.index("#   environment:")
    block = "\n".join(line[2:] for line in lines[start:] if line.startswith("#   "))
    mapping = yaml.safe_load(block)["environment"]
    out = {}
    for name, value in mapping.items():
        # Compose reads a lone `$` as the start of a variable: every `$` must come doubled.
        assert value.replace("$$", "").count("$") == 0
        out[name] = value.replace("$$", "$")
    return out


@pytest.mark.parametrize("pattern", TRICKY)
def test_env_forms_give_the_same_values_in_shell_env_file_and_compose_yaml(
    pattern: str, tmp_path: Path
) -> None:
    source = PolicySource(allow=(pattern, MCR), deny=(pattern,))
    text = env_text(source)
    expected = env_values(source)
    assert parse_env_file(text) == expected
    assert _compose_environment(text) == expected
    script = tmp_path / "registry.env"
    script.write_text(text, encoding="utf-8")
    names = " ".join(f'"${name}"' for name in expected)
    shown = subprocess.run(
        ["sh", "-c", f'. "$1"; printf "%s\\0" {names}', "sh", str(script)],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    assert shown.split("\0")[:-1] == list(expected.values())


def test_env_form_of_the_empty_policy_keeps_both_lists_empty() -> None:
    env = parse_env_file(env_text(PolicySource()))
    assert env == {
        "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "[]",
        "REGISTRY_VALIDATION_MANIFESTS_URLS_DENY": "[]",
    }


# --- save with a mode ---------------------------------------------------------------------------


def test_save_gives_a_new_file_the_mode_asked_for(tmp_path: Path) -> None:
    target = save_text(tmp_path / "config.yml", "new\n", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_save_over_a_file_keeps_its_mode_such_as_a_secret_configs_0600(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    save_text(target, "new\n", overwrite=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == "new\n"


def test_save_writes_crlf_line_endings_as_given(tmp_path: Path) -> None:
    target = save_text(tmp_path / "a.yml", "a: 1\r\nb: 2\r\n")
    assert target.read_bytes() == b"a: 1\r\nb: 2\r\n"


@pytest.mark.parametrize("form", ["snippet", "config", "env", "helm"])
def test_every_form_escapes_bidi_and_controls_and_keeps_the_pattern(form):
    pattern = "^https://mcr\\.microsoft\\.com/\u202eexe\x1b\x85"
    text = render(PolicySource(allow=(pattern,)), form)
    assert is_visible(text.replace("\n", ""))
    if form in ("snippet", "config"):
        assert yaml.safe_load(text)["validation"]["manifests"]["urls"]["allow"] == [pattern]


def test_a_line_separator_in_a_pattern_is_escaped_so_no_reader_splits_the_line():
    source = PolicySource(deny=("a\u2028b\u2029c",))
    for form in ("snippet", "config", "helm"):
        text = render(source, form)
        assert "\u2028" not in text and "\u2029" not in text
    assert source_from_config(_helm_config_text(helm_values(source))) == source
