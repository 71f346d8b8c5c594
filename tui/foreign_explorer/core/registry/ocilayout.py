"""An OCI image layout directory (`oci-layout`, `index.json`, `blobs/`) as an offline source.

Written `oci:PATH[:TAG]`; the tag is the `org.opencontainers.image.ref.name` annotation of an
entry in index.json. Every blob read is checked against its digest, like a registry pull.
Every file is read as a regular file only (a FIFO, a device or a directory is refused before
it is read) and never past its cap, whatever its size claims.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.reference import validate_digest
from foreign_explorer.core.registry.errors import (
    DigestMismatch,
    ManifestTooLarge,
    OCILayoutError,
)

PREFIX = "oci:"
# index.json is an index: the same cap as any manifest.
MAX_INDEX_BYTES = 4 * 1024 * 1024
MAX_MARKER_BYTES = 64 * 1024
_READ_CHUNK = 1 << 20
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
REF_NAME = "org.opencontainers.image.ref.name"
# containerd's exports carry the full image name here.
CONTAINERD_NAME = "io.containerd.image.name"


@dataclass(frozen=True)
class OCILayoutReference:
    path: str
    tag: str | None = None

    def __str__(self) -> str:
        return f"{PREFIX}{self.path}" + (f":{self.tag}" if self.tag else "")


@dataclass(frozen=True)
class LayoutEntry:
    """What the layout's index.json says to open: a descriptor, or index.json itself."""

    digest: str | None
    media_type: str
    size: int | None


def parse_oci_reference(text: str) -> OCILayoutReference:
    """`oci:PATH[:TAG]`; the first ':' after the prefix separates the tag (as skopeo does)."""
    if not text.startswith(PREFIX):
        raise OCILayoutError(f"not an OCI layout reference (no {PREFIX!r} prefix): {text!r}")
    rest = text[len(PREFIX) :]
    path, sep, tag = rest.partition(":")
    if not path:
        raise OCILayoutError(f"invalid OCI layout reference {text!r}: the path is empty")
    if sep and not tag:
        raise OCILayoutError(f"invalid OCI layout reference {text!r}: the tag after ':' is empty")
    return OCILayoutReference(path, tag or None)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular_file(path: Path, cap: int, what: str) -> bytes:
    """At most `cap` bytes of a regular file (a symlink to one is fine), else a one-line error.

    Checked before opening (opening a device can have effects) and again on the open file
    (the path may change in between); O_NONBLOCK so that a FIFO swapped in cannot hang open.
    Reads stop at cap + 1 bytes: st_size is not trusted (/proc files say 0, files grow).
    Raises FileNotFoundError for the caller to word; other failures are OCILayoutError.
    """
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise OCILayoutError(f"{what} {path} is {_kind(mode)}, not a regular file")
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise OCILayoutError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OCILayoutError(f"{what} {path} is {_kind(mode)}, not a regular file")
        os.set_blocking(fd, True)  # a regular file after all: plain reads
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(_READ_CHUNK, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise OCILayoutError(f"cannot read {what} {path}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise ManifestTooLarge(f"{what} {path} is larger than {cap} bytes; stopped reading")
    return b"".join(chunks)


def _read_json(path: Path, what: str) -> object:
    try:
        data = read_regular_file(path, MAX_MARKER_BYTES, what)
    except FileNotFoundError:
        raise OCILayoutError(f"{path.parent} is not an OCI image layout: no {what}") from None
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise OCILayoutError(f"{path} is not valid JSON ({_error_text(exc)})") from None


def _error_text(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)


class OCILayout:
    """Reads one layout directory."""

    def __init__(self, path: str | Path, max_index_bytes: int = MAX_INDEX_BYTES) -> None:
        self.path = Path(path)
        self.max_index_bytes = max_index_bytes
        if not self.path.is_dir():
            raise OCILayoutError(f"OCI layout {self.path} is not a directory")
        marker = _read_json(self.path / "oci-layout", "oci-layout file")
        version = marker.get("imageLayoutVersion") if isinstance(marker, dict) else None
        if not isinstance(version, str):
            raise OCILayoutError(f"{self.path}/oci-layout lacks imageLayoutVersion")
        self.index_bytes = self._read_index_bytes()

    def _read_index_bytes(self) -> bytes:
        try:
            return read_regular_file(self.path / "index.json", self.max_index_bytes, "index")
        except FileNotFoundError:
            raise OCILayoutError(f"{self.path} is not an OCI image layout: no index.json") from None

    def _entries(self) -> list[dict[str, object]]:
        try:
            doc = json.loads(self.index_bytes)
        except (ValueError, RecursionError) as exc:
            raise OCILayoutError(
                f"{self.path}/index.json is not valid JSON ({_error_text(exc)})"
            ) from None
        manifests = doc.get("manifests") if isinstance(doc, dict) else None
        if not isinstance(manifests, list):
            raise OCILayoutError(f"{self.path}/index.json has no 'manifests' list")
        return [m for m in manifests if isinstance(m, dict)]

    def index_media_type(self) -> str:
        try:
            doc = json.loads(self.index_bytes)
        except (ValueError, RecursionError):
            return mt.OCI_INDEX
        media_type = doc.get("mediaType") if isinstance(doc, dict) else None
        return media_type if isinstance(media_type, str) and media_type else mt.OCI_INDEX

    def tags(self) -> list[str]:
        names = []
        for entry in self._entries():
            annotations = entry.get("annotations")
            if isinstance(annotations, dict) and isinstance(annotations.get(REF_NAME), str):
                names.append(annotations[REF_NAME])
        return names

    def resolve(self, tag: str | None) -> LayoutEntry:
        """The entry `tag` names; without a tag the only entry, or index.json as an index."""
        entries = self._entries()
        if tag is not None:
            found = [e for e in entries if _names(e, tag)]
            if not found:
                have = ", ".join(self.tags()) or "no named manifests"
                raise OCILayoutError(f"tag {tag!r} is not in {self.path} (it has: {have})")
            if len(found) > 1:
                raise OCILayoutError(
                    f"tag {tag!r} names {len(found)} manifests in {self.path}/index.json"
                )
            return _entry(found[0], self.path)
        if len(entries) == 1:
            return _entry(entries[0], self.path)
        named = self.tags()
        if named:
            raise OCILayoutError(
                f"{self.path} holds several images; add one of these tags: {', '.join(named)}"
            )
        # Several unnamed manifests (one per platform): index.json itself is their index.
        return LayoutEntry(None, self.index_media_type(), len(self.index_bytes))

    def read_blob(self, digest: str, max_bytes: int, what: str = "blob") -> bytes:
        if why := validate_digest(digest):
            raise OCILayoutError(f"invalid digest {digest!r} in {self.path}: {why}")
        algorithm, _, encoded = digest.partition(":")
        path = self.path / "blobs" / algorithm / encoded
        try:
            data = read_regular_file(path, max_bytes, what)
        except FileNotFoundError:
            raise OCILayoutError(f"{what} {digest} is not in {self.path}/blobs") from None
        actual = f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
        if actual != digest:
            raise DigestMismatch(
                f"{what} {digest} in {self.path} has digest {actual}: the layout is corrupt",
                digest,
                actual,
            )
        return data


def _names(entry: dict[str, object], tag: str) -> bool:
    annotations = entry.get("annotations")
    if not isinstance(annotations, dict):
        return False
    return annotations.get(REF_NAME) == tag or annotations.get(CONTAINERD_NAME) == tag


def _entry(entry: dict[str, object], where: Path) -> LayoutEntry:
    digest = entry.get("digest")
    media_type = entry.get("mediaType")
    size = entry.get("size")
    if not isinstance(digest, str):
        raise OCILayoutError(f"{where}/index.json has an entry without a digest")
    return LayoutEntry(
        digest,
        media_type if isinstance(media_type, str) else "",
        size if isinstance(size, int) and not isinstance(size, bool) else None,
    )
