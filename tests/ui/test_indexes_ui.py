"""Issue 10 on screen: validation.manifests.indexes in the policy pane, a setting distribution 3
cannot read as a registry that would not start, and a push it answers by dropping the
connection as no response (no status line invented)."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.policy import PolicyIndexesError, compile_policy, source_from_config
from foreign_explorer.core.profiles import get_profile
from foreign_explorer.core.report import indexes_line
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.push_preview import PushPreview
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.ui.screen import screen_text

ONLY_LINUX = (
    "validation:\n  manifests:\n    indexes:\n      platforms: list\n      platformlist:\n"
    "        - os: linux\n          architecture: amd64\n"
)
UNREADABLE = "validation:\n  manifests:\n    indexes:\n      platforms: bogus\n"
WIDE = (120, 40)


def index_with_a_platformless_child() -> bytes:
    """An OCI index whose second child has no platform (3.1.1 panics on it under a list)."""
    children = [
        {
            "mediaType": mt.OCI_MANIFEST,
            "size": 1,
            "digest": "sha256:0" + "c" * 63,
            "platform": {"os": "windows", "architecture": "amd64"},
        },
        {"mediaType": mt.OCI_MANIFEST, "size": 1, "digest": "sha256:1" + "c" * 63},
    ]
    document = {"schemaVersion": 2, "mediaType": mt.OCI_INDEX, "manifests": children}
    return json.dumps(document).encode()


def options(config: str = "", target: str = "distribution-3", **more) -> LaunchOptions:
    return LaunchOptions(source=source_from_config(config), target=target, **more)


def verdict_line(app: ExplorerApp) -> str:
    return str(app.screen.query_one(VerdictHeader).render()).split("\n")[1].strip()


def indexes_text(app: ExplorerApp) -> str:
    return str(app.screen.query_one("#policy-indexes").render())


@pytest.mark.parametrize(
    ("config", "target"),
    [("", "distribution-3"), (ONLY_LINUX, "distribution-3"), (ONLY_LINUX, "distribution-2.8")],
)
async def test_the_indexes_line_is_checks_line(config: str, target: str) -> None:
    app = ExplorerApp(options(config, target))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        expected = indexes_line(source_from_config(config), get_profile(target))
        assert expected is not None
        assert " ".join(indexes_text(app).split()) == expected


async def test_no_indexes_line_on_2_8_when_the_config_does_not_set_it() -> None:
    app = ExplorerApp(options("", "distribution-2.8"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#policy-indexes").display
        await pilot.press("t")
        await pilot.pause()
        assert indexes_text(app).startswith("indexes: platforms all")


async def test_an_unreadable_indexes_setting_means_the_registry_would_not_start() -> None:
    source = source_from_config(UNREADABLE)
    with pytest.raises(PolicyIndexesError) as raised:
        compile_policy(source, get_profile("distribution-3"))
    app = ExplorerApp(options(UNREADABLE))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        # check's exit 3 prints "registry would not start: " and this message.
        assert verdict_line(app) == f"✗ the registry would not start: {raised.value.message}"
        push = app.screen.query_one(PushPreview).text().plain
        assert push.startswith("no push: the registry would not start")
        assert "push →" not in screen_text(app)


async def test_an_unreadable_indexes_setting_at_80_by_24() -> None:
    app = ExplorerApp(options(UNREADABLE))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "✗ the registry would not start: distribution 3" in text
        assert "no push: the registry would not start" in text
        assert "push →" not in text


async def test_the_same_unreadable_setting_starts_2_8_which_ignores_it() -> None:
    app = ExplorerApp(options(UNREADABLE, "distribution-2.8"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert verdict_line(app).startswith("✗ push → 500 Internal Server Error")
        await pilot.press("t")
        await pilot.pause()
        assert verdict_line(app).startswith("✗ the registry would not start: distribution 3")


async def test_a_dropped_connection_is_no_response_and_no_status_line() -> None:
    files = (FileInput("index.json", index_with_a_platformless_child()),)
    app = ExplorerApp(options(ONLY_LINUX, files=files))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.view.evaluation.response.status is None
        line = verdict_line(app)
        assert line.startswith("✗ push → no response (connection closed): ")
        assert "panics on child 1" in line
        push = app.screen.query_one(PushPreview).text().plain
        assert push.startswith("✗ no response: the registry's request handler panics on child 1")
        assert "HTTP" not in push and "None" not in push
        await pilot.press("down")
        await pilot.pause()
        assert app.view.selected == 1
        detail = str(app.screen.query_one(LayerDetail).render())
        assert "✗ no response: this child has no platform" in detail
        assert "platform: (none given)" in detail


async def test_a_dropped_connection_at_80_by_24() -> None:
    files = (FileInput("index.json", index_with_a_platformless_child()),)
    app = ExplorerApp(options(ONLY_LINUX, files=files))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "✗ push → no response (connection closed)" in text
        assert "✗ no response: the registry" in text
        assert "HTTP" not in text


async def test_the_same_index_on_2_8_gets_a_status() -> None:
    files = (FileInput("index.json", index_with_a_platformless_child()),)
    app = ExplorerApp(options(ONLY_LINUX, "distribution-2.8", files=files))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.view.evaluation.response.status == 201
        assert verdict_line(app).startswith("✓ push → 201 Created")
