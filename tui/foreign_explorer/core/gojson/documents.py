"""distribution's manifest document schemas (2.8.2 and 3.1.1) and decode_document, its checks
around them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from foreign_explorer.core.gojson.decode import go_unmarshal
from foreign_explorer.core.gojson.errors import GoJSONError
from foreign_explorer.core.gojson.types import (
    AnyType,
    Field,
    IntType,
    MapType,
    PointerType,
    SliceType,
    StringType,
    StructType,
    StructValue,
    UintType,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, GoVersion


@dataclass(frozen=True)
class DocumentSchema:
    """How one distribution release decodes one manifest media type.

    `probe`, when set, is decoded first (distribution's validateManifest/validateIndex); any
    non-nil probe field fails with `probe_message`. After the main decode, the document's
    mediaType must equal `media_type` (or, if `media_type_optional`, may also be empty).
    """

    media_type: str
    struct: StructType
    media_type_message: str
    media_type_optional: bool = False
    probe: StructType | None = None
    probe_message: str = ""


def _document_error(text: str) -> GoJSONError:
    # distribution's errors are plain Go errors: json.Marshal gives {}.
    return GoJSONError("document", text, b"{}")


def decode_document(
    data: bytes, schema: DocumentSchema | StructType, *, go: GoVersion = DISTRIBUTION_2_8.go
) -> StructValue:
    """What the unmarshal function for schema's media type makes of data, built with Go `go`.

    Raises GoJSONError for everything the registry answers with MANIFEST_INVALID there. A bare
    StructType is only decoded, without distribution's checks.
    """
    if isinstance(schema, StructType):
        return go_unmarshal(data, schema, go=go)
    if schema.probe is not None:
        probe = go_unmarshal(data, schema.probe, go=go)
        if any(value is not None for value in probe.values()):
            raise _document_error(schema.probe_message)
    document = go_unmarshal(data, schema.struct, go=go)
    media_type = document["mediaType"]
    if media_type != schema.media_type and not (schema.media_type_optional and media_type == ""):
        raise _document_error(schema.media_type_message % (schema.media_type, media_type))
    return document


# distribution v2.8.2's document types (embedded structs promoted; the shallower of two
# same-named fields wins, as in Go).

DIGEST = StringType("digest.Digest")
STRINGS = SliceType(StringType())
ANNOTATIONS = MapType(StringType())

# image-spec v1.0.2 specs-go/v1.Platform
PLATFORM = StructType(
    "v1.Platform",
    (
        Field("Architecture", "architecture", StringType()),
        Field("OS", "os", StringType()),
        Field("OSVersion", "os.version", StringType()),
        Field("OSFeatures", "os.features", STRINGS),
        Field("Variant", "variant", StringType()),
    ),
)

_DESCRIPTOR_FIELDS = (
    Field("MediaType", "mediaType", StringType()),
    Field("Size", "size", IntType("int64")),
    Field("Digest", "digest", DIGEST),
    Field("URLs", "urls", STRINGS),
    Field("Annotations", "annotations", ANNOTATIONS),
)

# distribution.Descriptor (blobs.go)
DESCRIPTOR = StructType(
    "distribution.Descriptor",
    (*_DESCRIPTOR_FIELDS, Field("Platform", "platform", PointerType(PLATFORM))),
)

# manifestlist.PlatformSpec
PLATFORM_SPEC = StructType(
    "manifestlist.PlatformSpec",
    (
        Field("Architecture", "architecture", StringType()),
        Field("OS", "os", StringType()),
        Field("OSVersion", "os.version", StringType()),
        Field("OSFeatures", "os.features", STRINGS),
        Field("Variant", "variant", StringType()),
        Field("Features", "features", STRINGS),
    ),
)


def _embedded(name: str, fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """Fields promoted from an embedded struct called `name`."""
    return tuple(replace(f, embedded=(name, *f.embedded)) for f in fields)


# manifestlist.ManifestDescriptor: its own Platform hides the embedded Descriptor's.
MANIFEST_DESCRIPTOR = StructType(
    "manifestlist.ManifestDescriptor",
    (*_embedded("Descriptor", _DESCRIPTOR_FIELDS), Field("Platform", "platform", PLATFORM_SPEC)),
)

# manifest.Versioned, embedded in every document
_VERSIONED_FIELDS = _embedded(
    "Versioned",
    (
        Field("SchemaVersion", "schemaVersion", IntType("int")),
        Field("MediaType", "mediaType", StringType()),
    ),
)

SCHEMA2_MANIFEST_STRUCT = StructType(
    "schema2.Manifest",
    (
        *_VERSIONED_FIELDS,
        Field("Config", "config", DESCRIPTOR),
        Field("Layers", "layers", SliceType(DESCRIPTOR)),
    ),
)

OCI_MANIFEST_STRUCT = StructType(
    "ocischema.Manifest",
    (
        *_VERSIONED_FIELDS,
        Field("Config", "config", DESCRIPTOR),
        Field("Layers", "layers", SliceType(DESCRIPTOR)),
        Field("Annotations", "annotations", ANNOTATIONS),
    ),
)

# manifestlist.ManifestList: 2.8 decodes OCI indexes into it too.
MANIFEST_LIST_STRUCT = StructType(
    "manifestlist.ManifestList",
    (*_VERSIONED_FIELDS, Field("Manifests", "manifests", SliceType(MANIFEST_DESCRIPTOR))),
)

# ocischema's validateManifest document
OCI_MANIFEST_PROBE = StructType(
    "ocischema.unknownDocument", (Field("Manifests", "manifests", AnyType()),)
)

# manifestlist's validateIndex document
OCI_INDEX_PROBE = StructType(
    "manifestlist.unknownDocument",
    (Field("Config", "config", AnyType()), Field("Layers", "layers", AnyType())),
)

# What a document says about itself, to guess its type when no Content-Type says it.
VERSIONED_PROBE = StructType(
    "manifest.Versioned", (*_VERSIONED_FIELDS, Field("Manifests", "manifests", AnyType()))
)

MEDIA_TYPE_SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_TYPE_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MEDIA_TYPE_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_TYPE_OCI_INDEX = "application/vnd.oci.image.index.v1+json"

SCHEMA2_MANIFEST = DocumentSchema(
    media_type=MEDIA_TYPE_SCHEMA2,
    struct=SCHEMA2_MANIFEST_STRUCT,
    media_type_message="mediaType in manifest should be '%s' not '%s'",
)

OCI_MANIFEST = DocumentSchema(
    media_type=MEDIA_TYPE_OCI_MANIFEST,
    struct=OCI_MANIFEST_STRUCT,
    media_type_message="if present, mediaType in manifest should be '%s' not '%s'",
    media_type_optional=True,
    probe=OCI_MANIFEST_PROBE,
    probe_message="ocimanifest: expected manifest but found index",
)

MANIFEST_LIST = DocumentSchema(
    media_type=MEDIA_TYPE_MANIFEST_LIST,
    struct=MANIFEST_LIST_STRUCT,
    media_type_message="mediaType in manifest list should be '%s' not '%s'",
)

OCI_INDEX = DocumentSchema(
    media_type=MEDIA_TYPE_OCI_INDEX,
    struct=MANIFEST_LIST_STRUCT,
    media_type_message="if present, mediaType in image index should be '%s' not '%s'",
    media_type_optional=True,
    probe=OCI_INDEX_PROBE,
    probe_message="index: expected index but found manifest",
)


# --- distribution v3.1.1 (image-spec v1.1.1 descriptors, built with Go 1.25) -------------------

# image-spec v1.1.1 specs-go/v1.Platform
PLATFORM_V3 = StructType(
    "v1.Platform",
    (
        Field("Architecture", "architecture", StringType()),
        Field("OS", "os", StringType()),
        Field("OSVersion", "os.version", StringType()),
        Field("OSFeatures", "os.features", STRINGS),
        Field("Variant", "variant", StringType()),
    ),
)

BYTES = SliceType(UintType("uint8", 8))

_DESCRIPTOR_V3_FIELDS = (
    Field("MediaType", "mediaType", StringType()),
    Field("Digest", "digest", DIGEST),
    Field("Size", "size", IntType("int64")),
    Field("URLs", "urls", STRINGS),
    Field("Annotations", "annotations", ANNOTATIONS),
    # Base64 in JSON: a value Go cannot decode refuses the whole manifest.
    Field("Data", "data", BYTES),
    Field("Platform", "platform", PointerType(PLATFORM_V3)),
    Field("ArtifactType", "artifactType", StringType()),
)

# image-spec v1.1.1 specs-go/v1.Descriptor
DESCRIPTOR_V3 = StructType("v1.Descriptor", _DESCRIPTOR_V3_FIELDS)

# manifestlist.ManifestDescriptor in v3: embeds v1.Descriptor, whose Platform its own hides.
MANIFEST_DESCRIPTOR_V3 = StructType(
    "manifestlist.ManifestDescriptor",
    (
        *_embedded(
            "Descriptor", tuple(f for f in _DESCRIPTOR_V3_FIELDS if f.json_name != "platform")
        ),
        Field("Platform", "platform", PLATFORM_SPEC),
    ),
)

# image-spec specs-go.Versioned (schemaVersion only); each document has its own mediaType.
_VERSIONED_V3_FIELDS = (
    *_embedded("Versioned", (Field("SchemaVersion", "schemaVersion", IntType("int")),)),
    Field("MediaType", "mediaType", StringType()),
)

SCHEMA2_MANIFEST_V3_STRUCT = StructType(
    "schema2.Manifest",
    (
        *_VERSIONED_V3_FIELDS,
        Field("Config", "config", DESCRIPTOR_V3),
        Field("Layers", "layers", SliceType(DESCRIPTOR_V3)),
    ),
)

OCI_MANIFEST_V3_STRUCT = StructType(
    "ocischema.Manifest",
    (
        *_VERSIONED_V3_FIELDS,
        Field("Config", "config", DESCRIPTOR_V3),
        Field("Layers", "layers", SliceType(DESCRIPTOR_V3)),
        Field("Annotations", "annotations", ANNOTATIONS),
    ),
)

MANIFEST_LIST_V3_STRUCT = StructType(
    "manifestlist.ManifestList",
    (*_VERSIONED_V3_FIELDS, Field("Manifests", "manifests", SliceType(MANIFEST_DESCRIPTOR_V3))),
)

# ocischema.ImageIndex: 3.x decodes OCI indexes into image-spec descriptors (platform a pointer).
IMAGE_INDEX_V3_STRUCT = StructType(
    "ocischema.ImageIndex",
    (
        *_VERSIONED_V3_FIELDS,
        Field("Manifests", "manifests", SliceType(DESCRIPTOR_V3)),
        Field("Annotations", "annotations", ANNOTATIONS),
    ),
)

# v3's pre-checks decode into anonymous structs: a type error names the whole struct type.
OCI_MANIFEST_PROBE_V3 = StructType(
    'struct { Manifests interface {} "json:\\"manifests,omitempty\\"" }',
    (Field("Manifests", "manifests", AnyType()),),
    anonymous=True,
)
OCI_INDEX_PROBE_V3 = StructType(
    'struct { Config interface {} "json:\\"config,omitempty\\""; '
    'Layers interface {} "json:\\"layers,omitempty\\"" }',
    (Field("Config", "config", AnyType()), Field("Layers", "layers", AnyType())),
    anonymous=True,
)

SCHEMA2_MANIFEST_V3 = replace(SCHEMA2_MANIFEST, struct=SCHEMA2_MANIFEST_V3_STRUCT)
OCI_MANIFEST_V3 = replace(OCI_MANIFEST, struct=OCI_MANIFEST_V3_STRUCT, probe=OCI_MANIFEST_PROBE_V3)
# v3 has no pre-check for docker lists (validateManifestList is never called).
MANIFEST_LIST_V3 = replace(MANIFEST_LIST, struct=MANIFEST_LIST_V3_STRUCT)
OCI_INDEX_V3 = replace(OCI_INDEX, struct=IMAGE_INDEX_V3_STRUCT, probe=OCI_INDEX_PROBE_V3)

# Each release's unmarshal function per manifest media type, as its registry registers them.
DOCUMENTS_2_8 = {
    MEDIA_TYPE_SCHEMA2: SCHEMA2_MANIFEST,
    MEDIA_TYPE_OCI_MANIFEST: OCI_MANIFEST,
    MEDIA_TYPE_MANIFEST_LIST: MANIFEST_LIST,
    MEDIA_TYPE_OCI_INDEX: OCI_INDEX,
}
DOCUMENTS_3 = {
    MEDIA_TYPE_SCHEMA2: SCHEMA2_MANIFEST_V3,
    MEDIA_TYPE_OCI_MANIFEST: OCI_MANIFEST_V3,
    MEDIA_TYPE_MANIFEST_LIST: MANIFEST_LIST_V3,
    MEDIA_TYPE_OCI_INDEX: OCI_INDEX_V3,
}
