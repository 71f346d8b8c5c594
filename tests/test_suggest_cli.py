"""`foreign-explorer suggest`: the YAML snippet, JSON, narrowing, exit status, sources."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from foreign_explorer.cli import main
from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core.export import config_snippet
from foreign_explorer.core.policy import PolicySource, source_from_config
from tests.registry import images as im
from tests.ui.builders import windows_linux_layout

MCR = r"^https://mcr\.microsoft\.com/"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["suggest", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_suggest_on_the_sample_file_prints_the_escaped_anchored_host(tmp_path, capsys) -> None:
    status, out, err = _run(capsys, "--file", _write(tmp_path, "sample.json", sample_bytes()))
    assert status == 0
    assert MCR in out
    # The same dumping as the export snippet, and a config the registry would read.
    assert out == config_snippet(PolicySource(allow=(MCR,)))
    assert source_from_config(out).allow == (MCR,)
    assert "# 1 allow pattern for 1 layer URL, verified on distribution-2.8: 1 of 1 pass" in err
    assert "push → 201 Created" in err


def test_notes_on_stderr_are_yaml_comments(capsys) -> None:
    _, out, err = _run(capsys, "--sample")
    assert all(line.startswith("#") for line in err.splitlines())
    assert yaml.safe_load(out + err) == yaml.safe_load(out)


def test_json_carries_patterns_verdicts_and_the_snippet(capsys) -> None:
    status, out, _ = _run(capsys, "--sample", "--format", "json")
    document = json.loads(out)
    assert status == 0
    assert list(document) == [
        "target",
        "allow",
        "verified",
        "urls",
        "unfixable",
        "images",
        "warnings",
        "snippet",
    ]
    assert document["allow"] == [MCR]
    assert document["verified"] is True
    assert document["images"][0]["status"] == 201
    assert document["warnings"] == []
    assert document["snippet"] == config_snippet(PolicySource(allow=(MCR,)))


def test_narrow_and_path_prefix(capsys) -> None:
    _, out, _ = _run(capsys, "--sample", "--narrow")
    assert r"^https://mcr\.microsoft\.com/v2/windows/nanoserver/blobs/" in out
    _, out, _ = _run(capsys, "--sample", "--path-prefix", "/v2/windows/")
    assert r"^https://mcr\.microsoft\.com/v2/windows/" + "\n" in out


def test_a_path_prefix_some_url_lacks_is_a_usage_error(capsys) -> None:
    status, out, err = _run(capsys, "--sample", "--path-prefix", "/v2/linux/")
    assert status == 2 and out == ""
    assert "does not start with the path prefix /v2/linux/" in err


def test_narrow_and_path_prefix_exclude_each_other(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["suggest", "--sample", "--narrow", "--path-prefix", "/x/"])
    assert info.value.code == 2


def test_unfixable_url_exits_1_and_says_why(tmp_path, capsys) -> None:
    image = im.docker_image(
        [
            im.foreign_layer(["https://mcr.microsoft.com/x"]),
            im.foreign_layer(["https://a.example:abc/"], seed="bad"),
        ]
    )
    status, out, err = _run(capsys, "--file", _write(tmp_path, "m.json", image.manifest))
    assert status == 1
    assert MCR in out
    assert "# no allow pattern can let this URL through: https://a.example:abc/" in err
    assert 'invalid port ":abc" after host' in err
    assert "push → 500 Internal Server Error: invalid URL on layer 1" in err


def test_no_url_to_allow_exits_1_with_nothing_on_stdout(tmp_path, capsys) -> None:
    image = im.docker_image([im.layer("a")])
    status, out, err = _run(capsys, "--file", _write(tmp_path, "m.json", image.manifest))
    assert (status, out) == (1, "")
    assert "nothing to allow" in err


def test_manifest_from_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sample_bytes())))
    status, out, _ = _run(capsys, "--file", "-")
    assert status == 0 and MCR in out


def test_target_3_verifies_with_3s_rules(tmp_path, capsys) -> None:
    image = im.docker_image([im.foreign_layer(["https://[a.example]/x"])])
    path = _write(tmp_path, "m.json", image.manifest)
    status, out, _ = _run(capsys, "--file", path, "--format", "json")
    assert status == 0 and json.loads(out)["allow"] == [r"^https://\[a\.example\]/"]
    status, out, _ = _run(capsys, "--file", path, "--target", "distribution-3", "--format", "json")
    document = json.loads(out)
    assert status == 1 and document["allow"] == [] and document["unfixable"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give an image reference, --file PATH or --sample"),
        (["--sample", "some/ref"], "give only one of REF, --file and --sample"),
        (["--sample", "--platform", "linux/amd64"], "--platform needs an image reference"),
    ],
)
def test_source_errors_are_one_line_and_exit_2(capsys, args, message) -> None:
    status, out, err = _run(capsys, *args)
    assert status == 2 and out == ""
    assert err.strip() == f"foreign-explorer suggest: error: {message}"


def test_unreadable_file_exits_2(tmp_path, capsys) -> None:
    status, _, err = _run(capsys, "--file", str(tmp_path / "missing.json"))
    assert status == 2 and "cannot read" in err


def test_top_level_help_lists_suggest(capsys) -> None:
    assert main(["--help"]) == 0
    assert "foreign-explorer suggest REF|--file PATH" in capsys.readouterr().out


def test_suggest_runs_as_a_module_without_textual() -> None:
    code = (
        "import sys; from foreign_explorer.cli import main; "
        "status = main(['suggest', '--sample']); "
        "assert not any(m.startswith('textual') for m in sys.modules); sys.exit(status)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert MCR in result.stdout


def test_suggest_for_every_platform_of_a_fetched_index(tmp_path, capsys) -> None:
    windows_linux_layout(tmp_path / "layout")
    status, out, err = _run(capsys, f"oci:{tmp_path / 'layout'}:latest", "--format", "json")
    document = json.loads(out)
    assert status == 0, err
    assert document["allow"] == [MCR]
    # The linux child has no URL to allow; both children push with the suggestion.
    assert [image["accepted"] for image in document["images"]] == [True, True]
    assert any("windows/amd64" in image["name"] for image in document["images"])
