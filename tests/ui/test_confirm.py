"""A question's footer says what its buttons say."""

from __future__ import annotations

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.screens.confirm import ConfirmScreen
from tests.ui.screen import screen_lines


async def test_the_footer_uses_the_buttons_words_and_only_for_this_question() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ConfirmScreen("Replace the file?", "Replace", "Keep it"))
        await pilot.pause()
        footer = screen_lines(app)[-1]
        assert "y Replace" in footer and "esc Keep it" in footer
        assert "Yes" not in footer and "Cancel" not in footer
        await pilot.press("y")
        await pilot.pause()
        app.push_screen(ConfirmScreen("Go on?"))
        await pilot.pause()
        assert "y Yes" in screen_lines(app)[-1]
