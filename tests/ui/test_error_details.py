"""The error details (`!`) fit a 60-column terminal: every button on screen, Close included."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.model import EntryStatus
from foreign_explorer.ui.screens.error_details import ErrorDetailsScreen
from tests.ui.test_response import buttons_on_screen


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_all_four_buttons_of_a_failed_load_are_on_screen(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = ExplorerApp(LaunchOptions(references=(f"oci:{tmp_path / 'nope'}",)))
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.entry.status is EntryStatus.FAILED
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDetailsScreen)
        assert len(app.screen.query("Button")) == 4
        buttons_on_screen(app)
