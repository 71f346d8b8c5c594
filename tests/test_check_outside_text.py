"""`check` shows what strangers wrote without obeying it, and never dies with a traceback.

Every hostile input here starts as bytes a registry, a file or a user could hand over; the
assertions are on what reaches stdout and stderr.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foreign_explorer.cli import main
from foreign_explorer.commands import check as check_module
from foreign_explorer.core.visible import is_visible

FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
DIGEST = "sha256:" + "a" * 64
OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
HOSTILE_URL = f"https://mcr.microsoft.com/{OSC_TITLE}{CLEAR}{OSC8}\u202etxt.exe\x9b2J"
# The colour codes check itself writes on a terminal.
OUR_CODES = ("\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m")
OUR_CODES += ("\x1b[1;31m", "\x1b[1;32m", "\x1b[1;33m")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _manifest(url: str = HOSTILE_URL, media_type: str = FOREIGN, digest: str = DIGEST) -> dict:
    return {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": DIGEST,
        },
        "layers": [{"mediaType": media_type, "size": 10, "digest": digest, "urls": [url]}],
    }


def _without_our_codes(text: str) -> str:
    for code in OUR_CODES:
        text = text.replace(code, "")
    return text


def _no_raw_control(text: str) -> bool:
    return is_visible(_without_our_codes(text).replace("\n", ""))


def _check(monkeypatch, capsys, tmp_path, document, *args, colour=False):
    path = tmp_path / "manifest.json"
    path.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = _Tty() if colour else io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    status = main(["check", "--file", str(path), *args])
    return status, out.getvalue(), capsys.readouterr().err


def test_a_title_clear_and_hyperlink_in_a_url_are_shown_escaped(monkeypatch, capsys, tmp_path):
    status, out, err = _check(monkeypatch, capsys, tmp_path, _manifest())
    assert status == 1
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x1b]8;;https://evil.example/" in out
    assert "\\u202etxt.exe\\x9b2J" in out
    assert _no_raw_control(out) and err == ""


def test_on_a_terminal_only_our_colours_are_raw(monkeypatch, capsys, tmp_path):
    _, out, _ = _check(monkeypatch, capsys, tmp_path, _manifest(), colour=True)
    assert "\x1b[1;31mFAIL\x1b[0m" in out
    assert _no_raw_control(out)


def test_json_escapes_c1_and_bidi_and_decodes_to_the_manifests_url(monkeypatch, capsys, tmp_path):
    _, out, _ = _check(monkeypatch, capsys, tmp_path, _manifest(), "--format", "json")
    assert is_visible(out.replace("\n", ""))
    assert "\\u009b" in out and "\\u202e" in out
    url = json.loads(out)["descriptors"][1]["urls"][0]["url"]
    assert url == HOSTILE_URL


def test_a_pattern_go_rejects_is_quoted_escaped_in_the_startup_error(monkeypatch, capsys, tmp_path):
    status, out, _ = _check(
        monkeypatch, capsys, tmp_path, _manifest(), "--allow", "(?=\x1b]0;x\x07)"
    )
    assert status == 3
    assert out.startswith("registry would not start: ")
    assert _no_raw_control(out)


def test_an_index_file_lists_hostile_platform_fields_escaped(monkeypatch, capsys, tmp_path):
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "size": 10,
                "digest": DIGEST,
                "platform": {"os": f"windows{OSC_TITLE}", "architecture": "amd64\u202e"},
            }
        ],
    }
    status, out, err = _check(monkeypatch, capsys, tmp_path, index, "--format", "json")
    assert status in (0, 1)
    assert _no_raw_control(out) and _no_raw_control(err)


_FIELD = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    [OSC_TITLE, CLEAR, "\u202e", "\x9b", "\x7f", "[/oops]", "\r\n", "\x00"]
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=_FIELD, media_type=_FIELD, digest=_FIELD, colour=st.booleans(), fmt=st.booleans())
def test_any_string_in_any_field_never_reaches_the_terminal_raw(
    monkeypatch, capsys, tmp_path, url, media_type, digest, colour, fmt
):
    document = _manifest(url, media_type or FOREIGN, digest)
    args = ("--format", "json") if fmt else ()
    status, out, err = _check(monkeypatch, capsys, tmp_path, document, *args, colour=colour)
    assert status in (0, 1, 2)
    assert _no_raw_control(out)
    assert _no_raw_control(err)
    if fmt and status != 2:
        assert json.loads(out)["descriptors"][1]["urls"][0]["url"] == url


def test_a_manifest_from_an_endless_device_is_one_line(capsys, zero_device):
    assert main(["check", "--file", str(zero_device)]) == 2
    err = capsys.readouterr().err
    assert err == f"foreign-explorer check: {zero_device}: manifest larger than 4.0 MiB; refused\n"


def test_a_config_from_an_endless_device_is_one_line(capsys, zero_device):
    assert main(["check", "--sample", "--config", str(zero_device)]) == 2
    assert capsys.readouterr().err.endswith("config larger than 4.0 MiB; refused\n")


def _run(args: list[str], stdin_closed: bool = False, stdin: bytes = b"") -> tuple[int, str]:
    command = [sys.executable, "-m", "foreign_explorer", *args]
    if stdin_closed:
        command = ["sh", "-c", 'exec "$@" <&-', "sh", *command]
    proc = subprocess.run(command, input=None if stdin_closed else stdin, capture_output=True)
    return proc.returncode, proc.stderr.decode()


def test_a_closed_stdin_for_file_dash_is_one_line():
    status, err = _run(["check", "--file", "-"], stdin_closed=True)
    assert (status, err) == (
        2,
        "foreign-explorer check: cannot read manifest from standard input: it is closed\n",
    )


def test_an_empty_stdin_is_not_a_manifest():
    status, err = _run(["check", "--file", "-"])
    assert (status, err) == (2, "foreign-explorer check: standard input: manifest is empty\n")


def test_an_empty_password_on_stdin_is_refused_before_any_request():
    status, err = _run(
        ["check", "127.0.0.1:9/a:b", "--username", "u", "--password-stdin"], stdin=b"\n"
    )
    assert status == 2
    assert err == (
        "foreign-explorer check: --password-stdin: standard input held no password "
        "(empty line or no input)\n"
    )


def test_a_closed_stdin_for_the_password_is_one_line():
    status, err = _run(
        ["check", "127.0.0.1:9/a:b", "-u", "u", "--password-stdin"], stdin_closed=True
    )
    assert (status, err) == (
        2,
        "foreign-explorer check: --password-stdin: standard input is closed\n",
    )


def test_an_unexpected_error_is_one_line_and_exit_4(monkeypatch, capsys):
    def broken(*_args, **_kwargs):
        raise RuntimeError("engine\nexploded \x1b[2J")

    monkeypatch.setattr(check_module, "evaluate_manifest", broken)
    monkeypatch.delenv("FOREIGN_EXPLORER_DEBUG", raising=False)
    assert main(["check", "--sample"]) == 4
    assert capsys.readouterr().err == (
        "foreign-explorer: internal error: RuntimeError: engine; "
        "run with FOREIGN_EXPLORER_DEBUG=1 for the traceback\n"
    )


def test_debug_shows_the_traceback_of_an_unexpected_error(monkeypatch, capsys):
    def broken(*_args, **_kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(check_module, "evaluate_manifest", broken)
    monkeypatch.setenv("FOREIGN_EXPLORER_DEBUG", "1")
    assert main(["check", "--sample"]) == 4
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.endswith("for the traceback\n")


def test_suggest_names_a_hostile_url_it_cannot_fix_escaped(monkeypatch, capsys, tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(_manifest(url=f"ftp://evil.example/{OSC_TITLE}\u202e")))
    status = main(["suggest", "--file", str(path)])
    captured = capsys.readouterr()
    assert status == 1
    assert "ftp://evil.example/\\x1b]0;pwned\\x07\\u202e" in captured.err
    assert _no_raw_control(captured.out) and _no_raw_control(captured.err)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--sample", "--bogus\x1b]0;pwned\x07"],
        ["check", "--sample", "--f=\x1b[2J"],
        ["export", "--f=\x1b[2J\u202e"],
        ["suggest", "--sample", "--bogus", "two\x9b\u202e"],
    ],
)
def test_an_argument_echoed_by_a_usage_error_is_escaped(capsys, args):
    try:
        status = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and _no_raw_control(err)
