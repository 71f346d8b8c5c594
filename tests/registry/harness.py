"""Run a real distribution registry on loopback for tests: Debian's `docker-registry` (2.8.2)
or the distribution v3.1.1 `registry` binary named by FOREIGN_EXPLORER_REGISTRY3.

A `RegistryBuild` pairs one of those binaries with the profile whose predictions it must
match. One `RunningRegistry` is one `<binary> serve` process with its own config, port and
storage; a `RegistryPool` keeps one per distinct policy for a whole test session.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

import httpx
import yaml

from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile

BINARY_NAME = "docker-registry"
# A path to distribution v3.1.1's `registry` binary (it has no package to install).
REGISTRY3_ENV = "FOREIGN_EXPLORER_REGISTRY3"
STARTUP_TIMEOUT = 5.0
REQUEST_TIMEOUT = 10.0
LOG_WAIT = 2.0
# Port 5000 belongs to the distro's packaged service; never collide with it.
_FORBIDDEN_PORTS = frozenset({5000})
_PORT_ATTEMPTS = 5
_UA_PREFIX = "foreign-explorer-tests/"


class RegistryHarnessError(Exception):
    """The harness could not do what a test asked (not a registry verdict)."""


def registry_binary() -> str | None:
    """Path of `docker-registry` on PATH, or None."""
    return shutil.which(BINARY_NAME)


def registry3_binary() -> str | None:
    """The executable FOREIGN_EXPLORER_REGISTRY3 names, or None (unset, missing, not executable)."""
    path = os.environ.get(REGISTRY3_ENV, "")
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return None


def _registry3_missing() -> str:
    path = os.environ.get(REGISTRY3_ENV, "")
    if path:
        return f"{REGISTRY3_ENV}={path} is not an executable file"
    return f"{REGISTRY3_ENV} is not set"


_REGISTRY3_HOW = (
    f"point {REGISTRY3_ENV} at distribution v3.1.1's `registry` binary (README, Development, "
    "says how to take it from the registry:3 image; .ci/run unpacks the project's copy)"
)


@dataclass(frozen=True)
class RegistryBuild:
    """A registry binary the tests run, and the profile whose predictions it must match."""

    # The pytest marker of tests that need it, and the session pool fixture that runs it.
    marker: str
    pool_fixture: str
    profile: Profile
    title: str
    locate: Callable[[], str | None]
    # Without the binary: the skip message, and the failure under FOREIGN_EXPLORER_REQUIRE_REGISTRY.
    skip_message: Callable[[], str]
    required_message: Callable[[], str]


DEBIAN_2_8 = RegistryBuild(
    marker="registry",
    pool_fixture="registry_pool",
    profile=DISTRIBUTION_2_8,
    title="docker-registry 2.8.2",
    locate=registry_binary,
    skip_message=lambda: (
        "docker-registry not found; to run the tests against a real registry: "
        "apt-get install docker-registry"
    ),
    required_message=lambda: "docker-registry not found; install Debian's docker-registry package",
)
DISTRIBUTION_3_1 = RegistryBuild(
    marker="registry3",
    pool_fixture="registry3_pool",
    profile=DISTRIBUTION_3,
    title="registry v3.1.1",
    locate=registry3_binary,
    skip_message=lambda: f"{_registry3_missing()}; to run the registry:3 tests, {_REGISTRY3_HOW}",
    required_message=lambda: f"{_registry3_missing()}; {_REGISTRY3_HOW}",
)
BUILDS = (DEBIAN_2_8, DISTRIBUTION_3_1)


@dataclass(frozen=True)
class PushResult:
    """What the registry answered to one manifest PUT.

    `status` is None when the registry closed the connection without answering (its request
    handler panicked).
    """

    status: int | None
    body: bytes
    headers: httpx.Headers
    # Sent as User-Agent, so the registry log lines of this request can be found again.
    user_agent: str


def blob_digest(data: bytes) -> str:
    return "sha256:" + sha256(data).hexdigest()


def upload_url(location: str, digest: str) -> str:
    """The URL that completes a monolithic upload at `location` (with or without a query)."""
    separator = "&" if "?" in location else "?"
    return f"{location}{separator}digest={digest}"


def _free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _FORBIDDEN_PORTS:
            return port


# --- the registry's log (logrus text format: key=value, values Go-quoted when needed) -------

_GO_SIMPLE_UNESCAPES = {
    "a": 0x07,
    "b": 0x08,
    "f": 0x0C,
    "n": 0x0A,
    "r": 0x0D,
    "t": 0x09,
    "v": 0x0B,
    "\\": 0x5C,
    '"': 0x22,
    "'": 0x27,
}


def _go_unquote(text: str, start: int) -> tuple[str, int]:
    """Decode the Go double-quoted string starting at text[start]; return it and the end index."""
    out = bytearray()
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            return out.decode("utf-8", errors="replace"), i + 1
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        esc = text[i + 1]
        if esc in _GO_SIMPLE_UNESCAPES:
            out.append(_GO_SIMPLE_UNESCAPES[esc])
            i += 2
        elif esc == "x":
            out.append(int(text[i + 2 : i + 4], 16))
            i += 4
        elif esc in "uU":
            width = 4 if esc == "u" else 8
            out += chr(int(text[i + 2 : i + 2 + width], 16)).encode("utf-8", "surrogatepass")
            i += 2 + width
        elif esc in "01234567":
            out.append(int(text[i + 1 : i + 4], 8))
            i += 4
        else:
            raise RegistryHarnessError(f"bad escape in registry log: {text[i : i + 2]!r}")
    raise RegistryHarnessError(f"unterminated quoted value in registry log: {text[start:]!r}")


def parse_log_line(line: str) -> dict[str, str]:
    """One logrus text line as a dict; {} for lines that are not key=value records."""
    record: dict[str, str] = {}
    i = 0
    while i < len(line):
        if line[i] == " ":
            i += 1
            continue
        eq = line.find("=", i)
        space = line.find(" ", i)
        if eq < 0 or (0 <= space < eq):
            return {}
        key = line[i:eq]
        if eq + 1 < len(line) and line[eq + 1] == '"':
            value, i = _go_unquote(line, eq + 1)
        else:
            end = line.find(" ", eq + 1)
            end = len(line) if end < 0 else end
            value, i = line[eq + 1 : end], end
        record[key] = value
    return record if "level" in record and "msg" in record else {}


def _is_request_end(record: Mapping[str, str]) -> bool:
    return record.get("msg") in ("response completed", "response completed with error")


# --- start-up failures --------------------------------------------------------------------------


def _startup_failure_text(stderr: str, returncode: int | None) -> str:
    """The registry's own words for why it did not start (a panic, a config error, a fatal)."""
    if (at := stderr.find("panic: ")) >= 0:
        # Go prints the panic value, a blank line, then the goroutine dump.
        rest = stderr[at + len("panic: ") :]
        return rest.split("\n\ngoroutine ", 1)[0].rstrip("\n")
    if (at := stderr.find("configuration error: ")) >= 0:
        # The usage text cobra prints after the error is noise.
        return stderr[at:].split("\nUsage:", 1)[0].rstrip("\n")
    fatals = [
        record["msg"]
        for record in map(parse_log_line, stderr.splitlines())
        if record.get("level") == "fatal"
    ]
    if fatals:
        return fatals[-1]
    tail = "\n".join(stderr.splitlines()[-5:])
    return f"registry exited with status {returncode}: {tail}"


# --- one registry process -----------------------------------------------------------------------


def _base_config(port: int, rootdir: Path) -> dict[str, Any]:
    return {
        "version": 0.1,
        "log": {"level": "info"},
        "http": {"addr": f"127.0.0.1:{port}"},
        "storage": {"filesystem": {"rootdirectory": str(rootdir)}, "delete": {"enabled": True}},
    }


def _dump_yaml(doc: Mapping[str, Any]) -> str:
    # Wide lines: a folded long pattern is legal YAML but harder to read in a failure message.
    return yaml.safe_dump(dict(doc), sort_keys=False, allow_unicode=True, width=1 << 16)


def _child_env(extra: Mapping[str, str] | None) -> dict[str, str]:
    # The caller's REGISTRY_* variables would silently change the policy under test.
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update(extra or {})
    return env


def _kill(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=5)


def _cleanup(proc: subprocess.Popen[bytes] | None, workdir: str) -> None:
    try:
        _kill(proc)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class RunningRegistry:
    """`docker-registry serve` on 127.0.0.1:<free port> with a config written for one test policy.

    `validation` becomes the config's `validation:` section. `raw_config`, instead, is YAML text
    appended to the harness's own top-level keys (for YAML a dict cannot express, such as an
    empty list item); it must not repeat `version`, `log`, `http` or `storage`. `env` adds
    environment variables (e.g. REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW).

    If the registry refuses to start (a panic on a bad pattern, a config error), the process
    has exited and `startup_failure` holds its message; otherwise `startup_failure` is None.
    """

    def __init__(
        self,
        validation: Mapping[str, Any] | None = None,
        *,
        raw_config: str | None = None,
        env: Mapping[str, str] | None = None,
        binary: str | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        if validation is not None and raw_config is not None:
            raise ValueError("give either validation or raw_config, not both")
        found = binary or registry_binary()
        if found is None:
            raise RegistryHarnessError(f"{BINARY_NAME} not found on PATH")
        self._binary = found
        self._validation = validation
        self._raw_config = raw_config
        self._env = dict(env or {})
        self._workdir = tempfile.mkdtemp(prefix="foreign-explorer-registry-")
        self._final_log: bytes | None = None
        self._log_lock = threading.Lock()
        self._log_offset = 0
        self._records: list[dict[str, str]] = []
        self._repo_counter = 0
        self._repo_lock = threading.Lock()
        self.port = 0
        self.startup_failure: str | None = None
        self.startup_seconds: float = 0.0
        self._client = httpx.Client(timeout=REQUEST_TIMEOUT, trust_env=False)
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[Any, RunningRegistry] | None = None
        try:
            self._start(startup_timeout)
        except BaseException:
            self.stop()
            raise

    # -- life cycle --

    @property
    def _dir(self) -> Path:
        return Path(self._workdir)

    @property
    def config_path(self) -> Path:
        return self._dir / "config.yml"

    @property
    def _stderr_path(self) -> Path:
        return self._dir / "registry.log"

    def config_text(self, port: int) -> str:
        """The exact config.yml this registry runs with."""
        text = _dump_yaml(_base_config(port, self._dir / "storage"))
        if self._validation is not None:
            text += _dump_yaml({"validation": self._validation})
        if self._raw_config is not None:
            text += self._raw_config if self._raw_config.endswith("\n") else self._raw_config + "\n"
        return text

    def _start(self, timeout: float) -> None:
        for _ in range(_PORT_ATTEMPTS):
            self.port = _free_port()
            self.config_path.write_text(self.config_text(self.port), encoding="utf-8")
            began = time.monotonic()
            self._launch()
            if self._wait_ready(timeout):
                self.startup_seconds = time.monotonic() - began
                return
            stderr = self.log_text()
            if "address already in use" not in stderr:
                self.startup_failure = _startup_failure_text(stderr, self._returncode())
                return
        raise RegistryHarnessError(f"no free port after {_PORT_ATTEMPTS} attempts")

    def _launch(self) -> None:
        _kill(self._proc)
        with self._log_lock:
            self._log_offset, self._records = 0, []
        with (
            open(self._stderr_path, "wb") as stderr,
            open(self._dir / "access.log", "wb") as stdout,
        ):
            self._proc = subprocess.Popen(
                [self._binary, "serve", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                env=_child_env(self._env),
                cwd=self._workdir,
            )
        if self._finalizer is not None:
            self._finalizer.detach()
        # Kills the process and removes the temp dir even if nobody calls stop().
        self._finalizer = weakref.finalize(self, _cleanup, self._proc, self._workdir)

    def _returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/v2/"
        # Only our process logs this after binding; without it, /v2/ could be someone else's.
        listening = f'msg="listening on 127.0.0.1:{self.port}"'
        while time.monotonic() < deadline:
            if self._returncode() is not None:
                return False
            if listening not in self.log_text():
                time.sleep(0.01)
                continue
            try:
                if self._client.get(url, timeout=0.5).status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.01)
        if self._returncode() is not None:
            return False
        tail = "\n".join(self.log_text().splitlines()[-5:])
        raise RegistryHarnessError(f"registry did not answer GET /v2/ within {timeout}s: {tail}")

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """Kill the process and remove its temp dir; the log stays readable."""
        _kill(self._proc)
        if self._final_log is None:
            self._final_log = self._log_bytes()
        self._client.close()
        if self._finalizer is not None:
            self._finalizer()
        else:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> RunningRegistry:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses --

    @property
    def base_url(self) -> str:
        if self.startup_failure is not None:
            raise RegistryHarnessError(f"registry did not start: {self.startup_failure}")
        return f"http://127.0.0.1:{self.port}"

    def new_repo(self, hint: str = "t") -> str:
        """A repository name no other caller of this registry gets (blobs are linked per repo)."""
        clean = "".join(c if c.isascii() and c.isalnum() else "-" for c in hint.lower()).strip("-")
        with self._repo_lock:
            self._repo_counter += 1
            return f"fe/{clean or 't'}-{self._repo_counter}"

    # -- the log --

    def _log_bytes(self) -> bytes:
        if self._final_log is not None:
            return self._final_log
        try:
            return self._stderr_path.read_bytes()
        except FileNotFoundError:
            return b""

    def log_text(self) -> str:
        """Everything the registry wrote to stderr."""
        return self._log_bytes().decode("utf-8", errors="replace")

    def log_records(self) -> list[dict[str, str]]:
        """Every key=value record of the log so far (parsed once: pooled logs grow long)."""
        with self._log_lock:
            fresh = self._log_bytes()[self._log_offset :]
            complete = fresh[: fresh.rfind(b"\n") + 1]  # a line still being written waits
            self._log_offset += len(complete)
            for line in complete.decode("utf-8", errors="replace").splitlines():
                if record := parse_log_line(line):
                    self._records.append(record)
            return list(self._records)

    def log_errors(self, push: PushResult | None = None) -> list[str]:
        """The `err.message` values logged for one request, in order.

        The request is `push` when given (found by its User-Agent), else the last request the
        registry logged as completed. A request that succeeded gives [].
        """
        records = self.log_records()
        if push is not None:
            mine = self._records_of(push.user_agent, records)
        else:
            ends = [r for r in records if _is_request_end(r)]
            if not ends:
                return []
            request_id = ends[-1].get("http.request.id")
            mine = [r for r in records if r.get("http.request.id") == request_id]
        return [r["err.message"] for r in mine if "err.message" in r]

    def _records_of(self, user_agent: str, records: list[dict[str, str]]) -> list[dict[str, str]]:
        # The registry logs before it finishes the response, but a slow disk must not flake.
        deadline = time.monotonic() + LOG_WAIT
        while True:
            mine = [r for r in records if r.get("http.request.useragent") == user_agent]
            if any(map(_is_request_end, mine)) or time.monotonic() > deadline:
                return mine
            time.sleep(0.01)
            records = self.log_records()

    # -- pushing --

    def _url(self, path: str) -> str:
        return self.base_url + path

    def push_blob(self, repo: str, data: bytes) -> str:
        """Upload `data` to `repo` (POST, then a monolithic PUT); return its digest."""
        digest = blob_digest(data)
        started = self._client.post(self._url(f"/v2/{repo}/blobs/uploads/"))
        if started.status_code != 202 or "location" not in started.headers:
            raise RegistryHarnessError(
                f"blob upload start: {started.status_code} {started.content!r}"
            )
        location = str(started.url.join(started.headers["location"]))
        done = self._client.put(
            upload_url(location, digest),
            content=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        if done.status_code != 201:
            raise RegistryHarnessError(f"blob upload: {done.status_code} {done.content!r}")
        return digest

    def push_manifest(self, repo: str, ref: str, body: bytes, media_type: str) -> PushResult:
        """PUT `body` as /v2/<repo>/manifests/<ref> with `media_type` as Content-Type."""
        user_agent = _UA_PREFIX + uuid.uuid4().hex
        try:
            response = self._client.put(
                self._url(f"/v2/{repo}/manifests/{ref}"),
                content=body,
                headers={"Content-Type": media_type, "User-Agent": user_agent},
            )
        except httpx.RemoteProtocolError:
            # The handler panicked: Go's server drops the connection, the process lives on.
            if not self.is_running():
                raise
            return PushResult(None, b"", httpx.Headers(), user_agent)
        return PushResult(response.status_code, response.content, response.headers, user_agent)


# --- one process per policy for a whole session -------------------------------------------------


def policy_key(
    validation: Mapping[str, Any] | None,
    raw_config: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """A canonical text for a policy: equal policies, equal keys (dict order does not count)."""
    return json.dumps(
        {"validation": validation, "raw_config": raw_config, "env": dict(env or {})},
        sort_keys=True,
        ensure_ascii=False,
    )


class RegistryPool:
    """Registries keyed by policy; safe to call from many threads; `close()` stops them all."""

    def __init__(self, binary: str | None = None) -> None:
        self._binary = binary
        self._lock = threading.Lock()
        self._slots: dict[str, _Slot] = {}
        self._closed = False

    def registry_for(
        self,
        validation: Mapping[str, Any] | None = None,
        *,
        raw_config: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> RunningRegistry:
        key = policy_key(validation, raw_config, env)
        with self._lock:
            if self._closed:
                raise RegistryHarnessError("registry pool is closed")
            slot = self._slots.setdefault(key, _Slot())
        # One lock per policy: different policies start in parallel, equal ones start once.
        with slot.lock:
            if slot.registry is None:
                slot.registry = RunningRegistry(
                    validation, raw_config=raw_config, env=env, binary=self._binary
                )
            registry = slot.registry
        if registry.startup_failure is None and not registry.is_running():
            tail = "\n".join(registry.log_text().splitlines()[-5:])
            raise RegistryHarnessError(f"pooled registry for {key} died: {tail}")
        return registry

    def close(self) -> None:
        with self._lock:
            self._closed = True
            slots = list(self._slots.values())
        for slot in slots:
            with slot.lock:
                if slot.registry is not None:
                    slot.registry.stop()


class _Slot:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.registry: RunningRegistry | None = None
