"""Issue 9 item 7: the palette finds every key, and keys that do not apply say so."""

from __future__ import annotations

from textual.command import CommandPalette

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from tests.ui.builders import docker_manifest, foreign_layer
from tests.ui.screen import notices, screen_text


async def palette_titles(pilot, query: str) -> str:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.3)
    return screen_text(pilot.app)


async def test_searching_filter_in_the_palette_finds_the_filter_key() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = await palette_titles(pilot, "filter")
        assert "Filter (/)" in text


async def test_the_palette_lists_the_app_s_keys_and_not_textual_s_duplicates() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Allow (a)", "Export (e)", "Filter (/)", "Help (?)", "Quit (q)"):
            assert title in titles
        for textual_own in ("Keys", "Maximize", "Screenshot", "Quit"):
            assert textual_own not in titles


async def test_keys_that_do_not_apply_say_why() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("r", "exclamation_mark", "right_square_bracket", "x")
        await pilot.pause()
        said = "\n".join(notices(app))
        assert "r loads a failed image again" in said
        assert "! shows what went wrong" in said
        assert "[ and ] switch between open images" in said
        assert "x closes an image" in said


async def test_both_image_keys_show_and_x_closes_the_shown_image() -> None:
    files = tuple(
        FileInput(name, docker_manifest([foreign_layer()])) for name in ("a.json", "b.json")
    )
    app = ExplorerApp(LaunchOptions(files=files))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[ Prev image" in text and "] Next image" in text
        await pilot.press("x")
        await pilot.pause()
        assert [e.name for e in app.state.entries] == ["b.json"]
        assert "] Next image" not in screen_text(app)
