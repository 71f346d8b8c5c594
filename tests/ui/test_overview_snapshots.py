"""SVG snapshots of the mirror overview at 60x20, 80x24 and 120x40 (pytest-textual-snapshot;
`--snapshot-update` to accept a change after looking at it). The list is given offline
(tests/ui/overview_lists.py): fixed bytes, so the pictures do not move."""

from __future__ import annotations

import pytest

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from tests.ui.overview_lists import offline_mirror, small_list

SIZES = [pytest.param((60, 20), id="60x20"), pytest.param((80, 24), id="80x24"),
         pytest.param((120, 40), id="120x40")]  # fmt: skip


def overview() -> ExplorerApp:
    return ExplorerApp(LaunchOptions(mirror=offline_mirror(small_list())))


def loaded_then(*keys: str):
    """Wait for the list, press `keys`, then let the typing pause."""

    async def run_before(pilot) -> None:
        for _ in range(2):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        pilot.app.typing_paused()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_overview_of_a_list(snap_compare, size) -> None:
    assert snap_compare(overview(), run_before=loaded_then(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_overview_after_allowing_mcr(snap_compare, size) -> None:
    keys = loaded_then("a", *r"^https://mcr\.microsoft\.com/", "escape")
    assert snap_compare(overview(), run_before=keys, terminal_size=size)


def test_overview_with_a_policy_the_registry_cannot_start_with(snap_compare) -> None:
    keys = loaded_then("a", *"a{1001}")
    assert snap_compare(overview(), run_before=keys, terminal_size=(80, 24))
