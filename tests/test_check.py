"""`foreign-explorer check` on files, stdin and the sample: exit status, text and JSON output.

Most tests run the CLI in-process; a few run `python -m foreign_explorer` for real. Fetching by
reference is covered by test_check_ref.py against the real registry.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from foreign_explorer.cli import main
from foreign_explorer.commands.inputs import sample_bytes

MCR = r"^https://mcr\.microsoft\.com/"
BLOG_BODY = (
    '{"errors":[{"code":"UNKNOWN","message":"unknown error"},'
    '{"code":"UNKNOWN","message":"unknown error","detail":{}},'
    '{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry",'
    '"detail":"sha256:62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9"}]}'
)
TOP_KEYS = ["target", "policy", "policyError", "accepted", "status", "body", "bodyText"]
TOP_KEYS.append("descriptors")
TOP_KEYS.append("warnings")  # lint findings (issue 5), after everything else
DESCRIPTOR_KEYS = {
    "role",
    "index",
    "mediaType",
    "digest",
    "size",
    "foreign",
    "classification",
    "checks",
    "verdict",
    "message",
    "urls",
}
URL_KEYS = {"url", "ok", "reason", "message", "allowedBy", "deniedBy", "span"}
SCHEMA1 = b'{"schemaVersion": 1, "name": "x", "tag": "y", "fsLayers": []}'


@pytest.fixture(autouse=True)
def _no_color_from_the_outside(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["check", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _json(capsys, *args: str) -> tuple[int, dict]:
    status, out, _ = _run(capsys, *args, "--format", "json")
    return status, json.loads(out)


def _write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return str(path)


def _config(allow: list[str] | None = None, deny: list[str] | None = None) -> str:
    lines = ["version: 0.1", "validation:", "  manifests:", "    urls:"]
    if allow is not None:
        lines.append(f"      allow: {json.dumps(allow)}")
    if deny is not None:
        lines.append(f"      deny: {json.dumps(deny)}")
    return "\n".join(lines) + "\n"


def _assert_one_line_usage_error(status: int, out: str, err: str) -> None:
    assert status == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err


# --- exit statuses and the sample --------------------------------------------------------------


def test_sample_under_default_policy_exits_1_with_the_blog_body(capsys):
    status, out, err = _run(capsys, "--sample")
    lines = out.rstrip("\n").split("\n")
    assert status == 1
    assert err == ""
    assert lines[-1] == BLOG_BODY
    assert lines[-2] == "push → 500 Internal Server Error: invalid URL on layer 0"


def test_sample_json_carries_the_blog_body_text_and_parsed_body(capsys):
    status, doc = _json(capsys, "--sample")
    assert status == 1
    assert (doc["accepted"], doc["status"]) == (False, 500)
    assert doc["bodyText"] == BLOG_BODY + "\n"
    assert doc["body"] == json.loads(BLOG_BODY)


def test_allowing_mcr_exits_0_with_201(capsys):
    status, out, _ = _run(capsys, "--sample", "--allow", MCR)
    assert status == 0
    assert out.rstrip("\n").split("\n")[-1] == "push → 201 Created"
    assert "FAIL" not in out


def test_allowing_mcr_json_is_accepted_with_the_allow_match(capsys):
    status, doc = _json(capsys, "--sample", "--allow", MCR)
    assert status == 0
    assert (doc["accepted"], doc["status"], doc["body"], doc["bodyText"]) == (True, 201, None, "")
    (url,) = doc["descriptors"][1]["urls"]
    assert (url["ok"], url["allowedBy"], url["deniedBy"], url["span"]) == (True, 0, None, [0, 26])


def test_bad_pattern_exits_3_with_the_registry_panic_text(capsys):
    status, out, err = _run(capsys, "--sample", "--allow", "(?=x)")
    assert status == 3
    assert err == ""
    assert out == (
        "registry would not start: validation.manifests.urls.allow: error parsing regexp: "
        "invalid or unsupported Perl syntax: `(?=`\n"
    )


def test_bad_pattern_json_has_policy_error_and_null_results(capsys):
    status, doc = _json(capsys, "--sample", "--allow", MCR, "--allow", "(?=x)")
    assert status == 3
    assert doc["policyError"] == {
        "list": "allow",
        "index": 1,
        "pattern": "(?=x)",
        "message": "validation.manifests.urls.allow: error parsing regexp: "
        "invalid or unsupported Perl syntax: `(?=`",
    }
    assert (doc["accepted"], doc["status"], doc["body"], doc["bodyText"]) == (None,) * 4
    assert doc["descriptors"] == []
    assert doc["policy"]["allow"] == [MCR, "(?=x)"]


def test_config_with_a_bare_string_allow_exits_3(capsys, tmp_path):
    config = _write(
        tmp_path, "config.yml", "validation:\n  manifests:\n    urls:\n      allow: x\n"
    )
    status, out, _ = _run(capsys, "--sample", "--config", config)
    assert status == 3
    assert out.startswith(
        "registry would not start: config: yaml: unmarshal errors:\\n"
        "  line 4: cannot unmarshal !!str"
    )


def test_config_with_a_bare_string_allow_json_has_null_index(capsys, tmp_path):
    config = _write(
        tmp_path, "config.yml", "validation:\n  manifests:\n    urls:\n      allow: x\n"
    )
    status, doc = _json(capsys, "--sample", "--config", config)
    assert status == 3
    error = doc["policyError"]
    assert (error["list"], error["index"], error["pattern"]) == ("allow", None, None)
    assert "cannot unmarshal !!str `x` into []string" in error["message"]
    assert (doc["accepted"], doc["status"], doc["body"], doc["bodyText"]) == (None,) * 4


def test_missing_file_exits_2_with_one_line(capsys, tmp_path):
    status, out, err = _run(capsys, "--file", str(tmp_path / "nope.json"))
    _assert_one_line_usage_error(status, out, err)
    assert "cannot read" in err and "No such file or directory" in err


def test_non_json_file_is_the_registrys_400_manifest_invalid_and_exits_1(capsys, tmp_path):
    # Both real registries answer a push of it with 400 MANIFEST_INVALID (differential suite).
    status, out, err = _run(capsys, "--file", _write(tmp_path, "m.json", b"hello\n"))
    assert (status, err) == (1, "")
    assert "not valid JSON" in out


def test_schema1_manifest_exits_2_with_one_line(capsys, tmp_path):
    status, out, err = _run(capsys, "--file", _write(tmp_path, "s1.json", SCHEMA1))
    _assert_one_line_usage_error(status, out, err)
    assert "schema1" in err


def test_unknown_flag_exits_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--sample", "--bogus"])
    captured = capsys.readouterr()
    _assert_one_line_usage_error(info.value.code, captured.out, captured.err)
    assert "unrecognized arguments: --bogus" in captured.err


def test_no_manifest_source_exits_2_with_one_line(capsys):
    status, out, err = _run(capsys, "--allow", MCR)
    _assert_one_line_usage_error(status, out, err)
    assert "--file" in err and "--sample" in err


def test_file_and_sample_together_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["check", "--sample", "--file", _write(tmp_path, "m.json", sample_bytes())])
    captured = capsys.readouterr()
    _assert_one_line_usage_error(info.value.code, captured.out, captured.err)


def test_manifest_the_decoder_rejects_exits_1_with_manifest_invalid(capsys, tmp_path):
    doc = json.loads(sample_bytes())
    doc["layers"] = "x"
    status, out = _json(capsys, "--file", _write(tmp_path, "m.json", json.dumps(doc)))
    assert status == 1
    assert out["status"] == 400
    assert out["body"]["errors"][0]["code"] == "MANIFEST_INVALID"
    assert out["manifestError"].startswith("json: cannot unmarshal string")


# --- inputs and policy sources -----------------------------------------------------------------


def test_file_dash_reads_the_manifest_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(sample_bytes())))
    status, doc = _json(capsys, "--file", "-")
    assert status == 1
    assert doc["bodyText"] == BLOG_BODY + "\n"


def test_file_gives_the_same_verdicts_as_the_sample(capsys, tmp_path):
    path = _write(tmp_path, "m.json", sample_bytes())
    assert _json(capsys, "--file", path) == _json(capsys, "--sample")


def test_config_lists_are_used(capsys, tmp_path):
    config = _write(tmp_path, "config.yml", _config(allow=[MCR], deny=["evil"]))
    status, doc = _json(capsys, "--sample", "--config", config)
    assert status == 0
    assert doc["policy"] == {"allow": [MCR], "deny": ["evil"], "disabled": False}


def test_env_file_replaces_the_config_list(capsys, tmp_path):
    config = _write(tmp_path, "config.yml", _config(allow=["zzz"], deny=["evil"]))
    env = _write(tmp_path, "registry.env", f"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW=['{MCR}']\n")
    status, doc = _json(capsys, "--sample", "--config", config, "--env-file", env)
    assert status == 0
    assert doc["policy"] == {"allow": [MCR], "deny": ["evil"], "disabled": False}


def test_flags_replace_what_config_and_env_file_said(capsys, tmp_path):
    config = _write(tmp_path, "config.yml", _config(allow=["zzz"], deny=["evil"]))
    env = _write(tmp_path, "registry.env", "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW=['yyy']\n")
    args = ("--sample", "--config", config, "--env-file", env, "--allow", "xxx", "--allow", MCR)
    status, doc = _json(capsys, *args)
    assert status == 0
    assert doc["policy"] == {"allow": ["xxx", MCR], "deny": ["evil"], "disabled": False}
    assert doc["descriptors"][1]["urls"][0]["allowedBy"] == 1


def test_deny_flag_replaces_the_config_deny_list(capsys, tmp_path):
    config = _write(tmp_path, "config.yml", _config(allow=[MCR], deny=["zzz"]))
    status, doc = _json(capsys, "--sample", "--config", config, "--deny", "nanoserver")
    assert status == 1
    assert doc["policy"]["deny"] == ["nanoserver"]
    assert doc["descriptors"][1]["urls"][0]["reason"] == "denied"


def test_env_file_trap_is_read_per_target(capsys, tmp_path):
    env = _write(tmp_path, "registry.env", f"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0={MCR}\n")
    status_28, doc_28 = _json(capsys, "--sample", "--env-file", env)
    status_3, doc_3 = _json(capsys, "--sample", "--env-file", env, "--target", "distribution-3")
    assert (status_28, doc_28["policy"]["allow"]) == (1, [])
    assert (status_3, doc_3["policy"]["allow"]) == (0, [""])


def test_validation_disabled_flag_accepts_the_sample(capsys):
    status, doc = _json(capsys, "--sample", "--validation-disabled", "--allow", "zzz")
    assert status == 0
    assert doc["policy"]["disabled"] is True
    assert doc["descriptors"][1]["urls"][0]["message"] == (
        "validation is disabled: any well-formed http(s) URL passes"
    )


def test_validation_disabled_flag_beats_enabled_in_the_config(capsys, tmp_path):
    config = _write(tmp_path, "config.yml", "validation:\n  enabled: true\n")
    status, doc = _json(capsys, "--sample", "--config", config, "--validation-disabled")
    assert (status, doc["policy"]["disabled"]) == (0, True)


def test_target_distribution_3_gives_its_body_detail(capsys):
    status, doc = _json(capsys, "--sample", "--target", "distribution-3")
    assert status == 1
    assert doc["target"] == "distribution-3"
    assert doc["body"]["errors"][1]["detail"] == "invalid URL on layer"


def test_target_distribution_3_accepts_angle_named_groups(capsys):
    pattern = r"^https://(?<host>mcr)\.microsoft\.com/"
    assert _json(capsys, "--sample", "--allow", pattern)[0] == 3
    assert _json(capsys, "--sample", "--allow", pattern, "--target", "distribution-3")[0] == 0


def test_unknown_target_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--sample", "--target", "distribution-9"])
    captured = capsys.readouterr()
    _assert_one_line_usage_error(info.value.code, captured.out, captured.err)


# --- JSON shape --------------------------------------------------------------------------------


def test_json_keys_are_exactly_the_documented_ones(capsys):
    _, doc = _json(capsys, "--sample")
    assert list(doc) == TOP_KEYS
    assert set(doc["policy"]) == {"allow", "deny", "disabled"}
    assert doc["policyError"] is None
    for descriptor in doc["descriptors"]:
        assert set(descriptor) == DESCRIPTOR_KEYS
        for url in descriptor["urls"]:
            assert set(url) == URL_KEYS


def test_json_startup_error_has_the_same_top_level_keys(capsys):
    _, doc = _json(capsys, "--sample", "--allow", "(")
    assert list(doc) == TOP_KEYS
    assert set(doc["policyError"]) == {"list", "index", "pattern", "message"}


def test_json_descriptors_are_config_first_then_layers(capsys):
    _, doc = _json(capsys, "--sample")
    assert [(d["role"], d["index"]) for d in doc["descriptors"]] == [
        ("config", 0),
        *[("layer", i) for i in range(6)],
    ]
    layer = doc["descriptors"][1]
    assert (layer["foreign"], layer["classification"], layer["checks"]) == (
        True,
        "foreign",
        ["urls"],
    )
    assert (layer["verdict"], layer["urls"][0]["reason"]) == ("invalid-url", "not-allowed")
    assert layer["size"] == 101340070


# --- text output -------------------------------------------------------------------------------


def test_text_has_no_ansi_codes_when_not_a_terminal(capsys):
    _, out, _ = _run(capsys, "--sample")
    assert "\x1b[" not in out


def test_text_is_coloured_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    _, out, _ = _run(capsys, "--sample")
    assert "\x1b[1;31mFAIL\x1b[0m" in out
    assert "\x1b[32mPASS\x1b[0m" in out


def test_no_color_turns_colour_off_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = _run(capsys, "--sample")
    assert "\x1b[" not in out


def _long_lines(out: str) -> list[str]:
    """Lines over 80 columns, except URL lines and the body (printed whole by design)."""
    long = []
    for line in out.rstrip("\n").split("\n"):
        text = line.strip()
        if text[:2] in ("✓ ", "✗ ") or text.startswith('{"errors":'):
            continue
        if len(line) > 80:
            long.append(line)
    return long


@pytest.mark.parametrize(
    "policy",
    [(), ("--allow", MCR), ("--deny", "nanoserver"), ("--validation-disabled",)],
    ids=["default", "allow", "deny", "disabled"],
)
def test_sample_text_lines_fit_80_columns(capsys, policy):
    _, out, _ = _run(capsys, "--sample", *policy)
    assert _long_lines(out) == []


def test_sample_text_lists_every_descriptor_with_its_verdict(capsys):
    _, out, _ = _run(capsys, "--sample")
    marks = [line.split()[0:3] for line in out.split("\n") if line.startswith(("PASS", "FAIL"))]
    assert marks[0] == ["PASS", "config", "895a4b97815f"]
    assert marks[1] == ["FAIL", "layer", "0"]
    assert [m[0] for m in marks[2:]] == ["PASS"] * 5


# --- real subprocess runs ----------------------------------------------------------------------


def _subprocess(tmp_path: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "foreign_explorer", "check", *args],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )


def test_subprocess_sample_exits_1_with_the_blog_body(tmp_path):
    result = _subprocess(tmp_path, "--sample")
    assert result.returncode == 1
    assert result.stderr == b""
    assert result.stdout.decode().rstrip("\n").split("\n")[-1] == BLOG_BODY
    assert b"\x1b[" not in result.stdout


def test_subprocess_reads_stdin_and_accepts_with_mcr_allowed(tmp_path):
    result = _subprocess(tmp_path, "--file", "-", "--allow", MCR, stdin=sample_bytes())
    assert result.returncode == 0
    assert result.stdout.decode().rstrip("\n").endswith("push → 201 Created")


def test_subprocess_bad_pattern_exits_3(tmp_path):
    result = _subprocess(tmp_path, "--sample", "--allow", "(?=x)", "--format", "json")
    assert result.returncode == 3
    assert json.loads(result.stdout)["policyError"]["index"] == 0


def test_subprocess_missing_file_is_one_line_without_traceback(tmp_path):
    result = _subprocess(tmp_path, "--file", "missing.json")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1
    assert b"Traceback" not in result.stderr
