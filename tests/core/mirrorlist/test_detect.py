"""The format of a mirror list comes from its content; anything else is refused in one line."""

from __future__ import annotations

import pytest

from foreign_explorer.core.mirrorlist import (
    FORMATS_UNDERSTOOD,
    ListFormat,
    MirrorListError,
    read_mirror_list,
)

SKOPEO = b"""\
# mirrored nightly
registry.k8s.io:
  images:
    pause:
      - "3.9"
"""

REGSYNC = b"""\
version: 1
sync:
  - source: busybox:latest
    target: registry:5000/library/busybox:latest
    type: image
"""

PLAIN = b"""\
# Windows base images for the build farm
mcr.microsoft.com/windows/servercore:ltsc2022
mcr.microsoft.com/windows/nanoserver:ltsc2022   # the small one

alpine:3.19
"""


def refused(data: bytes) -> str:
    with pytest.raises(MirrorListError) as err:
        read_mirror_list(data)
    assert "\n" not in err.value.message
    return err.value.message


def test_plain_list_is_detected():
    assert read_mirror_list(PLAIN).format is ListFormat.PLAIN


def test_skopeo_sync_file_is_detected_after_a_comment():
    assert read_mirror_list(SKOPEO).format is ListFormat.SKOPEO_SYNC


def test_regsync_configuration_is_detected():
    assert read_mirror_list(REGSYNC).format is ListFormat.REGSYNC


def test_regsync_with_only_creds_is_still_regsync():
    listed = read_mirror_list(b"creds:\n  - registry: localhost:5000\n    tls: disabled\n")
    assert (listed.format, listed.repositories) == (ListFormat.REGSYNC, ())


def test_yaml_that_is_neither_names_the_formats_understood():
    message = refused(b"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /data\n")
    assert "neither a skopeo sync file" in message
    assert message.endswith(FORMATS_UNDERSTOOD)


def test_a_yaml_list_of_references_is_neither():
    assert "neither" in refused(b"- alpine:3.19\n- busybox\n")


def test_empty_text_is_refused_as_naming_no_image():
    assert refused(b"").startswith("the list names no image")


def test_comments_and_blank_lines_only_name_no_image():
    message = refused(b"# nothing yet\n\n   \n# still nothing\n")
    assert message.startswith("the list names no image (only blank lines and comments)")


def test_plain_list_with_a_bad_reference_names_its_line():
    lines = [b"alpine:3.19"] * 6 + [b"Alpine:3.19"] + [b"busybox"]
    message = refused(b"\n".join(lines))
    assert message.startswith("line 7: invalid reference 'Alpine:3.19'")


def test_reference_with_a_space_inside_names_its_line():
    assert refused(b"alpine:3.19\nbusybox latest\n").startswith("line 2: invalid reference")


def test_yaml_syntax_error_names_its_line():
    message = refused(b"registry.example.com:\n  images:\n    busybox: [\n")
    assert message.startswith("line 4: not valid YAML")


def test_binary_file_is_refused():
    assert "not UTF-8" in refused(b"\xff\xfe\x00a\x00l")


def test_byte_order_mark_is_ignored():
    assert read_mirror_list(b"\xef\xbb\xbf" + PLAIN).format is ListFormat.PLAIN
