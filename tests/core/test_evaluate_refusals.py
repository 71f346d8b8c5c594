"""Refusals before any descriptor, missing blobs, and index children under the indexes setting:
the answers each profile gives (confirmed against both real registries by the differential
suite)."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.badjson import explain_syntax_error
from foreign_explorer.core.evaluate import (
    Check,
    Verdict,
    evaluate_manifest,
    invalid_manifest_response,
)
from foreign_explorer.core.gojson import GoJSONError, check_syntax
from foreign_explorer.core.indexes import IndexesSetting, PlatformRef
from foreign_explorer.core.manifest import ManifestInvalid, NotAManifest, parse_manifest
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.pushtypes import CONTENT_TYPES, answer

D28, D3 = DISTRIBUTION_2_8, DISTRIBUTION_3
MCR = r"^https://mcr\.microsoft\.com/"


def _sample_with(**layer0: object) -> bytes:
    doc = json.loads(sample_bytes())
    doc["layers"][0].update(layer0)
    return json.dumps(doc).encode()


def _detail(response) -> object:
    return json.loads(response.body)["errors"][0]["detail"]


# --- refusals of one profile only ----------------------------------------------------------------


def test_data_that_is_not_base64_is_refused_by_3_x_only():
    manifest = parse_manifest(_sample_with(data="!!"))
    assert set(manifest.refusals) == {D3.name}
    ok = evaluate_manifest(manifest, compile_policy(PolicySource(allow=(MCR,)), D28))
    refused = evaluate_manifest(manifest, compile_policy(PolicySource(allow=(MCR,)), D3))
    assert ok.accepted
    assert (refused.response.status, _detail(refused.response)) == (
        400,
        "illegal base64 data at input byte 0",
    )
    assert refused.summary == "manifest invalid: illegal base64 data at input byte 0"


def test_a_refused_document_has_no_descriptor_checked():
    manifest = parse_manifest(_sample_with(artifactType=1))
    evaluation = evaluate_manifest(manifest, compile_policy(PolicySource(), D3))
    assert all(d.checks == () for d in evaluation.descriptors)


def test_a_type_error_both_refuse_has_each_profile_s_detail():
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(_sample_with(urls="https://x/"))
    assert _detail(invalid_manifest_response(caught.value, D28))["Field"] == "layers.urls"
    assert _detail(invalid_manifest_response(caught.value, D3)) == (
        "json: cannot unmarshal string into Go struct field Descriptor.layers.urls of type []string"
    )


def test_schema_version_2_0_names_versioned_only_in_3_x():
    data = sample_bytes().replace(b'"schemaVersion": 2', b'"schemaVersion": 2.0')
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(data)
    assert _detail(invalid_manifest_response(caught.value, D28))["Field"] == "schemaVersion"
    assert "Manifest.Versioned.schemaVersion" in _detail(
        invalid_manifest_response(caught.value, D3)
    )


# --- JSON syntax errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xef\xbb\xbf{}", "UTF-8 byte-order mark"),
        (b"\xff\xfe{\x00}\x00", "UTF-16"),
        (b'{\x00"\x00a\x00"\x00', "UTF-16"),
        (b'\x00{\x00"\x00a\x00"', "UTF-16"),
        (b"\x00\x01\x02garbage", "invalid character '\\x00' looking for beginning of value"),
        (b'{"a":1} x', "ends after byte 7 but more data follows"),
        (b'{"a":', "cut short after 5 bytes"),
        (b"{a}", "not valid JSON: invalid character 'a' looking for beginning of object key"),
    ],
)
def test_syntax_errors_are_explained_in_plain_words(data, words):
    with pytest.raises(GoJSONError) as caught:
        check_syntax(data)
    assert words in explain_syntax_error(data, caught.value)


def test_syntax_error_detail_is_the_offset_in_2_8_and_the_text_in_3_x():
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(sample_bytes() + b"x")
    assert _detail(invalid_manifest_response(caught.value, D28)) == {
        "Offset": len(sample_bytes()) + 1
    }
    assert _detail(invalid_manifest_response(caught.value, D3)) == (
        "invalid character 'x' after top-level value"
    )


# --- JSON that is no manifest ---------------------------------------------------------------------


def test_no_manifest_carries_every_profile_s_answer_per_content_type():
    with pytest.raises(NotAManifest) as caught:
        parse_manifest(b'{"hello": "world"}')
    for profile in (D28, D3):
        answers = caught.value.answers[profile.name]
        assert [a.content_type for a in answers] == [t for t, _ in CONTENT_TYPES]
        assert [a.response.status for a in answers] == [400, 400, 500, 500, 400, 400]


def test_unregistered_content_type_is_lower_cased_in_3_x_s_detail():
    response = answer(sample_bytes(), "Text/Plain; charset=utf-8", D3).response
    assert (
        _detail(response) == "unsupported manifest media type and no default available: text/plain"
    )
    assert _detail(answer(sample_bytes(), "text/plain", D28).response) == {}


# --- what the repository holds --------------------------------------------------------------------


def test_a_looked_up_blob_missing_from_the_repository_is_blob_unknown():
    manifest = parse_manifest(sample_bytes())
    config = manifest.config
    assert config is not None
    policy = compile_policy(PolicySource(allow=(MCR,)), D28)
    evaluation = evaluate_manifest(manifest, policy, present=frozenset())
    assert evaluation.descriptors[0].verdict is Verdict.MISSING_BLOB
    assert json.loads(evaluation.response.body)["errors"][0] == {
        "code": "MANIFEST_BLOB_UNKNOWN",
        "message": "blob unknown to registry",
        "detail": config.digest,
    }


def test_without_present_every_blob_is_assumed_pushed():
    policy = compile_policy(PolicySource(allow=(MCR,)), D28)
    assert evaluate_manifest(parse_manifest(sample_bytes()), policy).accepted


# --- index children -----------------------------------------------------------------------------

CHILD = "sha256:" + "c" * 64


def _index(*platforms: dict | None, docker: bool = False) -> bytes:
    media_type = mt.DOCKER_MANIFEST_LIST if docker else mt.OCI_INDEX
    child_type = mt.DOCKER_MANIFEST if docker else mt.OCI_MANIFEST
    children = []
    for i, platform in enumerate(platforms):
        child = {"mediaType": child_type, "size": 1, "digest": f"sha256:{i}" + "c" * 63}
        if platform is not None:
            child["platform"] = platform
        children.append(child)
    return json.dumps({"schemaVersion": 2, "mediaType": media_type, "manifests": children}).encode()


LINUX = {"os": "linux", "architecture": "amd64"}
WINDOWS = {"os": "windows", "architecture": "amd64"}
ONLY_LINUX = IndexesSetting(platforms="list", platformlist=(PlatformRef("linux", "amd64"),))
ALL = IndexesSetting()


def _children(data: bytes, profile, indexes: IndexesSetting = ALL, **flags):
    policy = compile_policy(PolicySource(indexes=indexes, **flags), profile)
    return evaluate_manifest(parse_manifest(data), policy, present=frozenset())


def test_2_8_requires_every_child_whatever_the_setting():
    evaluation = _children(_index(LINUX, WINDOWS), D28, ONLY_LINUX)
    assert [d.verdict for d in evaluation.descriptors] == [Verdict.MISSING_BLOB] * 2


def test_3_x_platform_list_requires_only_the_listed_children():
    evaluation = _children(_index(LINUX, WINDOWS), D3, ONLY_LINUX)
    assert [d.checks for d in evaluation.descriptors] == [(Check.BLOB,), ()]
    assert [d.verdict for d in evaluation.descriptors] == [Verdict.MISSING_BLOB, Verdict.OK]


def test_3_x_platforms_none_requires_no_child():
    assert _children(_index(LINUX, WINDOWS), D3, IndexesSetting(platforms="none")).accepted


def test_3_x_disabled_validation_requires_no_child():
    assert _children(_index(LINUX), D3, disabled=True).accepted


def test_3_x_drops_the_connection_for_an_oci_child_without_platform_under_a_list():
    evaluation = _children(_index(WINDOWS, None), D3, ONLY_LINUX)
    assert evaluation.response.status is None
    assert evaluation.response.status_line == "no response (connection closed)"
    assert "panics on child 1" in evaluation.summary


def test_a_docker_list_child_without_platform_does_not_crash_3_x():
    evaluation = _children(_index(None, docker=True), D3, ONLY_LINUX)
    assert evaluation.accepted


def test_a_child_s_bad_digest_counts_only_when_the_child_is_looked_up():
    data = _index(LINUX, WINDOWS).replace(b'"sha256:1' + b"c" * 63 + b'"', b'"sha256:abc"')
    looked_up = _children(data, D3)
    skipped = _children(data, D3, ONLY_LINUX)
    assert looked_up.descriptors[1].verdict is Verdict.INVALID_DIGEST
    assert skipped.descriptors[1].verdict is Verdict.OK


@pytest.mark.parametrize(
    ("profile", "detail"),
    [(D28, {}), (D3, "unrecognized manifest list schema version 3, expected 2")],
)
def test_an_index_schema_version_other_than_2_is_one_unknown_error(profile, detail):
    data = _index(LINUX).replace(b'"schemaVersion": 2', b'"schemaVersion": 3')
    evaluation = _children(data, profile)
    assert (evaluation.response.status, _detail(evaluation.response)) == (500, detail)
