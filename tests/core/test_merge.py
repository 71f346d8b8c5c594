"""Merging a policy into a config.yml: only validation.manifests.urls changes, comments stay."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from foreign_explorer.core import safefile
from foreign_explorer.core.goyaml import decode_validation
from foreign_explorer.core.merge import (
    MergeError,
    MergeWouldLoseComments,
    backup_candidates,
    carries_policy,
    merge_into_file,
    merge_policy,
)
from foreign_explorer.core.policy import PolicySource, source_from_config
from foreign_explorer.core.safefile import NotARegularFile

MCR = r"^https://mcr\.microsoft\.com/"
POLICY = PolicySource(allow=(MCR, r"^https://registry\.example/"), deny=("^http://",))

COMMENTED = """\
# Registry for the build farm.
version: 0.1  # the only version there is
log:
  level: info
storage: &storage
  filesystem:
    rootdirectory: /var/lib/registry   # on the big disk
  delete:
    enabled: true
mirror_storage: *storage
http:
  addr: :5000
  headers: &headers
    X-Content-Type-Options: [nosniff]
proxy_headers: *headers
validation:
  # URL policy for foreign layers
  manifests:
    indexes:
      platforms: all
    urls:   # reviewed 2024-05
      # what we allow
      allow:
        - ^https://mcr\\.microsoft\\.com/   # Windows base layers
      deny: []  # nothing yet
# trailing notes
"""


def _lines_outside(text: str, first: str, last: str) -> list[str]:
    """Every line of `text` except those from the line `first` through the line `last`."""
    lines = text.splitlines()
    start, end = lines.index(first), lines.index(last)
    return lines[:start] + lines[end + 1 :]


# --- what changes and what stays ----------------------------------------------------------------


def test_merge_changes_only_the_urls_block_and_keeps_every_comment() -> None:
    result = merge_policy(COMMENTED, POLICY)
    assert result.changed == ("validation.manifests.urls.allow", "validation.manifests.urls.deny")
    assert result.dropped_comment_lines == ()
    assert _lines_outside(result.text, "      allow:", "        - ^http://") == _lines_outside(
        COMMENTED, "      allow:", "      deny: []  # nothing yet"
    )
    block = result.text.split("    urls:   # reviewed 2024-05\n", 1)[1].split("# trailing")[0]
    assert block == (
        "      # what we allow\n"
        "      allow:\n"
        "        - ^https://mcr\\.microsoft\\.com/   # Windows base layers\n"
        "        - ^https://registry\\.example/\n"
        "      deny:  # nothing yet\n"
        "        - ^http://\n"
    )
    assert source_from_config(result.text) == POLICY


def test_merge_keeps_other_values_anchors_and_aliases() -> None:
    result = merge_policy(COMMENTED, POLICY)
    before, after = yaml.safe_load(COMMENTED), yaml.safe_load(result.text)
    after_urls = after["validation"]["manifests"].pop("urls")
    before["validation"]["manifests"].pop("urls")
    assert after == before
    assert after_urls == {"allow": list(POLICY.allow), "deny": list(POLICY.deny)}
    for line in ("storage: &storage", "mirror_storage: *storage", "proxy_headers: *headers"):
        assert line in result.text.splitlines()
    assert after["mirror_storage"] is after["storage"]


def test_merge_keeps_validation_keys_other_than_urls() -> None:
    text = "version: 0.1\nvalidation:\n  manifests:\n    indexes:\n      platforms: list\n"
    text += "      platformlist:\n        - architecture: amd64\n          os: linux\n"
    result = merge_policy(text, POLICY)
    assert result.text.startswith(text)
    assert yaml.safe_load(result.text)["validation"]["manifests"]["indexes"] == {
        "platforms": "list",
        "platformlist": [{"architecture": "amd64", "os": "linux"}],
    }
    assert result.text[len(text) :] == (
        "    urls:\n"
        "      allow:\n"
        "        - ^https://mcr\\.microsoft\\.com/\n"
        "        - ^https://registry\\.example/\n"
        "      deny:\n"
        "        - ^http://\n"
    )


def test_merge_appends_a_validation_block_when_there_is_none() -> None:
    text = "version: 0.1\nhttp:\n  addr: :5000 # port\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text == text + (
        "validation:\n  manifests:\n    urls:\n      allow:\n"
        "        - ^https://mcr\\.microsoft\\.com/\n      deny: []\n"
    )


def test_merge_follows_the_files_indentation_step() -> None:
    text = "version: 0.1\nhttp:\n    addr: :5000\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert "validation:\n    manifests:\n        urls:\n            allow:\n" in result.text
    assert "                - ^https://mcr\\.microsoft\\.com/\n" in result.text


def test_merge_into_a_file_without_a_final_newline() -> None:
    result = merge_policy("version: 0.1", PolicySource(allow=(MCR,)))
    assert result.text.startswith("version: 0.1\nvalidation:\n")
    assert source_from_config(result.text) == PolicySource(allow=(MCR,))


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n"])
def test_merge_into_an_empty_document_writes_the_snippet(text: str) -> None:
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text.startswith(text)
    assert source_from_config(result.text) == PolicySource(allow=(MCR,))


@pytest.mark.parametrize("value", ["", " ~", " null"])
def test_merge_fills_an_empty_validation_key_and_keeps_its_comment(value: str) -> None:
    text = f"validation:{value}  # to do\nversion: 0.1\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text.startswith("validation:  # to do\n  manifests:\n")
    assert result.text.endswith("      deny: []\nversion: 0.1\n")


def test_merge_keeps_a_flow_urls_block_in_flow_style() -> None:
    text = "validation:\n  manifests:\n    urls: {allow: ['a'], deny: ['b']}\nversion: 0.1\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text == (
        "validation:\n  manifests:\n"
        "    urls: {allow: ['^https://mcr\\.microsoft\\.com/'], deny: []}\nversion: 0.1\n"
    )


@pytest.mark.parametrize("old", ["~", "", "*u", "'x'"])
def test_merge_replaces_a_urls_value_that_is_no_mapping_as_a_whole(old: str) -> None:
    text = f"common: &u {{allow: ['x']}}\nvalidation:\n  manifests:\n    urls: {old}\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)), name="c.yml")
    assert result.changed == ("validation.manifests.urls",)
    assert result.text.endswith(
        "    urls:\n      allow:\n        - ^https://mcr\\.microsoft\\.com/\n      deny: []\n"
    )


def test_merge_keeps_crlf_line_endings() -> None:
    text = COMMENTED.replace("\n", "\r\n")
    result = merge_policy(text, POLICY)
    assert "\n" not in result.text.replace("\r\n", "")
    assert result.text.replace("\r\n", "\n") == merge_policy(COMMENTED, POLICY).text
    assert source_from_config(result.text) == POLICY


def test_merge_appends_with_crlf_too() -> None:
    result = merge_policy("version: 0.1\r\n", PolicySource(allow=(MCR,)))
    assert result.text.startswith("version: 0.1\r\nvalidation:\r\n  manifests:\r\n")
    assert "\n" not in result.text.replace("\r\n", "")


def test_merge_edits_flow_style_mappings_in_place_keeping_their_comments() -> None:
    text = "version: 0.1\nvalidation: {disabled: false,  # keep me\n  manifests: {indexes: {}}}\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text == (
        "version: 0.1\nvalidation: {disabled: false,  # keep me\n"
        "  manifests: {indexes: {}, urls: {allow: ['^https://mcr\\.microsoft\\.com/'], "
        "deny: []}}}\n"
    )
    assert source_from_config(result.text) == PolicySource(allow=(MCR,))


def test_merge_into_a_flow_top_level_mapping() -> None:
    result = merge_policy("{version: 0.1, http: {addr: ':5000'}}\n", PolicySource(deny=("x",)))
    assert result.text.startswith("{version: 0.1, http: {addr: ':5000'}, validation: {manifests:")
    assert source_from_config(result.text) == PolicySource(deny=("x",))


def test_merge_is_idempotent() -> None:
    once = merge_policy(COMMENTED, POLICY).text
    again = merge_policy(once, POLICY)
    assert again.text == once
    assert again.unchanged


@pytest.mark.parametrize(
    "pattern",
    ["", "123", "y", "null", "- x", "#x", "a: b", "'q'", '"', "\\", "é\t", "\x85a", " x", "[a]"],
)
def test_merged_patterns_read_back_identically_by_the_registry_decoder(pattern: str) -> None:
    source = PolicySource(allow=(pattern, MCR), deny=(pattern,))
    for text in (COMMENTED, "validation: {manifests: {}}\n"):
        assert source_from_config(merge_policy(text, source).text) == source


@settings(max_examples=150, deadline=None)
@given(
    allow=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=3),
    deny=st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=3),
)
def test_merge_carries_any_policy_and_keeps_the_rest(allow: list[str], deny: list[str]) -> None:
    source = PolicySource(allow=tuple(allow), deny=tuple(deny))
    result = merge_policy(COMMENTED, source, force=True)
    assert carries_policy(result.text, source)
    assert source_from_config(result.text) == source
    lines = result.text.splitlines()
    assert lines[: lines.index("    urls:   # reviewed 2024-05") + 1] == COMMENTED.splitlines()[:21]
    assert lines[-1] == "# trailing notes"


# --- validation on or off -----------------------------------------------------------------------


def test_merge_of_a_disabled_policy_sets_disabled_true() -> None:
    source = PolicySource(allow=(MCR,), disabled=True)
    result = merge_policy(COMMENTED, source)
    assert result.changed == ("validation.disabled",)
    assert "  disabled: true\n" in result.text
    assert result.text.replace("  disabled: true\n", "", 1) == COMMENTED
    assert not decode_validation(result.text).enabled
    assert carries_policy(result.text, source)


def test_merge_of_a_disabled_policy_turns_off_the_deprecated_enabled_true() -> None:
    text = "validation:\n  enabled: true  # old style\n  manifests: {}\n"
    result = merge_policy(text, PolicySource(allow=(MCR,), disabled=True))
    assert "  enabled: false  # old style\n" in result.text
    assert not source_from_config(result.text).validation_enabled


def test_merge_of_an_enabled_policy_turns_validation_back_on() -> None:
    text = "validation:\n  disabled: true   # was off\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text.startswith("validation:\n  disabled: false   # was off\n")
    assert source_from_config(result.text).validation_enabled


def test_merge_leaves_disabled_false_alone_when_the_policy_is_enabled() -> None:
    text = "validation:\n  disabled: false\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.changed == ("validation.manifests.urls",)
    assert result.text.startswith(text)


# --- comments that would be lost ----------------------------------------------------------------


def test_a_comment_on_a_removed_pattern_stops_the_merge_before_anything_is_written() -> None:
    with pytest.raises(MergeWouldLoseComments) as caught:
        merge_policy(COMMENTED, PolicySource(allow=(r"^https://other\.example/",)), name="c.yml")
    assert caught.value.lines == (24,)
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("c.yml: merging would drop the comment on line 24")


def test_force_drops_such_comments_and_says_which() -> None:
    result = merge_policy(COMMENTED, PolicySource(allow=(r"^https://other\.example/",)), force=True)
    assert result.dropped_comment_lines == (24,)
    assert "Windows base layers" not in result.text
    assert "# what we allow" in result.text


def test_comments_inside_a_replaced_flow_list_are_reported() -> None:
    text = (
        "validation:\n  manifests:\n    urls: {allow: ['a',\n      # why\n      'b'], deny: []}\n"
    )
    with pytest.raises(MergeWouldLoseComments) as caught:
        merge_policy(text, PolicySource(allow=(MCR,)))
    assert caught.value.lines == (4,)


def test_a_comment_between_the_lists_of_a_flow_urls_block_stays_there() -> None:
    text = "validation:\n  manifests:\n    urls: {allow: ['a'],  # why a\n      deny: []}\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text == (
        "validation:\n  manifests:\n"
        "    urls: {allow: ['^https://mcr\\.microsoft\\.com/'],  # why a\n      deny: []}\n"
    )


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("version: [0.1\n", "not valid YAML"),
        ("a: b\n---\nc: d\n", "2 YAML documents"),
        ("- version\n", "top level is not a mapping"),
        ("validation: 5\n", "validation (line 1) is not a mapping"),
        ("validation: {}\nvalidation: {}\n", "validation appears twice (lines 1 and 2)"),
        ("base: &v {manifests: {}}\nvalidation: *v\n", "validation is an alias (*v)"),
        ("validation: &v\n  manifests: {}\nother: *v\n", "carries the anchor &v"),
        (
            "validation:\n  manifests:\n    urls:\n      allow: &a ['x']\nother: *a\n",
            "defines the anchor &a, used at line 5",
        ),
        ("a: 1\rb: 2\r", "bare CR"),
        ("a: '\u2028'\n", "NEL/LS/PS"),
        ("tags: {<<: 5}\n", "distribution 3.1 could not read it: yaml: map merge requires map"),
    ],
)
def test_inputs_that_cannot_be_merged_safely_are_refused_in_one_line(
    text: str, needle: str
) -> None:
    with pytest.raises(MergeError) as caught:
        merge_policy(text, PolicySource(allow=(MCR,)), name="config.yml")
    assert needle in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("config.yml")
    assert not caught.value.written


def test_an_alias_as_the_old_urls_value_is_simply_replaced() -> None:
    text = "common: &u {allow: ['x']}\nvalidation:\n  manifests:\n    urls: *u\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert result.text.startswith("common: &u {allow: ['x']}\n")
    assert yaml.safe_load(result.text)["common"] == {"allow": ["x"]}
    assert source_from_config(result.text) == PolicySource(allow=(MCR,))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("b: &b\n  manifests:\n    indexes: {platforms: all}\nvalidation:\n  <<: *b\n",
         "validation"),
        ("d: &d {validation: {}}\n<<: *d\nversion: 0.1\n", "the top level"),
        ("u: &u {deny: ['x']}\nvalidation: {manifests: {urls: {<<: *u, allow: []}}}\n",
         "validation.manifests.urls"),
    ],
)  # fmt: skip
def test_a_merge_key_on_the_path_is_refused_the_values_it_brings_are_not_edited(
    text: str, where: str
) -> None:
    with pytest.raises(MergeError) as caught:
        merge_policy(text, PolicySource(allow=(MCR,)), name="c.yml")
    assert caught.value.message.startswith(f"c.yml: {where} holds a `<<` merge key (line ")


# --- the file: backup, atomic write, re-read ----------------------------------------------------


def test_merge_into_file_writes_a_backup_first_then_the_merged_config(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(COMMENTED.encode())
    merged = merge_into_file(config, POLICY)
    assert merged.backup == tmp_path / "config.yml.bak"
    assert merged.backup.read_bytes() == COMMENTED.encode()
    assert config.read_text(encoding="utf-8") == merged.result.text
    assert source_from_config(config.read_text(encoding="utf-8")) == POLICY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml", "config.yml.bak"]


def test_backups_are_numbered_never_clobbered(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("version: 0.1\n", encoding="utf-8")
    (tmp_path / "config.yml.bak").write_text("first\n", encoding="utf-8")
    (tmp_path / "config.yml.bak.1").write_text("second\n", encoding="utf-8")
    merged = merge_into_file(config, POLICY)
    assert merged.backup == tmp_path / "config.yml.bak.2"
    assert (tmp_path / "config.yml.bak").read_text(encoding="utf-8") == "first\n"
    assert (tmp_path / "config.yml.bak.1").read_text(encoding="utf-8") == "second\n"
    assert merged.backup.read_text(encoding="utf-8") == "version: 0.1\n"
    names = [p.name for p in backup_candidates(config)][:3]
    assert names == ["config.yml.bak", "config.yml.bak.1", "config.yml.bak.2"]


def test_a_file_that_already_carries_the_policy_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(merge_policy(COMMENTED, POLICY).text, encoding="utf-8")
    merged = merge_into_file(config, POLICY)
    assert merged.backup is None
    assert merged.result.unchanged
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


def test_merge_keeps_the_files_permissions(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("version: 0.1\nhttp:\n  secret: s3cret\n", encoding="utf-8")
    config.chmod(0o600)
    merged = merge_into_file(config, POLICY)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert merged.backup is not None
    assert stat.S_IMODE(merged.backup.stat().st_mode) == 0o600


def test_merge_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yml"
    real.write_text("version: 0.1\n", encoding="utf-8")
    link = tmp_path / "config.yml"
    link.symlink_to(real)
    merged = merge_into_file(link, POLICY)
    assert link.is_symlink()
    assert source_from_config(real.read_text(encoding="utf-8")) == POLICY
    assert merged.backup == tmp_path / "real.yml.bak"


def test_merge_keeps_a_byte_order_mark(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_bytes(b"\xef\xbb\xbfversion: 0.1\n")
    merge_into_file(config, POLICY)
    data = config.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfversion: 0.1\nvalidation:\n")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"version: [0.1\n", "not valid YAML"),
        (b"version: 0.1\n\xff\xfe\n", "not UTF-8"),
        (None, "cannot read"),
    ],
)
def test_an_unreadable_or_invalid_file_is_a_one_line_error_and_nothing_is_written(
    tmp_path: Path, content: bytes | None, needle: str
) -> None:
    config = tmp_path / "config.yml"
    if content is not None:
        config.write_bytes(content)
    with pytest.raises(MergeError) as caught:
        merge_into_file(config, POLICY)
    assert needle in caught.value.message
    assert "\n" not in caught.value.message
    assert not caught.value.written
    expected = ["config.yml"] if content is not None else []
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    if content is not None:
        assert config.read_bytes() == content


def test_a_comment_loss_writes_nothing_at_all(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(COMMENTED, encoding="utf-8")
    with pytest.raises(MergeWouldLoseComments):
        merge_into_file(config, PolicySource(allow=("^x",)))
    assert config.read_text(encoding="utf-8") == COMMENTED
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


def test_merge_into_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotARegularFile, match="is a directory, not a regular file"):
        merge_into_file(tmp_path, POLICY)


def test_a_directory_named_like_the_backup_is_passed_over_not_touched(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("version: 0.1\n", encoding="utf-8")
    (tmp_path / "config.yml.bak").mkdir()
    merged = merge_into_file(config, POLICY)
    assert merged.backup == tmp_path / "config.yml.bak.1"
    assert list((tmp_path / "config.yml.bak").iterdir()) == []


def test_a_backup_that_cannot_be_written_stops_before_the_config_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.yml"
    config.write_text("version: 0.1\n", encoding="utf-8")

    def disk_full(temp: Path, target: Path) -> None:
        # A full disk: a fault the test machine cannot safely be put in.
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safefile, "_link_without_clobbering", disk_full)
    with pytest.raises(MergeError) as caught:
        merge_into_file(config, POLICY)
    assert caught.value.message == (
        f"cannot write a backup of {config}: cannot write {config}.bak: No space left on device"
    )
    assert not caught.value.written
    assert config.read_text(encoding="utf-8") == "version: 0.1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


def test_keys_missing_at_two_levels_are_inserted_each_under_its_own_parent() -> None:
    text = "validation:\n  manifests:\n    indexes:\n      platforms: all\nversion: 0.1\n"
    source = PolicySource(allow=(MCR,), disabled=True)
    result = merge_policy(text, source)
    assert result.text == (
        "validation:\n  manifests:\n    indexes:\n      platforms: all\n"
        "    urls:\n      allow:\n        - ^https://mcr\\.microsoft\\.com/\n      deny: []\n"
        "  disabled: true\nversion: 0.1\n"
    )
    assert carries_policy(result.text, source)


def test_an_existing_urls_block_keeps_its_own_indentation() -> None:
    text = "validation:\n  manifests:\n    urls:\n        allow: []\nversion: 0.1\n"
    result = merge_policy(text, PolicySource(allow=(MCR,)))
    assert "    urls:\n        allow:\n          - ^https://mcr" in result.text


# --- any shape of config: a proven merge or a one-line refusal, never a crash ---------------------

_KEYS = st.sampled_from(["validation", "manifests", "urls", "allow", "deny", "disabled", "x"])
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["", "a", "#", "^x$", "y"])
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(_KEYS, _VALUES, max_size=4),
    flow=st.sampled_from([None, True, False]),
    indent=st.sampled_from([2, 4]),
    comment=st.booleans(),
    crlf=st.booleans(),
    disabled=st.booleans(),
)
def test_any_config_shape_merges_provably_or_is_refused_in_one_line(
    document: dict, flow: bool | None, indent: int, comment: bool, crlf: bool, disabled: bool
) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, indent=indent, sort_keys=False)
    if comment:
        text = "".join(
            line + ("  # note" if "{" not in line and ": |" not in line else "") + "\n"
            for line in text.splitlines()
        )
    if crlf:
        text = text.replace("\n", "\r\n")
    source = PolicySource(allow=(MCR,), deny=("^http://",), disabled=disabled)
    try:
        result = merge_policy(text, source, force=True)
    except MergeError as exc:
        assert "\n" not in exc.message
        return
    assert carries_policy(result.text, source)
    assert ("\r\n" in result.text) == crlf or not text


def test_a_failed_write_leaves_no_backup_behind(tmp_path: Path, monkeypatch) -> None:
    # A write the file system refuses (an immutable file, a full disk) cannot be staged on a
    # scratch file system here: the save itself is made to fail.
    config = tmp_path / "config.yml"
    config.write_bytes(COMMENTED.encode())

    def refused(*_args, **_kwargs):
        raise safefile.SaveError(f"cannot write {config}: Operation not permitted")

    monkeypatch.setattr("foreign_explorer.core.merge.replace_bytes", refused)
    with pytest.raises(MergeError, match="Operation not permitted"):
        merge_into_file(config, POLICY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml"]
    assert config.read_bytes() == COMMENTED.encode()
