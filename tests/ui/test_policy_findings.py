"""Issue 13 on screen: findings about the configuration itself (keys the registry never reads,
fork-only keys, the deprecated `enabled`, variables that set nothing) are policy-level notices
that name the key and stay while the patterns are edited."""

from __future__ import annotations

import re

from foreign_explorer.core.lint import FORK_ONLY_KEY, IGNORED_KEY, SCHEME_CASE_REJECTED
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import get_profile
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.screens.response import FindingsScreen
from foreign_explorer.ui.widgets.findings import LintLines
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor
from tests.ui.screen import notices, screen_text, typing_paused

# The documentation's mistake: allow and deny directly under `validation:`.
MISINDENTED = (
    "validation:\n  allow:\n    - ^https?://([^/]+\\.)*example\\.com/\n"
    "  deny:\n    - ^https?://www\\.example\\.com/\n"
)
GITLAB = (
    "validation:\n  manifests:\n    referencelimit: 150\n    urls:\n      allow:\n"
    "        - ^https://mcr\\.microsoft\\.com/\n"
)
WIDE = (120, 40)


def configured(text: str, env: dict[str, str] | None = None) -> LaunchOptions:
    profile = get_profile("distribution-2.8")
    return LaunchOptions(source=apply_environment(source_from_config(text), env or {}, profile))


def policy_lines(app: ExplorerApp) -> str:
    """The policy-level lines as drawn, rows joined by spaces."""
    lines = app.screen.query_one("#policy-warnings", LintLines)
    return " ".join(str(lines.render()).split())


def empty_verdict(text: str) -> bool:
    """A verdict word with no URL after it (`rejected ` at the end of a line)."""
    return re.search(r"(rejected|passes):?\s*(\n|$)", text) is not None


async def test_keys_under_validation_are_named_with_what_they_are() -> None:
    app = ExplorerApp(configured(MISINDENTED))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = policy_lines(app)
        assert "⚠ validation.allow: key the registry never reads" in text
        assert "⚠ validation.deny: key the registry never reads" in text
        assert not empty_verdict(str(app.screen.query_one("#policy-warnings").render()))


async def test_a_key_finding_has_its_whole_message_in_the_tooltip() -> None:
    app = ExplorerApp(configured(MISINDENTED))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        tip = str(app.screen.query_one("#policy-warnings", LintLines).tooltip)
        assert "did you mean validation.manifests.urls.allow?" in tip
        assert "e.g. rejected: https://example.com/" in tip


async def test_a_fork_only_key_is_named_and_no_url_is_invented_for_it() -> None:
    app = ExplorerApp(configured(GITLAB))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        warning = next(w for w in app.view.warnings if w.code == FORK_ONLY_KEY)
        assert warning.example == ""
        text = policy_lines(app)
        assert "⚠ validation.manifests.referencelimit: key of a fork only" in text
        assert "rejected" not in text and "passes" not in text


async def test_a_variable_that_sets_nothing_is_named() -> None:
    env = {"REGISTRY_VALIDATION_ALLOW": "['^https://mcr\\.microsoft\\.com/']"}
    app = ExplorerApp(configured("", env))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "⚠ REGISTRY_VALIDATION_ALLOW: variable the registry ignores" in policy_lines(app)


async def test_the_deprecated_enabled_key_is_named() -> None:
    app = ExplorerApp(configured("validation:\n  enabled: true\n"))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "⚠ validation.enabled: deprecated key" in policy_lines(app)


async def test_an_info_finding_carries_the_info_glyph() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=("^https://",))))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert any(w.code == SCHEME_CASE_REJECTED and w.is_info for w in app.view.warnings)
        row = app.screen.query_one(PolicyEditor).rows("allow")[0]
        text = " ".join(str(row.status.render()).split())
        assert "ℹ rejects an upper-case scheme: rejected" in text
        assert "⚠ rejects an upper-case scheme" not in text


async def test_config_findings_and_keys_stay_through_every_policy_edit() -> None:
    options = configured(MISINDENTED)
    keys = options.source.keys
    assert keys
    app = ExplorerApp(options)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()

        def findings() -> set[str | None]:
            return {w.path for w in app.view.warnings if w.code == IGNORED_KEY}

        assert findings() == {"validation.allow", "validation.deny"}
        await pilot.press("a", *r"^https://mcr\.microsoft\.com/")
        await pilot.pause()
        assert app.state.source.keys == keys and findings() == {
            "validation.allow",
            "validation.deny",
        }
        # Invalid for a moment: the keys are what they are, whatever the pattern.
        await pilot.press("(")
        await typing_paused(pilot)
        assert app.view.policy_error is not None
        assert app.state.source.keys == keys and findings() == {
            "validation.allow",
            "validation.deny",
        }
        assert "validation.allow: key the registry never reads" in policy_lines(app)
        await pilot.press("backspace", "escape", "t")
        await pilot.pause()
        assert app.state.source.keys == keys
        await pilot.press("d", *"x", "escape")
        await pilot.pause()
        assert app.state.source.keys == keys and app.state.source.deny == ("x",)
        assert "validation.allow: key the registry never reads" in policy_lines(app)


async def test_suggest_keeps_the_configuration_keys() -> None:
    options = configured(MISINDENTED)
    app = ExplorerApp(options)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.source.allow == (r"^https://mcr\.microsoft\.com/",)
        assert app.state.source.keys == options.source.keys
        assert "validation.deny: key the registry never reads" in policy_lines(app)


async def test_w_lists_every_finding_with_its_whole_message() -> None:
    app = ExplorerApp(configured(MISINDENTED))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        text = app.screen.raw
        assert "⚠ validation.allow: key the registry never reads\n" in text
        assert "did you mean validation.manifests.urls.deny?" in text
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, FindingsScreen)


async def test_w_without_findings_says_so() -> None:
    app = ExplorerApp(LaunchOptions(source=PolicySource(allow=(r"^https://mcr\.microsoft\.com/",))))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert not isinstance(app.screen, FindingsScreen)
        assert any("this policy has none" in n for n in notices(app))


async def test_policy_level_findings_are_reachable_at_80_by_24() -> None:
    app = ExplorerApp(configured(MISINDENTED))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one(PolicyEditor).scroll_end(animate=False)
        await pilot.pause()
        assert "validation.deny: key the registry" in screen_text(app)
