"""A pattern field without focus shows the pattern's start, with an ellipsis where it is cut."""

from __future__ import annotations

import pytest

from foreign_explorer.core.policy import source_from_config
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.widgets.pattern_row import PatternInput, PatternRow
from tests.ui.screen import screen_text

LONG = r"^https://mcr\.microsoft\.com/v2/windows/"


async def test_a_pattern_left_after_typing_shows_its_start_and_an_ellipsis() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *LONG)
        await pilot.pause()
        field = app.screen.query_one(PatternInput)
        width = field.scrollable_content_region.width
        assert len(LONG) > width  # the test means a field that scrolled
        await pilot.press("escape")
        await pilot.pause()
        assert not field.has_focus
        drawn = field.render_line(0).text
        assert drawn.startswith(LONG[: width - 1] + "…")
        assert f"0  {LONG[: width - 1]}…" in screen_text(app)
        # Back in the field, it is where it was: the end, by the cursor.
        field.focus()
        await pilot.pause()
        assert field.render_line(0).text.rstrip().endswith("windows/")


DISABLED = """version: 0.1
validation:
  disabled: true
  manifests:
    urls:
      allow: ["(?<x>y)"]
"""


@pytest.mark.parametrize("target", ["distribution-2.8", "distribution-3"])
async def test_with_validation_disabled_a_pattern_go_rejects_is_ignored_not_an_error(
    target: str,
) -> None:
    # The registry drops both lists without compiling them: it starts, and check says
    # "allow and deny are ignored". The row must not call the pattern an error.
    app = ExplorerApp(LaunchOptions(source=source_from_config(DISABLED), target=target))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.policy_error is None
        row = app.screen.query_one(PatternRow)
        status = str(row.status.render())
        assert "ignored: validation is disabled" in status
        assert "error parsing regexp" not in screen_text(app)
        assert not row.input.has_class("-invalid")
        # A pattern added now is ignored too.
        await pilot.press("a", *"(")
        await pilot.pause()
        assert "error parsing regexp" not in screen_text(app)
