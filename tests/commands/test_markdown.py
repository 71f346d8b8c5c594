"""`check --format markdown`: a summary table, blocked first, outside text inert."""

from __future__ import annotations

import pytest

from foreign_explorer.cli import main
from foreign_explorer.commands.markdown import cell
from tests.commands.hostile import hostile_registry
from tests.core.listcheck.mirrorset import MirrorSet

pytestmark = pytest.mark.registry


def _unescaped(line: str, wanted: str) -> int:
    """How many of `wanted`'s characters stand in `line` without a backslash before them."""
    count, escaped = 0, False
    for ch in line:
        if ch in wanted and not escaped:
            count += 1
        escaped = ch == "\\" and not escaped
    return count


def test_the_table_lists_blocked_platforms_first_under_the_counts(
    mirror: MirrorSet, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = [mirror.ref("tools:1"), mirror.ref("multi:v1")]
    status = main(["check", *refs, "--format", "markdown"])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert lines[0] == "### foreign-explorer: 1 of 2 mirror cleanly"
    assert lines[2] == "mirrors cleanly: 1 of 2 images (1 platform blocked) on distribution-2.8."
    assert lines[4:6] == [
        "| verdict | image | platform | foreign layers | first reason |",
        "|---|---|---|---|---|",
    ]
    rows = lines[6:]
    assert len(rows) == 4
    assert rows[0].startswith(f"| ❌ rejected | {cell(refs[1])} | windows/amd64 | 1 | invalid URL")
    assert all(row.startswith("| ✅ accepted") for row in rows[1:])


def test_a_hostile_url_cannot_break_out_of_its_cell(capsys: pytest.CaptureFixture[str]) -> None:
    with hostile_registry() as reference:
        assert main(["check", reference, "--format", "markdown"]) == 1
    row = capsys.readouterr().out.splitlines()[-1]
    # The row's own six cell borders, and not one unescaped metacharacter from the URL.
    assert _unescaped(row, "|") == 6
    assert _unescaped(row, "`*_[]~") == 0
    assert "<" not in row and ">" not in row and "\x1b" not in row and "\u202e" not in row
    assert row.count("&") == row.count("&amp;") + row.count("&lt;") + row.count("&gt;")
    assert '\\|pipe\\|\\`tick\\`&lt;tag attr="x"&gt;&amp;amp;' in row
    # Visible escapes, their backslashes escaped in turn: the cell shows `\x1b[2J...`.
    assert "mcr.microsoft.com/\\\\x1b\\[2J\\\\x00\\\\x07\\\\u202e" in row


def test_a_cell_escapes_markdown_and_html_but_keeps_the_text_readable() -> None:
    assert cell("a|b`c`*d*_e_[f]~g<h>&i") == "a\\|b\\`c\\`\\*d\\*\\_e\\_\\[f\\]\\~g&lt;h&gt;&amp;i"
    assert cell("registry.example:5000/app:1.0") == "registry.example:5000/app:1.0"
