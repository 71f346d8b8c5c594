"""Plain lists: one reference per line, comments and blank lines ignored."""

from __future__ import annotations

from foreign_explorer.core.mirrorlist import ListFormat, read_mirror_list
from foreign_explorer.core.mirrorlist.plain import strip_comment


def test_references_are_normalised_and_grouped_by_repository():
    listed = read_mirror_list(
        b"alpine:3.19\n"
        b"# a comment\n"
        b"\n"
        b"mcr.microsoft.com/windows/servercore:ltsc2022  # base\n"
        b"docker.io/library/alpine@sha256:" + b"a" * 64 + b"\n"
        b"alpine:3.19\n"
    )
    assert listed.format is ListFormat.PLAIN
    assert [(r.name, r.origin, [str(x) for x in r.references]) for r in listed.repositories] == [
        (
            "docker.io/library/alpine",
            "line 1",
            ["docker.io/library/alpine:3.19", "docker.io/library/alpine@sha256:" + "a" * 64],
        ),
        (
            "mcr.microsoft.com/windows/servercore",
            "line 4",
            ["mcr.microsoft.com/windows/servercore:ltsc2022"],
        ),
    ]


def test_a_reference_without_a_tag_means_latest():
    repo = read_mirror_list(b"localhost:5000/app\n").repositories[0]
    assert [str(r) for r in repo.references] == ["localhost:5000/app:latest"]
    assert repo.needs_tag_list is False


def test_a_hash_inside_a_word_is_not_a_comment():
    assert strip_comment("alpine#3  # note") == "alpine#3"
    assert strip_comment("  # only a comment") == ""
