"""Credential sources in docker's and podman's order, and secrets that never show."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import stat
from pathlib import Path

import pytest

from foreign_explorer.core.registry.credentials import Credential, CredentialStore
from foreign_explorer.core.registry.errors import CredentialError

HELPER = """#!/bin/sh
read server
printf '%s\\n' "$server" >> "{log}"
case "$server" in
  {known}) printf '{{"ServerURL":"%s","Username":"{user}","Secret":"{secret}"}}' "$server" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"""


def _auth(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def _docker_config(directory: Path, doc: dict[str, object]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(doc), encoding="utf-8")
    return directory


def _helper(
    bin_dir: Path, name: str, known: str, user: str = "helper-user", secret: str = "helper-secret"
) -> Path:
    """A fake `docker-credential-NAME` that logs the server it was asked for."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    log = bin_dir / f"{name}.log"
    script = bin_dir / f"docker-credential-{name}"
    script.write_text(HELPER.format(log=log, known=known, user=user, secret=secret))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {"HOME": str(tmp_path / "home"), "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    env.update(extra)
    return env


async def test_docker_config_auths_give_user_and_password(tmp_path: Path) -> None:
    config = _docker_config(
        tmp_path / "docker",
        {"auths": {"https://registry.example:5000/v1/": {"auth": _auth("alice", "pa:ss")}}},
    )
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)))
    found = await store.get("registry.example:5000", "team/app")
    assert found is not None
    assert (found.username, found.password, found.identity_token) == ("alice", "pa:ss", None)
    assert await store.get("other.example") is None


async def test_home_docker_config_is_read_without_docker_config(tmp_path: Path) -> None:
    _docker_config(tmp_path / "home" / ".docker", {"auths": {"ghcr.io": {"auth": _auth("b", "c")}}})
    found = await CredentialStore(env=_env(tmp_path)).get("ghcr.io")
    assert found is not None and found.username == "b"


async def test_docker_hub_credentials_live_under_the_index_url(tmp_path: Path) -> None:
    config = _docker_config(
        tmp_path / "docker",
        {"auths": {"https://index.docker.io/v1/": {"auth": _auth("hubuser", "hubpass")}}},
    )
    found = await CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config))).get("docker.io")
    assert found is not None and found.password == "hubpass"


async def test_identity_token_entry_is_an_identity_token(tmp_path: Path) -> None:
    config = _docker_config(
        tmp_path / "docker", {"auths": {"acr.example": {"auth": "", "identitytoken": "idtok"}}}
    )
    found = await CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config))).get("acr.example")
    assert found is not None
    assert found.identity_token == "idtok"
    assert found.username == "<token>"


async def test_cred_helper_for_the_host_is_asked_with_the_server_on_stdin(tmp_path: Path) -> None:
    log = _helper(tmp_path / "bin", "test", known="registry.example")
    config = _docker_config(
        tmp_path / "docker",
        {
            "credHelpers": {"registry.example": "test"},
            "auths": {"registry.example": {"auth": _auth("stale", "stale")}},
        },
    )
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)))
    found = await store.get("registry.example")
    assert found is not None
    assert (found.username, found.password) == ("helper-user", "helper-secret")
    assert found.source == "credential helper docker-credential-test"
    assert log.read_text().splitlines() == ["registry.example"]


async def test_creds_store_serves_docker_hub_under_the_index_url(tmp_path: Path) -> None:
    log = _helper(tmp_path / "bin", "store", known="https://index.docker.io/v1/", user="<token>")
    config = _docker_config(tmp_path / "docker", {"credsStore": "store"})
    found = await CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config))).get("docker.io")
    assert found is not None
    assert found.identity_token == "helper-secret"
    assert log.read_text().splitlines() == ["https://index.docker.io/v1/"]


async def test_helper_without_credentials_falls_back_to_auths(tmp_path: Path) -> None:
    _helper(tmp_path / "bin", "store", known="elsewhere.example")
    config = _docker_config(
        tmp_path / "docker",
        {"credsStore": "store", "auths": {"registry.example": {"auth": _auth("from", "auths")}}},
    )
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)))
    found = await store.get("registry.example")
    assert found is not None and found.username == "from"
    assert store.problems == {}


async def test_missing_helper_is_remembered_as_a_problem_not_raised(tmp_path: Path) -> None:
    config = _docker_config(tmp_path / "docker", {"credsStore": "desktop"})
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)))
    assert await store.get("registry.example") is None
    assert store.problems == {
        "registry.example": "credential helper docker-credential-desktop is not on PATH"
    }


async def test_failing_helper_is_remembered_without_its_output(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker-credential-broken"
    script.write_text("#!/bin/sh\necho 'secret-ish output'\nexit 3\n")
    script.chmod(0o755)
    config = _docker_config(tmp_path / "docker", {"credsStore": "broken"})
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)))
    assert await store.get("registry.example") is None
    assert store.problems["registry.example"] == (
        "credential helper docker-credential-broken failed (exit status 3)"
    )


async def test_containers_auth_file_prefers_the_most_specific_repository_key(
    tmp_path: Path,
) -> None:
    auth_file = tmp_path / "auth.json"
    auth_file.write_text(
        json.dumps(
            {
                "auths": {
                    "quay.example": {"auth": _auth("host", "h")},
                    "quay.example/team": {"auth": _auth("team", "t")},
                    "quay.example/team/app": {"auth": _auth("app", "a")},
                }
            }
        )
    )
    store = CredentialStore(env=_env(tmp_path, REGISTRY_AUTH_FILE=str(auth_file)))
    for repository, user in (("team/app", "app"), ("team/other", "team"), ("solo", "host")):
        found = await store.get("quay.example", repository)
        assert found is not None and found.username == user, repository


async def test_xdg_runtime_dir_auth_json_is_the_podman_default(tmp_path: Path) -> None:
    runtime = tmp_path / "run"
    (runtime / "containers").mkdir(parents=True)
    (runtime / "containers" / "auth.json").write_text(
        json.dumps({"auths": {"docker.io": {"auth": _auth("podman", "p")}}})
    )
    store = CredentialStore(env=_env(tmp_path, XDG_RUNTIME_DIR=str(runtime)))
    found = await store.get("docker.io", "library/alpine")
    assert found is not None and found.username == "podman"


async def test_docker_config_comes_before_the_containers_auth_file(tmp_path: Path) -> None:
    config = _docker_config(
        tmp_path / "docker", {"auths": {"r.example": {"auth": _auth("d", "1")}}}
    )
    auth_file = tmp_path / "auth.json"
    auth_file.write_text(json.dumps({"auths": {"r.example": {"auth": _auth("p", "2")}}}))
    env = _env(tmp_path, DOCKER_CONFIG=str(config), REGISTRY_AUTH_FILE=str(auth_file))
    found = await CredentialStore(env=env).get("r.example")
    assert found is not None and found.username == "d"


async def test_explicit_username_and_password_win(tmp_path: Path) -> None:
    config = _docker_config(
        tmp_path / "docker", {"auths": {"r.example": {"auth": _auth("d", "1")}}}
    )
    store = CredentialStore(
        username="cli", password="from-stdin", env=_env(tmp_path, DOCKER_CONFIG=str(config))
    )
    found = await store.get("r.example")
    assert found is not None and (found.username, found.source) == ("cli", "--username")


async def test_config_files_can_be_ignored(tmp_path: Path) -> None:
    config = _docker_config(
        tmp_path / "docker", {"auths": {"r.example": {"auth": _auth("d", "1")}}}
    )
    env = _env(tmp_path, DOCKER_CONFIG=str(config))
    assert await CredentialStore(env=env, use_config_files=False).get("r.example") is None


def test_username_without_password_is_refused() -> None:
    with pytest.raises(CredentialError, match="both a username and a password"):
        CredentialStore(username="only", env={})


async def test_malformed_config_is_a_one_line_error(tmp_path: Path) -> None:
    directory = tmp_path / "docker"
    directory.mkdir()
    (directory / "config.json").write_text("{not json")
    with pytest.raises(CredentialError) as caught:
        await CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(directory))).get("r.example")
    assert "config.json is not valid JSON" in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_bad_base64_auth_is_named_without_the_value(tmp_path: Path) -> None:
    config = _docker_config(tmp_path / "docker", {"auths": {"r.example": {"auth": "bm9jb2xvbg=="}}})
    with pytest.raises(CredentialError) as caught:
        await CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config))).get("r.example")
    assert "'auth' has no ':' between user and password" in str(caught.value)
    assert "bm9jb2xvbg" not in str(caught.value) and "nocolon" not in str(caught.value)


def test_credential_never_shows_its_secret() -> None:
    credential = Credential("alice", "hunter2-secret", None, "--username")
    token = Credential("<token>", "", "identity-secret", "docker config")
    for shown in (repr(credential), str(credential), repr(token), f"{token}", repr([credential])):
        assert "hunter2-secret" not in shown and "identity-secret" not in shown
        assert "alice" not in shown
    assert credential.basic_authorization() == "Basic " + _auth("alice", "hunter2-secret")
    assert token.basic_authorization() == "Basic " + _auth("<token>", "identity-secret")


# A helper that hands its output pipe to a child which outlives it: reading to EOF would wait
# as long as the child sleeps.
PIPE_HOLDING_HELPER = """#!/bin/sh
sleep 300 &
echo $! > "{pidfile}"
{then}
"""


def _pipe_holding_helper(tmp_path: Path, then: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    pidfile = tmp_path / "child.pid"
    script = bin_dir / "docker-credential-x"
    script.write_text(PIPE_HOLDING_HELPER.format(pidfile=pidfile, then=then))
    script.chmod(0o755)
    _docker_config(tmp_path / "docker", {"credsStore": "x"})
    return pidfile


def _running(pid: int) -> bool:
    """True while `pid` runs (a zombie nobody reaped yet has stopped running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


async def _gone(pid: int) -> bool:
    # SIGKILL is delivered asynchronously; give the kernel a moment, not a timing assertion.
    for _ in range(200):
        if not _running(pid):
            return True
        await asyncio.sleep(0.025)
    return False


@pytest.mark.parametrize("then", ["exit 0", "sleep 300"])
async def test_helper_whose_child_holds_the_pipe_is_killed_with_its_group(
    tmp_path: Path, then: str
) -> None:
    pidfile = _pipe_holding_helper(tmp_path, then)
    env = _env(tmp_path, DOCKER_CONFIG=str(tmp_path / "docker"))
    store = CredentialStore(env=env, helper_timeout=0.5)
    assert await store.get("registry.example") is None
    child = int(pidfile.read_text())
    assert await _gone(child)
    assert store.problems["registry.example"] == (
        "credential helper docker-credential-x did not answer within 0.5 s; "
        "stopped it and its children"
    )


async def test_a_fetch_deadline_cancelling_the_lookup_kills_the_helper_group(
    tmp_path: Path,
) -> None:
    pidfile = _pipe_holding_helper(tmp_path, "sleep 300")
    env = _env(tmp_path, DOCKER_CONFIG=str(tmp_path / "docker"))
    store = CredentialStore(env=env, helper_timeout=60)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(store.get("registry.example"), 0.5)
    assert await _gone(int(pidfile.read_text()))


async def test_helper_flooding_its_output_is_stopped_at_the_cap(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker-credential-flood"
    script.write_text("#!/bin/sh\nexec yes\n")
    script.chmod(0o755)
    config = _docker_config(tmp_path / "docker", {"credsStore": "flood"})
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)), helper_timeout=30)
    assert await store.get("registry.example") is None
    assert store.problems["registry.example"] == (
        "credential helper docker-credential-flood answered more than 65536 bytes"
    )


async def test_a_child_that_left_the_helper_group_cannot_hang_the_lookup(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker-credential-x"
    # setsid: a session of its own, out of reach of the group kill, still holding the pipe.
    script.write_text(f'#!/bin/sh\nsetsid sleep 300 &\necho $! > "{pidfile}"\nexit 0\n')
    script.chmod(0o755)
    config = _docker_config(tmp_path / "docker", {"credsStore": "x"})
    store = CredentialStore(env=_env(tmp_path, DOCKER_CONFIG=str(config)), helper_timeout=0.5)
    try:
        assert await store.get("registry.example") is None
        assert "did not answer within 0.5 s" in store.problems["registry.example"]
    finally:
        if pidfile.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pidfile.read_text()), signal.SIGKILL)
