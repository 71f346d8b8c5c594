"""Mirror lists for the overview's snapshots and benchmark: fixed bytes, no network.

`offline_mirror` hands the overview results the way `fetch_list` does (one at a time, in an
async iterator), from images built here: Windows images with a foreign layer on
mcr.microsoft.com or on another host, multi-arch indexes with a Linux image, a Windows
image and an attestation, and one reference that could not be fetched.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace

from foreign_explorer.core.listcheck.model import (
    ListFailure,
    ListImage,
    ListPlatform,
    ListResult,
    Origin,
)
from foreign_explorer.core.source import SourceInfo
from foreign_explorer.ui.overview_loading import MirrorInput
from tests.ui.builders import OCI_INDEX, docker_manifest, foreign_layer, plain_layer, sha

HOST = "registry.example.com"
MCR = "https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:"
OTHER = "https://winlayers.cloudapp.net/v2/windows/nanoserver/blobs/sha256:"
DOCKER = "application/vnd.docker.distribution.manifest.v2+json"


def _source(reference: str, data: bytes, media_type: str, platform: str | None = None):
    registry, _, rest = reference.partition("/")
    repository = rest.split(":", 1)[0]
    return SourceInfo(reference, registry, repository, sha(data), media_type, platform)


def windows(seed: str, host: str = MCR) -> bytes:
    url = host + sha(seed.encode()).removeprefix("sha256:")
    return docker_manifest([foreign_layer(url, sha(f"{seed}-base".encode())), plain_layer(seed)])


def linux(seed: str) -> bytes:
    return docker_manifest([plain_layer(seed)])


def single(position: int, reference: str, data: bytes) -> ListImage:
    origin = Origin((position, 0), f"mirror.txt line {position + 1}")
    source = _source(reference, data, DOCKER)
    return ListImage(reference, origin, source, (ListPlatform(source, data, DOCKER),))


def multi(position: int, reference: str, seed: str, host: str = MCR) -> ListImage:
    """An index over linux/amd64, windows/amd64 (foreign) and an attestation manifest."""
    children = [
        ("linux/amd64", linux(f"{seed}-linux"), False),
        ("windows/amd64", windows(f"{seed}-windows", host), False),
        ("unknown/unknown", linux(f"{seed}-attestation"), True),
    ]
    manifests = []
    for platform, data, attestation in children:
        os_name, arch = platform.split("/")
        entry = {
            "mediaType": DOCKER,
            "digest": sha(data),
            "size": len(data),
            "platform": {"architecture": arch, "os": os_name},
        }
        if attestation:
            entry["annotations"] = {"vnd.docker.reference.type": "attestation-manifest"}
        manifests.append(entry)
    index = json.dumps(
        {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}, indent=2
    ).encode()
    origin = Origin((position, 0), f"mirror.txt line {position + 1}")
    source = _source(reference, index, OCI_INDEX)
    platforms = tuple(
        ListPlatform(
            _source(reference, data, DOCKER, platform), data, DOCKER, platform, attestation
        )
        for platform, data, attestation in children
    )
    return ListImage(reference, origin, source, platforms, ListPlatform(source, index, OCI_INDEX))


def small_list() -> list[ListResult]:
    """Five images and a failure: blocked on MCR, blocked elsewhere, clean, not judged."""
    return [
        single(0, f"{HOST}/windows/servercore:ltsc2019", windows("servercore-2019")),
        multi(1, f"{HOST}/windows/multi:v1", "multi"),
        single(2, f"{HOST}/windows/nanoserver:1.0", windows("nanoserver-1.0", OTHER)),
        single(3, f"{HOST}/tools/busybox:1", linux("busybox")),
        ListFailure(
            f"{HOST}/windows/gone:1",
            Origin((4, 0), "mirror.txt line 5"),
            "manifest unknown: manifest unknown (HTTP 404)",
        ),
        multi(5, f"{HOST}/windows/multi:v2", "multi-2", OTHER),
    ]


def large_list(images: int = 30) -> list[ListResult]:
    """`images` multi-arch images of three platforms each (the benchmark's list)."""
    return [
        multi(n, f"{HOST}/windows/app-{n:02}:v1", f"app-{n}", MCR if n % 2 else OTHER)
        for n in range(images)
    ]


def offline_mirror(
    results: Sequence[ListResult], *, pause: float = 0.0, gate: asyncio.Event | None = None
) -> MirrorInput:
    """A MirrorInput whose fetch yields `results` in order; `gate`: hold the second half
    back until it is set (a list still arriving)."""

    async def fetch(
        mirror: MirrorInput, on_planned: Callable[[int], None]
    ) -> AsyncIterator[ListResult]:
        on_planned(len(results))
        for number, result in enumerate(results):
            if gate is not None and number == len(results) // 2:
                await gate.wait()
            await asyncio.sleep(pause)
            yield result

    return replace(MirrorInput(description="mirror.txt: plain list, 6 repositories"), fetch=fetch)
