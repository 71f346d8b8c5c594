"""The layer table shows every verdict whole, whatever the verdicts were when it was laid out."""

from __future__ import annotations

import pytest

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from tests.ui.builders import docker_manifest, foreign_layer
from tests.ui.screen import screen_lines, typing_paused

MCR = r"^https://mcr\.microsoft\.com/"


def twelve_foreign_layers() -> bytes:
    return docker_manifest(
        [foreign_layer(f"https://mcr.microsoft.com/layer{n}") for n in range(12)]
    )


def layer_row(app: ExplorerApp, position: int) -> str:
    """The screen row of layer `position` (`#` column first)."""
    rows = (row.lstrip("│") for row in screen_lines(app))
    return next(row for row in rows if row.startswith(f" {position}  "))


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 20)])
async def test_a_verdict_that_turns_from_pass_to_invalid_url_is_shown_whole(
    size: tuple[int, int],
) -> None:
    options = LaunchOptions(
        source=PolicySource(allow=(MCR,)),
        files=(FileInput("twelve.json", twelve_foreign_layers()),),
    )
    app = ExplorerApp(options)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert "✓ pass" in layer_row(app, 0)
        await pilot.press("d", *"mcr")
        await pilot.pause()
        # While typing (the layout held) as after the pause: the whole verdict.
        assert "✗ invalid URL" in layer_row(app, 0)
        await pilot.press("escape")
        await typing_paused(pilot)
        assert "✗ invalid URL" in layer_row(app, 0)


async def test_an_empty_allow_pattern_edited_into_a_failing_one_shows_the_verdict_whole() -> None:
    options = LaunchOptions(
        source=PolicySource(allow=("",)),
        files=(FileInput("twelve.json", twelve_foreign_layers()),),
    )
    app = ExplorerApp(options)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "✓ pass" in layer_row(app, 0)
        app.screen.query_one("PatternInput").focus()
        await pilot.press("x")
        await pilot.pause()
        assert app.state.source.allow == ("x",)
        assert "✗ invalid URL" in layer_row(app, 0)
