"""`foreign-explorer [REF ...] [options]` opens the app with the options resolved first."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from foreign_explorer import cli
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.ui import launch
from foreign_explorer.ui.launch import LaunchOptions, options_from_args


def parse(*argv: str) -> argparse.Namespace:
    return cli.app_parser().parse_args(list(argv))


def test_no_argument_opens_the_bundled_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(launch, "run", lambda args: seen.append(args) or 0)
    assert cli.main([]) == 0
    assert options_from_args(seen[0]).sample


def test_references_and_flags_reach_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(launch, "run", lambda args: seen.append(args) or 0)
    argv = ["docker.io/a/b:1", "oci:dir", "--allow", "^x", "--deny", "y", "--target"]
    argv += ["distribution-3", "--platform", "windows/amd64", "--plain-http", "--insecure"]
    cli.main(argv)
    options = options_from_args(seen[0])
    assert options == LaunchOptions(
        references=("docker.io/a/b:1", "oci:dir"),
        source=PolicySource(allow=("^x",), deny=("y",)),
        target="distribution-3",
        platform="windows/amd64",
        plain_http=True,
        insecure=True,
    )


def test_config_then_flags_build_the_starting_policy(tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "validation:\n  manifests:\n    urls:\n      allow: ['^a']\n      deny: ['b']\n"
    )
    options = options_from_args(parse("--config", str(config), "--deny", "c"))
    assert options.source == PolicySource(allow=("^a",), deny=("c",))


def test_file_is_read_at_start(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(b"{}")
    options = options_from_args(parse("--file", str(path)))
    assert [(f.name, f.data) for f in options.files] == [(str(path), b"{}")]
    assert not options.sample


def test_an_unreadable_start_input_is_a_one_line_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert launch.run(parse("--config", str(tmp_path / "missing.yml"))) == 2
    err = capsys.readouterr().err
    assert err.startswith("foreign-explorer: cannot read config")
    assert err.count("\n") == 1


def test_check_is_still_a_subcommand(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launch, "run", lambda args: pytest.fail("the app must not start"))
    assert cli.main(["check", "--sample"]) == cli.EXIT_REJECTED
