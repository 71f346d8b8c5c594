"""The mirror overview (`foreign-explorer --from FILE`) on a list given offline.

The list's results come from tests/ui/overview_lists.py the way `fetch_list` yields them;
every verdict and count asserted here is compared with the core's own `judge_list` on the
same images and policy, never written out by hand.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.screen import Screen

from foreign_explorer.core.listcheck.judge import judge_list, prepare_image
from foreign_explorer.core.listcheck.model import ListFailure, ListImage, Origin
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.overview_model import RowState
from foreign_explorer.ui.screens.list_layers import ListLayersScreen
from foreign_explorer.ui.screens.overview import OverviewScreen
from foreign_explorer.ui.widgets.layers_table import LayersTable
from foreign_explorer.ui.widgets.overview_table import OverviewTable
from tests.ui.overview_lists import (
    HOST,
    large_list,
    linux,
    offline_mirror,
    single,
    small_list,
    windows,
)
from tests.ui.screen import has_raw_controls, notices, screen_text

MCR = r"^https://mcr\.microsoft\.com/"


def app_for(results, source: PolicySource | None = None, **kwargs) -> ExplorerApp:
    options = LaunchOptions(
        source=source or PolicySource(), mirror=offline_mirror(results, **kwargs)
    )
    return ExplorerApp(options)


async def loaded(pilot) -> OverviewScreen:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OverviewScreen)
    return screen


def expected(results, source: PolicySource):
    """What the core says for the same images and policy: the figures check prints."""
    policy = compile_policy(source, DISTRIBUTION_2_8)
    images = [prepare_image(r, DISTRIBUTION_2_8) for r in results if isinstance(r, ListImage)]
    failures = [r for r in results if isinstance(r, ListFailure)]
    return judge_list(images, policy, failures)


def shown_verdicts(screen: OverviewScreen) -> dict[tuple[str, str], RowState]:
    assert screen.view is not None
    return {(r.reference, r.platform): r.state for r in screen.view.rows}


def core_verdicts(judgement) -> dict[tuple[str, str], RowState]:
    found = {}
    for image in judgement.images:
        for verdict in image.platforms:
            label = verdict.platform.label if verdict.platform.platform is not None else ""
            state = RowState.CLEAN if verdict.accepted else RowState.BLOCKED
            found[(image.image.reference, label)] = state
    for failure in judgement.failures:
        found[(failure.reference, "")] = RowState.UNJUDGED
    return found


async def test_every_image_and_platform_gets_the_cores_verdict_and_counts() -> None:
    results = small_list()
    app = app_for(results)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        judgement = expected(results, PolicySource())
        assert shown_verdicts(screen) == core_verdicts(judgement)
        assert screen_text(app).splitlines()[0].strip().startswith(judgement.summary())


async def test_typing_an_allow_pattern_updates_every_count_and_verdict() -> None:
    results = small_list()
    app = app_for(results)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        before = screen.view.counts
        await pilot.press("a", *MCR)
        await pilot.pause()
        judgement = expected(results, PolicySource(allow=(MCR,)))
        assert screen.view.counts != before
        assert screen.view.counts.startswith(judgement.summary())
        assert shown_verdicts(screen) == core_verdicts(judgement)
        assert judgement.summary() in screen_text(app)
        # The table's cells, in its order, say what the rows say (updated in place).
        table = screen.query_one(OverviewTable)
        drawn = [
            (table.get_row_at(i)[0].plain.strip(), table.get_row_at(i)[-1].plain.strip())
            for i in range(table.row_count)
        ]
        assert [mark for mark, _ in drawn] == [r.mark for r in screen.view.rows]
        # Cut with `…` to the column's width.
        assert all(
            r.reason.startswith(reason.removesuffix("…"))
            for (_, reason), r in zip(drawn, screen.view.rows, strict=True)
        )


async def test_blocked_rows_come_first_then_not_judged_then_clean_in_list_order() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        states = [r.state for r in screen.view.rows]
        ranks = {RowState.BLOCKED: 0, RowState.UNJUDGED: 1, RowState.CLEAN: 2}
        assert [ranks[s] for s in states] == sorted(ranks[s] for s in states)
        blocked = [r.order for r in screen.view.rows if r.state is RowState.BLOCKED]
        assert blocked == sorted(blocked) and len(blocked) > 1
        table = screen.query_one(OverviewTable)
        first = table.get_row_at(0)
        assert str(first[0]).strip() == "✗"


async def test_a_failure_is_a_not_judged_row_with_its_one_line_reason() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        row = next(r for r in screen.view.rows if r.state is RowState.UNJUDGED)
        assert row.mark == "?"
        assert row.reason == "could not be judged: manifest unknown: manifest unknown (HTTP 404)"
        assert "1 not judged" in screen.view.counts


async def test_enter_opens_the_rows_platform_in_the_layer_view_and_esc_keeps_the_policy() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        target = next(r for r in screen.view.rows if r.platform == "windows/amd64")
        table = screen.query_one(OverviewTable)
        table.move_cursor(row=[r.key for r in screen.view.rows].index(target.key))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ListLayersScreen)
        entry = app.state.entry
        assert entry is not None and entry.name == target.reference
        assert entry.slot is not None and entry.slot.platform == "windows/amd64"
        assert app.screen.query_one(LayersTable).has_focus
        await pilot.press("a", *MCR, "escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert app.state.source.allow == (MCR,)
        judgement = expected(small_list(), PolicySource(allow=(MCR,)))
        assert screen.view.counts.startswith(judgement.summary())
        assert "^https://mcr" in screen_text(app)


async def test_a_policy_the_registry_cannot_start_with_shows_no_count_as_current() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a", *"a{1001}")
        await pilot.pause()
        first, second = screen_text(app).splitlines()[:2]
        assert "the registry would not start: allow[0] `a{1001}`" in first
        assert "mirror cleanly" not in screen_text(app)
        # `a{1001` (typed on the way) is a literal to Go: the last policy that started.
        assert "rows: the last policy it started with, allow a{1001 deny (none)" in second
        assert app.view.policy_error is not None


async def test_with_no_policy_that_ever_started_no_row_has_a_verdict() -> None:
    app = app_for(small_list(), PolicySource(allow=("a{1001}",)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        judged = [r for r in screen.view.rows if r.image is not None]
        assert judged and all(r.state is RowState.NO_VERDICT and r.mark == "–" for r in judged)
        assert "✓" not in screen_text(app) and "✗ registry" not in screen_text(app)


async def test_a_filter_matching_nothing_shows_a_hint_row() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"nothing-like-this")
        await pilot.pause()
        assert "no row matches /nothing-like-this" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "no row matches" not in screen_text(app)


async def test_the_filter_narrows_the_rows_and_the_title_says_how_many() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"windows/amd64", "enter")
        await pilot.pause()
        assert {r.platform for r in screen.view.rows} == {"windows/amd64"}
        assert f"Mirror list (2 of {screen.view.total_rows} rows match /windows/amd64)" in (
            screen_text(app)
        )


async def test_loading_shows_progress_and_the_screen_is_usable_meanwhile() -> None:
    gate = asyncio.Event()
    results = large_list(6)
    app = app_for(results, gate=gate)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(5):
            await pilot.pause()
        assert "fetched 3 of 6 images…" in screen_text(app)
        # The counts are out of every image of the list, those still loading too.
        loading = app.screen.view.counts
        assert " of 6 mirror cleanly" in loading and "3 still loading" in loading
        await pilot.press("a", *MCR)
        await pilot.pause()
        assert app.state.source.allow == (MCR,)
        gate.set()
        screen = await loaded(pilot)
        assert "fetched" not in screen_text(app)
        judgement = expected(results, PolicySource(allow=(MCR,)))
        assert screen.view.counts.startswith(judgement.summary())


async def test_outside_text_in_a_reference_and_a_reason_is_shown_escaped() -> None:
    hostile = f"{HOST}/evil:\x1b[31mred\u202e"
    results = [
        single(0, hostile, windows("evil")),
        ListFailure(
            f"{HOST}/gone:[bold]x[/bold]",
            Origin((1, 0), "mirror.txt line 2"),
            "registry says \x1b]0;pwned\x07 [red]no[/red]",
        ),
    ]
    app = app_for(results)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert not has_raw_controls(app)
        assert "\\x1b[31mred" in text
        assert "[bold]x[/bold]" in text
        await pilot.press("down")
        await pilot.pause()
        # The failure's whole reason, under the table.
        assert "registry says \\x1b]0;pwned\\x07 [red]no[/red]" in screen_text(app)
        assert not has_raw_controls(app)


async def test_suggest_admits_every_image_of_the_list() -> None:
    results = small_list()
    app = app_for(results)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        allow = app.state.source.allow
        assert allow
        judgement = expected(results, PolicySource(allow=allow))
        assert judgement.clean == len(judgement.images)
        assert screen.view.counts.startswith(judgement.summary())
        # The image that could not be judged is named: the suggestion does not cover it.
        said = " ".join(notices(app))
        assert "not covered: 1 image not judged (registry.example.com/windows/gone:1" in said


async def test_export_from_the_overview_carries_the_edited_policy() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a", *MCR, "escape", "e")
        await pilot.pause()
        text = screen_text(app)
        assert "mcr" in text and "allow:" in text
        assert "mirror cleanly" in text


async def test_the_overview_keys_are_in_the_help_and_the_palette() -> None:
    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        titles = [c.title for c in app.get_system_commands(screen)]
        for binding in OverviewScreen.BINDINGS:
            assert binding.id and binding.tooltip
            assert f"{binding.description} ({binding.key_display or binding.key})" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = " ".join(screen_text(app).split())
        assert "Mirror overview (--from)" in help_text


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    passes: list[bool] = []
    original = Screen._refresh_layout

    def counted(self, size=None, scroll=False):  # type: ignore[no-untyped-def]
        passes.append(scroll)
        return original(self, size, scroll)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return passes


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 20)])
async def test_typing_a_pattern_that_reorders_the_rows_lays_nothing_out(
    monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    app = app_for(large_list(30))
    async with app.run_test(size=size) as pilot:
        screen = await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        before = [r.key for r in screen.view.rows]
        passes = count_layouts(monkeypatch)
        for key in r"^https://(mcr\.microsoft\.com|x)/":
            await pilot.press(key)
            await pilot.pause()
        assert [r.key for r in screen.view.rows] != before
        assert passes == []


async def test_switching_target_re_judges_the_list_for_that_registry() -> None:
    results = small_list()
    app = app_for(results, PolicySource(allow=(MCR,)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert app.state.profile is DISTRIBUTION_3
        policy = compile_policy(PolicySource(allow=(MCR,)), DISTRIBUTION_3)
        images = [prepare_image(r, DISTRIBUTION_3) for r in results if isinstance(r, ListImage)]
        failures = [r for r in results if isinstance(r, ListFailure)]
        judgement = judge_list(images, policy, failures)
        assert shown_verdicts(screen) == core_verdicts(judgement)
        assert "target distribution-3" in screen_text(app)


@pytest.mark.internal_errors_expected
async def test_an_internal_error_on_the_overview_has_its_details_on_the_exclamation_key() -> None:
    from foreign_explorer.ui.screens.error_details import ErrorDetailsScreen

    app = app_for(small_list())
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        assert app.report_exception(ValueError("broken on purpose"))
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDetailsScreen)
        assert "broken on purpose" in screen_text(app)


async def test_the_highlight_starts_on_the_first_row_whatever_arrived_first() -> None:
    # A clean image arrives first; the blocked ones after it sort above it.
    clean = single(9, f"{HOST}/tools/busybox:1", linux("busybox"))
    blocked = [single(n, f"{HOST}/windows/app-{n}:1", windows(f"app-{n}")) for n in range(4)]
    results = [clean, *blocked]
    app = app_for(results, pause=0.01)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        table = screen.query_one(OverviewTable)
        assert table.cursor_row == 0
        assert table.current_key == screen.view.rows[0].key
        await pilot.press("down", "down")
        await pilot.pause()
        chosen = table.current_key
        assert chosen == screen.view.rows[2].key
        await pilot.press("a", *MCR)
        await pilot.pause()
        assert table.current_key == chosen  # once moved, it follows its row


async def test_what_reading_the_list_said_stays_as_rows_after_the_notices_go() -> None:
    from dataclasses import replace as with_fields

    said = ("mirror.yaml: entry 'bad\x1b[2J' skipped: not a repository name",)
    mirror = with_fields(offline_mirror(small_list()), notices=said)
    app = ExplorerApp(LaunchOptions(mirror=mirror))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        notes = [r for r in screen.view.rows if r.state is RowState.NOTE]
        assert [r.reason for r in notes] == [
            "mirror.yaml: entry 'bad\\x1b[2J' skipped: not a repository name"
        ]
        assert "(the list)" in screen_text(app)
        assert "mirror.yaml: entry 'bad\\x1b[" in screen_text(app)
        assert not has_raw_controls(app)
