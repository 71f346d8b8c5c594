"""`b` (the whole push response) and `w` (the lint findings) fit the screen: the text scrolls to
its very end and the buttons are always on screen."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.screens.response import FindingsScreen, ResponseScreen
from tests.ui.builders import docker_manifest, foreign_layer
from tests.ui.screen import screen_lines

SIZES = [(80, 24), (60, 20)]


def twelve_failing_layers() -> bytes:
    layers = [foreign_layer(f"https://mcr.microsoft.com/layer{n}") for n in range(12)]
    for layer in layers:
        layer["size"] = 10
    return docker_manifest(layers)


def buttons_on_screen(app: ExplorerApp) -> None:
    """Every button of the modal whole on screen, above the footer, its label drawn."""
    width, height = app.size
    lines = screen_lines(app)
    for button in app.screen.query(Button):
        region = button.region
        assert region.y >= 0 and region.bottom <= height - 1, (button.id, region)
        assert region.right <= width, (button.id, region)
        label = str(button.label)
        assert label in lines[region.y + region.height // 2], (label, lines)


def drawn(app: ExplorerApp) -> str:
    """The screen's text with the dialog's borders, scrollbar and wrapping undone."""
    blocks = str.maketrans("", "", "▁▂▃▄▅▆▇█▔")
    return "".join(line.translate(blocks).strip() for line in screen_lines(app))


@pytest.mark.parametrize("size", SIZES)
async def test_end_reaches_the_last_error_of_twelve_and_the_buttons_stay(
    size: tuple[int, int],
) -> None:
    options = LaunchOptions(files=(FileInput("twelve.json", twelve_failing_layers()),))
    app = ExplorerApp(options)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ResponseScreen)
        buttons_on_screen(app)
        await pilot.press("end")
        await pilot.pause()
        last_digest = app.view.evaluation.manifest.descriptors[-1].digest.split(":")[1]
        # The body's end: the last layer's digest and the closing brackets.
        assert f'{last_digest}"}}]}}' in drawn(app)
        buttons_on_screen(app)


@pytest.mark.parametrize("size", SIZES)
async def test_every_content_type_answer_of_a_non_manifest_is_reachable(
    size: tuple[int, int],
) -> None:
    options = LaunchOptions(files=(FileInput("hello.json", b'{"hello": "world"}'),))
    app = ExplorerApp(options)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        buttons_on_screen(app)
        await pilot.press("end")
        await pilot.pause()
        text = drawn(app).replace(" ", "")
        last = "asapplication/json(oranyothertype):decodedasasignedschema1"
        assert last in text
        assert '"MANIFEST_INVALID"' in text.split(last, 1)[1]
        buttons_on_screen(app)


@pytest.mark.parametrize("size", SIZES)
async def test_the_findings_modal_keeps_its_buttons_on_screen(size: tuple[int, int]) -> None:
    source = PolicySource(allow=("x", "y", "z", "http"), deny=("q", "."))
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        buttons_on_screen(app)
        await pilot.press("end")
        await pilot.pause()
        last_line = app.screen.raw.rstrip().splitlines()[-1].strip()
        assert last_line.replace(" ", "") in drawn(app).replace(" ", "")
