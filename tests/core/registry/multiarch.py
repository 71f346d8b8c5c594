"""Multi-arch test images: a Docker manifest list and an OCI index over real child manifests.

Children: linux/amd64, linux/arm64/v8, and three windows/amd64 builds (10.0.17763 at two
revisions, 10.0.14393), each Windows child carrying a foreign layer on mcr.microsoft.com.
Configs carry `history` with `empty_layer` entries, to test the history-to-layer mapping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.registry import images
from tests.registry.harness import RunningRegistry

DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MCR = "https://mcr.microsoft.com/v2/windows/servercore/blobs/"
# The policy the pushing registry runs with: Microsoft's foreign layers are allowed.
ALLOW_MCR = {"manifests": {"urls": {"allow": [r"^https://mcr\.microsoft\.com/"]}}}


@dataclass(frozen=True)
class Child:
    image: images.Image
    platform: dict[str, Any]
    config: bytes
    history: tuple[str | None, ...]  # the created_by of each layer, in layer order


@dataclass(frozen=True)
class MultiArch:
    repo: str
    docker_children: tuple[Child, ...]
    oci_children: tuple[Child, ...]
    docker_list: bytes
    oci_index: bytes

    @property
    def docker_list_digest(self) -> str:
        return images.digest_of(self.docker_list)

    @property
    def oci_index_digest(self) -> str:
        return images.digest_of(self.oci_index)


def _config(platform: dict[str, Any], diff_ids: list[str], steps: list[tuple[str, bool]]) -> bytes:
    doc: dict[str, Any] = {
        "architecture": platform["architecture"],
        "os": platform["os"],
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "config": {},
        "history": [
            {"created_by": text, **({"empty_layer": True} if empty else {})}
            for text, empty in steps
        ],
    }
    if "os.version" in platform:
        doc["os.version"] = platform["os.version"]
    if "variant" in platform:
        doc["variant"] = platform["variant"]
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _child(platform: dict[str, Any], oci: bool) -> Child:
    label = "-".join(str(v) for v in platform.values())
    windows = platform["os"] == "windows"
    layers: list[images.Descriptor] = []
    steps: list[tuple[str, bool]] = []
    if windows:
        base = images.layer(f"base-{label}", upload=False)
        foreign_urls = [MCR + base.digest]
        if oci:
            foreign = images.oci_nondistributable_layer(foreign_urls, seed=f"base-{label}")
        else:
            foreign = images.foreign_layer(foreign_urls, seed=f"base-{label}")
        layers.append(foreign)
        steps.append((f"Apply image {platform['os.version']}", False))
    steps.append(("ENV A=1", True))
    layers.append(images.oci_layer(f"app-{label}") if oci else images.layer(f"app-{label}"))
    steps.append((f"RUN build {label}", False))
    steps.append(('CMD ["run"]', True))
    diff_ids = [d.diff_id for d in layers if d.diff_id is not None]
    config_bytes = _config(platform, diff_ids, steps)
    config_type = images.OCI_CONFIG if oci else images.DOCKER_CONFIG
    config = images.descriptor(config_type, config_bytes)
    build = images.oci_image if oci else images.docker_image
    image = build(layers, config=config)
    history = tuple(text for text, empty in steps if not empty)
    return Child(image, platform, config_bytes, history)


PLATFORMS: tuple[dict[str, Any], ...] = (
    {"architecture": "amd64", "os": "linux"},
    {"architecture": "arm64", "os": "linux", "variant": "v8"},
    {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.737"},
    {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.1879"},
    {"architecture": "amd64", "os": "windows", "os.version": "10.0.14393.4169"},
)


def index_bytes(media_type: str, children: tuple[Child, ...]) -> bytes:
    entries = [
        {
            "mediaType": c.image.media_type,
            "size": len(c.image.manifest),
            "digest": c.image.digest,
            "platform": c.platform,
        }
        for c in children
    ]
    doc = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    return json.dumps(doc, indent=3).encode()


def build(repo: str) -> MultiArch:
    docker_children = tuple(_child(p, oci=False) for p in PLATFORMS)
    oci_children = tuple(_child(p, oci=True) for p in PLATFORMS)
    return MultiArch(
        repo,
        docker_children,
        oci_children,
        index_bytes(DOCKER_LIST, docker_children),
        index_bytes(OCI_INDEX, oci_children),
    )


def push(registry: RunningRegistry, multi: MultiArch) -> None:
    """Push every child by digest, then the list as `list` and the index as `index`."""
    for child in (*multi.docker_children, *multi.oci_children):
        result = images.push_image(registry, multi.repo, child.image, ref=child.image.digest)
        if result.status != 201:
            raise AssertionError(f"child push failed: {result.status} {result.body!r}")
    for ref, body, media_type in (
        ("list", multi.docker_list, DOCKER_LIST),
        ("index", multi.oci_index, OCI_INDEX),
    ):
        result = registry.push_manifest(multi.repo, ref, body, media_type)
        if result.status != 201:
            raise AssertionError(f"{ref} push failed: {result.status} {result.body!r}")
