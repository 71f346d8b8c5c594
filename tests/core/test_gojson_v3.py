"""distribution 3.x's manifest decoding (image-spec v1.1.1 types, Go 1.25), by rule and by vectors.

The vectors in data/gojson_go125.json come from tests/oracle/gojson_v3_oracle.go run by Go
1.25.5 on the inputs of test_gojson plus 3.x-only ones (the `data` field's base64, embedded
field names); regenerate them with `python -m tests.core.test_gojson_v3` (needs Go 1.25 as
`go`, or its path in $GO).
"""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from foreign_explorer.core.gojson import (
    ANNOTATIONS,
    BYTES,
    DESCRIPTOR_V3,
    IMAGE_INDEX_V3_STRUCT,
    MANIFEST_LIST_V3,
    MANIFEST_LIST_V3_STRUCT,
    OCI_INDEX_V3,
    OCI_MANIFEST_V3,
    OCI_MANIFEST_V3_STRUCT,
    PLATFORM_V3,
    SCHEMA2_MANIFEST,
    SCHEMA2_MANIFEST_STRUCT,
    SCHEMA2_MANIFEST_V3,
    SCHEMA2_MANIFEST_V3_STRUCT,
    STRINGS,
    AnyType,
    BoolType,
    GoJSONError,
    GoType,
    IntType,
    MapType,
    PointerType,
    SliceType,
    StringType,
    StructType,
    decode_document,
    go_marshal,
    go_unmarshal,
    go_unmarshal_full,
    zero_value,
)
from foreign_explorer.core.gojson.documents import OCI_INDEX_PROBE_V3, OCI_MANIFEST_PROBE_V3
from foreign_explorer.core.gojson.stdbase64 import CorruptInput, std_decode
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from tests.core import test_gojson as v2

TESTS_DIR = Path(__file__).resolve().parent
VECTORS = TESTS_DIR / "data" / "gojson_go125.json"
GO_3 = DISTRIBUTION_3.go

TYPES: dict[str, GoType] = {
    "schema2": SCHEMA2_MANIFEST_V3_STRUCT,
    "oci": OCI_MANIFEST_V3_STRUCT,
    "list": MANIFEST_LIST_V3_STRUCT,
    "index": IMAGE_INDEX_V3_STRUCT,
    "probe-oci": OCI_MANIFEST_PROBE_V3,
    "probe-index": OCI_INDEX_PROBE_V3,
    "descriptor": DESCRIPTOR_V3,
    "bytes": BYTES,
    "platform": PointerType(PLATFORM_V3),
    "any": AnyType(),
    "strings": STRINGS,
    "annotations": ANNOTATIONS,
    "int": IntType(),
    "string": StringType(),
    "bool": BoolType(),
}
DOCUMENTS = {
    "schema2": SCHEMA2_MANIFEST_V3,
    "oci": OCI_MANIFEST_V3,
    "list": MANIFEST_LIST_V3,
    "index": OCI_INDEX_V3,
}
FT = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"


def text_of(data: bytes, schema: Any = SCHEMA2_MANIFEST_V3, go: Any = GO_3) -> str:
    with pytest.raises(GoJSONError) as caught:
        decode_document(data, schema, go=go)
    return caught.value.go_text


def _layer(members: str) -> bytes:
    head = '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"'
    return f'{head},"layers":[{{"mediaType":"{FT}",{members}}}]}}'.encode()


# --------------------------------------------------------------------------------------------
# Go's embedded-field naming, per Go version


def test_go_1_25_names_the_embedded_struct_of_schema_version() -> None:
    assert text_of(b'{"schemaVersion":2.0}') == (
        "json: cannot unmarshal number 2.0 into Go struct field "
        "Manifest.Versioned.schemaVersion of type int"
    )


def test_go_1_19_names_only_the_field_of_schema_version() -> None:
    with pytest.raises(GoJSONError) as caught:
        decode_document(b'{"schemaVersion":2.0}', SCHEMA2_MANIFEST, go=DISTRIBUTION_2_8.go)
    assert caught.value.detail_json == (
        b'{"Value":"number 2.0","Type":{},"Offset":20,"Struct":"Manifest","Field":"schemaVersion"}'
    )


def test_same_2_8_document_under_go_1_25_gains_the_embedded_name() -> None:
    with pytest.raises(GoJSONError) as caught:
        go_unmarshal(b'{"schemaVersion":"2"}', SCHEMA2_MANIFEST_STRUCT, go=GO_3)
    assert "Manifest.Versioned.schemaVersion" in caught.value.go_text


def test_list_child_fields_come_through_the_embedded_descriptor() -> None:
    text = text_of(b'{"manifests":[{"digest":5}]}', MANIFEST_LIST_V3)
    assert "Go struct field ManifestDescriptor.manifests.Descriptor.digest of type" in text


def test_list_child_platform_is_the_list_s_own_platform_spec() -> None:
    text = text_of(b'{"manifests":[{"platform":{"os":5}}]}', MANIFEST_LIST_V3)
    assert "Go struct field PlatformSpec.manifests.platform.os of type string" in text


# --------------------------------------------------------------------------------------------
# 3.x's descriptor: data (base64), artifactType, platform pointer


def test_data_that_is_not_base64_refuses_the_manifest() -> None:
    assert text_of(_layer('"data":"!!"')) == "illegal base64 data at input byte 0"


def test_data_without_padding_is_refused_at_the_quantum_start() -> None:
    assert text_of(_layer('"data":"YQ"')) == "illegal base64 data at input byte 0"


def test_data_with_a_space_is_refused_at_the_space() -> None:
    assert text_of(_layer('"data":"Y Q=="')) == "illegal base64 data at input byte 1"


def test_data_may_hold_line_breaks_anywhere() -> None:
    value = decode_document(_layer('"data":"Y\\r\\nQ=\\n="'), SCHEMA2_MANIFEST_V3, go=GO_3)
    assert value["layers"][0]["data"] == b"a"


def test_data_as_a_number_is_a_type_error_on_uint8_bytes() -> None:
    assert text_of(_layer('"data":5')) == (
        "json: cannot unmarshal number into Go struct field Descriptor.layers.data of type []uint8"
    )


def test_data_as_an_array_of_small_numbers_is_bytes() -> None:
    value = decode_document(_layer('"data":[1,255]'), SCHEMA2_MANIFEST_V3, go=GO_3)
    assert value["layers"][0]["data"] == b"\x01\xff"


def test_data_array_element_over_255_is_a_uint8_type_error() -> None:
    assert text_of(_layer('"data":[256]')) == (
        "json: cannot unmarshal number 256 into Go struct field Descriptor.layers.data "
        "of type uint8"
    )


def test_first_error_wins_between_base64_and_type_errors() -> None:
    assert "layers.size" in text_of(_layer('"size":"1","data":"!!"'))
    assert text_of(_layer('"data":"!!","size":"1"')) == "illegal base64 data at input byte 0"


def test_2_8_documents_ignore_data() -> None:
    value = decode_document(_layer('"data":"!!"'), SCHEMA2_MANIFEST, go=DISTRIBUTION_2_8.go)
    assert value["layers"][0]["mediaType"] == FT


def test_artifact_type_must_be_a_string() -> None:
    assert text_of(_layer('"artifactType":5')) == (
        "json: cannot unmarshal number into Go struct field Descriptor.layers.artifactType "
        "of type string"
    )


def test_oci_index_child_without_platform_has_none() -> None:
    value = decode_document(b'{"manifests":[{"digest":"d"}]}', OCI_INDEX_V3, go=GO_3)
    assert value["manifests"][0]["platform"] is None


def test_oci_manifest_pre_check_names_its_anonymous_struct() -> None:
    assert text_of(b'"x"', OCI_MANIFEST_V3) == (
        "json: cannot unmarshal string into Go value of type struct { Manifests interface {} "
        '"json:\\"manifests,omitempty\\"" }'
    )


def test_anonymous_struct_field_errors_name_no_struct() -> None:
    text = text_of(b'{"layers":{"a":1e400}}', OCI_INDEX_V3)
    assert (
        text == "json: cannot unmarshal number 1e400 into Go struct field .layers of type float64"
    )


@pytest.mark.parametrize(
    ("text", "offset"),
    [("YQ", 0), ("YQ=", 3), ("YQ=x", 2), ("YQ==x", 4), ("Y===", 1), ("=", 0), ("YWJjZA", 4)],
)
def test_base64_errors_give_go_s_offsets(text: str, offset: int) -> None:
    with pytest.raises(CorruptInput) as caught:
        std_decode(text.encode())
    assert caught.value.offset == offset


def test_base64_decodes_like_the_standard_library() -> None:
    rng = random.Random(3)
    for _ in range(200):
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 20)))
        assert std_decode(base64.b64encode(raw)) == raw


def test_3x_detail_is_the_error_text_as_a_go_1_25_json_string() -> None:
    text = text_of(b'{"mediaType":"\\b<x>"}')
    assert go_marshal(text, go=GO_3) == (
        b"\"mediaType in manifest should be 'application/vnd.docker.distribution.manifest.v2"
        b"+json' not '\\b\\u003cx\\u003e'\""
    )


# --------------------------------------------------------------------------------------------
# Oracle vectors (Go 1.25.5)


def _canonical(value: Any, go_type: GoType) -> Any:
    """test_gojson's canonical form (zero struct fields left out), []byte as base64 text."""
    if value is None:
        return None
    match go_type:
        case SliceType() if go_type.is_bytes:
            return value
        case StructType():
            out = {}
            for f in go_type.fields:
                item = _canonical(value[f.json_name], f.type)
                if item != _canonical(zero_value(f.type), f.type):
                    out[f.json_name] = item
            return out
        case SliceType():
            return [_canonical(item, go_type.elem) for item in value]
        case MapType():
            return {key: _canonical(item, go_type.elem) for key, item in value.items()}
        case PointerType():
            return _canonical(value, go_type.elem)
        case AnyType():
            return v2._plain_any(value)
    return value


def _bytes_as_text(value: Any) -> Any:
    """Our frozen values with bytes as base64 text, the way the oracle's JSON holds them."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "go_type"):
        return {k: _bytes_as_text(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_bytes_as_text(v) for v in value]
    return value


_KINDS = {"base64": "other"}


def _outcome(mode: str, data: bytes, *, full: bool = False) -> dict[str, Any]:
    kind, _, name = mode.partition(":")
    try:
        if kind == "unmarshal":
            decode = go_unmarshal_full if full else go_unmarshal
            value = decode(data, TYPES[name], go=GO_3)
            return {"ok": _canonical(_bytes_as_text(value), TYPES[name])}
        if kind == "document":
            schema = DOCUMENTS[name]
            value = decode_document(data, schema, go=GO_3)
            return {"ok": _canonical(_bytes_as_text(value), schema.struct)}
    except GoJSONError as error:
        detail = go_marshal(error.go_text, go=GO_3).decode()
        return {
            "kind": _KINDS.get(error.kind, error.kind),
            "error": error.go_text,
            "detail": detail,
        }
    if mode == "marshal-string":
        return {"out": go_marshal(data.decode("utf-8", "surrogateescape"), go=GO_3).decode()}
    raise ValueError(f"unknown mode {mode}")


def _expected(mode: str, row: dict[str, Any]) -> dict[str, Any]:
    if "ok" not in row:
        return row
    kind, _, name = mode.partition(":")
    go_type = TYPES[name] if kind == "unmarshal" else DOCUMENTS[name].struct
    return {"ok": _canonical(row["ok"], go_type)}


def _vector_rows() -> list[tuple[str, bytes, dict[str, Any]]]:
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    rows = []
    for entry in vectors["decode"]:
        data = entry["in"].encode("latin-1")
        rows.extend((mode, data, expected) for mode, expected in entry["expect"].items())
    for entry in vectors["marshal"]:
        rows.append((entry["mode"], entry["in"].encode("latin-1"), entry["expect"]))
    return rows


def test_vectors_cover_every_outcome_kind() -> None:
    rows = _vector_rows()
    kinds = {"ok" if "ok" in expected else expected.get("kind") for _, _, expected in rows}
    assert len(rows) >= 3000
    assert {"ok", "syntax", "type", "other", "document"} <= kinds


def test_decoding_agrees_with_go_1_25_on_every_vector() -> None:
    mismatches = [
        (mode, data[:120], expected, got)
        for mode, data, expected in _vector_rows()
        if not v2._same(expected, got := _outcome(mode, data))
    ]
    assert mismatches == []


def test_fast_path_agrees_with_full_decoder_on_every_vector() -> None:
    mismatches = [
        (mode, data[:120])
        for mode, data, _ in _vector_rows()
        if mode.startswith("unmarshal:") and _outcome(mode, data) != _outcome(mode, data, full=True)
    ]
    assert mismatches == []


# --------------------------------------------------------------------------------------------
# Regenerating the vectors


def _data_values(rng: random.Random) -> list[bytes]:
    """`data` values: base64 good and bad, padding, line breaks, escapes, arrays, other types."""
    alphabet = b"ABCxyz019+/"
    junk = [b"=", b"\\n", b"\\r", b" ", b"-", b"_", b"\\u0041", b"\xc3\xa9", b"\xff", b"\\t"]
    values = [
        b'""', b"null", b'"YQ=="', b'"YQ"', b'"YQ="', b'"YWI="', b'"YWJj"', b'"YWJjZA"',
        b'"YWJjZA=="', b'"Y\\nQ=="', b'"YQ=\\n="', b'"YQ==\\n"', b'"YQ==x"', b'"===="', b'"Y==="',
        b"[]", b"[1,2]", b"[256]", b"[-1]", b"[1.5]", b'["a"]', b"[null]", b"5", b"true", b"{}",
        b'"\\u0059Q=="', b'"YQ==\\r\\n\\r\\n"',
    ]  # fmt: skip
    for _ in range(160):
        parts = [
            rng.choice(junk) if rng.random() < 0.15 else bytes([rng.choice(alphabet)])
            for _ in range(rng.randint(1, 14))
        ]
        values.append(b'"' + b"".join(parts) + b'"')
    return values


def _v3_cases(rng: random.Random) -> list[tuple[bytes, list[str]]]:
    out: list[tuple[bytes, list[str]]] = []
    for value in _data_values(rng):
        layer = b'{"mediaType":"' + FT.encode() + b'","data":' + value + b',"size":"1"}'
        out.append(
            (
                b'{"schemaVersion":2,"layers":[' + layer + b"]}",
                ["unmarshal:schema2", "document:oci"],
            )
        )
        out.append((value, ["unmarshal:bytes"]))
        out.append(
            (b'{"manifests":[{"data":' + value + b"}]}", ["document:list", "document:index"])
        )
    embedded = [
        b'{"schemaVersion":2.0}', b'{"SCHEMAVERSION":"2"}', b'{"schemaVersion":[]}',
        b'{"manifests":[{"digest":5}]}', b'{"manifests":[{"size":"1"}]}',
        b'{"manifests":[{"urls":"x"}]}', b'{"manifests":[{"annotations":[]}]}',
        b'{"manifests":[{"artifactType":1}]}', b'{"manifests":[{"platform":{"os":5}}]}',
        b'{"manifests":[{"platform":null}]}', b'{"manifests":[{"platform":{"features":[1]}}]}',
        b'{"manifests":[{"platform":{"os.features":[1]}}]}', b'{"config":{"platform":"x"}}',
        b'{"config":{"artifactType":[]}}', b'{"layers":[{"platform":{"variant":1}}]}',
        b'{"manifests":[{"PLATFORM":{"OS":"a"},"platform":null}]}', b'"x"', b"[]", b"5",
        b'{"layers":{"a":1e400}}', b'{"manifests":[1e400]}', b'{"config":[1e400]}',
    ]  # fmt: skip
    modes = ["document:schema2", "document:oci", "document:list", "document:index"]
    out += [(d, modes) for d in embedded]
    return out


def _go_oracle(rows: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    oracle = v2.REPO / "tests" / "oracle" / "gojson_v3_oracle.go"
    lines = "".join(json.dumps([m, base64.b64encode(b).decode()]) + "\n" for m, b in rows)
    go = os.environ.get("GO", "go")
    result = subprocess.run(
        [go, "run", str(oracle)], input=lines.encode(), capture_output=True, check=True
    )
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def _regenerate() -> None:
    rng = random.Random(20250)
    decode_inputs = v2._special_cases() + v2._mutated_documents(rng, 1800) + _v3_cases(rng)
    rows = [(mode, data) for data, modes in decode_inputs for mode in modes]
    marshal_rows = [
        (mode, data) for mode, data in v2._marshal_cases(rng) if mode == "marshal-string"
    ]
    started = time.monotonic()
    outputs = iter(_go_oracle(rows + marshal_rows))
    print(f"oracle ran in {time.monotonic() - started:.1f}s", file=sys.stderr)
    decode = []
    for data, modes in decode_inputs:
        expect = {mode: _expected(mode, next(outputs)) for mode in modes}
        decode.append({"in": data.decode("latin-1"), "expect": expect})
    marshal = [
        {"mode": mode, "in": data.decode("latin-1"), "expect": next(outputs)}
        for mode, data in marshal_rows
    ]
    about = (
        "Go 1.25.5 encoding/json outcomes for distribution v3.1.1's manifest types, from "
        "tests/oracle/gojson_v3_oracle.go; each input is its bytes as latin-1 text; ok values "
        "leave out zero struct fields; detail is the JSON a 3.x registry sends"
    )
    lines = [
        "{" + json.dumps("about") + ": " + json.dumps(about) + ",",
        '"decode": [',
        ",\n".join(json.dumps(entry) for entry in decode),
        "],",
        '"marshal": [',
        ",\n".join(json.dumps(entry) for entry in marshal),
        "]}",
    ]
    VECTORS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(rows) + len(marshal_rows)} vectors to {VECTORS}", file=sys.stderr)


if __name__ == "__main__":
    sys.setrecursionlimit(20000)
    _regenerate()
