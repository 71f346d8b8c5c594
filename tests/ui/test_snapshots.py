"""SVG snapshots of the main states (pytest-textual-snapshot; `--snapshot-update` to accept)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from tests.ui.builders import target_sensitive_manifest, windows_linux_layout

MCR = r"^https://mcr\.microsoft\.com/"
WIDE = (120, 40)
NARROW = (80, 24)


def test_sample_as_opened(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), terminal_size=WIDE)


def test_sample_after_typing_the_mcr_allow_pattern(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["a", *MCR, "escape"], terminal_size=WIDE)


def test_pattern_go_rejects_with_its_error_and_caret(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["a", *"^https://(?=x", "escape"], terminal_size=WIDE)


def test_lint_warnings_under_an_unanchored_pattern(snap_compare) -> None:
    press = ["a", *"mcr.microsoft.com", "escape"]
    assert snap_compare(ExplorerApp(), press=press, terminal_size=WIDE)


def test_sample_at_80_by_24(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), terminal_size=NARROW)


def test_policy_at_80_by_24(snap_compare) -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(MCR,), deny=("^http://",))))
    assert snap_compare(app, terminal_size=NARROW)


def test_export_modal(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["a", *MCR, "escape", "e"], terminal_size=WIDE)


def test_filter_on_foreign(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["slash", *"foreign", "enter"], terminal_size=WIDE)


def test_help_screen(snap_compare) -> None:
    assert snap_compare(ExplorerApp(), press=["question_mark"], terminal_size=WIDE)


def test_target_difference_marker(snap_compare) -> None:
    files = (FileInput("digest-quirk.json", target_sensitive_manifest()),)
    app = ExplorerApp(LaunchOptions(files=files, source=PolicySource(allow=(MCR,))))
    assert snap_compare(app, terminal_size=WIDE)


def test_platform_picker(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A relative layout path keeps the machine's temporary directory out of the snapshot.
    windows_linux_layout(tmp_path / "layout")
    monkeypatch.chdir(tmp_path)
    app = ExplorerApp(LaunchOptions(references=("oci:layout:latest",)))

    async def loaded(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, press=["p"], terminal_size=WIDE, run_before=loaded)
