"""`check` start-up and exit costs: lazy imports, and no final garbage collection at exit."""

from __future__ import annotations

import atexit
import gc
import json
import subprocess
import sys

import pytest

from foreign_explorer.cli import main
from foreign_explorer.commands.check import freeze_heap_at_exit


def test_importing_check_leaves_the_fetching_stack_for_references() -> None:
    probe = (
        "import sys, foreign_explorer.commands.check\n"
        "print(sorted(set(sys.argv[1:]) & set(sys.modules)))"
    )
    heavy = ["asyncio", "httpx", "httpcore", "ssl", "textual"]
    done = subprocess.run(
        [sys.executable, "-c", probe, *heavy], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_gc_freeze_exit_hook_is_registered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    hooks: list[object] = []
    monkeypatch.setattr(atexit, "register", hooks.append)
    monkeypatch.setattr(atexit, "unregister", lambda f: hooks.remove(f) if f in hooks else None)
    freeze_heap_at_exit()
    assert main(["check", "--sample"]) == 1
    assert hooks == [gc.freeze]


def test_output_is_complete_when_the_process_exits_frozen() -> None:
    # Piped stdout is block-buffered: it must still be flushed whole at exit.
    done = subprocess.run(
        [sys.executable, "-m", "foreign_explorer", "check", "--sample", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["accepted"] is False
    assert done.stderr == ""
