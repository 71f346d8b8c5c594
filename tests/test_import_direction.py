"""Imports go one way: cli -> commands -> core; suggest -> lint, never back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tui" / "foreign_explorer"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _importers(directory: Path, target: str) -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for path in directory.rglob("*.py")
        if any(name == target or name.startswith(target + ".") for name in _imports(path))
    )


def test_the_commands_never_import_the_command_line() -> None:
    assert list((PACKAGE / "commands").glob("*.py")), "no commands found"
    assert _importers(PACKAGE / "commands", "foreign_explorer.cli") == []


def test_the_lint_never_imports_suggest() -> None:
    assert "foreign_explorer.core.lint" in _imports(PACKAGE / "core" / "suggest.py")
    assert _importers(PACKAGE / "core" / "lint", "foreign_explorer.core.suggest") == []


def test_the_core_never_imports_the_commands_or_the_cli() -> None:
    core = PACKAGE / "core"
    assert _importers(core, "foreign_explorer.commands") == []
    assert _importers(core, "foreign_explorer.cli") == []
