"""The main screen on the bundled sample, and the policy editor driven by keys."""

from __future__ import annotations

import json
from pathlib import Path

from foreign_explorer.core.evaluate import Verdict
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.model import EntryStatus
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.pattern_row import PatternRow, PatternStatus
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from foreign_explorer.ui.widgets.push_preview import PushPreview
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.ui.builders import docker_manifest, foreign_layer
from tests.ui.screen import screen_lines, screen_text, typing_paused

MCR = r"^https://mcr\.microsoft\.com/"
LAYER_0 = 1  # position in the evaluation: config first


def plain(widget) -> str:
    return str(widget.render())


def table_row(app: ExplorerApp, position: int) -> list[str]:
    table = app.screen.query_one(LayersTable)
    return [str(cell).strip() for cell in table.get_row(str(position))]


async def test_sample_opens_with_the_foreign_layer_flagged_and_a_500() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = plain(app.screen.query_one(VerdictHeader))
        assert "push → 500 Internal Server Error: invalid URL on layer 0" in header
        row = table_row(app, LAYER_0)
        assert row[1] == "FOREIGN URL"
        assert row[6] == "✗ invalid URL"
        assert table_row(app, 2)[6] == "✓ pass"
        assert app.view.selected == LAYER_0


async def test_push_preview_shows_the_registry_body_byte_for_byte() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        body = app.view.evaluation.response.body.decode().rstrip("\n")
        shown = app.screen.query_one(PushPreview).text().plain
        assert shown.startswith("✗ HTTP 500 Internal Server Error")
        assert body in shown
        assert '"code":"MANIFEST_BLOB_UNKNOWN"' in body


async def test_detail_names_the_reason_for_the_selected_layer() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        detail = plain(app.screen.query_one(LayerDetail))
        assert "✗ not allowed: no allow pattern" in detail
        assert "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/" in detail
        assert "101,340,070 bytes" in detail


async def test_typing_the_mcr_pattern_flips_layer_0_to_pass_and_the_push_to_201() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR)
        await pilot.pause()
        assert app.state.source.allow == (MCR,)
        assert table_row(app, LAYER_0)[6] == "✓ pass"
        assert "push → 201 Created" in plain(app.screen.query_one(VerdictHeader))
        assert app.screen.query_one(PushPreview).text().plain.startswith("✓ HTTP 201 Created")


async def test_every_keystroke_re_evaluates_without_enter() -> None:
    app = ExplorerApp()
    seen = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        for key in r"^https://mcr\.x":
            await pilot.press(key)
            seen.append(app.view.evaluation.response.status)
    # `^https://` and longer prefixes admit the URL; `^https://mcr\.x` no longer does.
    assert seen[:8] == [201] * 8
    assert seen[-1] == 500


async def test_detail_highlights_the_span_the_allow_pattern_matched() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR)
        await pilot.pause()
        detail = app.screen.query_one(LayerDetail)
        text = detail.render()
        url = "https://mcr.microsoft.com/"
        start = text.plain.index(url + "v2/")
        match_style = detail.get_component_rich_style("layer-detail--match", partial=True)
        spans = [s for s in text.spans if s.style == match_style]
        assert [(s.start - start, s.end - start) for s in spans] == [(0, len(url))]
        assert f"allowed by allow[0] {MCR}" in text.plain


async def test_go_rejected_pattern_shows_error_with_caret_and_keeps_last_evaluation() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR)
        await pilot.press("(", "?", "=")
        await typing_paused(pilot)
        error = app.screen.query_one(PatternStatus)
        shown = str(error.render())
        assert "error parsing regexp: invalid or unsupported Perl syntax: `(?=`" in shown
        lines = shown.splitlines()
        caret_line = lines[-1]
        assert lines[-2] == MCR + "(?="
        assert caret_line.index("^") == len(MCR)
        # The last policy that compiled still decides what is on screen.
        assert app.view.policy_error is not None
        assert app.view.evaluation.response.status == 201
        assert table_row(app, LAYER_0)[6] == "✓ pass"


async def test_a_go_only_quirk_is_judged_by_go_not_python() -> None:
    # Python's re accepts lookahead; Go does not. \z is Go's end of text.
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *r"^https://mcr\.microsoft\.com/.*\z")
        await pilot.pause()
        assert app.screen.query_one(PatternRow).error is None
        assert app.view.evaluation.response.status == 201


async def test_nothing_typed_crashes_the_app() -> None:
    nasty = [
        r"(((((((((((((((((((((",
        "a{1001}",
        r"\p{Nope}",
        "[z-a]",
        "x**",
        "\\",
        "(?P<n>",
        "ä\t",
    ]
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        row = app.screen.query_one(PatternRow)
        for text in nasty:
            row.input.value = text
            await pilot.pause()
            assert row.error is not None or text == "ä\t"
        assert app.is_running
        assert app.view.evaluation is not None


async def test_escape_leaves_the_pattern_and_keys_work_again() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *MCR, "escape")
        assert isinstance(app.focused, LayersTable)
        assert app.state.source.allow == (MCR,)


async def test_q_typed_in_a_pattern_is_text_not_quit() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", "q", "a", "d", "e", "t", "p", "/")
        await pilot.pause()
        assert app.is_running
        assert app.state.source.allow == ("qadetp/",)


async def test_a_new_empty_pattern_is_not_yet_part_of_the_policy() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        # An empty allow pattern would match every URL: it must not flip the verdict.
        assert app.state.source.allow == ()
        assert app.view.evaluation.response.status == 500
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query(PatternRow)


async def test_a_pattern_emptied_after_typing_is_left_out_and_says_so() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", "x", "backspace")
        await pilot.pause()
        assert app.state.source.allow == ()
        assert app.view.evaluation.response.status == 500
        assert "left out of the policy" in app.screen.query_one(PatternStatus).note


async def test_an_empty_pattern_from_the_start_up_policy_counts_and_says_so() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("",))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.evaluation.response.status == 201
        assert "it matches every URL" in app.screen.query_one(PatternStatus).note


async def test_backspace_in_an_empty_pattern_removes_it() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(MCR, "x"))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        rows = app.screen.query_one(PolicyEditor).rows("allow")
        rows[1].focus_input()
        await pilot.press("end", "backspace", "backspace")
        await pilot.pause()
        assert app.state.source.allow == (MCR,)


async def test_remove_button_deletes_a_pattern() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(MCR,))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.evaluation.response.status == 201
        await pilot.click(".pattern-remove")
        await pilot.pause()
        assert app.state.source.allow == ()
        assert app.view.evaluation.response.status == 500


async def test_ctrl_up_moves_a_pattern_earlier_and_allowed_by_follows() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("^https://", MCR))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.evaluation.descriptors[LAYER_0].urls[0].allowed_by == 0
        app.screen.query_one(PolicyEditor).rows("allow")[1].focus_input()
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert app.state.source.allow == (MCR, "^https://")
        assert [
            r.query_one(".pattern-number").render().plain
            for r in app.screen.query_one(PolicyEditor).rows("allow")
        ] == ["0", "1"]


async def test_a_deny_pattern_blocks_an_allowed_url() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(MCR,))))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d", *"nanoserver")
        await pilot.pause()
        verdict = app.view.evaluation.descriptors[LAYER_0]
        assert verdict.verdict is Verdict.INVALID_URL
        assert "denied by deny[0] nanoserver" in plain(app.screen.query_one(LayerDetail))


async def test_moving_in_the_table_shows_that_layers_detail() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.state.selected == LAYER_0 + 1
        assert app.screen.query_one("#detail-pane").border_title == "Layer 1"
        assert "8cfe6e1c44d6" in plain(app.screen.query_one(LayerDetail))


async def test_clicking_a_row_selects_it() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.click(LayersTable, offset=(10, 1))
        await pilot.pause()
        assert app.state.selected == 0
        assert app.screen.query_one("#detail-pane").border_title == "Config"


async def test_the_80_by_24_layout_stacks_the_policy_under_the_layers() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        layers = app.screen.query_one("#layers-pane").region
        policy = app.screen.query_one(PolicyEditor).region
        assert policy.y >= layers.bottom
        assert layers.width == 80
        assert "✗ invalid URL" in table_row(app, LAYER_0)[6]


async def test_validation_disabled_from_the_command_line_says_so() -> None:
    source = PolicySource(disabled=True)
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.view.evaluation.response.status == 201
        status = str(app.screen.query_one("#policy-status").render())
        assert "validation disabled" in status


async def test_a_starting_policy_fills_both_lists_in_order() -> None:
    source = PolicySource(allow=(MCR, "^https://"), deny=("^http://", "x"))
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one(PolicyEditor)
        assert editor.patterns("allow") == source.allow
        assert editor.patterns("deny") == source.deny
        assert app.state.source == source
        assert app.view.evaluation.response.status == 201


def two_manifests() -> tuple[FileInput, FileInput]:
    good = docker_manifest([foreign_layer("https://mcr.microsoft.com/a")])
    urls_not_a_list = json.loads(docker_manifest([foreign_layer("https://mcr.microsoft.com/b")]))
    urls_not_a_list["layers"][0]["urls"] = "https://mcr.microsoft.com/b"
    return FileInput("two.json", good), FileInput(
        "urlsstr.json", json.dumps(urls_not_a_list).encode()
    )


def push_line_shown(app: ExplorerApp) -> str:
    """The row under the push pane's title, which must be on screen, and no screen scrollbar."""
    lines = screen_lines(app)
    title = next(i for i, row in enumerate(lines) if "docker push would get" in row)
    assert title < len(lines) - 2, lines
    assert app.screen.max_scroll_y == 0 and not app.screen.show_vertical_scrollbar
    return lines[title + 1]


async def test_the_push_line_stays_at_60_by_20_with_two_images_open() -> None:
    app = ExplorerApp(LaunchOptions(files=two_manifests()))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert "HTTP 500 Internal Server Error" in push_line_shown(app)
        # One row per image: both are named.
        text = screen_text(app)
        assert "two.json" in text and "urlsstr.json" in text
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "400" in push_line_shown(app)


async def test_the_push_line_stays_at_60_by_20_beside_a_failed_load(tmp_path: Path) -> None:
    options = LaunchOptions(files=two_manifests()[:1], references=(f"oci:{tmp_path / 'nope'}",))
    app = ExplorerApp(options)
    async with app.run_test(size=(60, 20)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.state.entry.status is EntryStatus.FAILED
        assert "nothing to push" in push_line_shown(app)
        await pilot.press("o", *str(tmp_path / "nope2"), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "nothing to push" in push_line_shown(app)
