"""The lint beside each pattern, and `s`: allow patterns suggested from the open layers."""

from __future__ import annotations

from dataclasses import replace

from foreign_explorer.core.lint import (
    DENY_ONLY,
    MATCHES_NONE,
    UNANCHORED,
    UNESCAPED_DOT,
    LintWarning,
)
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui import loading
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.model import Explorer, ExplorerState
from foreign_explorer.ui.screens.confirm import ConfirmScreen
from foreign_explorer.ui.widgets.findings import LintLines
from foreign_explorer.ui.widgets.pattern_row import PatternStatus
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.registry import images as im
from tests.ui.screen import typing_paused

MCR = r"^https://mcr\.microsoft\.com/"
SIZE = (120, 40)


def row_warnings(app: ExplorerApp, list_name: str, position: int) -> PatternStatus:
    return app.screen.query_one(PolicyEditor).rows(list_name)[position].status


async def test_an_unanchored_pattern_shows_its_warnings_with_their_urls() -> None:
    app = ExplorerApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", *"mcr.microsoft.com")
        await typing_paused(pilot)
        lines = row_warnings(app, "allow", 0)
        assert lines.display
        assert {w.code for w in lines.warnings} >= {UNANCHORED, UNESCAPED_DOT}
        shown = str(lines.render())
        assert "⚠ not anchored: passes" in shown
        assert "https://evil.example/?mcr.microsoft.com" in shown.replace("\n", "")
        assert "https://mcr-microsoft.com/" in shown


async def test_fixing_the_pattern_clears_its_warnings() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("mcr.microsoft.com",))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert row_warnings(app, "allow", 0).warnings
        editor = app.screen.query_one(PolicyEditor)
        editor.rows("allow")[0].input.value = MCR
        await pilot.pause()
        assert app.view.warnings == ()
        await typing_paused(pilot)
        assert not row_warnings(app, "allow", 0).display


async def test_a_deny_only_policy_gets_a_policy_wide_warning_line() -> None:
    source = PolicySource(deny=(r"^https://evil\.example/",))
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        wide = app.screen.query_one("#policy-warnings", LintLines)
        assert [w.code for w in wide.warnings] == [DENY_ONLY]
        assert "https://attacker.example/layer.tar.gz" in str(wide.render()).replace("\n", "")
        deny_codes = {w.code for w in row_warnings(app, "deny", 0).warnings}
        assert "deny-dodged-by-scheme-case" in deny_codes


async def test_a_pending_empty_row_does_not_shift_the_warnings() -> None:
    source = PolicySource(allow=("mcr.microsoft.com", MCR))
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")  # a new, empty row at the end: not in the policy yet
        await pilot.pause()
        assert row_warnings(app, "allow", 0).warnings
        assert not row_warnings(app, "allow", 1).warnings
        assert not row_warnings(app, "allow", 2).warnings


async def test_no_warnings_while_the_policy_does_not_compile() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("mcr.microsoft.com",))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", *"(")
        await typing_paused(pilot)
        assert app.view.policy_error is not None
        assert app.view.warnings == ()
        assert not row_warnings(app, "allow", 0).display


async def test_s_fills_the_empty_allow_list_with_the_verified_suggestion() -> None:
    app = ExplorerApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.source.allow == (MCR,)
        assert [row.value for row in app.screen.query_one(PolicyEditor).rows("allow")] == [MCR]
        assert "push → 201 Created" in str(app.screen.query_one(VerdictHeader).render())
        assert app.view.warnings == ()
        messages = [n.message for n in app._notifications]
        assert any("verified on distribution 2.8: 1 of 1 layer URL pass" in m for m in messages)


async def test_s_asks_before_replacing_allow_patterns_and_keeps_them_on_no() -> None:
    source = PolicySource(allow=("mcr.microsoft.com",), deny=("evil",))
    app = ExplorerApp(LaunchOptions(source=source))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.source.allow == ("mcr.microsoft.com",)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.source.allow == (MCR,)
        assert app.state.source.deny == ("evil",)  # the deny list is left alone


async def test_s_with_no_url_to_allow_says_so() -> None:
    files = (FileInput("plain.json", im.docker_image([im.layer("a")]).manifest),)
    app = ExplorerApp(LaunchOptions(files=files))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.source.allow == ()
        assert any("nothing to allow" in n.message for n in app._notifications)


async def test_the_command_palette_offers_suggest() -> None:
    app = ExplorerApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        command = next(c for c in app.get_system_commands(app.screen) if "Suggest" in c.title)
        command.callback()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.source.allow == (MCR,)


def test_the_lint_sees_the_urls_of_every_open_image() -> None:
    explorer = Explorer()
    one = loading.load_bytes(
        1, "a", im.docker_image([im.foreign_layer(["https://a.example/1"])]).manifest
    )
    two = loading.load_bytes(
        2, "b", im.docker_image([im.foreign_layer(["https://b.example/2"])]).manifest
    )
    state = ExplorerState(entries=(one, two), source=PolicySource(allow=(r"^https://a\.example/",)))
    assert explorer.loaded_urls(state) == ("https://a.example/1", "https://b.example/2")
    view = explorer.derive(state)
    # Only image a is shown, but b's URL is loaded too: the pattern does match one URL.
    assert MATCHES_NONE not in {w.code for w in view.warnings}
    view = explorer.derive(replace(state, source=PolicySource(allow=(r"^https://c\.example/",))))
    assert MATCHES_NONE in {w.code for w in view.warnings}
    assert explorer.suggest(state).patterns == (r"^https://a\.example/", r"^https://b\.example/")


async def test_a_policy_level_finding_without_a_pattern_is_one_line_under_the_lists() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        finding = LintWarning(
            code="config-key-ignored",
            list_name="config",
            index=None,
            pattern=None,
            message="validation.manifests.indexes is not read by distribution-2.8",
            example="",
            claims=(),
        )
        app.apply(app.state)
        app.main.query_one("#policy").show(replace(app.view, warnings=(finding,)))
        await pilot.pause()
        text = " ".join(str(app.main.query_one("#policy-warnings", LintLines).render()).split())
        assert text == "⚠ validation.manifests.indexes is not read by distribution-2.8"
