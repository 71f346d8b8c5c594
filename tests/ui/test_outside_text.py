"""Issue 8: outside text never drives the terminal nor crashes the explorer.

Every place that shows text from outside is driven with `[/…]` (markup that does not parse)
and terminal controls; the app must survive with the user's policy, show the text escaped
and draw no raw control character.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.model import EntryStatus
from foreign_explorer.ui.screens.export import ExportScreen
from foreign_explorer.ui.screens.save_as import SaveAsScreen
from foreign_explorer.ui.widgets.pattern_row import PatternStatus
from tests.servers.scripted import Reply, ScriptedServer, registry_error, routes
from tests.ui.builders import Layout, docker_manifest, foreign_layer, windows_linux_layout
from tests.ui.screen import has_raw_controls, notices, screen_text

HOSTILE = "tag [/oops] unknown\x1b]0;pwned\x07"
# The registry client may drop the controls itself; what is left must be shown as it is.
SHOWN = "tag [/oops] unknown"
POLICY = PolicySource(allow=(r"^https://mcr\.microsoft\.com/",))


def survived(app: ExplorerApp) -> None:
    assert app.is_running
    assert app.state.source == POLICY
    assert not has_raw_controls(app)


async def test_a_registry_error_message_with_markup_and_controls_is_shown_escaped() -> None:
    handler = routes(
        {
            "/v2/": Reply(200, b"{}"),
            "/v2/a/manifests/b": registry_error(404, "MANIFEST_UNKNOWN", HOSTILE),
        }
    )
    with ScriptedServer(handler) as server:
        options = LaunchOptions(
            references=(f"{server.netloc}/a:b",), source=POLICY, plain_http=True
        )
        app = ExplorerApp(options)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.state.entry.status is EntryStatus.FAILED
            assert SHOWN in screen_text(app)
            assert any(SHOWN in n for n in notices(app))
            survived(app)
            await pilot.press("exclamation_mark")
            await pilot.pause()
            assert SHOWN in screen_text(app)
            survived(app)


async def test_a_reference_with_markup_is_shown_as_typed() -> None:
    app = ExplorerApp(LaunchOptions(references=("foo[/bar]",), source=POLICY))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "foo[/bar]" in screen_text(app)
        survived(app)


async def test_an_invalid_platform_notice_keeps_the_help_text_s_brackets(tmp_path: Path) -> None:
    reference = windows_linux_layout(tmp_path / "layout")
    options = LaunchOptions(references=(reference,), platform="not a platform", source=POLICY)
    app = ExplorerApp(options)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = "\n".join(notices(app))
        assert "not a platform" in said
        survived(app)


async def test_an_oci_path_with_markup_is_shown_as_typed(tmp_path: Path) -> None:
    reference = f"oci:{tmp_path}/x[/x]:latest"
    app = ExplorerApp(LaunchOptions(references=(reference,), source=POLICY))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.entry.status is EntryStatus.FAILED
        assert "x[/x]" in screen_text(app)
        survived(app)


async def test_a_save_as_path_with_markup_saves_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "a[").mkdir()
    target = tmp_path / "a[" / "x].yml"
    app = ExplorerApp(LaunchOptions(source=POLICY))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("e", "s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen)
        app.screen.query_one(Input).value = str(tmp_path / "a[/x].yml")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.is_file()
        assert any(f"saved {target}" in n for n in notices(app))
        assert isinstance(app.screen, ExportScreen)
        survived(app)


async def test_an_invalid_pattern_with_markup_then_export_shows_the_blocker() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("a", *"[/x](?=", "escape", "e")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ExportScreen)
        blocker = str(app.screen.query_one(".blocker").render())
        assert "`[/x](?=`" in blocker
        assert app.state.source.allow == ("[/x](?=",)
        assert not has_raw_controls(app)


async def test_a_layer_url_with_terminal_controls_is_drawn_escaped() -> None:
    url = "https://mcr.microsoft.com/\x1b]0;pwned\x07/\u202egnp.exe\x9b2J"
    data = docker_manifest([foreign_layer(url)])
    app = ExplorerApp(LaunchOptions(files=(FileInput("hostile.json", data),), source=POLICY))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "\\x1b]0;pwned\\x07/\\u202egnp.exe\\x9b2J" in text
        survived(app)


async def test_a_platform_field_with_controls_is_drawn_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A short relative path, so that the header has room for the platform.
    monkeypatch.chdir(tmp_path)
    layout = Layout(Path("l"))
    image = layout.image([foreign_layer()], ["Apply image"])
    hostile = {"os": "windows\x1b]0;pwned\x07", "architecture": "amd64[/x]"}
    reference = layout.index([(*image, hostile)])
    app = ExplorerApp(LaunchOptions(references=(reference,), source=POLICY))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "windows\\x1b]0;pwned\\x07" in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert "amd64[/x]" in screen_text(app)
        survived(app)


async def test_a_config_pattern_with_controls_is_drawn_with_stand_ins_and_escaped_below() -> None:
    pattern = "^https://x\x1b]0;pwned\x07\u202e"
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(pattern,))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "^https://x␛]0;pwned␇�" in text
        note = app.screen.query_one(PatternStatus).note
        assert note == "holds control characters: ^https://x\\x1b]0;pwned\\x07\\u202e"
        assert app.state.source.allow == (pattern,)
        assert not has_raw_controls(app)
