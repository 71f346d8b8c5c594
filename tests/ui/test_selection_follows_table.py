"""Issue 9 items 2 and 3: the detail pane shows a row the table lists, with current indices."""

from __future__ import annotations

import re

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from tests.ui.screen import screen_text

MCR = r"^https://mcr\.microsoft\.com/"
LAYER_1 = 2  # positions: config, layer 0, layer 1, …


async def test_filtering_away_the_selected_layer_moves_the_detail_to_a_listed_row() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.view.selected == LAYER_1
        await pilot.press("slash", *"foreign")
        await pilot.pause()
        table = app.screen.query_one(LayersTable)
        assert table.visible_positions == (1,)
        assert app.view.selected == 1
        assert str(app.screen.query_one("#detail-pane").border_title) == "Layer 0"
        assert "Layer 1" not in screen_text(app)


async def test_a_filter_that_matches_nothing_leaves_the_detail_empty_with_a_hint() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"no-such-layer")
        await pilot.pause()
        assert app.view.visible == () and app.view.selected is None
        detail = str(app.screen.query_one(LayerDetail).render())
        assert "No row matches /no-such-layer" in detail
        assert "✗ invalid URL" not in detail


async def test_moving_a_pattern_up_renames_the_allowing_index_on_screen() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("^https://", MCR))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "allowed by allow[0] ^https://" in screen_text(app)
        app.screen.query_one(PolicyEditor).rows("allow")[1].focus_input()
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert app.state.source.allow == (MCR, "^https://")
        shown = re.findall(r"allowed by allow\[\d\] \S+", screen_text(app))
        assert shown == [f"allowed by allow[0] {MCR}"]
