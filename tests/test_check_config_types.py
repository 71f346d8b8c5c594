"""`check --config` and `export --merge-into` with a config the registry cannot decode: a value
that does not fit its Go field stops the registry, so check exits 3 in one line with yaml.v2's
words and a merge refuses, as for any other configuration the registry cannot read."""

from __future__ import annotations

import json
from pathlib import Path

from foreign_explorer.cli import main

CONFIG = (
    "version: 0.1\nhttp:\n  addr: [1]\nvalidation:\n  manifests:\n    urls:\n      allow:\n"
    "        - ^https://mcr\\.microsoft\\.com/\n"
)
WORDS = "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string"


def _config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_list_into_http_addr_stops_the_registry_exit_3_in_one_line(capsys, tmp_path):
    status = main(["check", "--sample", "--config", str(_config(tmp_path))])
    out = capsys.readouterr().out
    assert status == 3
    assert out == "registry would not start: config: " + WORDS.replace("\n", "\\n") + "\n"


def test_the_json_message_is_the_registrys_text(capsys, tmp_path):
    status = main(["check", "--sample", "--config", str(_config(tmp_path)), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert status == 3
    assert doc["policyError"]["message"] == "config: " + WORDS
    assert doc["status"] is None


def test_only_the_release_line_that_reads_the_field_stops(capsys, tmp_path):
    # tags exists on 3.x only: 2.8 ignores the key and starts.
    config = str(_config(tmp_path, "tags: {maxtags: x}\nvalidation: {disabled: true}\n"))
    assert main(["check", "--sample", "--config", config]) == 0
    assert main(["check", "--sample", "--config", config, "--target", "distribution-3"]) == 3
    out = capsys.readouterr().out.splitlines()[-1]
    assert out.endswith("line 1: cannot unmarshal !!str `x` into int")


def test_values_the_registry_takes_are_still_accepted(capsys, tmp_path):
    text = "http: {secret: 123, draintimeout: 5}\nlog: {accesslog: {disabled: yes}}\n"
    config = str(
        _config(tmp_path, text + CONFIG.removeprefix("version: 0.1\nhttp:\n  addr: [1]\n"))
    )
    assert main(["check", "--sample", "--config", config]) == 0


def test_merge_into_a_config_with_a_type_error_is_refused_in_one_line(capsys, tmp_path):
    path = _config(tmp_path)
    status = main(["export", "--allow", "^https://x/", "--merge-into", str(path)])
    captured = capsys.readouterr()
    assert (status, captured.out) == (2, "")
    assert captured.err == (
        f"foreign-explorer export: {path}: the registry cannot read its validation section "
        "(yaml: unmarshal errors: line 3: cannot unmarshal !!seq into string): fix it by hand; "
        "nothing written\n"
    )
    assert path.read_text(encoding="utf-8") == CONFIG
