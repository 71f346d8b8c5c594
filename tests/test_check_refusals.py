"""`check` on documents a registry refuses before reading any descriptor, and on the indexes
setting: exit 1 with the registry's exact answer per target; exit 2 only for what is no push.

The answers themselves are pinned against both real registries by the differential suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreign_explorer.cli import main
from foreign_explorer.commands.inputs import sample_bytes

MCR = r"^https://mcr\.microsoft\.com/"
THREE = ("--target", "distribution-3")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _json(capsys, *args: str) -> tuple[int, dict]:
    status, out, _ = _run(capsys, *args, "--format", "json")
    return status, json.loads(out)


def _file(tmp_path: Path, data: bytes, name: str = "m.json") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _detail(doc: dict) -> object:
    return doc["body"]["errors"][0]["detail"]


# --- JSON syntax errors: the registry's 400, exit 1 ----------------------------------------------


def test_bom_file_exits_1_with_the_2_8_offset_detail_and_says_why(capsys, tmp_path):
    path = _file(tmp_path, b"\xef\xbb\xbf" + sample_bytes())
    status, out, err = _run(capsys, "--file", path, "--allow", MCR)
    assert (status, err) == (1, "")
    assert "byte-order mark" in out and "PowerShell" in out
    assert out.rstrip("\n").splitlines()[-1] == (
        '{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid",'
        '"detail":{"Offset":1}}]}'
    )


def test_bom_file_under_distribution_3_gives_go_s_error_text(capsys, tmp_path):
    path = _file(tmp_path, b"\xef\xbb\xbf" + sample_bytes())
    status, doc = _json(capsys, "--file", path, *THREE)
    assert (status, doc["status"]) == (1, 400)
    assert _detail(doc) == "invalid character 'ï' looking for beginning of value"
    assert "byte-order mark" in doc["manifestError"]


def test_trailing_data_exits_1_naming_where_the_document_ends(capsys, tmp_path):
    data = sample_bytes().rstrip() + b"\n}"
    status, doc = _json(capsys, "--file", _file(tmp_path, data))
    assert status == 1
    assert _detail(doc) == {"Offset": len(data)}
    assert f"ends after byte {len(sample_bytes().rstrip())}" in doc["manifestError"]


def test_truncated_file_exits_1_as_cut_short(capsys, tmp_path):
    data = sample_bytes()[:100]
    status, doc = _json(capsys, "--file", _file(tmp_path, data), *THREE)
    assert status == 1
    assert _detail(doc) == "unexpected end of JSON input"
    assert "cut short after 100 bytes" in doc["manifestError"]


def test_bom_on_stdin_exits_1_too(capsys, monkeypatch, tmp_path):
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf{}"))
    monkeypatch.setattr(sys, "stdin", stdin)
    status, out, _ = _run(capsys, "--file", "-")
    assert status == 1
    assert "byte-order mark" in out


def test_empty_file_is_still_no_push_and_exits_2(capsys, tmp_path):
    status, out, err = _run(capsys, "--file", _file(tmp_path, b"  \n"))
    assert (status, out) == (2, "")
    assert "empty manifest" in err


# --- refused by one registry version only -------------------------------------------------------


def _with_bad_data() -> bytes:
    doc = json.loads(sample_bytes())
    doc["layers"][0]["data"] = "not base64!"
    return json.dumps(doc).encode()


def test_data_that_is_not_base64_passes_2_8(capsys, tmp_path):
    status, doc = _json(capsys, "--file", _file(tmp_path, _with_bad_data()), "--allow", MCR)
    assert (status, doc["status"]) == (0, 201)
    assert "manifestError" not in doc


def test_data_that_is_not_base64_is_refused_by_3_x_before_any_descriptor(capsys, tmp_path):
    path = _file(tmp_path, _with_bad_data())
    status, doc = _json(capsys, "--file", path, "--allow", MCR, *THREE)
    assert (status, doc["status"]) == (1, 400)
    assert _detail(doc) == "illegal base64 data at input byte 3"
    assert (doc["manifestError"], doc["descriptors"]) == (_detail(doc), [])


def test_data_refusal_in_text_names_the_manifest_invalid(capsys, tmp_path):
    path = _file(tmp_path, _with_bad_data())
    status, out, _ = _run(capsys, "--file", path, "--allow", MCR, *THREE)
    assert status == 1
    assert "push → 400 Bad Request: manifest invalid: illegal base64 data at input byte 3" in out


# --- JSON that is no manifest ------------------------------------------------------------------


def test_not_a_manifest_exits_1_with_one_answer_per_content_type(capsys, tmp_path):
    status, out, err = _run(capsys, "--file", _file(tmp_path, b'{"hello": "world"}'))
    lines = out.rstrip("\n").splitlines()
    assert (status, err) == (1, "")
    assert lines[0].startswith("not an image manifest or index: none of schemaVersion")
    assert len(lines) == 7
    assert lines[3].startswith("  as an OCI image manifest: 500 UNKNOWN: unrecognized manifest")


def test_not_a_manifest_json_lists_each_content_type_s_status(capsys, tmp_path):
    status, doc = _json(capsys, "--file", _file(tmp_path, b"[1, 2]"), *THREE)
    assert status == 1
    assert doc["status"] is None
    assert "the document is an array" in doc["manifestError"]
    assert [a["status"] for a in doc["byContentType"]] == [400, 400, 400, 400, 400, 400]
    assert doc["byContentType"][4]["body"]["errors"][0]["detail"] == (
        "unsupported manifest media type and no default available: "
    )


# --- validation.manifests.indexes ---------------------------------------------------------------


def _config(tmp_path: Path, indexes: str) -> str:
    path = tmp_path / "config.yml"
    path.write_text(f"version: 0.1\nvalidation:\n  manifests:\n    indexes:\n{indexes}")
    return str(path)


def test_indexes_setting_is_shown_in_text_for_distribution_3(capsys, tmp_path):
    config = _config(tmp_path, "      platforms: none\n")
    _, out, _ = _run(capsys, "--sample", "--config", config, *THREE)
    assert "indexes: platforms none: no child of an index is looked up" in out


def test_indexes_setting_is_said_to_be_ignored_by_2_8(capsys, tmp_path):
    config = _config(tmp_path, "      platforms: none\n")
    _, out, _ = _run(capsys, "--sample", "--config", config)
    assert "indexes: set, but distribution 2.8 ignores it" in out


def test_indexes_setting_is_in_the_json_policy(capsys, tmp_path):
    config = _config(
        tmp_path, "      platforms: List\n      platformlist: [{os: linux, architecture: amd64}]\n"
    )
    _, doc = _json(capsys, "--sample", "--config", config, *THREE)
    assert doc["policy"]["indexes"] == {
        "platforms": "list",
        "platformlist": [{"os": "linux", "architecture": "amd64"}],
        "effective": "list",
    }


def test_invalid_platforms_option_stops_distribution_3_with_its_text(capsys, tmp_path):
    config = _config(tmp_path, "      platforms: some\n")
    status, doc = _json(capsys, "--sample", "--config", config, *THREE)
    assert status == 3
    assert doc["policyError"]["list"] == "indexes"
    assert doc["policyError"]["message"].endswith(
        "invalid platforms option some Must be one of [all, none, list]"
    )


def test_invalid_platforms_option_does_not_stop_2_8(capsys, tmp_path):
    config = _config(tmp_path, "      platforms: some\n")
    status, _, _ = _run(capsys, "--sample", "--config", config)
    assert status == 1  # the default URL policy's rejection, as 2.8 starts


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ("REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS=none", "platforms none"),
        ("REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST_0_OS=linux", "every child"),
    ],
)
def test_indexes_environment_variables_are_read(capsys, tmp_path, env, expected):
    env_file = tmp_path / "registry.env"
    env_file.write_text(env + "\n")
    _, out, _ = _run(capsys, "--sample", "--env-file", str(env_file), *THREE)
    assert expected in out
