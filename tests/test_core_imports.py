"""The engine and `check` never import Textual (CI runs them where the app cannot start)."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = r"""
import contextlib, io, json, pkgutil, sys, importlib

import foreign_explorer.core as core

names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, "foreign_explorer.core."))
for name in names:
    importlib.import_module(name)
import foreign_explorer.commands.check
import foreign_explorer.cli

with contextlib.redirect_stdout(io.StringIO()) as out:
    status = foreign_explorer.cli.main(["check", "--sample"])

print(json.dumps({
    "modules": names,
    "status": status,
    "tail": out.getvalue().rstrip("\n").split("\n")[-2],
    "textual": sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")),
    "ui": sorted(m for m in sys.modules if m.startswith("foreign_explorer.ui")),
}))
"""


def _probe() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_core_modules_and_check_never_import_textual():
    report = _probe()
    # The probe really imported the engine and ran the check.
    for name in ("manifest", "policy", "evaluate", "response", "goregex", "gourl", "gojson"):
        assert f"foreign_explorer.core.{name}" in report["modules"]
    assert report["status"] == 1
    assert report["tail"] == "push → 500 Internal Server Error: invalid URL on layer 0"
    assert report["textual"] == []
    assert report["ui"] == []
