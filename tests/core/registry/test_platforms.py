"""Index children are listed with their platforms; `select` picks one like regctl."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.core.registry.errors import MalformedResponse, PlatformError
from foreign_explorer.core.registry.platforms import (
    PlatformSpec,
    parse_index,
    parse_platform,
    select,
)


def _digest(n: int) -> str:
    return f"sha256:{n:064x}"


def _index(*platforms: dict[str, object]) -> bytes:
    entries = [
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "size": 500 + n,
            "digest": _digest(n),
            "platform": p,
        }
        for n, p in enumerate(platforms)
    ]
    return json.dumps({"schemaVersion": 2, "manifests": entries}).encode()


MIXED = parse_index(
    _index(
        {"os": "linux", "architecture": "amd64"},
        {"os": "linux", "architecture": "arm", "variant": "v6"},
        {"os": "linux", "architecture": "arm", "variant": "v7"},
        {"os": "linux", "architecture": "arm64", "variant": "v8"},
        {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.737"},
        {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.1879"},
        {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.999"},
        {"os": "windows", "architecture": "amd64", "os.version": "10.0.14393.4169"},
        {"os": "unknown", "architecture": "unknown"},
    )
)


def test_index_children_carry_every_platform_field() -> None:
    data = _index(
        {
            "os": "windows",
            "architecture": "amd64",
            "os.version": "10.0.17763.1879",
            "os.features": ["win32k"],
            "features": ["sse4"],
        }
    )
    (child,) = parse_index(data)
    assert child.digest == _digest(0)
    assert child.size == 500
    assert child.media_type == "application/vnd.oci.image.manifest.v1+json"
    assert (child.os, child.architecture, child.os_version) == (
        "windows",
        "amd64",
        "10.0.17763.1879",
    )
    assert child.os_features == ("win32k",)
    assert child.features == ("sse4",)
    assert child.platform == "windows/amd64:10.0.17763.1879"


def test_attestation_children_are_listed_with_annotations() -> None:
    doc = {
        "manifests": [
            {
                "digest": _digest(1),
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "platform": {"os": "unknown", "architecture": "unknown"},
                "annotations": {"vnd.docker.reference.type": "attestation-manifest"},
            },
            "not an object",
        ]
    }
    (child,) = parse_index(json.dumps(doc).encode())
    assert child.annotation("vnd.docker.reference.type") == "attestation-manifest"
    assert child.platform == "unknown/unknown"


@pytest.mark.parametrize("data", [b"{", b"[]", b'{"manifests": {}}', b'{"schemaVersion": 2}'])
def test_index_without_manifests_list_is_malformed(data: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse_index(data, "the index")


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("linux/amd64", PlatformSpec("linux", "amd64")),
        ("linux/arm64/v8", PlatformSpec("linux", "arm64", "v8")),
        ("windows/amd64:10.0.17763", PlatformSpec("windows", "amd64", "", "10.0.17763")),
        ("Linux/AMD64", PlatformSpec("linux", "amd64")),
    ],
)
def test_platform_string_parses(text: str, spec: PlatformSpec) -> None:
    assert parse_platform(text) == spec


@pytest.mark.parametrize("text", ["linux", "linux/", "/amd64", "a/b/c/d", "linux/amd64:", "x y/z"])
def test_bad_platform_string_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(PlatformError, match="invalid platform"):
        parse_platform(text)


@pytest.mark.parametrize(
    ("platform", "position"),
    [
        ("linux/amd64", 0),
        ("linux/x86_64", 0),
        ("linux/arm64", 3),
        ("linux/arm64/v8", 3),
        ("linux/aarch64", 3),
        ("linux/arm/v6", 1),
        ("linux/arm", 2),  # arm means arm/v7 unless a variant is asked for
        ("linux/armhf", 2),
    ],
)
def test_select_matches_os_arch_and_variant(platform: str, position: int) -> None:
    assert select(MIXED, platform).position == position


def test_windows_build_prefix_picks_the_highest_revision() -> None:
    chosen = select(MIXED, "windows/amd64:10.0.17763")
    assert chosen.os_version == "10.0.17763.1879"  # numerically above .999 and .737


def test_windows_full_os_version_picks_that_revision() -> None:
    assert select(MIXED, "windows/amd64:10.0.17763.737").position == 4
    assert select(MIXED, "windows/amd64:10.0.14393").os_version == "10.0.14393.4169"


def test_windows_without_os_version_picks_the_newest_build() -> None:
    assert select(MIXED, "windows/amd64").os_version == "10.0.17763.1879"


def test_no_match_names_what_the_index_offers() -> None:
    with pytest.raises(PlatformError) as caught:
        select(MIXED, "windows/amd64:10.0.20348")
    message = str(caught.value)
    assert "no manifest for platform windows/amd64:10.0.20348" in message
    assert "linux/arm64/v8" in message and "windows/amd64:10.0.14393.4169" in message
    assert "\n" not in message
