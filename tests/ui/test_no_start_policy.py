"""Issue 9 item 1: a policy the registry cannot start with shows no push verdict anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreign_explorer.core.policy import PolicySource, PolicyStartupError, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.screens.export import ExportScreen
from foreign_explorer.ui.screens.platforms import PlatformScreen
from foreign_explorer.ui.widgets.image_bar import ImageBar
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.push_preview import PushPreview
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.ui.builders import windows_linux_layout
from tests.ui.screen import screen_text

MCR = r"^https://mcr\.microsoft\.com/"
GO_119_REJECTS = "(?<x>y)"


def startup_message(source: PolicySource) -> str:
    """What check prints after `registry would not start: ` for the same policy."""
    with pytest.raises(PolicyStartupError) as caught:
        compile_policy(source, DISTRIBUTION_2_8)
    return caught.value.message


def plain(widget) -> str:
    return str(widget.render())


async def test_a_repeat_count_go_rejects_replaces_the_push_verdict_everywhere() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR, "escape", "a", *"a{1001}")
        await pilot.pause()
        header = plain(app.screen.query_one(VerdictHeader))
        message = startup_message(PolicySource(allow=(MCR, "a{1001}")))
        # check's words less Go's `…: error parsing regexp: ` lead (120 columns would cut the
        # error's gist), the pattern after the error (see test_verdict_header).
        gist = message.partition("error parsing regexp: ")[2]
        assert gist.startswith("invalid repeat count")
        assert f"✗ the registry would not start: allow[1]: {gist} in `a{{1001}}`" in header
        assert "push →" not in header
        push = app.screen.query_one(PushPreview).text().plain
        assert "HTTP" not in push and "no push" in push
        title = str(app.screen.query_one("#layers-pane").border_title)
        assert f"verdicts under the last policy the registry started with: allow {MCR}" in title


async def test_the_no_start_line_survives_80_columns() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR, "escape", "a", *"a{1001}")
        await pilot.pause()
        text = screen_text(app)
        assert "✗ the registry would not start: allow[1]" in text
        assert "201 Created" not in text


async def test_a_config_go_rejects_gives_no_verdict_and_no_allow_pattern_claim() -> None:
    source = PolicySource(allow=(GO_119_REJECTS,))
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = plain(app.screen.query_one(VerdictHeader))
        gist = startup_message(source).partition("error parsing regexp: ")[2]
        assert f"the registry would not start: allow[0]: {gist} in `{GO_119_REJECTS}`" in header
        assert "500" not in header
        detail = plain(app.screen.query_one(LayerDetail))
        assert "no allow pattern" not in detail
        assert "no verdict" in detail
        table = app.screen.query_one(LayersTable)
        verdicts = {str(table.get_row(str(p))[6]).strip() for p in app.view.visible}
        assert verdicts == {"– no verdict"}


async def test_image_bar_platform_picker_and_export_give_no_verdict(tmp_path: Path) -> None:
    reference = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(
        LaunchOptions(references=(reference,), source=PolicySource(allow=(GO_119_REJECTS,)))
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.open_image("127.0.0.1:1/never:loaded")
        await pilot.pause()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        bar = app.screen.query_one(ImageBar)
        lines = [str(bar.get_option_at_index(i).prompt) for i in range(bar.option_count)]
        assert "no verdict" in lines[0]
        assert "mirrors cleanly" not in lines[0]
        await pilot.press("p")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PlatformScreen)
        assert "no verdict" in screen_text(app)
        assert "✓ 201" not in screen_text(app) and "✗ 500" not in screen_text(app)
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "would not start" in str(app.screen.query_one(".blocker").render())
