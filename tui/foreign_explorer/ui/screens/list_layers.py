"""The layer view of an image opened from the mirror overview: Esc goes back to the list."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from foreign_explorer.ui.screens.main import MainScreen


class ListLayersScreen(MainScreen):
    """The main screen, with a way back to the mirror overview (the policy goes along)."""

    BINDINGS = [
        Binding("escape", "overview", "Mirror list", id="overview.back",
                tooltip="Back to the mirror overview, with the policy as edited here"),
    ]  # fmt: skip

    async def action_overview(self) -> None:
        app: Any = self.app
        await app.push_screen("overview")
