"""Manifest bytes -> typed descriptors, decoded the way the registry's Go decoder sees them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.errors import InputError


class ManifestError(InputError):
    """The bytes are not a manifest this tool (or the registry) can read."""


class ManifestInvalid(ManifestError):
    """Valid JSON that the registry's decoder rejects: the push gets 400 MANIFEST_INVALID.

    `detail_json` is the detail the registry puts in its response (Go's JSON of the error).
    """

    def __init__(self, message: str, detail_json: bytes) -> None:
        super().__init__(message)
        self.detail_json = detail_json


class Role(StrEnum):
    CONFIG = "config"
    LAYER = "layer"
    CHILD = "child"


class Kind(StrEnum):
    DOCKER_MANIFEST = "docker-manifest"
    OCI_MANIFEST = "oci-manifest"
    DOCKER_LIST = "docker-manifest-list"
    OCI_INDEX = "oci-index"

    @property
    def is_index(self) -> bool:
        return self in (Kind.DOCKER_LIST, Kind.OCI_INDEX)


KIND_BY_MEDIA_TYPE = {
    mt.DOCKER_MANIFEST: Kind.DOCKER_MANIFEST,
    mt.OCI_MANIFEST: Kind.OCI_MANIFEST,
    mt.DOCKER_MANIFEST_LIST: Kind.DOCKER_LIST,
    mt.OCI_INDEX: Kind.OCI_INDEX,
}


@dataclass(frozen=True)
class Platform:
    os: str = ""
    architecture: str = ""
    variant: str = ""
    os_version: str = ""
    os_features: tuple[str, ...] = ()
    features: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = "/".join(p for p in (self.os, self.architecture, self.variant) if p)
        return f"{text} {self.os_version}" if self.os_version else text


@dataclass(frozen=True)
class Descriptor:
    role: Role
    index: int
    media_type: str
    digest: str
    size: int
    # None when the field is absent or null; () for an empty list. The registry treats both
    # as "no URLs", but the difference is worth showing.
    urls: tuple[str, ...] | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)
    platform: Platform | None = None

    @property
    def foreign(self) -> bool:
        return self.media_type in mt.FOREIGN_TYPES

    @property
    def has_urls(self) -> bool:
        return bool(self.urls)

    @property
    def classification(self) -> str:
        """foreign, url-bearing or regular."""
        if self.foreign:
            return "foreign"
        return "url-bearing" if self.has_urls else "regular"

    @property
    def label(self) -> str:
        return "config" if self.role is Role.CONFIG else f"{self.role.value} {self.index}"


@dataclass(frozen=True)
class Manifest:
    kind: Kind
    media_type: str
    raw: bytes
    schema_version: int
    config: Descriptor | None
    layers: tuple[Descriptor, ...]
    children: tuple[Descriptor, ...]
    annotations: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.raw).hexdigest()

    @property
    def is_index(self) -> bool:
        return self.kind.is_index

    @property
    def descriptors(self) -> tuple[Descriptor, ...]:
        """What the registry visits, in its order: config, layers..., or the children."""
        if self.is_index:
            return self.children
        head = (self.config,) if self.config is not None else ()
        return head + self.layers

    @property
    def foreign_count(self) -> int:
        return sum(1 for d in self.layers if d.foreign)


def _sniff_media_type(data: bytes) -> str:
    """The document's own mediaType (Go-decoded), or a guess from its shape."""
    from foreign_explorer.core.gojson import VERSIONED_PROBE

    probe = _go_decode(data, VERSIONED_PROBE, probe=True)
    media_type = probe.get("mediaType") or ""
    if media_type:
        return media_type
    if probe.get("schemaVersion") == 1:
        return mt.DOCKER_SCHEMA1
    return mt.OCI_INDEX if probe.get("manifests") is not None else mt.OCI_MANIFEST


def _go_decode(data: bytes, schema: Any, *, probe: bool = False) -> Any:
    from foreign_explorer.core import gojson

    try:
        if probe:
            return gojson.go_unmarshal(data, schema)
        return gojson.decode_document(data, schema)
    except gojson.GoJSONError as exc:
        if exc.kind == "syntax":
            raise ManifestError(f"not valid JSON: {exc.message}") from None
        raise ManifestInvalid(exc.message, exc.detail_json) from None


def parse_manifest(data: bytes, media_type: str | None = None) -> Manifest:
    """Decode a manifest as distribution would when it is pushed with `media_type`.

    Without a media type (a file on disk), the document's own mediaType field decides.
    """
    from foreign_explorer.core import gojson

    if not data.strip():
        raise ManifestError("empty manifest")
    media_type = (media_type or "").split(";")[0].strip() or _sniff_media_type(data)
    if media_type in mt.SCHEMA1:
        raise ManifestError(
            f"{media_type} is a schema1 manifest: registries no longer accept it and it has no "
            "foreign layers"
        )
    kind = KIND_BY_MEDIA_TYPE.get(media_type)
    if kind is None:
        raise ManifestError(f"unsupported manifest media type {media_type!r}")
    schema = {
        Kind.DOCKER_MANIFEST: gojson.SCHEMA2_MANIFEST,
        Kind.OCI_MANIFEST: gojson.OCI_MANIFEST,
        Kind.DOCKER_LIST: gojson.MANIFEST_LIST,
        Kind.OCI_INDEX: gojson.OCI_INDEX,
    }[kind]
    # Also refuses a mediaType field that contradicts the type, as distribution does.
    doc = _go_decode(data, schema)
    if kind.is_index:
        children = tuple(
            _descriptor(Role.CHILD, i, d) for i, d in enumerate(doc.get("manifests") or ())
        )
        config, layers = None, ()
    else:
        children = ()
        config = _descriptor(Role.CONFIG, 0, doc.get("config") or {})
        layers = tuple(_descriptor(Role.LAYER, i, d) for i, d in enumerate(doc.get("layers") or ()))
    return Manifest(
        kind=kind,
        media_type=media_type,
        raw=bytes(data),
        schema_version=int(doc.get("schemaVersion") or 0),
        config=config,
        layers=layers,
        children=children,
        annotations=dict(doc.get("annotations") or {}),
    )


def _descriptor(role: Role, index: int, doc: Mapping[str, Any]) -> Descriptor:
    urls = doc.get("urls")
    platform_doc = doc.get("platform")
    return Descriptor(
        role=role,
        index=index,
        media_type=doc.get("mediaType") or "",
        digest=doc.get("digest") or "",
        size=int(doc.get("size") or 0),
        urls=None if urls is None else tuple(urls),
        annotations=dict(doc.get("annotations") or {}),
        platform=_platform(platform_doc) if platform_doc else None,
    )


def _platform(doc: Mapping[str, Any]) -> Platform:
    return Platform(
        os=doc.get("os") or "",
        architecture=doc.get("architecture") or "",
        variant=doc.get("variant") or "",
        os_version=doc.get("os.version") or "",
        os_features=tuple(doc.get("os.features") or ()),
        features=tuple(doc.get("features") or ()),
    )
