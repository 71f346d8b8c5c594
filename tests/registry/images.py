"""Test images with real blobs: image config JSON, tar layers (raw, gzip, zstd), manifests.

Everything is deterministic: the same arguments give the same bytes, hence the same digests,
on any machine (gzip and zstd frames are written here with stored blocks, not by a
compressor whose output could vary between library versions).

A `Descriptor` is the exact JSON text that goes into the manifest, plus the blobs a normal
push would upload for it. `docker_image` / `oci_image` assemble a manifest and its config;
`index_image` assembles an index (Docker list or OCI index) over child images or hand-written
child descriptors; `push_image` uploads the blobs (and an index's children, by digest) and
PUTs the manifest.
"""

from __future__ import annotations

import json
import struct
import tarfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from hashlib import sha256
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.registry.harness import PushResult, RunningRegistry

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
OCI_NONDIST_LAYER = "application/vnd.oci.image.layer.nondistributable.v1.tar"
OCI_NONDIST_LAYER_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
OCI_NONDIST_LAYER_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"


def digest_of(data: bytes) -> str:
    return "sha256:" + sha256(data).hexdigest()


@dataclass(frozen=True)
class Blob:
    data: bytes

    @property
    def digest(self) -> str:
        return digest_of(self.data)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Descriptor:
    """One descriptor as it appears in a manifest, and what a push uploads for it."""

    json: str  # the JSON object text, written into the manifest verbatim
    digest: str  # the digest it names: the detail of a MANIFEST_BLOB_UNKNOWN about it
    blobs: tuple[Blob, ...] = ()
    diff_id: str | None = None  # digest of the uncompressed tar, for the config's rootfs

    def with_members(self, members: str) -> Descriptor:
        """The same object with raw JSON members appended (`"urls": null`, a duplicate key...)."""
        head = self.json.rstrip()
        if not head.endswith("}"):
            raise ValueError(f"not a JSON object: {self.json!r}")
        body = head[:-1].rstrip()
        comma = "" if body.endswith("{") else ","
        return replace(self, json=f"{body}{comma}{members}}}")

    def without_upload(self) -> Descriptor:
        """The same descriptor whose blob a push does not upload (to get a missing blob)."""
        return replace(self, blobs=())


@dataclass(frozen=True)
class Image:
    """A manifest, its media type and every blob to upload before it, in upload order.

    An index's `children` are pushed (by digest) before it.
    """

    manifest: bytes
    media_type: str
    blobs: tuple[Blob, ...] = ()
    children: tuple[Image, ...] = ()

    @property
    def digest(self) -> str:
        return digest_of(self.manifest)

    def uploaded(self) -> frozenset[str]:
        """Every digest a push of this image puts in the repository (blobs, child manifests)."""
        found = {blob.digest for blob in self.blobs}
        for child in self.children:
            found |= child.uploaded() | {child.digest}
        return frozenset(found)

    def with_members(self, members: str) -> Image:
        """The manifest with raw JSON members appended at its top level."""
        text = self.manifest.decode("utf-8").rstrip()
        return replace(self, manifest=(text[:-1] + "," + members + "}").encode("utf-8"))


# --- blobs ---------------------------------------------------------------------------------------


def tar_archive(seed: str) -> bytes:
    """A one-file tar (`<seed>.txt` holding the seed), without tarfile's 10 KiB record padding."""
    content = f"{seed}\n".encode()
    info = tarfile.TarInfo(f"{seed}.txt")
    info.size = len(content)
    info.mtime = 0
    info.mode = 0o644
    header = info.tobuf(format=tarfile.USTAR_FORMAT, encoding="utf-8", errors="strict")
    padding = b"\0" * (-len(content) % tarfile.BLOCKSIZE)
    return header + content + padding + b"\0" * (2 * tarfile.BLOCKSIZE)


def gzip_stored(data: bytes) -> bytes:
    """A valid gzip member holding `data` in stored deflate blocks (byte-stable everywhere)."""
    out = bytearray(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")  # no name, mtime 0, OS unknown
    chunks = [data[i : i + 0xFFFF] for i in range(0, len(data), 0xFFFF)] or [b""]
    for n, chunk in enumerate(chunks):
        final = 1 if n == len(chunks) - 1 else 0
        out += struct.pack("<BHH", final, len(chunk), len(chunk) ^ 0xFFFF) + chunk
    out += struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return bytes(out)


def zstd_raw(data: bytes) -> bytes:
    """A valid zstd frame holding `data` in raw blocks."""
    # Frame header: single segment, 4-byte content size, no checksum, no dictionary.
    out = bytearray(struct.pack("<IBI", 0xFD2FB528, 0xA0, len(data)))
    chunks = [data[i : i + 0x20000] for i in range(0, len(data), 0x20000)] or [b""]
    for n, chunk in enumerate(chunks):
        last = 1 if n == len(chunks) - 1 else 0
        out += ((len(chunk) << 3) | last).to_bytes(3, "little") + chunk  # block type 0: raw
    return bytes(out)


def _compress_for(media_type: str, tar: bytes) -> bytes:
    if media_type.endswith("+zstd"):
        return zstd_raw(tar)
    if media_type.endswith(".tar"):
        return tar
    return gzip_stored(tar)


# --- descriptors ---------------------------------------------------------------------------------


def _descriptor_json(
    media_type: str, size: int, digest: str, urls: Sequence[str] | None, extra: dict[str, Any]
) -> str:
    doc: dict[str, Any] = {"mediaType": media_type, "size": size, "digest": digest}
    if urls is not None:
        doc["urls"] = list(urls)
    doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def descriptor(
    media_type: str,
    data: bytes,
    *,
    urls: Sequence[str] | None = None,
    upload: bool = True,
    diff_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Descriptor:
    """A descriptor of any media type for the blob `data`; `urls=[]` writes an empty list."""
    blob = Blob(data)
    return Descriptor(
        json=_descriptor_json(media_type, blob.size, blob.digest, urls, extra or {}),
        digest=blob.digest,
        blobs=(blob,) if upload else (),
        diff_id=diff_id,
    )


def layer(
    seed: str = "layer",
    media_type: str = DOCKER_LAYER,
    *,
    urls: Sequence[str] | None = None,
    upload: bool = True,
) -> Descriptor:
    """A real tar layer, compressed as its media type says (`+zstd`, plain `.tar`, else gzip)."""
    tar = tar_archive(seed)
    return descriptor(
        media_type, _compress_for(media_type, tar), urls=urls, upload=upload, diff_id=digest_of(tar)
    )


def foreign_layer(
    urls: Sequence[str] | None,
    *,
    seed: str = "foreign",
    media_type: str = DOCKER_FOREIGN_LAYER,
    digest: str | None = None,
    size: int | None = None,
) -> Descriptor:
    """A Docker foreign layer: not uploaded by a push. `digest`/`size` copy a real image's."""
    if digest is None:
        return layer(seed, media_type, urls=urls, upload=False)
    stand_in_size = size if size is not None else 0
    # No content to hash: the config lists the layer digest as a stand-in diff_id.
    return Descriptor(
        json=_descriptor_json(media_type, stand_in_size, digest, urls, {}),
        digest=digest,
        diff_id=digest,
    )


def oci_layer(
    seed: str = "layer",
    *,
    compression: str = "gzip",
    urls: Sequence[str] | None = None,
    upload: bool = True,
) -> Descriptor:
    """An OCI layer: compression "none" (`tar`), "gzip" (`tar+gzip`) or "zstd" (`tar+zstd`)."""
    media_type = {"none": OCI_LAYER, "gzip": OCI_LAYER_GZIP, "zstd": OCI_LAYER_ZSTD}[compression]
    return layer(seed, media_type, urls=urls, upload=upload)


def oci_nondistributable_layer(
    urls: Sequence[str] | None,
    *,
    seed: str = "nondistributable",
    compression: str = "gzip",
    upload: bool = False,
) -> Descriptor:
    """An OCI non-distributable layer; like a foreign layer, a push does not upload it."""
    media_type = {
        "none": OCI_NONDIST_LAYER,
        "gzip": OCI_NONDIST_LAYER_GZIP,
        "zstd": OCI_NONDIST_LAYER_ZSTD,
    }[compression]
    return layer(seed, media_type, urls=urls, upload=upload)


def raw_descriptor(
    text: str, *, digest: str = "", blobs: Iterable[Blob] = (), diff_id: str | None = None
) -> Descriptor:
    """A descriptor written by hand, for JSON the builders do not produce (`"URLS"`, nulls...)."""
    return Descriptor(json=text, digest=digest, blobs=tuple(blobs), diff_id=diff_id)


# --- config and manifests ------------------------------------------------------------------------


def image_config(
    diff_ids: Sequence[str],
    *,
    media_type: str = DOCKER_CONFIG,
    os: str = "linux",
    architecture: str = "amd64",
) -> Descriptor:
    """A real image config blob (os, architecture, rootfs.diff_ids) and its descriptor."""
    doc = {
        "architecture": architecture,
        "os": os,
        "rootfs": {"type": "layers", "diff_ids": list(diff_ids)},
        "config": {},
    }
    data = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    return descriptor(media_type, data)


def _unique_blobs(descriptors: Iterable[Descriptor]) -> tuple[Blob, ...]:
    seen: dict[str, Blob] = {}
    for desc in descriptors:
        for blob in desc.blobs:
            seen.setdefault(blob.digest, blob)
    return tuple(seen.values())


def _image(
    manifest_type: str,
    config_type: str,
    layers: Sequence[Descriptor],
    config: Descriptor | None,
    os: str,
    architecture: str,
) -> Image:
    if config is None:
        diff_ids = [d.diff_id for d in layers if d.diff_id is not None]
        config = image_config(diff_ids, media_type=config_type, os=os, architecture=architecture)
    head = json.dumps({"schemaVersion": 2, "mediaType": manifest_type}, separators=(",", ":"))
    text = head[:-1] + ',"config":' + config.json
    text += ',"layers":[' + ",".join(d.json for d in layers) + "]}"
    return Image(text.encode("utf-8"), manifest_type, _unique_blobs([config, *layers]))


def docker_image(
    layers: Sequence[Descriptor],
    *,
    config: Descriptor | None = None,
    os: str = "linux",
    architecture: str = "amd64",
) -> Image:
    """A Docker schema2 manifest; without `config`, one is made from the layers' diff_ids."""
    return _image(DOCKER_MANIFEST, DOCKER_CONFIG, layers, config, os, architecture)


def oci_image(
    layers: Sequence[Descriptor],
    *,
    config: Descriptor | None = None,
    os: str = "linux",
    architecture: str = "amd64",
) -> Image:
    """An OCI image manifest; without `config`, one is made from the layers' diff_ids."""
    return _image(OCI_MANIFEST, OCI_CONFIG, layers, config, os, architecture)


# --- indexes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    """One entry of an index: its descriptor text, and the child image pushed before, if any."""

    json: str
    image: Image | None = None


def child(
    image: Image,
    platform: dict[str, Any] | None = None,
    *,
    push: bool = True,
    extra: dict[str, Any] | None = None,
) -> Child:
    """A child descriptor for `image` (pushed first unless `push` is false); `platform` None
    leaves the field out."""
    doc: dict[str, Any] = {
        "mediaType": image.media_type,
        "size": len(image.manifest),
        "digest": image.digest,
    }
    if platform is not None:
        doc["platform"] = platform
    doc.update(extra or {})
    text = json.dumps(doc, separators=(",", ":"))
    return Child(text, image if push else None)


def index_image(children: Sequence[Child], *, media_type: str = OCI_INDEX) -> Image:
    """An OCI index or Docker manifest list over `children`."""
    head = json.dumps({"schemaVersion": 2, "mediaType": media_type}, separators=(",", ":"))
    text = head[:-1] + ',"manifests":[' + ",".join(c.json for c in children) + "]}"
    pushed = tuple(c.image for c in children if c.image is not None)
    return Image(text.encode("utf-8"), media_type, (), pushed)


def push_image(
    registry: RunningRegistry, repo: str, image: Image, *, ref: str = "latest"
) -> PushResult:
    """Upload every blob of `image` to `repo` (an index's children first, by digest), then PUT
    its manifest as `ref`."""
    for item in image.children:
        pushed = push_image(registry, repo, item, ref=item.digest)
        if pushed.status != 201:
            from tests.registry.harness import RegistryHarnessError

            raise RegistryHarnessError(f"child {item.digest}: {pushed.status} {pushed.body!r}")
    for blob in image.blobs:
        registry.push_blob(repo, blob.data)
    return registry.push_manifest(repo, ref, image.manifest, image.media_type)
