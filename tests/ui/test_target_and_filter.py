"""`t` switches the target registry; `/` filters the layers."""

from __future__ import annotations

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.profiles import DISTRIBUTION_3
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.widgets.filter_bar import FilterBar
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.pattern_row import PatternRow
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.ui.builders import target_sensitive_manifest

MCR = r"^https://mcr\.microsoft\.com/"


def sensitive_app() -> ExplorerApp:
    files = (FileInput("sensitive.json", target_sensitive_manifest()),)
    return ExplorerApp(LaunchOptions(files=files, source=PolicySource(allow=(MCR,))))


def differs_cell(app: ExplorerApp, position: int) -> str:
    return str(app.screen.query_one(LayersTable).get_cell(str(position), "differs")).strip()


async def test_t_switches_to_distribution_3_and_back() -> None:
    app = sensitive_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.evaluation.response.status == 201
        await pilot.press("t")
        await pilot.pause()
        assert app.state.profile == DISTRIBUTION_3
        assert "target: distribution-3" in str(app.screen.query_one(VerdictHeader).render())
        assert app.view.evaluation.response.status == 500
        await pilot.press("t")
        await pilot.pause()
        assert app.view.evaluation.response.status == 201


async def test_layers_whose_verdict_differs_between_targets_are_marked() -> None:
    app = sensitive_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.differs == frozenset({1})
        assert differs_cell(app, 1) == "≠✗"
        assert differs_cell(app, 2) == ""
        header = str(app.screen.query_one(VerdictHeader).render())
        assert "≠ 1 descriptor differs on distribution-3" in header
        detail = str(app.screen.query_one(LayerDetail).render())
        assert "≠ on distribution-3: ✗ invalid digest" in detail
        await pilot.press("t")
        await pilot.pause()
        assert differs_cell(app, 1) == "≠✓"


async def test_the_sample_is_judged_alike_by_both_targets() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.differs == frozenset()


async def test_switching_target_rechecks_patterns_under_that_go_version() -> None:
    # Go 1.22 added (?<name>...); distribution-2.8 (Go 1.19) rejects it, 3.x accepts it.
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *"(?<host>mcr)")
        await pilot.pause()
        row = app.screen.query_one(PatternRow)
        assert row.error is not None
        assert app.view.policy_error is not None
        await pilot.press("escape", "t")
        await pilot.pause()
        assert row.error is None
        assert app.view.policy_error is None
        assert app.view.evaluation.response.status == 201


async def test_slash_filters_the_layers_as_you_type() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"FOREIGN")
        await pilot.pause()
        table = app.screen.query_one(LayersTable)
        assert table.visible_positions == (1,)
        assert table.row_count == 1
        title = app.screen.query_one("#layers-pane").border_title
        assert title == "Layers (1 of 7 match /FOREIGN)"


async def test_filter_matches_digests_and_urls() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"9a57ef")
        await pilot.pause()
        assert app.screen.query_one(LayersTable).visible_positions == (3,)
        app.screen.query_one(FilterBar).value = "nanoserver"
        await pilot.pause()
        assert app.screen.query_one(LayersTable).visible_positions == (1,)


async def test_escape_clears_the_filter_and_enter_keeps_it() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"gzip", "enter")
        await pilot.pause()
        assert app.state.filter == "gzip"
        assert isinstance(app.focused, LayersTable)
        assert app.screen.query_one(FilterBar).display
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert app.state.filter == ""
        assert not app.screen.query_one(FilterBar).display
        assert len(app.screen.query_one(LayersTable).visible_positions) == 7


async def test_filtered_rows_keep_updating_with_the_policy() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"foreign", "enter", "a", *MCR)
        await pilot.pause()
        cell = app.screen.query_one(LayersTable).get_cell("1", "verdict")
        assert str(cell).strip() == "✓ pass"
