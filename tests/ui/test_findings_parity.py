"""Issue 13's "done when", on screen: the documentation's example, its `([^/]+\\.)?` variant, a
mis-indented copy and GitLab's fork example each show in the explorer the findings `check`
reports for the same configuration and image, and `w` lists each one with its message."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.cli import main
from foreign_explorer.core.policy import source_from_config
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import LaunchOptions
from foreign_explorer.ui.screens.response import FindingsScreen

DOCS = (
    "validation:\n  manifests:\n    urls:\n      allow:\n"
    "        - ^https?://([^/]+\\.)*example\\.com/\n"
    "      deny:\n        - ^https?://www\\.example\\.com/\n"
)
DOCS_OPTIONAL = DOCS.replace("([^/]+\\.)*", "([^/]+\\.)?")
MISINDENTED = (
    "validation:\n  allow:\n    - ^https?://([^/]+\\.)*example\\.com/\n"
    "  deny:\n    - ^https?://www\\.example\\.com/\n"
)
GITLAB = (
    "validation:\n  manifests:\n    referencelimit: 150\n    payloadsizelimit: 4194304\n"
    "    urls:\n      allow:\n        - ^https?://([^/]+\\.)*example\\.com/\n"
)
CONFIGS = {"docs": DOCS, "docs-optional": DOCS_OPTIONAL, "misindented": MISINDENTED}
CONFIGS["gitlab"] = GITLAB


def _check_warnings(capsys, tmp_path, name: str, text: str) -> list[dict]:
    path = tmp_path / f"{name}.yml"
    path.write_text(text)
    main(["check", "--sample", "--config", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)["warnings"]


def _key(code: str, lst: str | None, index: int | None, path: str | None) -> tuple:
    return (code, lst, index, path)


@pytest.mark.parametrize("name", sorted(CONFIGS))
async def test_the_explorer_shows_every_finding_check_reports(capsys, tmp_path, name) -> None:
    text = CONFIGS[name]
    expected = _check_warnings(capsys, tmp_path, name, text)
    assert expected, f"check reports no finding for the {name} configuration"
    app = ExplorerApp(LaunchOptions(source=source_from_config(text)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = app.view.warnings
        want = sorted(
            _key(w["code"], w.get("list"), w.get("index"), w.get("path")) for w in expected
        )
        got = sorted(_key(w.code, w.list_name, w.index, w.path) for w in shown)
        assert got == want
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, FindingsScreen)
        listed = " ".join(app.screen.raw.split())
        for warning in expected:
            assert " ".join(warning["message"].split()) in listed, warning["code"]
