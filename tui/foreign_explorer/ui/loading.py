"""Turning files and fetched images into entries (no Textual; the App runs these in workers)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from foreign_explorer.core.errors import ForeignExplorerError, InputError
from foreign_explorer.core.manifest import Manifest, ManifestError, parse_manifest
from foreign_explorer.core.siblings import child_label, sibling_children, sibling_config
from foreign_explorer.ui.model import (
    EntryStatus,
    ImageEntry,
    LoadedManifest,
    PlatformSlot,
    default_slot,
    refused,
    single,
)

SAMPLE_TITLE = "rancher/kubelet-pause (bundled sample)"


def load_bytes(
    key: int, name: str, data: bytes, media_type: str | None = None, path: Path | None = None
) -> ImageEntry:
    """A manifest or index from bytes (a file, the sample); an error becomes a failed entry.

    For a file (`path`), an index's children and an image's config are looked for beside it.
    """
    try:
        manifest = parse_manifest(data, media_type)
    except ManifestError as exc:
        # Loaded: what the registry answers to a push of it is the thing to show, as check does.
        return refused(key, name, exc)
    except ForeignExplorerError as exc:
        return failed(key, name, exc.message)
    if manifest.is_index:
        image = LoadedManifest(name, manifest, manifest.digest)
        slots = _listed_children(manifest, path)
        found = any(slot.image is not None for slot in slots)
        # Without any child at hand the index is shown itself (position -1).
        return ImageEntry(
            key, name, EntryStatus.READY, image, slots, default_slot(slots) if found else -1
        )
    history = _sibling_history(path, manifest)
    return single(key, name, LoadedManifest(name, manifest, manifest.digest, None, history))


def _listed_children(manifest: Manifest, path: Path | None) -> tuple[PlatformSlot, ...]:
    found = sibling_children(path, manifest) if path is not None else {}
    why = "not beside the index file" if path is not None else "not fetched (from a file)"
    slots = []
    for child in manifest.children:
        label = child_label(child) or "unknown/unknown"
        child_path = found.get(child.digest)
        if child_path is None:
            slots.append(PlatformSlot(label, None, why))
            continue
        try:
            child_manifest = parse_manifest(child_path.read_bytes(), child.media_type)
        except (ForeignExplorerError, OSError) as exc:
            slots.append(PlatformSlot(label, None, f"{child_path.name}: {exc}"))
            continue
        history = _sibling_history(child_path, child_manifest)
        loaded = LoadedManifest(str(child_path), child_manifest, child.digest, label, history)
        slots.append(PlatformSlot(label, loaded))
    return tuple(slots)


def _sibling_history(path: Path | None, manifest: Manifest) -> tuple[str | None, ...] | None:
    """Each layer's history line, when the image config is saved beside the manifest."""
    config = sibling_config(path, manifest) if path is not None else None
    if config is None:
        return None
    from foreign_explorer.core.registry.client import layer_history

    try:
        return layer_history(config.read_bytes(), len(manifest.layers))
    except (ForeignExplorerError, OSError):
        return None


def failed(key: int, name: str, message: str, details: str | None = None) -> ImageEntry:
    return ImageEntry(key, name, EntryStatus.FAILED, error=message, details=details)


def _loaded(fetched: Any, title: str, platform: str | None) -> LoadedManifest:
    manifest = parse_manifest(fetched.manifest, fetched.media_type)
    digest = getattr(fetched, "registry_digest", None) or fetched.digest
    return LoadedManifest(title, manifest, digest, platform, None, fetched)


def looks_like_path(text: str) -> bool:
    """`/…`, `./…`, `../…`, `~…` or `….json`: meant as a file, not as a registry reference."""
    return text.startswith(("/", "./", "../", "~")) or text.casefold().endswith(".json")


def not_a_file(text: str) -> str | None:
    """Why `text`, which looks like a path, opens as no file (None: it is not one of those)."""
    if not looks_like_path(text):
        return None
    path = Path(text).expanduser()
    try:
        if path.is_dir():
            return f"{text} is a directory: an OCI layout opens as oci:{text}"
        if not path.exists():
            return f"no such file: {text}"
    except (OSError, ValueError) as exc:
        return f"cannot open {text}: {exc}"
    return None


async def load_reference(
    client: Any, key: int, reference: str, platform: str | None = None
) -> ImageEntry:
    """Fetch `reference`; for an index, every child too (for the platform picker).

    Raises ForeignExplorerError (registry and manifest errors) with a one-line message; a
    path to no file says so instead of "invalid reference".
    """
    missing = not_a_file(reference)
    if missing is not None:
        raise InputError(missing)
    fetched = await client.fetch_image(reference, platform="")
    title = fetched.source.reference
    if not fetched.is_index:
        try:
            return single(key, reference, _loaded(fetched, title, fetched.source.platform))
        except ManifestError as exc:
            return refused(key, reference, exc)
    try:
        index = _loaded(fetched, title, None)
    except ManifestError as exc:
        return refused(key, reference, exc)
    children = fetched.children
    results = await asyncio.gather(
        *(fetched.fetch_child(child) for child in children), return_exceptions=True
    )
    slots = []
    for child, result in zip(children, results, strict=True):
        label = child.platform.replace(":", " ")
        if isinstance(result, ForeignExplorerError):
            slots.append(PlatformSlot(label, None, result.message))
        elif isinstance(result, BaseException):
            slots.append(PlatformSlot(label, None, f"unexpected error: {result}"))
        else:
            try:
                slots.append(PlatformSlot(label, _loaded(result, title, label)))
            except ForeignExplorerError as exc:
                slots.append(PlatformSlot(label, None, exc.message))
    slots_tuple = tuple(slots)
    chosen, notice = default_slot(slots_tuple), None
    if platform:
        try:
            chosen = _position_for(fetched, children, platform, chosen)
        except ForeignExplorerError as exc:
            notice = f"{exc.message}; showing {slots_tuple[chosen].platform}"
    return ImageEntry(key, reference, EntryStatus.READY, index, slots_tuple, chosen, notice=notice)


def _position_for(fetched: Any, children: Any, platform: str, fallback: int) -> int:
    """The child `--platform` names (PlatformError when none matches)."""
    picked = fetched.select(platform)
    for position, child in enumerate(children):
        if child.position == picked.position:
            return position
    return fallback


async def load_history(image: LoadedManifest) -> tuple[str | None, ...]:
    """Each layer's history line from the image config (raises ForeignExplorerError)."""
    from foreign_explorer.core.registry.client import layer_history

    config = await image.fetched.fetch_config()
    return layer_history(config, len(image.manifest.layers))
