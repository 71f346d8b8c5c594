"""SVG snapshots of the main states at 60x20, 80x24 and 120x40 (pytest-textual-snapshot;
`--snapshot-update` to accept a change after looking at it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreign_explorer.core.policy import PolicySource, source_from_config
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from tests.ui.builders import (
    docker_manifest,
    foreign_layer,
    plain_layer,
    target_sensitive_manifest,
    windows_linux_layout,
)
from tests.ui.test_indexes_ui import ONLY_LINUX, UNREADABLE, index_with_a_platformless_child
from tests.ui.test_policy_findings import MISINDENTED

MCR = r"^https://mcr\.microsoft\.com/"
WIDE = (120, 40)
NARROW = (80, 24)
SIZES = [pytest.param((60, 20), id="60x20"), pytest.param(NARROW, id="80x24"),
         pytest.param(WIDE, id="120x40")]  # fmt: skip


def two_failing_layers() -> bytes:
    return docker_manifest(
        [
            foreign_layer("https://one.example.com/" + "a" * 120),
            foreign_layer("https://two.example.com/" + "b" * 120),
            plain_layer("c"),
        ]
    )


def typed(*keys: str):
    """Press `keys`, then let the typing pause: what the screen shows a moment after the last
    key (the panes held at their heights while a pattern is typed take their natural ones)."""

    async def run_before(pilot) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        pilot.app.typing_paused()
        await pilot.pause()

    return run_before


async def loaded(pilot) -> None:
    """Wait for the references to load (an OCI layout is read in a worker)."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_sample(snap_compare, size) -> None:
    assert snap_compare(ExplorerApp(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_policy_the_registry_cannot_start_with(snap_compare, size) -> None:
    keys = typed("a", *MCR, "escape", "a", *"a{1001}")
    assert snap_compare(ExplorerApp(), run_before=keys, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_filter_with_selection(snap_compare, size) -> None:
    press = ["down", "down", "slash", *"diff", "enter", "down"]
    assert snap_compare(ExplorerApp(), press=press, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_export_modal(snap_compare, size) -> None:
    assert snap_compare(ExplorerApp(), press=["a", *MCR, "escape", "e"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_platform_picker(
    snap_compare, size, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative layout path keeps the machine's temporary directory out of the snapshot.
    windows_linux_layout(tmp_path / "layout")
    monkeypatch.chdir(tmp_path)
    app = ExplorerApp(LaunchOptions(references=("oci:layout:latest",)))
    assert snap_compare(app, press=["p"], terminal_size=size, run_before=loaded)


@pytest.mark.parametrize("size", SIZES)
def test_long_push_response(snap_compare, size) -> None:
    app = ExplorerApp(LaunchOptions(files=(FileInput("two-failing.json", two_failing_layers()),)))
    assert snap_compare(app, terminal_size=size)


def test_sample_after_typing_the_mcr_allow_pattern(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["a", *MCR, "escape"], terminal_size=WIDE)


def test_pattern_go_rejects_with_its_error_and_caret(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["a", *"^https://(?=x", "escape"], terminal_size=WIDE)


def test_config_go_rejects_gives_no_verdict(snap_compare) -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("(?<x>y)",))))
    assert snap_compare(app, terminal_size=NARROW)


def test_lint_warnings_under_an_unanchored_pattern(snap_compare) -> None:
    press = ["a", *"mcr.microsoft.com", "escape"]
    assert snap_compare(ExplorerApp(), press=press, terminal_size=WIDE)


def test_policy_at_80_by_24(snap_compare) -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(MCR,), deny=("^http://",))))
    assert snap_compare(app, terminal_size=NARROW)


def test_help_screen(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["question_mark"], terminal_size=WIDE)


def test_target_difference_marker(snap_compare) -> None:
    files = (FileInput("digest-quirk.json", target_sensitive_manifest()),)
    app = ExplorerApp(LaunchOptions(files=files, source=PolicySource(allow=(MCR,))))
    assert snap_compare(app, terminal_size=WIDE)


def test_whole_push_response_modal(snap_compare) -> None:
    app = ExplorerApp(LaunchOptions(files=(FileInput("two-failing.json", two_failing_layers()),)))
    assert snap_compare(app, press=["b"], terminal_size=NARROW)


@pytest.mark.parametrize(
    "size", [pytest.param(NARROW, id="80x24"), pytest.param(WIDE, id="120x40")]
)
def test_policy_level_findings_of_a_misindented_config(snap_compare, size) -> None:
    app = ExplorerApp(LaunchOptions(source=source_from_config(MISINDENTED)))
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize(
    "size", [pytest.param(NARROW, id="80x24"), pytest.param(WIDE, id="120x40")]
)
def test_an_indexes_setting_distribution_3_cannot_read(snap_compare, size) -> None:
    options = LaunchOptions(source=source_from_config(UNREADABLE), target="distribution-3")
    assert snap_compare(ExplorerApp(options), terminal_size=size)


@pytest.mark.parametrize(
    "size", [pytest.param(NARROW, id="80x24"), pytest.param(WIDE, id="120x40")]
)
def test_a_push_distribution_3_answers_by_dropping_the_connection(snap_compare, size) -> None:
    options = LaunchOptions(
        files=(FileInput("index.json", index_with_a_platformless_child()),),
        source=source_from_config(ONLY_LINUX),
        target="distribution-3",
    )
    assert snap_compare(ExplorerApp(options), press=["down"], terminal_size=size)
