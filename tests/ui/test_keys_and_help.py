"""Bindings: one source for the footer, the help screen and the command palette."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.screens.help import HelpScreen
from foreign_explorer.ui.widgets.filter_bar import FilterBar
from foreign_explorer.ui.widgets.pattern_row import PatternInput

ISSUE_KEYS = {
    "a": "add_allow",
    "d": "add_deny",
    "e": "export",
    "p": "platforms",
    "t": "switch_target",
    "slash": "filter",
    "question_mark": "help",
    "q": "quit",
}
ALL_BINDINGS = [*ExplorerApp.BINDINGS, *PatternInput.BINDINGS, *FilterBar.BINDINGS]


@pytest.mark.parametrize("binding", ALL_BINDINGS, ids=lambda b: b.key)
def test_every_binding_has_an_id_a_description_and_a_tooltip(binding: Binding) -> None:
    assert binding.id
    assert binding.description
    assert binding.tooltip


def test_the_issues_keys_are_bound_as_specified() -> None:
    bound = {b.key: b.id for b in ExplorerApp.BINDINGS}
    assert {k: bound.get(k) for k in ISSUE_KEYS} == ISSUE_KEYS
    assert any(b.key == "escape" for b in PatternInput.BINDINGS)


def test_binding_ids_are_unique() -> None:
    ids = [b.id for b in ALL_BINDINGS]
    assert len(ids) == len(set(ids))


async def test_question_mark_opens_help_listing_every_key() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in screen.query("Static"))
        for binding in ALL_BINDINGS:
            assert binding.description in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_the_command_palette_offers_every_explorer_action() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for key, _id in ISSUE_KEYS.items():
            binding = next(b for b in ExplorerApp.BINDINGS if b.key == key)
            assert f"{binding.description} ({binding.key_display or binding.key})" in titles


async def test_palette_command_runs_the_action() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Target (t)")
        command.callback()
        await pilot.pause()
        assert app.state.profile.name == "distribution-3"


async def test_retry_is_offered_only_for_a_failed_image() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.check_action("retry", ()) is False
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Retry (r)" not in titles


async def test_q_quits() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
