"""Go's encoding/json as distribution runs it (2.8: Go 1.19, 3.x: Go 1.25): manifests and bodies.

Decoding follows json.Unmarshal into Go structs: a full syntax check first, then a decode that
matches keys case-insensitively (Go's folding, `urlſ` is `urls`), lets the last duplicate key
decode again into the same value (slices refilled in place, stale elements included), ignores
`null` for structs and scalars, turns invalid UTF-8 into U+FFFD byte by byte, and keeps going
after a type error to report the first one. Values come back frozen: `StructValue` for structs,
tuples for slices (None for a nil slice), read-only mappings for maps.

The 3.x documents (`DOCUMENTS_3`) add image-spec v1.1.1's descriptor fields: `data` is
base64 that must decode (Go's StdEncoding), `artifactType` a string. Go 1.24 and later name
the embedded structs a promoted field goes through in a type error (`Manifest.Versioned.
schemaVersion`); pass `go=` to decode as a given Go version does.

Encoding follows json.Marshal: no spaces, `<`, `>`, `&`, U+2028 and U+2029 escaped.
"""

from foreign_explorer.core.gojson.decode import go_unmarshal, go_unmarshal_full
from foreign_explorer.core.gojson.documents import (
    ANNOTATIONS,
    BYTES,
    DESCRIPTOR,
    DESCRIPTOR_V3,
    DIGEST,
    DOCUMENTS_2_8,
    DOCUMENTS_3,
    IMAGE_INDEX_V3_STRUCT,
    MANIFEST_DESCRIPTOR,
    MANIFEST_LIST,
    MANIFEST_LIST_STRUCT,
    MANIFEST_LIST_V3,
    MANIFEST_LIST_V3_STRUCT,
    MEDIA_TYPE_MANIFEST_LIST,
    MEDIA_TYPE_OCI_INDEX,
    MEDIA_TYPE_OCI_MANIFEST,
    MEDIA_TYPE_SCHEMA2,
    OCI_INDEX,
    OCI_INDEX_PROBE,
    OCI_INDEX_V3,
    OCI_MANIFEST,
    OCI_MANIFEST_PROBE,
    OCI_MANIFEST_STRUCT,
    OCI_MANIFEST_V3,
    OCI_MANIFEST_V3_STRUCT,
    PLATFORM,
    PLATFORM_SPEC,
    PLATFORM_V3,
    SCHEMA2_MANIFEST,
    SCHEMA2_MANIFEST_STRUCT,
    SCHEMA2_MANIFEST_V3,
    SCHEMA2_MANIFEST_V3_STRUCT,
    STRINGS,
    VERSIONED_PROBE,
    DocumentSchema,
    decode_document,
)
from foreign_explorer.core.gojson.encode import RawJSON, go_marshal
from foreign_explorer.core.gojson.errors import ErrorKind, GoJSONError
from foreign_explorer.core.gojson.fastpath import _fast_unmarshal
from foreign_explorer.core.gojson.literals import go_utf8
from foreign_explorer.core.gojson.scan import check_syntax
from foreign_explorer.core.gojson.types import (
    AnyType,
    BoolType,
    Field,
    GoType,
    IntType,
    MapType,
    PointerType,
    SliceType,
    StringType,
    StructType,
    StructValue,
    UintType,
    zero_value,
)

__all__ = [
    "ANNOTATIONS",
    "BYTES",
    "DESCRIPTOR",
    "DESCRIPTOR_V3",
    "DIGEST",
    "DOCUMENTS_2_8",
    "DOCUMENTS_3",
    "IMAGE_INDEX_V3_STRUCT",
    "MANIFEST_DESCRIPTOR",
    "MANIFEST_LIST",
    "MANIFEST_LIST_STRUCT",
    "MANIFEST_LIST_V3",
    "MANIFEST_LIST_V3_STRUCT",
    "MEDIA_TYPE_MANIFEST_LIST",
    "MEDIA_TYPE_OCI_INDEX",
    "MEDIA_TYPE_OCI_MANIFEST",
    "MEDIA_TYPE_SCHEMA2",
    "OCI_INDEX",
    "OCI_INDEX_PROBE",
    "OCI_INDEX_V3",
    "OCI_MANIFEST",
    "OCI_MANIFEST_PROBE",
    "OCI_MANIFEST_STRUCT",
    "OCI_MANIFEST_V3",
    "OCI_MANIFEST_V3_STRUCT",
    "PLATFORM",
    "PLATFORM_SPEC",
    "PLATFORM_V3",
    "SCHEMA2_MANIFEST",
    "SCHEMA2_MANIFEST_STRUCT",
    "SCHEMA2_MANIFEST_V3",
    "SCHEMA2_MANIFEST_V3_STRUCT",
    "STRINGS",
    "VERSIONED_PROBE",
    "AnyType",
    "BoolType",
    "DocumentSchema",
    "ErrorKind",
    "Field",
    "GoJSONError",
    "GoType",
    "IntType",
    "MapType",
    "PointerType",
    "RawJSON",
    "SliceType",
    "StringType",
    "StructType",
    "StructValue",
    "UintType",
    "_fast_unmarshal",
    "check_syntax",
    "decode_document",
    "go_marshal",
    "go_unmarshal",
    "go_unmarshal_full",
    "go_utf8",
    "zero_value",
]
