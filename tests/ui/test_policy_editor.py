"""The policy editor's rows: added, edited and removed as the keys arrive, however fast."""

from __future__ import annotations

from textual import events

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.widgets.pattern_row import PatternRow
from tests.ui.screen import notices


async def test_a_held_backspace_on_an_emptied_pattern_removes_it_once_without_an_error() -> None:
    app = ExplorerApp(LaunchOptions())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", "x")
        await pilot.pause()
        field = app.focused
        assert field is not None
        # As a held key arrives: four events queued before any is handled.
        for _ in range(4):
            app.post_message(events.Key("backspace", None))
        await pilot.pause()
        await pilot.pause()
        assert not [n for n in notices(app) if "internal error" in n]
        assert not app.screen.query(PatternRow)
        assert app.state.source.allow == ()
