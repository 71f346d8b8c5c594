"""The text of a list: every image has a line, even one with no image manifest to judge."""

from __future__ import annotations

import io

from foreign_explorer.commands.listreport import counts_line, list_lines
from foreign_explorer.console import Style
from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.listcheck.judge import judge_list, prepare_image
from foreign_explorer.core.listcheck.model import ListImage, ListPlatform, Origin
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8
from foreign_explorer.core.source import SourceInfo

EMPTY_INDEX = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",' + (
    b'"manifests":[{"mediaType":"application/vnd.oci.artifact.x","digest":"sha256:'
    + b"a" * 64
    + b'","size":2}]}'
)


def test_an_index_with_no_image_manifest_still_has_its_line_and_says_what_was_skipped() -> None:
    source = SourceInfo("r.example/a:1", "r.example", "a", "sha256:" + "0" * 64, mt.OCI_INDEX)
    index = ListPlatform(source, EMPTY_INDEX, mt.OCI_INDEX)
    skipped = ("child 0 (sha256:aaa…) is application/vnd.oci.artifact.x, not an image manifest",)
    image = ListImage("r.example/a:1", Origin((0, 0), "argument 1"), source, (), index, skipped)
    policy = compile_policy(PolicySource(), DISTRIBUTION_2_8)
    judgement = judge_list([prepare_image(image, DISTRIBUTION_2_8)], policy)
    lines = list_lines(judgement, Style(io.StringIO()))
    assert lines == [
        "PASS r.example/a:1 [index]  0 foreign",
        f"     {skipped[0]}",
        counts_line(judgement),
    ]
    assert counts_line(judgement) == "mirrors cleanly: 1 of 1 image (0 platforms blocked)"
