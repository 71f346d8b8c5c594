"""References load in workers; indexes get a platform picker; failures can be retried."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.model import EntryStatus
from foreign_explorer.ui.screens.error_details import ErrorDetailsScreen
from foreign_explorer.ui.screens.open_reference import OpenScreen
from foreign_explorer.ui.screens.platforms import PlatformScreen
from foreign_explorer.ui.widgets.image_bar import ImageBar
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.ui.builders import docker_manifest, plain_layer, windows_linux_layout

MCR = r"^https://mcr\.microsoft\.com/"


async def wait_loaded(pilot, app: ExplorerApp) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def header(app: ExplorerApp) -> str:
    return str(app.screen.query_one(VerdictHeader).render())


async def test_an_index_opens_on_the_platform_with_foreign_layers(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(ref,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        entry = app.state.entry
        assert entry.status is EntryStatus.READY
        assert [s.platform for s in entry.slots] == [
            "linux/amd64",
            "windows/amd64 10.0.17763.615",
        ]
        assert entry.chosen == 1
        assert app.view.evaluation.response.status == 500
        assert "windows/amd64 10.0.17763.615" in header(app)
        assert "mirrors cleanly: no" in header(app)


async def test_the_history_line_comes_from_the_image_config(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(ref,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_loaded(pilot, app)
        assert app.state.entry.current.history == (
            "Apply image 10.0.17763.615",
            "cmd /S /C #(nop) pause",
        )
        detail = str(app.screen.query_one(LayerDetail).render())
        assert "history: Apply image 10.0.17763.615" in detail


async def test_platform_picker_lists_children_with_foreign_count_and_verdict(
    tmp_path: Path,
) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(ref,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlatformScreen)
        options = screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "0 foreign  ✓ 201 Created" in lines[0]
        assert "1 foreign  ✗ 500: invalid URL on layer 0" in lines[1]
        assert str(screen.query_one("#mirrors").render()) == (
            "mirrors cleanly: no (1 of 2 platforms blocked)"
        )


async def test_picking_a_platform_shows_its_manifest(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(ref,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("p", "up", "enter")
        await pilot.pause()
        assert app.state.entry.chosen == 0
        assert "linux/amd64" in header(app)
        assert app.view.evaluation.response.status == 201
        assert "mirrors cleanly: no" in header(app)


async def test_one_allow_pattern_makes_the_whole_index_mirror_cleanly(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(ref,), source=PolicySource(allow=(MCR,))))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert "mirrors cleanly: yes" in header(app)
        await pilot.press("p")
        await pilot.pause()
        assert (
            str(app.screen.query_one("#mirrors").render())
            == "mirrors cleanly: yes (all 2 platforms pass)"
        )


async def test_platform_flag_picks_the_child(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(ref,), platform="linux/amd64"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert app.state.entry.chosen == 0


async def test_platform_on_a_single_manifest_says_so() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert not isinstance(app.screen, PlatformScreen)
        assert any("not a multi-arch index" in n.message for n in app._notifications)


async def test_a_failed_reference_is_a_notification_and_can_be_retried(tmp_path: Path) -> None:
    missing = tmp_path / "later"
    app = ExplorerApp(LaunchOptions(references=(f"oci:{missing}",)))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_loaded(pilot, app)
        assert app.state.entry.status is EntryStatus.FAILED
        assert "could not load" in header(app)
        detail = str(app.screen.query_one(LayerDetail).render())
        assert "r retries · o opens another image · ! shows the details" in detail
        assert any("r retry" in n.message for n in app._notifications)
        # The user fixes the cause, then retries without restarting.
        windows_linux_layout(missing)
        await pilot.press("r")
        await wait_loaded(pilot, app)
        assert app.state.entry.status is EntryStatus.READY


async def test_error_details_show_the_message_and_offer_retry(tmp_path: Path) -> None:
    app = ExplorerApp(LaunchOptions(references=(f"oci:{tmp_path / 'nope'}",)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ErrorDetailsScreen)
        assert "is not a directory" in screen.text
        await pilot.press("c")
        assert screen.text in app.clipboard
        await pilot.press("escape")


async def test_open_another_reference_replaces_a_failed_one(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    app = ExplorerApp(LaunchOptions(references=(f"oci:{tmp_path / 'nope'}",)))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OpenScreen)
        app.screen.query_one(Input).value = ref
        await pilot.press("enter")
        await wait_loaded(pilot, app)
        assert len(app.state.entries) == 1
        assert app.state.entry.status is EntryStatus.READY


async def test_open_a_manifest_file_adds_it(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(docker_manifest([plain_layer("x")]))
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.state.entries) == 2
        assert app.state.current == 1
        assert app.view.evaluation.response.status == 201


async def test_several_images_share_one_policy_with_a_summary_each(tmp_path: Path) -> None:
    ref = windows_linux_layout(tmp_path / "layout")
    files = (FileInput("plain.json", docker_manifest([plain_layer("x")])),)
    app = ExplorerApp(LaunchOptions(references=(ref,), files=files))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        bar = app.screen.query_one(ImageBar)
        assert bar.display
        texts = [s.text for s in app.view.summaries]
        assert texts == ["201 Created", "1 of 2 platforms blocked"]
        lines = [str(bar.get_option_at_index(i).prompt) for i in range(bar.option_count)]
        assert lines[0].startswith("▸ ✓ plain.json")
        assert lines[1].startswith("  ✗ ")
        await pilot.press("a", *MCR, "escape")
        await pilot.pause()
        assert [s.accepted for s in app.view.summaries] == [True, True]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.state.current == 1
        assert "mirrors cleanly: yes" in header(app)


async def test_a_slow_reference_shows_loading_and_the_ui_stays_responsive() -> None:
    import asyncio

    release = asyncio.Event()

    class SlowClient:
        async def fetch_image(self, reference, platform=None):
            await release.wait()
            raise AssertionError("never released")

        async def aclose(self):
            return None

    app = ExplorerApp(
        LaunchOptions(references=("registry.example/slow:1",)),
        client_factory=lambda o: SlowClient(),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "loading registry.example/slow:1" in header(app)
        assert app.screen.query_one("#layers").loading
        await pilot.press("a", *"abc")
        await pilot.pause()
        assert app.state.source.allow == ("abc",)
        app.workers.cancel_all()


async def test_opening_a_path_to_no_file_says_the_file_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "x" / "file.json"
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one(Input).value = str(missing)
        await pilot.press("enter")
        await wait_loaded(pilot, app)
        entry = app.state.entry
        assert entry.status is EntryStatus.FAILED
        assert entry.error == f"no such file: {missing}"
        assert "invalid reference" not in str(app.screen.query_one(LayerDetail).render())


async def test_opening_a_directory_by_path_points_at_oci(tmp_path: Path) -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_image(f"{tmp_path}/")
        await wait_loaded(pilot, app)
        assert (
            app.state.entry.error
            == f"{tmp_path}/ is a directory: an OCI layout opens as oci:{tmp_path}/"
        )


async def test_a_reference_that_ends_like_no_path_is_still_fetched_as_a_reference() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_image("bad//ref")
        await wait_loaded(pilot, app)
        assert "no such file" not in (app.state.entry.error or "")
