"""Manifests and OCI layouts for the app's tests (deterministic bytes, no network)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_NONDIST = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"

MCR_URL = "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:" + "6" * 64


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def fake_digest(seed: str) -> str:
    return sha(seed.encode())


def docker_manifest(layers: list[dict[str, Any]]) -> bytes:
    doc = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG, "size": 2, "digest": fake_digest("config")},
        "layers": layers,
    }
    return json.dumps(doc, indent=2).encode()


def foreign_layer(url: str = MCR_URL, digest: str | None = None) -> dict[str, Any]:
    return {
        "mediaType": DOCKER_FOREIGN,
        "size": 1000,
        "digest": digest or fake_digest(url),
        "urls": [url],
    }


def plain_layer(seed: str) -> dict[str, Any]:
    return {"mediaType": DOCKER_LAYER, "size": 831, "digest": fake_digest(seed)}


def many_layers(count: int) -> bytes:
    """`count` layers: every tenth foreign, on a few hosts, the rest plain."""
    hosts = ("mcr.microsoft.com", "example.com", "cdn.example.org")
    layers = []
    for i in range(count):
        if i % 10 == 0:
            host = hosts[(i // 10) % len(hosts)]
            layers.append(foreign_layer(f"https://{host}/blobs/{i}", fake_digest(f"f{i}")))
        else:
            layers.append(plain_layer(f"l{i}"))
    return docker_manifest(layers)


def target_sensitive_manifest() -> bytes:
    """Layer 0's digest is malformed: 2.8 never validates it there, 3.x always does."""
    return docker_manifest([foreign_layer(digest="sha256:abc"), plain_layer("a")])


class Layout:
    """An OCI image layout directory being written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')

    def blob(self, data: bytes) -> str:
        digest = sha(data)
        (self.root / "blobs" / "sha256" / digest.split(":", 1)[1]).write_bytes(data)
        return digest

    def image(self, layers: list[dict[str, Any]], history: list[str]) -> tuple[bytes, str]:
        config = {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {
                "type": "layers",
                "diff_ids": [fake_digest(f"d{i}") for i in range(len(layers))],
            },
            "history": [{"created_by": line} for line in history],
        }
        config_bytes = json.dumps(config).encode()
        config_digest = self.blob(config_bytes)
        doc = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config_bytes), "digest": config_digest},
            "layers": layers,
        }
        data = json.dumps(doc).encode()
        return data, self.blob(data)

    def index(self, children: list[tuple[bytes, str, dict[str, str]]], tag: str = "latest") -> str:
        manifests = [
            {"mediaType": OCI_MANIFEST, "size": len(data), "digest": digest, "platform": platform}
            for data, digest, platform in children
        ]
        data = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests})
        digest = self.blob(data.encode())
        top = {
            "schemaVersion": 2,
            "manifests": [
                {
                    "mediaType": OCI_INDEX,
                    "size": len(data),
                    "digest": digest,
                    "annotations": {"org.opencontainers.image.ref.name": tag},
                }
            ],
        }
        (self.root / "index.json").write_text(json.dumps(top))
        return f"oci:{self.root}:{tag}"


def windows_linux_layout(root: Path) -> str:
    """An index: windows/amd64 with one non-distributable layer on mcr, linux/amd64 without."""
    layout = Layout(root)
    windows = layout.image(
        [
            {
                "mediaType": OCI_NONDIST,
                "size": 1000,
                "digest": fake_digest("w0"),
                "urls": [MCR_URL],
            },
            {"mediaType": OCI_LAYER, "size": 10, "digest": fake_digest("w1")},
        ],
        ["Apply image 10.0.17763.615", "cmd /S /C #(nop) pause"],
    )
    linux = layout.image(
        [{"mediaType": OCI_LAYER, "size": 10, "digest": fake_digest("l0")}], ["ADD rootfs /"]
    )
    return layout.index(
        [
            (*linux, {"os": "linux", "architecture": "amd64"}),
            (*windows, {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.615"}),
        ]
    )
