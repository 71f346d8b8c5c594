"""Issue 9 item 6: the export modal works from the keyboard, says its keys, and fits 60x20."""

from __future__ import annotations

from textual.widgets import Button, Footer, Tabs

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.screens.export import FORM_INFO, ExportScreen
from foreign_explorer.ui.screens.main import MainScreen
from foreign_explorer.ui.screens.save_as import SaveAsScreen
from tests.ui.screen import screen_text

MCR = r"^https://mcr\.microsoft\.com/"


async def open_export(pilot) -> ExportScreen:
    await pilot.press("a", *MCR, "escape", "e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportScreen)
    return pilot.app.screen


async def test_enter_on_opening_copies_the_snippet() -> None:
    app = ExplorerApp()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # the terminal's clipboard is not ours to read
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_export(pilot)
        assert screen.focused is screen.query_one("#copy", Button)
        await pilot.press("enter")
        await pilot.pause()
        assert copied == [screen.snippet]


async def test_the_modal_footer_shows_its_own_keys_and_q_closes_it() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_export(pilot)
        footer = screen.query_one(Footer)
        assert footer.region.height == 1
        text = screen_text(app)
        for key, word in (("c", "Copy"), ("s", "Save as…"), ("esc", "Close")):
            assert f"{key} {word}" in text
        assert "a Allow" not in text
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.is_running


async def test_tabs_say_what_they_hold_and_save_as_names_the_form() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_export(pilot)
        labels = [str(tab.label) for tab in screen.query_one(Tabs).query("Tab")]
        assert labels == ["validation section", "whole config.yml", "environment", "Helm values"]
        assert "Merge into" not in screen_text(app)
        await pilot.press("f", "f", "s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen)
        assert f"Save {FORM_INFO['env'][3]} as" in screen_text(app)


async def test_the_buttons_are_on_screen_at_60_by_20() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        screen = await open_export(pilot)
        for button in screen.query(Button):
            region = button.region
            assert region.height > 0
            assert region.bottom <= 19  # above the footer line
        assert "Copy" in screen_text(app)
