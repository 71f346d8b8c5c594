"""`check REF` against hostile registries and helpers: one line on stderr, exit 2, nothing leaks.

Each test starts from what a hostile server (the scripted fault server) or file sends and looks
at what a user sees: the bytes a `check` subprocess writes, and what the servers received.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreign_explorer.core import mediatypes as mt
from tests.servers.scripted import (
    Reply,
    Request,
    ScriptedServer,
    hostile_registry_error,
    json_reply,
    routes,
)

PATH = "/v2/team/app/manifests/v1"
MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": mt.OCI_MANIFEST,
        "config": {"mediaType": mt.OCI_CONFIG, "size": 2, "digest": "sha256:" + "c" * 64},
        "layers": [],
    }
).encode()
OCI = (("Content-Type", mt.OCI_MANIFEST),)


def _check(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_color")
    }
    clean.update({"HOME": str(tmp_path), "DOCKER_CONFIG": str(tmp_path / "no-docker")}, **env)
    return subprocess.run(
        [sys.executable, "-m", "foreign_explorer", "check", *args],
        capture_output=True,
        cwd=tmp_path,
        env=clean,
        timeout=120,
    )


def _one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode == 2, result
    assert result.stdout == b""
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    return err.removesuffix("\n")


@pytest.fixture
def fake() -> Iterator[ScriptedServer]:
    with ScriptedServer(routes({})) as server:
        yield server


@pytest.fixture
def elsewhere() -> Iterator[ScriptedServer]:
    with ScriptedServer(routes({"/token": json_reply(200, {"token": "t"})})) as server:
        yield server


def test_a_body_sent_a_byte_at_a_time_ends_at_the_timeout(
    fake: ScriptedServer, tmp_path: Path
) -> None:
    fake.handler = routes({PATH: Reply(200, MANIFEST * 100, OCI, drip=0.5)})
    ref = f"{fake.netloc}/team/app:v1"
    result = _check(tmp_path, ref, "--timeout", "2")
    assert _one_error_line(result) == (
        f"foreign-explorer check: timed out after 2 s fetching {ref} (--timeout)"
    )
    assert len(fake.requests) == 1


def test_an_endless_chunked_manifest_stops_at_4_mib(fake: ScriptedServer, tmp_path: Path) -> None:
    fake.handler = routes({PATH: Reply(200, b" " * 65536, OCI, endless=True)})
    result = _check(tmp_path, f"{fake.netloc}/team/app:v1")
    assert _one_error_line(result) == (
        f"foreign-explorer check: manifest v1 of team/app on {fake.netloc} is larger than "
        "4194304 bytes; stopped reading (registries refuse manifests over 4 MiB)"
    )


@pytest.mark.parametrize(
    "body",
    [MANIFEST[:50], b"\x00\xffgarbage", b"<html><body>Welcome</body></html>"],
    ids=["truncated", "garbage", "html"],
)
def test_a_manifest_that_is_not_json_is_one_line(
    fake: ScriptedServer, tmp_path: Path, body: bytes
) -> None:
    fake.handler = routes({PATH: Reply(200, body, OCI)})
    line = _one_error_line(_check(tmp_path, f"{fake.netloc}/team/app:v1"))
    assert line.startswith("foreign-explorer check: ")
    assert f"manifest v1 of team/app on {fake.netloc}" in line
    assert "is not valid JSON" in line or "answered an HTML page" in line


@pytest.mark.parametrize("port", ["99999", "0", "65536"])
def test_a_port_out_of_range_is_refused_before_any_request(tmp_path: Path, port: str) -> None:
    result = _check(tmp_path, f"127.0.0.1:{port}/a:b")
    assert _one_error_line(result) == (
        f"foreign-explorer check: invalid reference '127.0.0.1:{port}/a:b': registry port "
        f"'{port}' is not a TCP port (1-65535)"
    )


@pytest.mark.parametrize("status", [302, 307, 308])
def test_a_token_service_redirecting_elsewhere_never_gets_the_refresh_token(
    fake: ScriptedServer, elsewhere: ScriptedServer, tmp_path: Path, status: int
) -> None:
    challenge = f'Bearer realm="{fake.url}/token",service="fake"'

    def manifest(request: Request) -> Reply:
        return Reply(401, b"", (("WWW-Authenticate", challenge),))

    fake.handler = routes(
        {PATH: manifest, "/token": Reply(status, b"", (("Location", elsewhere.url + "/token"),))}
    )
    config = tmp_path / "docker"
    config.mkdir()
    secret = "identity-token-do-not-leak"
    (config / "config.json").write_text(
        json.dumps({"auths": {fake.netloc: {"identitytoken": secret}}})
    )
    result = _check(tmp_path, f"{fake.netloc}/team/app:v1", DOCKER_CONFIG=str(config))
    assert _one_error_line(result) == (
        f"foreign-explorer check: {fake.url} redirected the token request, which carries a "
        f"credential, to {elsewhere.url}; not following it there"
    )
    assert elsewhere.requests == []
    (post,) = fake.requests_to("/token")
    assert secret in post.body.decode()  # it went to the realm the registry named, only


def test_a_hanging_credential_helper_is_killed_with_its_children_at_the_timeout(
    fake: ScriptedServer, tmp_path: Path
) -> None:
    challenge = 'Basic realm="fake"'
    fake.handler = routes({PATH: Reply(401, b"", (("WWW-Authenticate", challenge),))})
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pidfile = tmp_path / "child.pid"
    helper = bin_dir / "docker-credential-x"
    helper.write_text(f'#!/bin/sh\nsleep 300 &\necho $! > "{pidfile}"\nwait\n')
    helper.chmod(0o755)
    config = tmp_path / "docker"
    config.mkdir()
    (config / "config.json").write_text(json.dumps({"credsStore": "x"}))
    ref = f"{fake.netloc}/team/app:v1"
    result = _check(
        tmp_path,
        ref,
        "--timeout",
        "2",
        DOCKER_CONFIG=str(config),
        PATH=f"{bin_dir}:{os.environ['PATH']}",
    )
    assert _one_error_line(result) == (
        f"foreign-explorer check: timed out after 2 s fetching {ref} (--timeout)"
    )
    child = int(pidfile.read_text())
    stat = Path(f"/proc/{child}/stat")
    # Gone, or a zombie waiting for init: either way no longer running.
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def test_registry_error_text_reaches_stderr_on_one_line_without_control_bytes(
    fake: ScriptedServer, tmp_path: Path
) -> None:
    fake.handler = routes({PATH: hostile_registry_error()})
    line = _one_error_line(_check(tmp_path, f"{fake.netloc}/team/app:v1"))
    assert "MANIFEST_UNKNOWN" in line
    assert not any(c in line for c in "\x1b\x07\x9b")


def test_an_oci_layout_whose_index_is_a_fifo_is_one_line(tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    layout.mkdir()
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    os.mkfifo(tmp_path / "scratch-fifo")
    (layout / "index.json").symlink_to(tmp_path / "scratch-fifo")
    result = _check(tmp_path, f"oci:{layout}")
    assert _one_error_line(result) == (
        f"foreign-explorer check: index {layout / 'index.json'} is a FIFO, not a regular file"
    )
