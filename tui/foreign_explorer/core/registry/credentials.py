"""Where registry credentials come from, in docker's and podman's order of places.

0. a mirror list's credentials for its registry (skopeo `credentials`, regsync `user`);
1. explicit `--username` / `--password-stdin` (the user's word wins over any file);
2. docker's config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`):
   `credHelpers[host]`, else `credsStore`, run as `docker-credential-NAME get`, then
   `auths[host]` (`auth` = base64 user:password, or `identitytoken`);
3. containers' auth file (`$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`),
   whose keys may also name a repository (`host/namespace/repo`), most specific first.

A `Credential` never shows its secret: not in repr, str, logs or error messages.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foreign_explorer.core.reference import DOCKER_HUB, DOCKER_HUB_API, DOCKER_HUB_CONFIG_KEY
from foreign_explorer.core.registry.errors import CredentialError

if TYPE_CHECKING:
    import asyncio

# Docker stores identity tokens from `docker login` against OAuth registries under this user.
IDENTITY_TOKEN_USER = "<token>"
HELPER_PREFIX = "docker-credential-"
HELPER_TIMEOUT = 10.0
# A helper's answer is one small JSON object.
HELPER_OUTPUT_CAP = 64 * 1024
_DOCKER_HUB_NAMES = frozenset(
    {DOCKER_HUB, "index.docker.io", DOCKER_HUB_API, "https://index.docker.io/v1/"}
)


@dataclass(frozen=True)
class Credential:
    """A username with a password, or an identity (refresh) token. Secrets never print."""

    username: str = field(repr=False)
    password: str = field(default="", repr=False)
    identity_token: str | None = field(default=None, repr=False)
    # Where it came from, for messages: "docker config auths", "credential helper ...".
    source: str = ""

    def basic_authorization(self) -> str:
        secret = self.password if self.identity_token is None else self.identity_token
        raw = f"{self.username}:{secret}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:
        kind = "identity token" if self.identity_token is not None else "password"
        return f"Credential(<{kind} from {self.source or 'unknown source'}>)"

    __str__ = __repr__


def is_docker_hub(registry: str) -> bool:
    return registry.lower() in _DOCKER_HUB_NAMES


def _normalise_key(key: str) -> str:
    """`https://host:5000/v1/` -> `host:5000`; `host/ns/repo` stays (podman's repo keys)."""
    lowered = key.strip()
    for prefix in ("https://", "http://"):
        if lowered.lower().startswith(prefix):
            lowered = lowered[len(prefix) :].split("/", 1)[0]
            break
    lowered = lowered.rstrip("/")
    return lowered.lower()


def _decode_auth(entry: Mapping[str, object], source: str) -> Credential | None:
    token = entry.get("identitytoken")
    auth = entry.get("auth")
    username = entry.get("username")
    password = entry.get("password")
    if isinstance(auth, str) and auth:
        try:
            raw = base64.b64decode(auth, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise CredentialError(f"{source}: 'auth' is not base64 of user:password") from None
        user, sep, secret = raw.partition(":")
        if not sep:
            raise CredentialError(f"{source}: 'auth' has no ':' between user and password")
        username, password = user, secret
    if isinstance(token, str) and token:
        name = username if isinstance(username, str) and username else IDENTITY_TOKEN_USER
        return Credential(name, "", token, source)
    if isinstance(username, str) and username and isinstance(password, str):
        return Credential(username, password, None, source)
    return None


class CredentialStore:
    """Looks credentials up per (registry, repository) and remembers what it found."""

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        docker_config_dir: str | os.PathLike[str] | None = None,
        use_config_files: bool = True,
        env: Mapping[str, str] | None = None,
        helper_timeout: float = HELPER_TIMEOUT,
        per_registry: Mapping[str, Credential] | None = None,
    ) -> None:
        if (username is None) != (password is None):
            raise CredentialError("give both a username and a password, or neither")
        self._explicit = (
            Credential(username, password, None, "--username")
            if username is not None and password is not None
            else None
        )
        # A mirror list's own credentials for its registries: they win for their registry.
        self._per_registry = {k.lower(): v for k, v in (per_registry or {}).items()}
        self._env = dict(os.environ if env is None else env)
        self._docker_dir = docker_config_dir
        self._use_files = use_config_files
        self._helper_timeout = helper_timeout
        self._cache: dict[tuple[str, str], Credential | None] = {}
        # Why a source failed (a missing helper, an unreadable file), per registry.
        self.problems: dict[str, str] = {}

    # -- the config files --

    def docker_config_path(self) -> Path | None:
        if self._docker_dir is not None:
            return Path(self._docker_dir) / "config.json"
        if self._env.get("DOCKER_CONFIG"):
            return Path(self._env["DOCKER_CONFIG"]) / "config.json"
        home = self._env.get("HOME")
        return Path(home) / ".docker" / "config.json" if home else None

    def containers_auth_path(self) -> Path | None:
        if self._env.get("REGISTRY_AUTH_FILE"):
            return Path(self._env["REGISTRY_AUTH_FILE"])
        runtime = self._env.get("XDG_RUNTIME_DIR")
        return Path(runtime) / "containers" / "auth.json" if runtime else None

    @staticmethod
    def _load(path: Path | None) -> dict[str, object] | None:
        if path is None:
            return None
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CredentialError(f"cannot read {path}: {exc.strerror}") from None
        try:
            doc = json.loads(text) if text.strip() else {}
        except RecursionError:
            raise CredentialError(f"{path} is not valid JSON (nested too deeply)") from None
        except ValueError as exc:
            raise CredentialError(f"{path} is not valid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise CredentialError(f"{path} does not hold a JSON object")
        return doc

    # -- lookups --

    async def get(self, registry: str, repository: str = "") -> Credential | None:
        """The credential for `registry` (as written in the reference: `docker.io`, `host:5000`)."""
        key = (registry.lower(), repository)
        if key not in self._cache:
            self._cache[key] = await self._lookup(registry, repository)
        return self._cache[key]

    def forget(self, registry: str) -> None:
        for key in [k for k in self._cache if k[0] == registry.lower()]:
            del self._cache[key]

    async def _lookup(self, registry: str, repository: str) -> Credential | None:
        listed = self._per_registry.get(registry.lower())
        if listed is not None:
            return listed
        if self._explicit is not None:
            return self._explicit
        if not self._use_files:
            return None
        found = await self._from_docker_config(registry)
        if found is None:
            found = self._from_containers_auth(registry, repository)
        return found

    def _server_url(self, registry: str) -> str:
        return DOCKER_HUB_CONFIG_KEY if is_docker_hub(registry) else registry

    def _candidate_keys(self, registry: str) -> list[str]:
        if is_docker_hub(registry):
            return ["index.docker.io", DOCKER_HUB, DOCKER_HUB_API]
        return [registry.lower()]

    async def _from_docker_config(self, registry: str) -> Credential | None:
        path = self.docker_config_path()
        doc = self._load(path)
        if doc is None:
            return None
        source = "docker config"
        helpers = doc.get("credHelpers")
        helper = None
        if isinstance(helpers, dict):
            helper = next(
                (
                    v
                    for k, v in helpers.items()
                    if isinstance(v, str) and _normalise_key(k) in self._candidate_keys(registry)
                ),
                None,
            )
        store = doc.get("credsStore")
        if helper is None and isinstance(store, str) and store:
            helper = store
        if helper:
            found = await self._run_helper(helper, registry)
            if found is not None:
                return found
        auths = doc.get("auths")
        if isinstance(auths, dict):
            for candidate in self._candidate_keys(registry):
                for k, entry in auths.items():
                    if _normalise_key(k) == candidate and isinstance(entry, dict):
                        found = _decode_auth(entry, f"{source} auths[{k!r}]")
                        if found is not None:
                            return found
        return None

    def _from_containers_auth(self, registry: str, repository: str) -> Credential | None:
        path = self.containers_auth_path()
        doc = self._load(path)
        if doc is None or not isinstance(doc.get("auths"), dict):
            return None
        auths: dict[str, object] = doc["auths"]  # type: ignore[assignment]
        normalised = {_normalise_key(k): (k, v) for k, v in auths.items()}
        for host in self._candidate_keys(registry):
            parts = repository.split("/") if repository else []
            # Most specific first: host/a/b/c, host/a/b, host/a, host.
            for n in range(len(parts), -1, -1):
                key = "/".join([host, *parts[:n]])
                if key in normalised and isinstance(normalised[key][1], dict):
                    original, entry = normalised[key]
                    where = f"containers auth file auths[{original!r}]"
                    found = _decode_auth(entry, where)  # type: ignore[arg-type]
                    if found is not None:
                        return found
        return None

    async def _run_helper(self, name: str, registry: str) -> Credential | None:
        """`docker-credential-NAME get` with the server on stdin; None when it has nothing.

        The helper runs in a process group of its own: at its time limit (or when the fetch's
        deadline cancels the lookup) the whole group is killed, children holding its output
        pipe included.
        """
        import asyncio

        program = HELPER_PREFIX + name
        if "/" in name or "\\" in name:
            raise CredentialError(f"credential helper name {name!r} must not contain a path")
        executable = shutil.which(program, path=self._env.get("PATH"))
        if executable is None:
            self.problems[registry] = f"credential helper {program} is not on PATH"
            return None
        try:
            proc = await asyncio.create_subprocess_exec(
                executable,
                "get",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                env=self._env,
                start_new_session=True,
            )
        except OSError as exc:
            self.problems[registry] = f"credential helper {program} cannot run ({exc.strerror})"
            return None
        out = None
        try:
            async with asyncio.timeout(self._helper_timeout):
                out = await _talk(proc, self._server_url(registry).encode())
        except TimeoutError:
            self.problems[registry] = (
                f"credential helper {program} did not answer within {self._helper_timeout:g} s; "
                "stopped it and its children"
            )
            return None
        except OSError as exc:
            self.problems[registry] = f"credential helper {program} failed ({exc.strerror})"
            return None
        finally:
            if out is None:
                await _kill_group(proc)
        if out is None:
            self.problems[registry] = (
                f"credential helper {program} answered more than {HELPER_OUTPUT_CAP} bytes"
            )
            return None
        if proc.returncode != 0:
            # The helper protocol's way of saying "nothing stored for this server".
            if b"credentials not found" not in out.lower():
                self.problems[registry] = (
                    f"credential helper {program} failed (exit status {proc.returncode})"
                )
            return None
        try:
            answer = json.loads(out)
            username, secret = answer["Username"], answer["Secret"]
        except (ValueError, KeyError, TypeError, RecursionError):
            self.problems[registry] = f"credential helper {program} answered malformed JSON"
            return None
        if not isinstance(username, str) or not isinstance(secret, str) or not secret:
            return None
        source = f"credential helper {program}"
        if username == IDENTITY_TOKEN_USER:
            return Credential(username, "", secret, source)
        return Credential(username, secret, None, source)


async def _talk(proc: asyncio.subprocess.Process, server: bytes) -> bytes | None:
    """Send the server name, read at most the cap (None past it), wait for the exit."""
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(server)
        await proc.stdin.drain()
        proc.stdin.close()
    except (BrokenPipeError, ConnectionResetError):
        pass  # A helper that does not read its input may still answer.
    out = b""
    while len(out) <= HELPER_OUTPUT_CAP:
        more = await proc.stdout.read(HELPER_OUTPUT_CAP + 1 - len(out))
        if not more:
            break
        out += more
    if len(out) > HELPER_OUTPUT_CAP:
        return None
    await proc.wait()
    return out


async def _kill_group(proc: asyncio.subprocess.Process) -> None:
    """SIGKILL the helper's whole process group (it leads it), then reap the helper.

    Our ends of its pipes are closed first: asyncio (3.11) only reports the exit once every
    pipe is closed, and a pipe we stopped reading (or one a process that left the group
    still holds) would never close by itself.
    """
    import signal

    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups to kill
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    transport = getattr(proc, "_transport", None)
    if transport is not None:
        transport.close()
    await proc.wait()
