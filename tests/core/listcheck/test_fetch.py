"""Fetching a list against real registries: every image and platform, at the request floor,
each failure alone, and the list's own connection settings."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Sequence

import pytest

from foreign_explorer.core.listcheck.fetch import fetch_list, host_settings, list_options
from foreign_explorer.core.listcheck.model import ListFailure, ListImage, ListNote, ListResult
from foreign_explorer.core.mirrorlist import Connection, Tls, read_mirror_list
from foreign_explorer.core.registry.client import RegistryClient, RegistryOptions
from foreign_explorer.core.registry.hosts import HostTLS
from tests.core.listcheck.mirrorset import MirrorSet, access_lines, served
from tests.core.registry.conftest import PRIVATE_REPO, TOKEN_PASSWORD, TOKEN_USER
from tests.registry import images
from tests.servers.certs import KeyPair
from tests.servers.registries import FrontEndRegistry

pytestmark = pytest.mark.registry
ENV = {"HOME": "/nonexistent", "PATH": os.environ["PATH"]}


async def _fetch(
    text: str, *, page_size: int | None = None, planned: list[int] | None = None
) -> tuple[list[ListResult], RegistryClient]:
    mirror_list = read_mirror_list(text)
    options, _ = list_options(RegistryOptions(), mirror_list.repositories)
    results = []
    async with RegistryClient(options, env=ENV) as client:
        async for result in fetch_list(
            mirror_list.repositories,
            client,
            page_size=page_size,
            on_planned=planned.append if planned is not None else None,
        ):
            results.append(result)
    return results, client


def _fetched(text: str, **options: object) -> tuple[list[ListResult], RegistryClient]:
    return asyncio.run(_fetch(text, **options))  # type: ignore[arg-type]


def _images(results: Sequence[ListResult]) -> dict[str, tuple[str, ...]]:
    return {
        r.reference: tuple(p.label for p in r.platforms)
        for r in results
        if isinstance(r, ListImage)
    }


def test_every_image_and_platform_of_a_skopeo_sync_file(mirror: MirrorSet) -> None:
    planned: list[int] = []
    results, _ = _fetched(mirror.skopeo_sync(), planned=planned)
    assert _images(results) == {
        mirror.ref("servercore:ltsc2019"): ("image",),
        mirror.ref("servercore:ltsc2022"): ("image",),
        mirror.ref("multi:v1"): (
            "linux/amd64",
            "windows/amd64",
            "unknown/unknown (attestation)",
        ),
        # images-by-tag-regex ^1\. over the registry's tag list: 1.0 and 1.1, not 2.0.
        mirror.ref("nanoserver:1.0"): ("image",),
        mirror.ref("nanoserver:1.1"): ("image",),
    }
    # The explicit tags are known at once; each tag list adds its images when it arrives.
    assert planned[0] == 2 and planned[-1] == 5
    multi = next(r for r in results if isinstance(r, ListImage) and r.index is not None)
    manifests = [p.data for p in multi.platforms]
    assert manifests == [c.manifest for c in mirror.images["multi:v1"].children]


def test_a_list_costs_one_challenge_one_token_per_repository_one_request_per_page_and_manifest(
    mirror: MirrorSet,
) -> None:
    since = access_lines(mirror.front)
    tokens_before = len(mirror.tokens.issued)
    _, client = _fetched(mirror.skopeo_sync())
    seen = served(mirror.front, since)
    # Three repositories; two tag lists; 2 + (1 + 3) + 2 manifests; one 401 in all.
    assert [status for _, _, status in seen].count(401) == 1
    assert sum(1 for _, path, s in seen if path.endswith("/tags/list") and s == 200) == 2
    assert sum(1 for _, path, s in seen if "/manifests/" in path and s == 200) == 8
    assert len(seen) == 1 + 2 + 8
    assert len(mirror.tokens.issued) - tokens_before == 3
    assert client.request_count == len(seen) + 3


def test_regsync_filters_the_registrys_tags_as_regsync_does(mirror: MirrorSet) -> None:
    results, _ = _fetched(mirror.regsync())
    # allow 1\..* and 2\..*, deny 1\.1: 1.0 and 2.0.
    assert set(_images(results)) == {
        mirror.ref("servercore:ltsc2019"),
        mirror.ref("nanoserver:1.0"),
        mirror.ref("nanoserver:2.0"),
    }


def test_a_plain_list_names_its_images(mirror: MirrorSet) -> None:
    results, _ = _fetched(mirror.plain_list())
    assert _images(results)[mirror.ref("tools:1")] == ("image",)
    assert len(_images(results)) == 3


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_missing_repository_and_a_registry_that_is_down_fail_alone(mirror: MirrorSet) -> None:
    down = f"127.0.0.1:{_closed_port()}"
    text = "\n".join(
        [
            mirror.ref("tools:1"),
            mirror.ref("no-such-repo:1"),
            f"{down}/mirror/tools:1",
            f"{down}/mirror/other:2",
            mirror.ref("servercore:ltsc2019"),
        ]
    )
    results, _ = _fetched(text)
    assert set(_images(results)) == {mirror.ref("tools:1"), mirror.ref("servercore:ltsc2019")}
    failures = {r.reference: r.message for r in results if isinstance(r, ListFailure)}
    assert set(failures) == {
        mirror.ref("no-such-repo:1"),
        f"{down}/mirror/tools:1",
        f"{down}/mirror/other:2",
    }
    # distribution 2.8 says MANIFEST_UNKNOWN for a manifest of a repository it never had.
    assert failures[mirror.ref("no-such-repo:1")] == (
        f"manifest 1 in mirror/no-such-repo on {mirror.host} not found "
        "(MANIFEST_UNKNOWN: manifest unknown)"
    )
    assert failures[f"{down}/mirror/tools:1"] == (
        f"connection to http://{down} refused: is the registry running?"
    )
    assert all("\n" not in message for message in failures.values())


def test_a_tag_filter_that_selects_nothing_is_a_note_not_a_failure(mirror: MirrorSet) -> None:
    text = f"{mirror.host}:\n  images-by-tag-regex:\n    mirror/nanoserver: ^9\\.\n"
    results, _ = _fetched(text)
    assert [type(r) for r in results] == [ListNote]
    assert "no tag selected" in results[0].message  # type: ignore[union-attr]


def test_tag_list_pages_are_followed_for_a_list(registry3_pool: object) -> None:
    registry = registry3_pool.registry_for(None)  # type: ignore[attr-defined]
    repo = registry.new_repo("paged-list")
    image = images.docker_image([images.layer("paged-list")])
    for tag in ("a", "b", "c"):
        assert images.push_image(registry, repo, image, ref=tag).status == 201
    text = f"127.0.0.1:{registry.port}:\n  images:\n    {repo}: []\n"
    results, client = _fetched(text, page_size=2)
    assert sorted(_images(results)) == [f"127.0.0.1:{registry.port}/{repo}:{t}" for t in "abc"]
    assert [r.purpose for r in client.requests].count("tag list") == 2


# --- the list's own settings ----------------------------------------------------------------


def test_credentials_in_a_skopeo_file_open_a_private_repository(
    token_registry: FrontEndRegistry, private_image: images.Image
) -> None:
    def skopeo(credentials: str) -> str:
        return f"{token_registry.host}:\n{credentials}  images:\n    {PRIVATE_REPO}: [v1]\n"

    granted = f"  credentials:\n    username: {TOKEN_USER}\n    password: {TOKEN_PASSWORD}\n"
    results, _ = _fetched(skopeo(granted))
    assert [type(r) for r in results] == [ListImage]
    assert results[0].platforms[0].data == private_image.manifest  # type: ignore[union-attr]
    results, _ = _fetched(skopeo(""))
    assert [type(r) for r in results] == [ListFailure]
    assert "docker login" in results[0].message  # type: ignore[union-attr]


def test_regsync_tls_enabled_with_its_regcert_reaches_a_tls_registry(
    tls_registry: FrontEndRegistry, keys: KeyPair, private_image: images.Image
) -> None:
    pem = keys.cert_path.read_text(encoding="utf-8")
    indented = "\n".join("      " + line for line in pem.strip().splitlines())
    text = (
        f"version: 1\ncreds:\n  - registry: {tls_registry.host}\n    tls: enabled\n"
        f"    regcert: |\n{indented}\n"
        f"sync:\n  - source: {tls_registry.host}/{PRIVATE_REPO}:v1\n"
        "    target: registry.internal/private:v1\n    type: image\n"
    )
    results, client = _fetched(text)
    assert [type(r) for r in results] == [ListImage]
    assert client.requests[0].url.startswith(f"https://{tls_registry.host}/")
    # Without its certificate the same registry is not trusted.
    results, _ = _fetched(text.replace("    regcert: |\n" + indented + "\n", ""))
    assert "is not trusted" in results[0].message  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("tls", "expected"),
    [
        (Tls.DEFAULT, None),
        (Tls.VERIFY, HostTLS("r.example:5000", plain_http=False)),
        (Tls.SKIP_VERIFY, HostTLS("r.example:5000", plain_http=False, insecure=True)),
        (Tls.SKIP_VERIFY_OR_HTTP, HostTLS("r.example:5000", http_fallback=True, insecure=True)),
        (Tls.HTTP, HostTLS("r.example:5000", plain_http=True)),
    ],
)
def test_each_tls_setting_becomes_the_hosts_transport_settings(
    tls: Tls, expected: HostTLS | None
) -> None:
    assert host_settings(Connection("r.example:5000", tls)).tls == expected


def test_regsync_hostname_and_path_prefix_say_where_requests_go() -> None:
    settings = host_settings(
        Connection("registry.internal", Tls.HTTP, hostname="10.0.0.5:5000", path_prefix="hub")
    )
    assert (settings.hostname, settings.path_prefix) == ("10.0.0.5:5000", "hub")
    assert settings.tls == HostTLS("10.0.0.5:5000", plain_http=True)
