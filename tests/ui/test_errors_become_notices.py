"""Issue 8: an error in a worker, a handler or an action is a notice; the policy survives."""

from __future__ import annotations

import contextlib
from typing import ClassVar

import pytest
from textual import work
from textual.binding import Binding
from textual.worker import WorkerFailed

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.screens.error_details import ErrorDetailsScreen
from foreign_explorer.ui.widgets.layers_table import LayersTable
from tests.ui.screen import notices, screen_text

MCR = r"^https://mcr\.microsoft\.com/"


async def settle(app, pilot) -> None:
    """Let the workers finish; their failure is the app's to report, not the test's."""
    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()
    await pilot.pause()


class FailingApp(ExplorerApp):
    BINDINGS: ClassVar = [Binding("z", "explode", "Explode")]

    @work(exclusive=True, exit_on_error=False, group="doomed")
    async def doomed(self) -> None:
        raise RuntimeError("the worker broke [/on purpose]")

    @work(group="doomed-exit")
    async def doomed_exit_on_error(self) -> None:
        raise LookupError("this one would end a plain Textual app")

    def action_explode(self) -> None:
        raise ValueError("the action broke")


@pytest.mark.internal_errors_expected
async def test_a_failing_worker_becomes_a_notice_and_the_policy_survives() -> None:
    app = FailingApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR, "escape")
        app.doomed()
        await settle(app, pilot)
        await pilot.pause()
        assert app.is_running
        assert app.state.source.allow == (MCR,)
        assert any("the worker broke [/on purpose]" in n for n in notices(app))
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDetailsScreen)
        assert "Traceback" in screen_text(app)
        assert "RuntimeError: the worker broke" in screen_text(app)


@pytest.mark.internal_errors_expected
async def test_a_worker_that_would_exit_on_error_and_a_failing_action_keep_the_app() -> None:
    app = FailingApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR, "escape")
        app.doomed_exit_on_error()
        await settle(app, pilot)
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert app.is_running
        said = "\n".join(notices(app))
        assert "LookupError" in said and "ValueError: the action broke" in said
        assert app.state.source.allow == (MCR,)
        assert len(ExplorerApp.reported) == 2


@pytest.mark.internal_errors_expected
async def test_a_failing_message_handler_leaves_the_widget_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = ExplorerApp()
    calls = []

    def broken_once(self, event) -> None:
        calls.append(event)
        if len(calls) == 1:
            raise KeyError("handler broke")
        original(self, event)

    original = LayersTable.on_data_table_row_highlighted
    monkeypatch.setattr(LayersTable, "on_data_table_row_highlighted", broken_once)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.is_running
        assert len(calls) >= 2
        assert app.view.selected is not None
        assert any("KeyError" in n for n in notices(app))
