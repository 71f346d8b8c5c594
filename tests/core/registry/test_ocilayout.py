"""An OCI image layout directory as an offline source: `oci:PATH[:TAG]`."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.reference import Reference
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.client import (
    RegistryClient,
    RegistryOptions,
    fetch_image,
    layer_history,
    parse_source,
)
from foreign_explorer.core.registry.ocilayout import OCILayoutReference, parse_oci_reference
from tests.core.registry import multiarch

MULTI = multiarch.build("layout/test")


def _write_blob(root: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    path = root / "blobs" / "sha256" / digest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return f"sha256:{digest}"


def _entry(
    data: bytes, media_type: str, name: str | None = None, **extra: object
) -> dict[str, object]:
    entry: dict[str, object] = {
        "mediaType": media_type,
        "size": len(data),
        "digest": "sha256:" + hashlib.sha256(data).hexdigest(),
    }
    if name is not None:
        entry["annotations"] = {"org.opencontainers.image.ref.name": name}
    entry.update(extra)
    return entry


def _layout(root: Path, entries: list[dict[str, object]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    for child in (*MULTI.oci_children, *MULTI.docker_children):
        _write_blob(root, child.image.manifest)
        _write_blob(root, child.config)
    _write_blob(root, MULTI.oci_index)
    index = {"schemaVersion": 2, "mediaType": mt.OCI_INDEX, "manifests": entries}
    (root / "index.json").write_text(json.dumps(index))
    return root


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    single = MULTI.oci_children[0].image.manifest
    return _layout(
        tmp_path / "layout",
        [_entry(MULTI.oci_index, mt.OCI_INDEX, "v1"), _entry(single, mt.OCI_MANIFEST, "single")],
    )


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("oci:/images/app", OCILayoutReference("/images/app")),
        ("oci:/images/app:v1", OCILayoutReference("/images/app", "v1")),
        ("oci:relative/dir:1.0", OCILayoutReference("relative/dir", "1.0")),
    ],
)
def test_oci_reference_splits_path_and_tag(text: str, parsed: OCILayoutReference) -> None:
    assert parse_oci_reference(text) == parsed
    assert str(parsed) == text


@pytest.mark.parametrize("text", ["oci:", "oci::tag", "oci:/dir:"])
def test_bad_oci_reference_is_refused(text: str) -> None:
    with pytest.raises(e.OCILayoutError, match="invalid OCI layout reference"):
        parse_oci_reference(text)


def test_source_text_picks_layout_or_registry() -> None:
    assert parse_source("oci:/x:y") == OCILayoutReference("/x", "y")
    assert parse_source("alpine") == Reference("docker.io", "library/alpine", "latest")
    assert parse_source("docker://ghcr.io/o/r:1") == Reference("ghcr.io", "o/r", "1")


async def test_tagged_index_in_a_layout_lists_children_and_fetches_one(layout: Path) -> None:
    async with RegistryClient(env={}) as client:
        index = await client.fetch_image(f"oci:{layout}:v1")
        assert index.is_index and index.manifest == MULTI.oci_index
        assert index.digest == MULTI.oci_index_digest
        assert index.source.registry == "oci-layout"
        assert index.source.reference == f"oci:{layout}:v1"
        child = await index.fetch_platform("windows/amd64:10.0.17763")
        assert child.manifest == MULTI.oci_children[3].image.manifest
        assert child.media_type == mt.OCI_MANIFEST
        config = await child.fetch_config()
        assert layer_history(config, 2) == MULTI.oci_children[3].history
        assert client.request_count == 0


async def test_platform_option_applies_to_layouts(layout: Path) -> None:
    image = await fetch_image(f"oci:{layout}:v1", RegistryOptions(platform="linux/arm64/v8"))
    assert image.manifest == MULTI.oci_children[1].image.manifest
    assert image.source.platform == "linux/arm64/v8"


async def test_tag_naming_a_single_manifest(layout: Path) -> None:
    image = await fetch_image(f"oci:{layout}:single")
    assert image.manifest == MULTI.oci_children[0].image.manifest
    assert not image.is_index


async def test_several_named_images_need_a_tag(layout: Path) -> None:
    with pytest.raises(e.OCILayoutError, match="add one of these tags: v1, single"):
        await fetch_image(f"oci:{layout}")


async def test_unknown_tag_lists_the_tags(layout: Path) -> None:
    with pytest.raises(e.OCILayoutError, match=r"tag 'v2' is not in .* \(it has: v1, single\)"):
        await fetch_image(f"oci:{layout}:v2")


async def test_single_unnamed_entry_needs_no_tag(tmp_path: Path) -> None:
    root = _layout(tmp_path / "one", [_entry(MULTI.oci_index, mt.OCI_INDEX)])
    image = await fetch_image(f"oci:{root}")
    assert image.digest == MULTI.oci_index_digest


async def test_unnamed_platform_manifests_make_index_json_the_index(tmp_path: Path) -> None:
    entries = [
        _entry(c.image.manifest, mt.OCI_MANIFEST, platform=c.platform) for c in MULTI.oci_children
    ]
    root = _layout(tmp_path / "flat", entries)
    image = await fetch_image(f"oci:{root}", RegistryOptions(platform="linux/amd64"))
    assert image.manifest == MULTI.oci_children[0].image.manifest
    assert image.parent is not None
    assert image.parent.manifest == (root / "index.json").read_bytes()


async def test_corrupt_blob_is_a_digest_mismatch(layout: Path) -> None:
    digest = MULTI.oci_children[0].image.digest
    (layout / "blobs" / "sha256" / digest.split(":")[1]).write_bytes(b"{}")
    with pytest.raises(e.DigestMismatch, match="the layout is corrupt"):
        await fetch_image(f"oci:{layout}:single")


async def test_missing_child_blob_is_named(layout: Path) -> None:
    digest = MULTI.oci_children[1].image.digest
    (layout / "blobs" / "sha256" / digest.split(":")[1]).unlink()
    index = await fetch_image(f"oci:{layout}:v1")
    with pytest.raises(e.OCILayoutError, match=f"manifest {digest} is not in"):
        await index.fetch_platform("linux/arm64")


async def test_directory_without_oci_layout_file(tmp_path: Path) -> None:
    with pytest.raises(e.OCILayoutError, match="is not an OCI image layout: no oci-layout file"):
        await fetch_image(f"oci:{tmp_path}")


async def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(e.OCILayoutError, match="is not a directory"):
        await fetch_image(f"oci:{tmp_path / 'nope'}")


# --- special files: read as regular files only, never past the cap --------------------------


# Runs the fetch in a child with 1 GiB of address space and a time limit: if a special file
# were ever read again (/dev/zero never ends, a FIFO never opens), the test fails instead of
# eating the machine's memory or hanging.
_FETCH = """
import asyncio, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from foreign_explorer.core.registry.client import fetch_image

async def go():
    image = await fetch_image(sys.argv[1])
    if sys.argv[2] == "config":
        await image.fetch_config()

try:
    asyncio.run(go())
except Exception as exc:
    print(type(exc).__name__, exc, sep="\\n", end="")
"""


def _fetch_error(text: str, config: bool = False) -> tuple[str, str] | None:
    """(exception class, message) of fetching `text` in a bounded child; None if it worked."""
    what = "config" if config else "manifest"
    result = subprocess.run(
        [sys.executable, "-c", _FETCH, text, what], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    if not result.stdout:
        return None
    kind, _, message = result.stdout.partition("\n")
    return kind, message


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "scratch-fifo"
    os.mkfifo(path)
    return path


def _zero_twin(tmp_path: Path) -> Path:
    """A character device like /dev/zero (1, 5), made under tmp_path: endless zero bytes."""
    path = tmp_path / "scratch-zero"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device node needs privileges this run lacks")
    return path


def _replace_with_link(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def _blob_path(root: Path, digest: str) -> Path:
    return root / "blobs" / "sha256" / digest.split(":")[1]


SPECIAL_FILES = [(_fifo, "a FIFO"), (_zero_twin, "a character device")]


@pytest.mark.parametrize(("special", "kind"), SPECIAL_FILES)
def test_manifest_blob_linked_to_a_special_file_is_refused(
    layout: Path, tmp_path: Path, special, kind: str
) -> None:
    path = _blob_path(layout, MULTI.oci_children[0].image.digest)
    _replace_with_link(path, special(tmp_path))
    assert _fetch_error(f"oci:{layout}:single") == (
        "OCILayoutError",
        f"manifest {path} is {kind}, not a regular file",
    )


@pytest.mark.parametrize(("special", "kind"), SPECIAL_FILES)
def test_index_json_linked_to_a_special_file_is_refused(
    layout: Path, tmp_path: Path, special, kind: str
) -> None:
    _replace_with_link(layout / "index.json", special(tmp_path))
    assert _fetch_error(f"oci:{layout}:v1") == (
        "OCILayoutError",
        f"index {layout / 'index.json'} is {kind}, not a regular file",
    )


def test_oci_layout_marker_that_is_a_fifo_is_refused(layout: Path, tmp_path: Path) -> None:
    _replace_with_link(layout / "oci-layout", _fifo(tmp_path))
    assert _fetch_error(f"oci:{layout}:v1") == (
        "OCILayoutError",
        f"oci-layout file {layout / 'oci-layout'} is a FIFO, not a regular file",
    )


def test_config_blob_linked_to_dev_zero_twin_is_refused(layout: Path, tmp_path: Path) -> None:
    config_digest = "sha256:" + hashlib.sha256(MULTI.oci_children[0].config).hexdigest()
    path = _blob_path(layout, config_digest)
    _replace_with_link(path, _zero_twin(tmp_path))
    assert _fetch_error(f"oci:{layout}:single", config=True) == (
        "OCILayoutError",
        f"config {path} is a character device, not a regular file",
    )


def test_blob_that_is_a_directory_is_refused(layout: Path) -> None:
    path = _blob_path(layout, MULTI.oci_children[0].image.digest)
    path.unlink()
    path.mkdir()
    assert _fetch_error(f"oci:{layout}:single") == (
        "OCILayoutError",
        f"manifest {path} is a directory, not a regular file",
    )


def test_index_json_over_the_cap_is_refused_without_reading_it_all(layout: Path) -> None:
    index = layout / "index.json"
    index.write_bytes(index.read_bytes() + b" " * (4 * 1024 * 1024))
    assert _fetch_error(f"oci:{layout}:v1") == (
        "ManifestTooLarge",
        f"index {index} is larger than 4194304 bytes; stopped reading",
    )


def test_blob_linked_to_a_regular_file_inside_the_layout_is_read(layout: Path) -> None:
    single = MULTI.oci_children[0].image.manifest
    path = _blob_path(layout, MULTI.oci_children[0].image.digest)
    (layout / "kept").mkdir()
    (layout / "kept" / "manifest.json").write_bytes(single)
    _replace_with_link(path, Path("../../kept/manifest.json"))
    assert _fetch_error(f"oci:{layout}:single") is None


async def test_truncated_manifest_blob_is_one_line_naming_the_layout(tmp_path: Path) -> None:
    broken = MULTI.oci_children[0].image.manifest[:30]
    root = _layout(tmp_path / "broken", [_entry(broken, mt.OCI_MANIFEST, "bad")])
    _write_blob(root, broken)
    with pytest.raises(e.MalformedResponse) as caught:
        await fetch_image(f"oci:{root}:bad")
    assert str(caught.value) == (
        f"manifest {_entry(broken, mt.OCI_MANIFEST)['digest']} in oci:{root}:bad is not valid "
        "JSON: unexpected end of JSON input"
    )
