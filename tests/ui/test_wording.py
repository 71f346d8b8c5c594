"""Issue 9 item 8: the screen's words state what happened, in the CLI's names, uncut."""

from __future__ import annotations

from pathlib import Path

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.screens.error_details import ErrorDetailsScreen
from foreign_explorer.ui.screens.open_reference import OpenScreen
from foreign_explorer.ui.widgets.pattern_row import PatternStatus
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from tests.ui.builders import windows_linux_layout
from tests.ui.screen import screen_text

MCR = r"^https://mcr\.microsoft\.com/"


async def test_a_pattern_matching_nothing_explains_why_the_url_passes() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(MCR, r"^https://nowhere\.test/"))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines = " ".join(
            " ".join(str(lint.render()).split()) for lint in app.screen.query(PatternStatus)
        )
        assert "every loaded URL passes by another pattern" in lines
        assert "matches no loaded URL: passes" not in lines


async def test_targets_are_named_as_readme_and_cli_name_them() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "target: distribution-2.8" in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert "target: distribution-3" in text
        assert "distribution 3.1 (go" not in text


async def test_the_open_prompt_wraps_instead_of_being_cut_at_60_columns() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OpenScreen)
        prompt = app.screen.query_one(".question")
        assert prompt.region.height >= 2
        assert prompt.region.right <= 60
        assert "or a manifest file's path" in " ".join(str(prompt.render()).split())


async def test_an_emptied_pattern_is_left_out_like_an_untouched_one() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", "x")
        await pilot.pause()
        assert app.state.source.allow == ("x",)
        await pilot.press("backspace")
        await pilot.pause()
        assert app.state.source.allow == ()
        assert "left out of the policy" in screen_text(app)
        row = app.screen.query_one(PolicyEditor).rows("allow")[0]
        assert row.pending


async def test_error_details_say_the_error_once() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        message = "registry said no"
        details = f"RegistryError: {message}"
        app.push_screen(ErrorDetailsScreen("could not load x:y", message, details))
        await pilot.pause()
        assert screen_text(app).count(message) == 1


async def test_platform_rows_stay_on_one_line_at_120_columns(tmp_path: Path) -> None:
    reference = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(reference,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        rows = app.screen.query_one("#platform-list")
        assert rows.option_count == 2
        assert rows.virtual_size.height == 2
