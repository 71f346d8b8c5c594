"""Issue 9 item 5: the whole push response is reachable, at every size."""

from __future__ import annotations

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.widgets.push_preview import PushBody, PushPreview
from tests.ui.builders import docker_manifest, foreign_layer, many_layers, plain_layer
from tests.ui.screen import screen_text


def two_failing_layers() -> bytes:
    return docker_manifest(
        [
            foreign_layer("https://one.example.com/" + "a" * 200),
            foreign_layer("https://two.example.com/" + "b" * 200),
            plain_layer("c"),
        ]
    )


def options(*names: str) -> LaunchOptions:
    return LaunchOptions(files=tuple(FileInput(n, two_failing_layers()) for n in names))


async def test_a_long_body_scrolls_in_the_pane_and_b_shows_it_whole() -> None:
    app = ExplorerApp(options("two.json"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        body = app.view.evaluation.response.body.decode().rstrip("\n")
        pane = app.screen.query_one(PushPreview)
        assert body in pane.text().plain
        assert pane.max_scroll_y > 0
        await pilot.press("b")
        await pilot.pause()
        assert type(app.screen).__name__ == "ResponseScreen"
        assert app.screen.raw.rstrip("\n") == body
        assert body in app.screen.text.plain


async def test_the_push_line_stays_at_80_by_24_with_two_images_open() -> None:
    app = ExplorerApp(options("one.json", "two.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # Typing a pattern grows the policy pane (its error, lint lines): the push line stays.
        await pilot.press("a", "z")
        await pilot.pause()
        pane = app.screen.query_one(PushPreview)
        assert pane.region.height >= 2
        assert pane.region.bottom <= 23  # above the footer, inside the screen
        assert "✗ HTTP 500 Internal Server Error" in screen_text(app)


async def test_the_push_line_stays_at_60_by_20() -> None:
    app = ExplorerApp(options("one.json"))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert "✗ HTTP 500 Internal Server Error" in screen_text(app)
        assert "✗ invalid URL" in screen_text(app)


async def test_a_body_longer_than_the_pane_says_how_much_more_and_b_shows_it_whole() -> None:
    app = ExplorerApp(LaunchOptions(files=(FileInput("many.json", many_layers(500)),)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        body = app.view.evaluation.response.body.decode().rstrip("\n")
        shown = app.screen.query_one(PushBody).content().plain
        assert len(shown) < len(body)
        assert shown.splitlines()[-1].endswith("more characters: b shows the whole response")
        await pilot.press("b")
        await pilot.pause()
        assert app.screen.raw.rstrip("\n") == body
