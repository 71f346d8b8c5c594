"""A pattern field without focus shows the pattern's start, with an ellipsis where it is cut."""

from __future__ import annotations

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.widgets.pattern_row import PatternInput
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
