"""The main screen's footer: what applies now first, help, quit and the palette always, and
never a key cut at the edge (or a stray letter of one under the palette key)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.model import EntryStatus
from tests.ui.builders import docker_manifest, foreign_layer
from tests.ui.screen import screen_lines

SIZES = [(120, 40), (80, 24), (60, 20)]


def files(count: int) -> tuple[FileInput, ...]:
    return tuple(
        FileInput(f"image-{n}.json", docker_manifest([foreign_layer(f"https://h{n}.example/a")]))
        for n in range(count)
    )


def footer(app: ExplorerApp) -> str:
    line = screen_lines(app)[-1]
    # The palette key closes the row: nothing after it but its padding.
    assert re.search(r"▏\^p palette ?$", line), line
    assert "? Help" in line and "q Quit" in line, line
    return line


@pytest.mark.parametrize("size", SIZES)
async def test_one_image_shows_help_quit_and_the_pattern_keys(size: tuple[int, int]) -> None:
    app = ExplorerApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = footer(app)
        assert "a Allow" in line and "d Deny" in line


@pytest.mark.parametrize("size", SIZES)
async def test_several_images_put_switching_first(size: tuple[int, int]) -> None:
    app = ExplorerApp(LaunchOptions(files=files(3)))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = footer(app)
        assert line.lstrip().startswith(("[ Prev image", "] Next image")), line
        assert "] Next image" in line
        if size[0] >= 120:
            assert "x Close image" in line and "o Open" in line


@pytest.mark.parametrize("size", SIZES)
async def test_a_failed_load_puts_retry_and_details_first(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    options = LaunchOptions(files=files(1), references=(f"oci:{tmp_path / 'nope'}",))
    app = ExplorerApp(options)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.state.entry.status is EntryStatus.FAILED
        line = footer(app)
        assert line.lstrip().startswith(
            "r Retry  ! Details" if size[0] >= 100 else "r Retry ! Details"
        )
        assert "] Next image" in line
        if size[0] >= 80:
            # The third way forward from a failed load.
            assert "o Open" in line


async def test_a_key_left_out_of_the_footer_still_works() -> None:
    app = ExplorerApp(LaunchOptions(files=files(3)))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert "t Target" not in footer(app)
        before = app.state.profile.name
        await pilot.press("t")
        await pilot.pause()
        assert app.state.profile.name != before
