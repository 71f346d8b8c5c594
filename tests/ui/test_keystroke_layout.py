"""Issue 9 item 9: a keystroke in a pattern repaints; it never lays the whole screen out again.

A layout pass costs several times a keystroke's budget at 500 layers (benchmarks/
bench_terminal.py prints the figures). The panes whose text changes height while a pattern is
typed keep their heights until the typing pauses; these tests count the passes, they time
nothing.
"""

from __future__ import annotations

import pytest
from textual.screen import Screen

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.pattern_row import PatternStatus
from foreign_explorer.ui.widgets.push_preview import PushPreview
from tests.ui.builders import many_layers
from tests.ui.screen import typing_paused

# Valid, invalid from `(` to `)`, valid again; longer than the field, so it scrolls.
PATTERN = r"^https://(mcr\.microsoft\.com|example\.com)/"


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every layout pass of any screen from now on (True: a scroll-only pass)."""
    passes: list[bool] = []
    original = Screen._refresh_layout

    def counted(self, size=None, scroll=False):  # type: ignore[no-untyped-def]
        passes.append(scroll)
        return original(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return passes


def images(count: int) -> LaunchOptions:
    return LaunchOptions(
        files=tuple(
            FileInput(f"image-{n}.json", many_layers(60).replace(b'"size": 831', b'"size": %d' % n))
            for n in range(count)
        )
    )


@pytest.mark.parametrize(
    ("count", "size"), [(1, (120, 40)), (3, (120, 40)), (3, (80, 24)), (1, (60, 20))]
)
async def test_typing_a_pattern_through_invalid_and_back_lays_nothing_out(
    monkeypatch: pytest.MonkeyPatch, count: int, size: tuple[int, int]
) -> None:
    app = ExplorerApp(images(count))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        passes = count_layouts(monkeypatch)
        for key in PATTERN:
            await pilot.press(key)
            await pilot.pause()
        assert app.state.source.allow == (PATTERN,)
        assert passes == []


async def test_the_typing_pause_gives_the_panes_their_natural_heights() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *r"^https://(?=x")
        await pilot.pause()
        status = app.screen.query_one(PatternStatus)
        assert status.is_held
        # Held at three rows: Go's error on one row, the pattern and the caret under it.
        lines = str(status.render()).splitlines()
        assert len(lines) == 3 and lines[0].endswith("…") and lines[2].strip() == "^"
        # The app's own timer, a moment after the last key.
        await pilot.pause(app.SETTLE_AFTER + 0.3)
        assert not status.is_held
        assert not app.screen.query_one(LayerDetail).is_held
        assert "invalid or unsupported Perl syntax: `(?=`" in " ".join(str(status.render()).split())


async def test_what_a_held_pane_shows_belongs_to_the_policy_shown() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *r"^https://(")
        await pilot.pause()
        push = str(app.screen.query_one(PushPreview).query_one("#push-body").render())
        assert push.startswith("no push: the registry would not start")
        await pilot.press(")")
        await pilot.pause()
        push = str(app.screen.query_one(PushPreview).query_one("#push-body").render())
        assert push.startswith("✓ HTTP 201 Created")


async def test_leaving_the_pattern_settles_at_once() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *"mcr.microsoft.com")
        await pilot.pause()
        status = app.screen.query_one(PatternStatus)
        assert status.is_held
        await pilot.press("escape")
        await pilot.pause()
        assert not status.is_held
        assert "⚠ not anchored: passes" in str(status.render())
        await typing_paused(pilot)
        assert not status.is_held
