"""Manifest bytes -> typed descriptors, as the registry's Go decoder sees them.

tests/data/windows-multiarch/ holds a realistic multi-arch Windows image (a Docker manifest
list and its three children, whose digests are the sha256 of the child files).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.manifest import (
    Kind,
    ManifestError,
    ManifestInvalid,
    Platform,
    Role,
    parse_manifest,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "windows-multiarch"
INDEX = DATA / "index.json"
CHILD = DATA / "manifest-10.0.17763.615.json"
CHILDREN = ("10.0.17763.615", "10.0.17134.885", "10.0.14393.3085")

DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
DIGEST_C = "sha256:" + "c" * 64


def _desc(media_type: str, digest: str = DIGEST_B, **extra: object) -> dict[str, object]:
    return {"mediaType": media_type, "size": 10, "digest": digest, **extra}


def _oci_manifest(*layers: dict[str, object], with_media_type: bool = True) -> bytes:
    doc: dict[str, object] = {"schemaVersion": 2}
    if with_media_type:
        doc["mediaType"] = mt.OCI_MANIFEST
    doc["config"] = _desc(mt.OCI_CONFIG, DIGEST_A)
    doc["layers"] = list(layers)
    return json.dumps(doc).encode()


def _oci_index(*children: dict[str, object], with_media_type: bool = True) -> bytes:
    doc: dict[str, object] = {"schemaVersion": 2}
    if with_media_type:
        doc["mediaType"] = mt.OCI_INDEX
    doc["manifests"] = list(children)
    return json.dumps(doc).encode()


def _docker_manifest(*layers: dict[str, object]) -> bytes:
    doc = {
        "schemaVersion": 2,
        "mediaType": mt.DOCKER_MANIFEST,
        "config": _desc(mt.DOCKER_CONFIG, DIGEST_A),
        "layers": list(layers),
    }
    return json.dumps(doc).encode()


# --- the four kinds --------------------------------------------------------------------------


def test_docker_manifest_kind_is_parsed_from_the_sample():
    manifest = parse_manifest(sample_bytes())
    assert manifest.kind is Kind.DOCKER_MANIFEST
    assert manifest.media_type == mt.DOCKER_MANIFEST
    assert manifest.schema_version == 2
    assert not manifest.is_index
    assert len(manifest.layers) == 6
    assert manifest.children == ()
    assert manifest.foreign_count == 1


def test_docker_manifest_list_kind_is_parsed_with_its_children():
    manifest = parse_manifest(INDEX.read_bytes())
    assert manifest.kind is Kind.DOCKER_LIST
    assert manifest.is_index
    assert manifest.config is None
    assert manifest.layers == ()
    assert len(manifest.children) == 3
    assert all(c.media_type == mt.DOCKER_MANIFEST for c in manifest.children)


def test_oci_manifest_kind_is_parsed():
    manifest = parse_manifest(_oci_manifest(_desc(mt.OCI_LAYER_GZIP)))
    assert manifest.kind is Kind.OCI_MANIFEST
    assert manifest.media_type == mt.OCI_MANIFEST
    assert manifest.config is not None and manifest.config.media_type == mt.OCI_CONFIG
    assert [d.media_type for d in manifest.layers] == [mt.OCI_LAYER_GZIP]


def test_oci_index_kind_is_parsed():
    manifest = parse_manifest(_oci_index(_desc(mt.OCI_MANIFEST), _desc(mt.OCI_MANIFEST, DIGEST_C)))
    assert manifest.kind is Kind.OCI_INDEX
    assert manifest.is_index
    assert [c.digest for c in manifest.children] == [DIGEST_B, DIGEST_C]


def test_kind_is_index_only_for_lists_and_indexes():
    assert {k for k in Kind if k.is_index} == {Kind.DOCKER_LIST, Kind.OCI_INDEX}


# --- descriptors, roles, indexes ---------------------------------------------------------------


def test_descriptors_put_the_config_first_then_the_layers_in_order():
    manifest = parse_manifest(sample_bytes())
    descriptors = manifest.descriptors
    assert descriptors[0] is manifest.config
    assert descriptors[1:] == manifest.layers
    assert descriptors[1].digest.startswith("sha256:62239e9a")


def test_roles_and_indexes_count_layers_from_zero_after_the_config():
    manifest = parse_manifest(sample_bytes())
    assert [(d.role, d.index) for d in manifest.descriptors] == [
        (Role.CONFIG, 0),
        *[(Role.LAYER, i) for i in range(6)],
    ]
    assert [d.label for d in manifest.descriptors[:3]] == ["config", "layer 0", "layer 1"]


def test_index_descriptors_are_the_children_with_role_child():
    manifest = parse_manifest(INDEX.read_bytes())
    assert manifest.descriptors == manifest.children
    assert [(d.role, d.index, d.label) for d in manifest.descriptors] == [
        (Role.CHILD, 0, "child 0"),
        (Role.CHILD, 1, "child 1"),
        (Role.CHILD, 2, "child 2"),
    ]


def test_descriptor_fields_are_copied_from_the_document():
    layer = parse_manifest(sample_bytes()).layers[0]
    assert layer.media_type == mt.DOCKER_FOREIGN_LAYER
    assert layer.size == 101340070
    assert layer.digest == (
        "sha256:62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9"
    )
    assert layer.urls == ("https://mcr.microsoft.com/v2/windows/nanoserver/blobs/" + layer.digest,)


# --- classification ----------------------------------------------------------------------------


def test_docker_foreign_type_is_foreign():
    layer = parse_manifest(sample_bytes()).layers[0]
    assert layer.foreign
    assert layer.classification == "foreign"


@pytest.mark.parametrize("media_type", [mt.OCI_NONDIST, mt.OCI_NONDIST_GZIP, mt.OCI_NONDIST_ZSTD])
def test_every_oci_nondistributable_type_is_foreign(media_type):
    layer = parse_manifest(_oci_manifest(_desc(media_type))).layers[0]
    assert layer.foreign
    assert layer.classification == "foreign"


def test_foreign_type_is_foreign_even_without_urls():
    layer = parse_manifest(_docker_manifest(_desc(mt.DOCKER_FOREIGN_LAYER))).layers[0]
    assert layer.urls is None
    assert layer.classification == "foreign"


def test_regular_layer_with_urls_is_url_bearing():
    layer = parse_manifest(_oci_manifest(_desc(mt.OCI_LAYER, urls=["https://x/"]))).layers[0]
    assert not layer.foreign
    assert layer.has_urls
    assert layer.classification == "url-bearing"


def test_regular_layer_without_urls_is_regular():
    layer = parse_manifest(_oci_manifest(_desc(mt.OCI_LAYER_GZIP))).layers[0]
    assert not layer.foreign
    assert layer.classification == "regular"


def test_mis_cased_foreign_type_is_not_foreign():
    odd = mt.DOCKER_FOREIGN_LAYER.upper()
    layer = parse_manifest(_docker_manifest(_desc(odd, urls=["https://x/"]))).layers[0]
    assert not layer.foreign
    assert layer.classification == "url-bearing"


# --- urls: None vs () --------------------------------------------------------------------------


def test_absent_urls_are_none():
    layer = parse_manifest(_oci_manifest(_desc(mt.OCI_NONDIST))).layers[0]
    assert layer.urls is None
    assert not layer.has_urls


def test_null_urls_are_none():
    layer = parse_manifest(_oci_manifest(_desc(mt.OCI_NONDIST, urls=None))).layers[0]
    assert layer.urls is None


def test_empty_urls_list_is_an_empty_tuple_without_urls():
    layer = parse_manifest(_oci_manifest(_desc(mt.OCI_NONDIST, urls=[]))).layers[0]
    assert layer.urls == ()
    assert not layer.has_urls


def test_urls_keep_their_order_and_duplicates():
    urls = ["https://b/", "https://a/", "https://b/"]
    layer = parse_manifest(_oci_manifest(_desc(mt.OCI_NONDIST, urls=urls))).layers[0]
    assert layer.urls == tuple(urls)


# --- platform ----------------------------------------------------------------------------------


def test_index_children_carry_their_platform_with_os_version():
    children = parse_manifest(INDEX.read_bytes()).children
    assert [c.platform for c in children] == [
        Platform(os="windows", architecture="amd64", os_version=version) for version in CHILDREN
    ]


def test_platform_text_joins_os_arch_variant_then_os_version():
    assert str(parse_manifest(INDEX.read_bytes()).children[0].platform) == (
        "windows/amd64 10.0.17763.615"
    )
    assert str(Platform(os="linux", architecture="arm", variant="v7")) == "linux/arm/v7"


def test_platform_features_and_variant_are_read():
    child = _desc(
        mt.OCI_MANIFEST,
        platform={
            "os": "windows",
            "architecture": "arm64",
            "variant": "v8",
            "os.version": "10.0.1",
            "os.features": ["win32k"],
            "features": ["sse4"],
        },
    )
    platform = parse_manifest(_oci_index(child)).children[0].platform
    assert platform == Platform("windows", "arm64", "v8", "10.0.1", ("win32k",), ("sse4",))


def test_child_without_platform_gets_go_zero_platform():
    # distribution's ManifestDescriptor holds Platform by value: absent decodes as all-empty.
    platform = parse_manifest(_oci_index(_desc(mt.OCI_MANIFEST))).children[0].platform
    assert platform == Platform()
    assert str(platform) == ""


def test_layers_have_no_platform():
    assert all(d.platform is None for d in parse_manifest(sample_bytes()).descriptors)


# --- media types -------------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", [mt.DOCKER_SCHEMA1, mt.DOCKER_SCHEMA1_SIGNED])
def test_schema1_media_type_is_a_manifest_error_naming_the_type(media_type):
    with pytest.raises(ManifestError) as info:
        parse_manifest(b'{"schemaVersion": 1, "name": "x"}', media_type)
    assert not isinstance(info.value, ManifestInvalid)
    assert media_type in info.value.message
    assert "schema1" in info.value.message


def test_schema1_document_without_media_type_is_sniffed_and_refused():
    with pytest.raises(ManifestError, match="schema1") as info:
        parse_manifest(b'{"schemaVersion": 1, "name": "x", "fsLayers": []}')
    assert mt.DOCKER_SCHEMA1 in info.value.message


def test_unknown_given_media_type_is_a_manifest_error_naming_it():
    with pytest.raises(ManifestError) as info:
        parse_manifest(sample_bytes(), "text/plain")
    assert not isinstance(info.value, ManifestInvalid)
    assert "'text/plain'" in info.value.message


def test_unknown_media_type_in_the_document_is_a_manifest_error_naming_it():
    with pytest.raises(ManifestError, match="application/x-nonsense"):
        parse_manifest(b'{"schemaVersion": 2, "mediaType": "application/x-nonsense"}')


def test_media_type_is_sniffed_from_the_document_when_none_is_given():
    assert parse_manifest(INDEX.read_bytes()).media_type == mt.DOCKER_MANIFEST_LIST
    assert parse_manifest(sample_bytes()).media_type == mt.DOCKER_MANIFEST


def test_document_without_media_type_is_oci_manifest_or_oci_index_by_shape():
    plain = parse_manifest(_oci_manifest(_desc(mt.OCI_LAYER), with_media_type=False))
    assert plain.kind is Kind.OCI_MANIFEST
    index = parse_manifest(_oci_index(_desc(mt.OCI_MANIFEST), with_media_type=False))
    assert index.kind is Kind.OCI_INDEX


def test_given_media_type_parameters_are_ignored():
    manifest = parse_manifest(sample_bytes(), mt.DOCKER_MANIFEST + "; charset=utf-8")
    assert manifest.media_type == mt.DOCKER_MANIFEST


def test_media_type_field_contradicting_the_given_type_is_manifest_invalid_with_empty_detail():
    with pytest.raises(ManifestInvalid) as info:
        parse_manifest(INDEX.read_bytes(), mt.DOCKER_MANIFEST)
    assert info.value.detail_json == b"{}"
    assert info.value.message == (
        f"mediaType in manifest should be '{mt.DOCKER_MANIFEST}' not '{mt.DOCKER_MANIFEST_LIST}'"
    )


def test_oci_document_missing_media_type_is_accepted_under_the_given_oci_type():
    raw = _oci_manifest(_desc(mt.OCI_LAYER), with_media_type=False)
    assert parse_manifest(raw, mt.OCI_MANIFEST).kind is Kind.OCI_MANIFEST


def test_type_error_is_manifest_invalid_with_go_detail_json():
    raw = b'{"schemaVersion":2,"mediaType":"' + mt.DOCKER_MANIFEST.encode() + b'","layers":"x"}'
    with pytest.raises(ManifestInvalid) as info:
        parse_manifest(raw)
    assert info.value.message == (
        "json: cannot unmarshal string into Go struct field Manifest.layers "
        "of type []distribution.Descriptor"
    )
    assert info.value.detail_json == (
        b'{"Value":"string","Type":{},"Offset":98,"Struct":"Manifest","Field":"layers"}'
    )


def test_urls_of_the_wrong_type_are_manifest_invalid():
    raw = _docker_manifest(_desc(mt.DOCKER_FOREIGN_LAYER, urls="https://x/"))
    with pytest.raises(ManifestInvalid) as info:
        parse_manifest(raw)
    assert json.loads(info.value.detail_json)["Field"] == "layers.urls"


def test_invalid_json_is_manifest_invalid_like_the_registry_answers_it():
    # Both real registries answer 400 MANIFEST_INVALID (test_differential's json-syntax cases).
    with pytest.raises(ManifestError, match="not valid JSON") as info:
        parse_manifest(b"{not json")
    assert isinstance(info.value, ManifestInvalid)
    assert info.value.detail_json == b'{"Offset":2}'


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_input_is_a_manifest_error(data):
    with pytest.raises(ManifestError, match="empty manifest"):
        parse_manifest(data)


# --- raw bytes and digest ----------------------------------------------------------------------


def test_raw_bytes_are_kept_exactly():
    data = CHILD.read_bytes()
    assert parse_manifest(data).raw == data


def test_digest_is_the_sha256_of_the_raw_bytes():
    data = sample_bytes()
    assert parse_manifest(data).digest == "sha256:" + hashlib.sha256(data).hexdigest()


def test_child_manifest_digests_match_the_index_entries():
    children = parse_manifest(INDEX.read_bytes()).children
    for child, version in zip(children, CHILDREN, strict=True):
        data = (DATA / f"manifest-{version}.json").read_bytes()
        assert parse_manifest(data).digest == child.digest
        assert child.size == len(data)


def test_reformatting_changes_the_digest_but_not_the_descriptors():
    data = sample_bytes()
    compact = json.dumps(json.loads(data), separators=(",", ":")).encode()
    assert parse_manifest(compact).digest != parse_manifest(data).digest
    assert parse_manifest(compact).descriptors == parse_manifest(data).descriptors


def test_child_manifests_have_two_foreign_layers_first():
    manifest = parse_manifest(CHILD.read_bytes())
    assert manifest.foreign_count == 2
    assert [d.classification for d in manifest.layers[:3]] == ["foreign", "foreign", "regular"]
