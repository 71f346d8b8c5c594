"""The layer detail says what the registry checks, in check's words."""

from __future__ import annotations

import pytest

from foreign_explorer.core.policy import source_from_config
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from tests.ui.test_pattern_row import DISABLED

LAYER_0 = 1  # position in the evaluation: config first


@pytest.mark.parametrize("target", ["distribution-2.8", "distribution-3"])
async def test_with_validation_disabled_the_detail_does_not_claim_allow_deny_checks(
    target: str,
) -> None:
    app = ExplorerApp(LaunchOptions(source=source_from_config(DISABLED), target=target))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("LayersTable").move_cursor(row=LAYER_0)
        await pilot.pause()
        detail = " ".join(str(app.screen.query_one(LayerDetail).render()).split())
        assert "against allow/deny" not in detail
        assert "well-formed http(s), not allow/deny (validation is disabled)" in detail
        # The URL's own line, as check prints it.
        assert "validation is disabled: any well-formed http(s) URL passes" in detail
