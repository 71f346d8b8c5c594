"""The header's verdict line keeps the gist of Go's error on an 80-column terminal."""

from __future__ import annotations

import pytest

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.ui.screen import screen_lines


@pytest.mark.parametrize(
    ("pattern", "gist"),
    [
        (r"^https://mcr\.microsoft\.com/(?<x>y)", "invalid or unsupported Perl syntax"),
        (r"^https://mcr\.microsoft\.com/v2/a{1001}", "invalid repeat count"),
    ],
)
async def test_go_error_gist_is_on_the_first_verdict_row_at_80_columns(
    pattern: str, gist: str
) -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(pattern,))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.view.policy_error is not None
        row = screen_lines(app)[1]
        assert row.startswith(" ✗ the registry would not start: allow[0]: ")
        assert gist in row


async def test_a_wide_header_says_it_in_check_s_words() -> None:
    pattern = r"^https://mcr\.microsoft\.com/(?<x>y)"
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(pattern,))))
    async with app.run_test(size=(200, 24)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one(VerdictHeader).render()).splitlines()[1]
        assert header == f" ✗ {app.view.no_start_text}"
        assert "error parsing regexp: invalid or unsupported Perl syntax" in header
