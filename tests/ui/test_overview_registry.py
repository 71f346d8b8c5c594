"""The mirror overview against a real registry on 127.0.0.1 behind a token service.

The list is the mirror set of tests/core/listcheck (Windows images with foreign layers, a
multi-arch index with an attestation); the overview's verdicts are compared with what
`foreign-explorer check --from` prints as JSON for the same list and policy.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest

from foreign_explorer.cli import app_parser, main
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import options_from_args
from foreign_explorer.ui.overview_model import RowState
from foreign_explorer.ui.screens.list_layers import ListLayersScreen
from foreign_explorer.ui.screens.overview import OverviewScreen
from foreign_explorer.ui.widgets.overview_table import OverviewTable
from tests.core.listcheck.conftest import _no_proxies_or_docker_env, keys, mirror
from tests.core.listcheck.mirrorset import MirrorSet, write
from tests.ui.screen import has_raw_controls, screen_text

__all__ = ["_no_proxies_or_docker_env", "keys", "mirror"]
pytestmark = pytest.mark.registry
MCR = r"^https://mcr\.microsoft\.com/"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lists(mirror: MirrorSet, tmp_path: Path) -> tuple[list[str], str]:
    """A skopeo sync file and a plain list with a missing repository and a registry that is
    down; the second's reference to the down registry."""
    down = f"127.0.0.1:{_closed_port()}/mirror/tools:1"
    plain = f"{mirror.ref('tools:1')}\n{mirror.ref('absent:1')}\n{down}\n"
    skopeo = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    listed = write(tmp_path, "list.txt", plain)
    return ["--from", skopeo, "--from", listed], down


async def check_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    """`check --from ... --format json` (in a thread: it runs its own event loop)."""
    await asyncio.to_thread(main, ["check", *argv, "--format", "json"])
    out, _ = capsys.readouterr()
    return json.loads(out)


def check_verdicts(document: dict) -> dict[tuple[str, str], RowState]:
    found = {}
    for image in document["images"]:
        for child in image.get("children", [image]):
            label = child.get("platform") or ""
            if child.get("attestation"):
                label += " (attestation)"
            state = RowState.CLEAN if child["accepted"] else RowState.BLOCKED
            found[(image["reference"], label)] = state
    for error in document["errors"]:
        found[(error["reference"], "")] = RowState.UNJUDGED
    return found


def shown_verdicts(screen: OverviewScreen) -> dict[tuple[str, str], RowState]:
    assert screen.view is not None
    # Notes (what reading the list said) are no verdict: check prints them on stderr.
    rows = [r for r in screen.view.rows if r.state is not RowState.NOTE]
    return {(r.reference, r.platform): r.state for r in rows}


def app_from(argv: list[str]) -> ExplorerApp:
    """The app as `foreign-explorer ARGV` starts it: the explorer's own argument parser."""
    return ExplorerApp(options_from_args(app_parser().parse_args(argv)))


async def loaded(pilot) -> OverviewScreen:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OverviewScreen)
    return screen


async def test_the_overview_gives_every_image_and_platform_the_verdict_check_gives(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, _ = _lists(mirror, tmp_path)
    document = await check_json(capsys, *argv)
    app = app_from(argv)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert shown_verdicts(screen) == check_verdicts(document)
        summary = document["summary"]
        counts = screen.view.counts
        assert counts.startswith(f"{summary['clean']} of {summary['images']} mirror cleanly")
        assert f"{summary['blocked']} platforms blocked" in counts
        assert f"{summary['unjudged']} not judged" in counts
        assert counts in screen_text(app)


async def test_typing_an_allow_pattern_for_the_foreign_host_updates_the_counts_as_check(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, _ = _lists(mirror, tmp_path)
    document = await check_json(capsys, *argv, "--allow", MCR)
    app = app_from(argv)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        before = screen.view.counts
        await pilot.press("a", *MCR)
        await pilot.pause()
        assert screen.view.counts != before
        assert shown_verdicts(screen) == check_verdicts(document)
        summary = document["summary"]
        assert screen.view.counts.startswith(
            f"{summary['clean']} of {summary['images']} mirror cleanly"
        )


async def test_a_missing_repository_and_a_registry_that_is_down_are_not_judged_rows(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, down = _lists(mirror, tmp_path)
    document = await check_json(capsys, *argv)
    app = app_from(argv)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        rows = {r.reference: r for r in screen.view.rows if r.state is RowState.UNJUDGED}
        errors = {e["reference"]: e["message"] for e in document["errors"]}
        assert set(rows) == {mirror.ref("absent:1"), down} == set(errors)
        for reference, row in rows.items():
            assert row.mark == "?"
            assert row.reason == f"could not be judged: {errors[reference]}"
        assert errors[down].startswith("connection to http://")
        # Not judged sorts between the blocked and the clean rows.
        states = [r.state for r in screen.view.rows]
        first_clean = states.index(RowState.CLEAN)
        assert RowState.UNJUDGED in states[:first_clean]
        assert RowState.BLOCKED not in states[states.index(RowState.UNJUDGED) :]


async def test_enter_opens_the_selected_platform_and_esc_returns_with_the_policy(
    mirror: MirrorSet, tmp_path: Path
) -> None:
    argv, _ = _lists(mirror, tmp_path)
    app = app_from(argv)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        keys = [r.key for r in screen.view.rows]
        target = next(r for r in screen.view.rows if r.platform == "windows/amd64")
        screen.query_one(OverviewTable).move_cursor(row=keys.index(target.key))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ListLayersScreen)
        assert app.state.entry.name == mirror.ref("multi:v1")
        assert app.state.entry.slot.platform == "windows/amd64"
        assert app.view.evaluation is not None and not app.view.evaluation.accepted
        await pilot.press("a", *MCR, "escape")
        await pilot.pause()
        assert app.view.evaluation.accepted
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert app.state.source.allow == (MCR,)
        row = next(r for r in screen.view.rows if r.key == target.key)
        assert row.state is RowState.CLEAN


async def test_a_hostile_url_from_a_registry_is_shown_escaped_never_obeyed(
    tmp_path: Path,
) -> None:
    from tests.commands.hostile import hostile_registry

    with hostile_registry() as reference:
        listed = write(tmp_path, "list.txt", f"{reference}\n")
        app = app_from(["--from", listed])
        # Wide enough for the whole reason on the line under the table.
        async with app.run_test(size=(220, 40)) as pilot:
            screen = await loaded(pilot)
            (row,) = screen.view.rows
            assert row.state is RowState.BLOCKED
            text = screen_text(app)
            assert not has_raw_controls(app)
            # The whole reason under the table: escapes visible, markup drawn as typed.
            assert "https://mcr.microsoft.com/\\x1b[2J\\x00\\x07\\u202e" in text
            assert "[link](x)" in text
