"""An index file's children (and image configs) found as files beside it, matched by sha256.

Saved manifests usually travel together (`index.json`, `manifest-<version>.json`, ...): with
them, an index opened from a file can be judged child by child, offline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.manifest import Descriptor, Manifest
from foreign_explorer.core.source import SourceInfo

# Enough for any real directory of saved manifests; a bigger folder is not scanned further.
MAX_FILES = 512
MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class LocalImage:
    """One manifest from a file: the bytes and media type `check` and the app judge."""

    manifest: bytes
    media_type: str
    source: SourceInfo
    is_index: bool = False


def files_by_digest(directory: Path, wanted: Iterable[str]) -> dict[str, Path]:
    """The files in `directory` whose sha256 is one of `wanted` (regular files, bounded)."""
    wanted = {d for d in wanted if d.startswith("sha256:")}
    found: dict[str, Path] = {}
    if not wanted:
        return found
    try:
        entries = sorted(directory.iterdir())[:MAX_FILES]
    except OSError:
        return found
    for entry in entries:
        try:
            if not entry.is_file() or entry.stat().st_size > MAX_FILE_BYTES:
                continue
            digest = "sha256:" + hashlib.sha256(entry.read_bytes()).hexdigest()
        except OSError:
            continue
        if digest in wanted and digest not in found:
            found[digest] = entry
            if len(found) == len(wanted):
                break
    return found


def sibling_children(path: Path, index: Manifest) -> dict[str, Path]:
    """Image-manifest children of `index` (read from `path`) that sit beside it."""
    wanted = [c.digest for c in index.children if c.media_type in mt.IMAGE_MANIFESTS]
    return files_by_digest(path.parent, wanted)


def sibling_config(path: Path, manifest: Manifest) -> Path | None:
    """The image config of `manifest` (read from `path`) when it sits beside it."""
    if manifest.config is None:
        return None
    return files_by_digest(path.parent, [manifest.config.digest]).get(manifest.config.digest)


def child_label(child: Descriptor) -> str:
    return str(child.platform) if child.platform is not None else "unknown/unknown"
