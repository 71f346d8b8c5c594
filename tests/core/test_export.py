"""The config.yml snippet and its atomic, no-clobber save."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from foreign_explorer.core.export import (
    ExportError,
    ExportExists,
    config_snippet,
    save_text,
    snippet_document,
)
from foreign_explorer.core.policy import PolicySource, source_from_config

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


def test_save_refuses_a_dangling_symlink_too(tmp_path: Path) -> None:
    target = tmp_path / "link.yml"
    target.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ExportExists):
        save_text(target, "new\n")


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
