"""`e`: the export modal: every form, copy, save, and never overwrite without asking."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Tabs

from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.export import (
    FORMS,
    config_document,
    config_snippet,
    env_text,
    helm_values,
)
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import DISTRIBUTION_2_8
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.screens.confirm import ConfirmScreen
from foreign_explorer.ui.screens.export import FORM_INFO, ExportScreen
from foreign_explorer.ui.screens.save_as import SaveAsScreen

MCR = r"^https://mcr\.microsoft\.com/"
EXPECTED = (
    "validation:\n"
    "  manifests:\n"
    "    urls:\n"
    "      allow:\n"
    "        - ^https://mcr\\.microsoft\\.com/\n"
    "      deny: []\n"
)


async def _type_policy_and_export(pilot) -> ExportScreen:
    await pilot.press("a", *MCR, "escape", "e")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def test_export_shows_the_yaml_snippet_of_the_typed_policy() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _type_policy_and_export(pilot)
        assert screen.snippet == EXPECTED
        assert str(screen.query_one("#snippet").render()).rstrip("\n") == EXPECTED.rstrip("\n")
        assert "1 of 1 open images would push (or mirror)" in str(
            screen.query_one(".summary").render()
        )


async def test_copy_puts_the_snippet_on_the_clipboard() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _type_policy_and_export(pilot)
        await pilot.click("#copy")
        assert app.clipboard == EXPECTED


async def test_save_writes_the_expected_yaml(tmp_path: Path) -> None:
    target = tmp_path / "snippet.yml"
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _type_policy_and_export(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
    assert target.read_text(encoding="utf-8") == EXPECTED
    assert source_from_config(target.read_text(encoding="utf-8")) == PolicySource(allow=(MCR,))


async def _save_over(pilot, target: Path, answer: str) -> None:
    await _type_policy_and_export(pilot)
    await pilot.press("s")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = str(target)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmScreen)
    assert str(target) in str(pilot.app.screen.query_one(".question").render())
    await pilot.click(answer)
    await pilot.pause()


async def test_saving_over_a_file_asks_and_keeps_it_when_told_no(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("version: 0.1\n", encoding="utf-8")
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _save_over(pilot, target, "#no")
    assert target.read_text(encoding="utf-8") == "version: 0.1\n"


async def test_saving_over_a_file_replaces_it_when_confirmed(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("version: 0.1\n", encoding="utf-8")
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _save_over(pilot, target, "#yes")
    assert target.read_text(encoding="utf-8") == EXPECTED


async def test_an_unwritable_path_is_a_notification_not_a_crash(tmp_path: Path) -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await _type_policy_and_export(pilot)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "missing" / "x.yml")
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("cannot write" in m for m in messages)
        assert not (tmp_path / "missing").exists()


async def test_export_refuses_a_policy_that_would_stop_the_registry() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *"(?=x", "escape", "e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#copy", Button).disabled
        assert screen.query_one("#save", Button).disabled
        assert "would not start" in str(screen.query_one(".blocker").render())
        await pilot.press("c")
        assert app.clipboard == ""


async def test_export_starts_from_the_config_policy() -> None:
    config = "validation:\n  manifests:\n    urls:\n      deny: ['^http://']\n"
    app = ExplorerApp(LaunchOptions(source=source_from_config(config)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert source_from_config(app.screen.snippet) == PolicySource(deny=("^http://",))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


# --- export forms -------------------------------------------------------------------------------

MCR_SOURCE = PolicySource(allow=(MCR,))


def _shown(screen: ExportScreen) -> str:
    return str(screen.query_one("#snippet").render()).rstrip("\n")


async def test_f_cycles_through_every_form_and_the_shown_text_follows() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _type_policy_and_export(pilot)
        expected = [
            ("config", config_document(MCR_SOURCE), "A whole config.yml"),
            ("env", env_text(MCR_SOURCE), "Environment variables"),
            ("helm", helm_values(MCR_SOURCE), "Helm chart"),
            ("snippet", EXPECTED, FORM_INFO["snippet"][1]),
        ]
        for form, text, title in expected:
            await pilot.press("f")
            await pilot.pause()
            assert screen.form == form
            assert screen.text == text
            assert _shown(screen) == text.rstrip("\n")
            assert title in str(screen.query_one("#export-title").render())
            assert screen.query_one(Tabs).active == f"form-{form}"


async def test_clicking_a_form_tab_shows_that_form() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await _type_policy_and_export(pilot)
        await pilot.click("#form-env")
        await pilot.pause()
        assert screen.form == "env"
        assert _shown(screen) == env_text(MCR_SOURCE).rstrip("\n")


async def test_copy_copies_the_shown_form() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _type_policy_and_export(pilot)
        await pilot.press("f", "f")
        await pilot.click("#copy")
        assert app.clipboard == env_text(MCR_SOURCE)


async def test_save_writes_the_shown_form_and_offers_its_usual_file_name(tmp_path: Path) -> None:
    target = tmp_path / "values.yaml"
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _type_policy_and_export(pilot)
        await pilot.press("f", "f", "f", "s")
        await pilot.pause()
        assert isinstance(app.screen, SaveAsScreen)
        assert app.screen.query_one(Input).value == "values.yaml"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
    assert target.read_text(encoding="utf-8") == helm_values(MCR_SOURCE)


async def test_saved_env_form_reads_back_as_the_policy(tmp_path: Path) -> None:
    target = tmp_path / "registry.env"
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await _type_policy_and_export(pilot)
        await pilot.click("#form-env")
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "registry.env"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    env = parse_env_file(target.read_text(encoding="utf-8"))
    assert apply_environment(PolicySource(), env, DISTRIBUTION_2_8) == MCR_SOURCE


async def test_a_blocked_policy_stays_blocked_in_every_form() -> None:
    app = ExplorerApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a", *"(?=x", "escape", "e")
        await pilot.pause()
        for _ in FORMS:
            await pilot.press("f", "c")
            await pilot.pause()
            assert app.screen.query_one("#save", Button).disabled
        assert app.clipboard == ""


async def test_the_screen_takes_the_policy_itself_when_given() -> None:
    source = PolicySource(allow=(MCR,), deny=("^http://",), disabled=True)
    screen = ExportScreen(config_snippet(source), "summary", source=source, form="config")
    assert screen.text == config_document(source)
    # Without it, the snippet is read back into the same policy.
    assert ExportScreen(config_snippet(source), "summary").source == source
