"""`foreign-explorer --from FILE`: what the explorer refuses before it starts, in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreign_explorer.cli import app_parser, main
from foreign_explorer.ui.launch import options_from_args


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    _, err = capsys.readouterr()
    return status, err


def test_from_with_file_is_refused_in_checks_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("registry.example.com/a:1\n", encoding="utf-8")
    status, err = _run(capsys, "--from", str(listed), "--file", str(listed))
    assert status == 2
    assert err == (
        "foreign-explorer: --file and --sample judge one manifest; "
        "give REFs or --from FILE for a list\n"
    )


def test_from_with_platform_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("registry.example.com/a:1\n", encoding="utf-8")
    status, err = _run(capsys, "--from", str(listed), "--platform", "linux/amd64")
    assert status == 2
    assert err.count("\n") == 1 and "a list judges every platform" in err


def test_a_list_that_cannot_be_read_is_one_line_as_for_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.yaml"
    status, err = _run(capsys, "--from", str(missing))
    check_status, check_err = _run(capsys, "check", "--from", str(missing))
    assert (status, check_status) == (2, 2)
    assert err.count("\n") == 1 and str(missing) in err
    assert err.split(": ", 1)[1] == check_err.split(": ", 1)[1]


def test_an_oci_layout_beside_from_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("registry.example.com/a:1\n", encoding="utf-8")
    status, err = _run(capsys, "oci:/nowhere", "--from", str(listed))
    assert status == 2
    assert err == (
        "foreign-explorer: oci:/nowhere: OCI layouts are checked one at a time, not in a list\n"
    )


def test_refs_beside_from_join_the_list_first_and_jobs_is_kept(tmp_path: Path) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("registry.example.com/a:1\nregistry.example.com/b:2\n", encoding="utf-8")
    args = app_parser().parse_args(
        ["registry.example.com/c:3", "--from", str(listed), "--jobs", "3"]
    )
    options = options_from_args(args)
    assert options.mirror is not None and not options.sample
    assert [r.origin for r in options.mirror.repositories] == [
        "argument 1",
        f"{listed} line 1",
        f"{listed} line 2",
    ]
    assert options.mirror.jobs == 3 and options.mirror.options.max_in_flight == 3
    assert options.mirror.description == f"{listed}: plain list, 2 repositories"
