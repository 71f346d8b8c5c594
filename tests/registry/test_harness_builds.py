"""The harness's two registry builds: how each is found, skipped and required."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.registry.harness import DISTRIBUTION_3_1, REGISTRY3_ENV, registry3_binary


def _session(tmp_path: Path, env_value: str | None, require: bool) -> subprocess.CompletedProcess:
    """A pytest session with one registry3 test, under our conftest."""
    repo_root = Path(__file__).resolve().parents[2]
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_gated3.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.registry3
            def test_marked():
                pass

            def test_uses_pool(registry3_pool):
                pass
            """
        )
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in (REGISTRY3_ENV, "FOREIGN_EXPLORER_REQUIRE_REGISTRY")
    }
    env |= {"PYTHONPATH": str(repo_root), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    if env_value is not None:
        env[REGISTRY3_ENV] = env_value
    if require:
        env["FOREIGN_EXPLORER_REQUIRE_REGISTRY"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_registry3_tests_skip_with_how_to_point_at_the_binary(tmp_path: Path) -> None:
    run = _session(tmp_path, None, require=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 skipped" in run.stdout
    assert f"{REGISTRY3_ENV} is not set" in run.stdout


def test_registry3_tests_fail_when_registries_are_required(tmp_path: Path) -> None:
    run = _session(tmp_path, None, require=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 errors" in run.stdout
    assert f"{REGISTRY3_ENV} is not set" in run.stdout


def test_a_path_that_is_no_executable_is_named_in_the_skip(tmp_path: Path) -> None:
    plain = tmp_path / "registry"
    plain.write_text("not a binary")
    run = _session(tmp_path, str(plain), require=False)
    assert "2 skipped" in run.stdout
    assert f"{REGISTRY3_ENV}={plain} is not an executable file" in run.stdout


def test_registry3_binary_is_none_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REGISTRY3_ENV, raising=False)
    assert registry3_binary() is None


@pytest.mark.registry3
def test_the_registry3_binary_is_distribution_v3_1_1() -> None:
    binary = DISTRIBUTION_3_1.locate()
    assert binary is not None
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-2:] == ["github.com/distribution/distribution/v3", "v3.1.1"]
