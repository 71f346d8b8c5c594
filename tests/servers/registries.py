"""The real registry in the modes the harness does not start: TLS, htpasswd, token auth.

They serve a storage directory shared with a plain registry from the harness's pool, so tests
push there (no auth needed) and read through the authenticated or TLS front ends.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import yaml

from tests.registry.harness import RunningRegistry
from tests.servers.certs import KeyPair

# bcrypt (cost 4) of HTPASSWD_PASSWORD, made once with libxcrypt; registry 2.8 accepts $2b$.
HTPASSWD_USER = "fe-user"
HTPASSWD_PASSWORD = "fe-secret-pass"
HTPASSWD_HASH = "$2b$04$weC1yOv4JX6X4aV6q2Z/6.1c47JStg3qRd3CM2KIsQqEeHrkUXEu."


def storage_of(registry: RunningRegistry) -> Path:
    """The filesystem storage root a running registry was configured with."""
    config = yaml.safe_load(registry.config_path.read_text(encoding="utf-8"))
    return Path(config["storage"]["filesystem"]["rootdirectory"])


class FrontEndRegistry(RunningRegistry):
    """`docker-registry serve` over an existing storage root, with TLS and/or an auth section."""

    def __init__(
        self,
        storage: Path,
        *,
        tls: KeyPair | None = None,
        auth: dict[str, Any] | None = None,
    ) -> None:
        self._storage = storage
        self._tls = tls
        self._auth = auth
        super().__init__(None)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def config_text(self, port: int) -> str:
        http: dict[str, Any] = {"addr": f"127.0.0.1:{port}"}
        if self._tls is not None:
            http["tls"] = {
                "certificate": str(self._tls.cert_path),
                "key": str(self._tls.key_path),
            }
        doc: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "info"},
            "http": http,
            "storage": {"filesystem": {"rootdirectory": str(self._storage)}},
        }
        if self._auth is not None:
            doc["auth"] = self._auth
        return yaml.safe_dump(doc, sort_keys=False)

    def _wait_ready(self, timeout: float) -> bool:
        # Every request gets 401 (auth) or needs TLS, so readiness is "the port accepts".
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._returncode() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.01)
        return False


def htpasswd_auth(directory: Path) -> dict[str, Any]:
    path = directory / "htpasswd"
    path.write_text(f"{HTPASSWD_USER}:{HTPASSWD_HASH}\n", encoding="utf-8")
    return {"htpasswd": {"realm": "fe-basic-realm", "path": str(path)}}


def token_auth(realm: str, service: str, issuer: str, keys: KeyPair) -> dict[str, Any]:
    return {
        "token": {
            "realm": realm,
            "service": service,
            "issuer": issuer,
            "rootcertbundle": str(keys.cert_path),
        }
    }
