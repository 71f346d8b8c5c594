"""Manifest bytes -> typed descriptors, decoded the way each registry version's Go decoder sees
them.

distribution 2.8 and 3.x decode the same bytes into different Go types with different Go
versions, so a document one of them refuses the other may accept (3.x decodes a descriptor's
`data` as base64; 2.8 never looks at it). `parse_manifest` decodes for both: a document every
version refuses raises `ManifestInvalid`; one that only some refuse gives a `Manifest` whose
`refusals` say which and why, and `evaluate` answers for them with 400 MANIFEST_INVALID.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.errors import InputError
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, PROFILES, Profile

if TYPE_CHECKING:
    from foreign_explorer.core.pushtypes import TypedAnswer


class ManifestError(InputError):
    """The bytes are not a manifest this tool (or the registry) can read."""


@dataclass(frozen=True)
class Refusal:
    """Why a registry of one profile refuses the document before it reads any descriptor.

    The push gets 400 MANIFEST_INVALID with `detail_json` as its detail: 2.8 marshals Go's
    error value (`{"Offset":1}`, an UnmarshalTypeError object, `{}`), 3.x sends the error's
    text. `go_text` is that text (the registry logs it); `message` says it in plain words.
    """

    profile: str
    message: str
    go_text: str
    detail_json: bytes


class ManifestInvalid(ManifestError):
    """Bytes every registry version refuses: the push gets 400 MANIFEST_INVALID.

    JSON syntax errors (a byte-order mark, data after the document, a document cut short)
    and valid JSON the decoder rejects (a string where a list belongs). `refusals` holds the
    answer of each profile; `refusal(profile)` picks one. `message` and `detail_json` are the
    2.8 profile's, as before 3.x details were modelled.
    """

    def __init__(
        self, message: str, detail_json: bytes, refusals: Mapping[str, Refusal] | None = None
    ) -> None:
        super().__init__(message)
        self.detail_json = detail_json
        self.refusals: Mapping[str, Refusal] = dict(refusals or {})

    def refusal(self, profile: Profile | None = None) -> Refusal:
        """The refusal of `profile`'s registry (2.8's when none is given)."""
        name = (profile or DISTRIBUTION_2_8).name
        found = self.refusals.get(name)
        if found is not None:
            return found
        return Refusal(name, self.message, self.message, self.detail_json)


class NotAManifest(ManifestError):
    """Valid JSON that is no image manifest or index at all (`{"hello": "world"}`).

    A registry still answers a push of it, and the answer depends on the Content-Type the
    push claims: a manifest type makes it decode the document as that type and refuse it for
    its missing fields; another type (or none) is refused outright. `answers` maps each
    profile name to one `TypedAnswer` per Content-Type (the four manifest types, then none,
    then `application/json` standing for any other), each with the exact response; the
    message says "not an image manifest or index" and why, in one line.
    """

    def __init__(self, message: str, answers: Mapping[str, tuple[TypedAnswer, ...]]) -> None:
        super().__init__(message)
        self.answers: Mapping[str, tuple[TypedAnswer, ...]] = answers


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
    """The platform of an index child, as the registry decodes it."""

    os: str = ""
    architecture: str = ""
    variant: str = ""
    os_version: str = ""
    os_features: tuple[str, ...] = ()
    features: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = "/".join(p for p in (self.os, self.architecture, self.variant) if p)
        return f"{text} {self.os_version}" if self.os_version else text


# The annotations of a descriptor without any: one shared, read-only empty mapping.
NO_ANNOTATIONS: Mapping[str, str] = MappingProxyType({})


# Slots: a 4 MiB manifest can hold 1.4 million descriptors.
@dataclass(frozen=True, slots=True)
class Descriptor:
    """One descriptor of a manifest (config, layer, index child), as decoded."""

    role: Role
    index: int
    media_type: str
    digest: str
    size: int
    # None when the field is absent or null; () for an empty list. The registry treats both
    # as "no URLs", but the difference is worth showing.
    urls: tuple[str, ...] | None = None
    annotations: Mapping[str, str] = field(default_factory=lambda: NO_ANNOTATIONS)
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
    """A manifest or index as the registry decodes it, with its descriptors in order."""

    kind: Kind
    media_type: str
    raw: bytes
    schema_version: int
    config: Descriptor | None
    layers: tuple[Descriptor, ...]
    children: tuple[Descriptor, ...]
    annotations: Mapping[str, str] = field(default_factory=dict)
    # How the profiles decoded at parse time read the bytes: their Refusal, or None when they
    # read them. The others are decoded the first time they are asked about.
    readings: Mapping[str, Refusal | None] = field(default_factory=dict, compare=False, repr=False)

    def refusal(self, profile: Profile) -> Refusal | None:
        """Why `profile`'s registry refuses the document (400 MANIFEST_INVALID), or None."""
        if profile.name in self.readings:
            return self.readings[profile.name]
        return _reading(self.raw, self.media_type, profile)[0]

    @property
    def refusals(self) -> Mapping[str, Refusal]:
        """Every profile whose registry refuses the document, by profile name."""
        found = {name: self.refusal(profile) for name, profile in PROFILES.items()}
        return {name: refusal for name, refusal in found.items() if refusal is not None}

    @property
    def platformless_children(self) -> frozenset[int]:
        """OCI index children (by position) whose platform is absent or null: 3.x decodes them
        to a nil pointer (and dereferences it when `indexes.platforms` is a non-empty list)."""
        if self.kind is not Kind.OCI_INDEX:
            return frozenset()  # docker lists give every child a platform
        from foreign_explorer.core.profiles import DISTRIBUTION_3

        return _reading(self.raw, self.media_type, DISTRIBUTION_3)[1]

    @property
    def digest(self) -> str:
        import hashlib  # OpenSSL's hashlib costs ~3 ms of start-up; few runs need it

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
    from foreign_explorer.core.gojson import VERSIONED_PROBE, GoJSONError, go_unmarshal

    try:
        probe = go_unmarshal(data, VERSIONED_PROBE)
    except GoJSONError:
        probe = {}  # a type error here: the decode for the guessed type reports it
    media_type = probe.get("mediaType") or ""
    if media_type:
        return media_type
    if probe.get("schemaVersion") == 1:
        return mt.DOCKER_SCHEMA1
    return mt.OCI_INDEX if probe.get("manifests") is not None else mt.OCI_MANIFEST


# Top-level keys that make a document a manifest or index of some kind (matched as Go does).
_MANIFEST_KEYS = ("schemaVersion", "mediaType", "config", "layers", "manifests")


def _manifest_keys(data: bytes) -> bool:
    """Whether the document is a JSON object with any manifest key set (Go's key folding)."""
    from foreign_explorer.core.gojson import AnyType, Field, GoJSONError, StructType, go_unmarshal
    from foreign_explorer.core.gojson.fastpath import fast_tree, is_parsed

    if data.lstrip(b" \t\r\n")[:1] != b"{":
        return False
    tree = fast_tree(data)
    if is_parsed(tree) and any(key in _MANIFEST_KEYS for key, _ in tree):
        return True  # an exact key: no need to decode anything
    probe = StructType("manifest.keys", tuple(Field(k, k, AnyType()) for k in _MANIFEST_KEYS))
    try:
        return any(value is not None for value in go_unmarshal(data, probe).values())
    except GoJSONError:
        return True  # a value Go cannot hold (1e400) under a manifest key: a key is there


def _syntax_refusal(data: bytes) -> ManifestInvalid | None:
    """ManifestInvalid (for every profile) when the bytes are not one JSON value."""
    from foreign_explorer.core.badjson import explain_syntax_error
    from foreign_explorer.core.gojson import GoJSONError, check_syntax, go_marshal
    from foreign_explorer.core.gojson.fastpath import fast_tree, is_parsed

    if is_parsed(fast_tree(data)):
        return None  # what Python's strict parser reads, Go's reads too
    try:
        check_syntax(data)
    except GoJSONError as exc:
        message = explain_syntax_error(data, exc)
        refusals = {
            name: Refusal(name, message, exc.go_text, _detail(exc, profile, go_marshal))
            for name, profile in PROFILES.items()
        }
        return ManifestInvalid(message, exc.detail_json, refusals)
    return None


def _detail(error: Any, profile: Profile, go_marshal: Any) -> bytes:
    # 2.8 marshals the error value itself; 3.x sends err.Error() (as Go 1.25 writes a string).
    if profile.error_detail_is_text:
        return go_marshal(error.go_text, go=profile.go)
    return error.detail_json


def _decode_for(data: bytes, media_type: str, profile: Profile) -> Any:
    """The document as `profile`'s registry decodes it for `media_type`, or its Refusal."""
    from foreign_explorer.core import gojson

    schemas = gojson.DOCUMENTS_3 if profile.error_detail_is_text else gojson.DOCUMENTS_2_8
    try:
        return gojson.decode_document(data, schemas[media_type], go=profile.go)
    except gojson.GoJSONError as exc:
        detail = _detail(exc, profile, gojson.go_marshal)
        return Refusal(profile.name, exc.message, exc.go_text, detail)


def parse_manifest(data: bytes, media_type: str | None = None) -> Manifest:
    """Decode a manifest as distribution would when it is pushed with `media_type`.

    Without a media type (a file on disk), the document's own mediaType field decides.
    Raises ManifestInvalid when every registry version refuses the bytes (not valid JSON,
    or a decode error both hit), NotAManifest for valid JSON that is no manifest or index
    at all, ManifestError for what is not a push at all (empty input, schema1, a type no
    registry here handles).
    """
    if not data.strip():
        raise ManifestError("empty manifest")
    data = bytes(data)
    refused = _syntax_refusal(data)
    if refused is not None:
        raise refused
    if not _manifest_keys(data):
        from foreign_explorer.core.pushtypes import not_a_manifest

        raise not_a_manifest(data)
    media_type = (media_type or "").split(";")[0].strip() or _sniff_media_type(data)
    if media_type in mt.SCHEMA1:
        raise ManifestError(
            f"{media_type} is a schema1 manifest: registries no longer accept it and it has no "
            "foreign layers"
        )
    kind = KIND_BY_MEDIA_TYPE.get(media_type)
    if kind is None:
        raise ManifestError(f"unsupported manifest media type {media_type!r}")
    return build_manifest(data, media_type)


def build_manifest(data: bytes, media_type: str) -> Manifest:
    """Decode syntax-checked bytes as each profile's registry does for `media_type`.

    Also refuses a mediaType field that contradicts the type, as distribution does. The
    descriptors come from the 2.8 reading when it has one (OCI index platforms keep their
    features), else from the first profile's that has one; the other profiles are decoded
    when first asked about (`Manifest.refusal`).
    """
    kind = KIND_BY_MEDIA_TYPE[media_type]
    decoded: dict[str, Any] = {}
    for name, profile in PROFILES.items():
        decoded[name] = _decode_for(data, media_type, profile)
        if not isinstance(decoded[name], Refusal):
            break
    refusals = {name: d for name, d in decoded.items() if isinstance(d, Refusal)}
    if len(refusals) == len(PROFILES):
        first = refusals[DISTRIBUTION_2_8.name]
        raise ManifestInvalid(first.message, first.detail_json, refusals)
    doc = next(d for d in decoded.values() if not isinstance(d, Refusal))
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
        raw=data,
        schema_version=int(doc.get("schemaVersion") or 0),
        config=config,
        layers=layers,
        children=children,
        annotations=dict(doc.get("annotations") or {}),
        readings={name: d if isinstance(d, Refusal) else None for name, d in decoded.items()},
    )


@lru_cache(maxsize=32)
def _reading(
    raw: bytes, media_type: str, profile: Profile
) -> tuple[Refusal | None, frozenset[int]]:
    """A profile's reading of the bytes: its Refusal (or None), and the positions of the
    children it decodes without a platform (3.x's pointer is None when absent or null)."""
    doc = _decode_for(raw, media_type, profile)
    if isinstance(doc, Refusal):
        return doc, frozenset()
    platformless = frozenset(
        i for i, child in enumerate(doc.get("manifests") or ()) if child.get("platform") is None
    )
    return None, platformless


def _descriptor(role: Role, index: int, doc: Mapping[str, Any]) -> Descriptor:
    get = doc.get
    urls = get("urls")
    platform_doc = get("platform")
    annotations = get("annotations")
    return Descriptor(
        role,
        index,
        get("mediaType") or "",
        get("digest") or "",
        int(get("size") or 0),
        None if urls is None else tuple(urls),
        dict(annotations) if annotations else NO_ANNOTATIONS,
        _platform(platform_doc) if platform_doc else None,
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
