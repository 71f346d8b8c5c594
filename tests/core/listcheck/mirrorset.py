"""A source registry holding the images of a mirror job, and the lists that name them.

The images sit in a real registry (validation disabled, so any foreign URL can be pushed)
behind a token-auth front end on 127.0.0.1, as a Docker-Hub-style source registry is:

* `servercore`: `ltsc2019` (Docker, a foreign layer on mcr.microsoft.com) and `ltsc2022`
  (OCI, a non-distributable layer on mcr.microsoft.com);
* `nanoserver`: `1.0`, `1.1`, `2.0`, each with a foreign layer on another host;
* `multi`: `v1`, an OCI index over linux/amd64 (no foreign layer), windows/amd64 (foreign,
  on mcr.microsoft.com) and an attestation manifest (`unknown/unknown`);
* `tools`: `1` a Linux image without foreign layers.

`skopeo_sync`, `regsync` and `plain_list` write the files a user of each tool would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.registry import images
from tests.registry.harness import RegistryPool, RunningRegistry
from tests.servers.certs import KeyPair
from tests.servers.registries import FrontEndRegistry, storage_of, token_auth
from tests.servers.tokenservice import TokenService

NAMESPACE = "mirror"
MCR = "https://mcr.microsoft.com/v2/windows/servercore/blobs/"
OTHER = "https://winlayers.cloudapp.net/v2/windows/nanoserver/blobs/"
# The source registry accepts any push: the images are what a public registry serves.
ANY_URL = {"disabled": True}


def _windows(seed: str, host: str, *, oci: bool = False) -> images.Image:
    base = images.layer(f"{seed}-base", upload=False)
    urls = [host + base.digest]
    if oci:
        foreign = images.oci_nondistributable_layer(urls, seed=f"{seed}-base")
        return images.oci_image([foreign, images.oci_layer(f"{seed}-app")])
    foreign = images.foreign_layer(urls, seed=f"{seed}-base")
    return images.docker_image([foreign, images.layer(f"{seed}-app")], os="windows")


def _multi() -> tuple[images.Image, tuple[str, ...]]:
    linux = images.oci_image([images.oci_layer("multi-linux")])
    windows = _windows("multi-windows", MCR, oci=True)
    attestation = images.oci_image([images.oci_layer("multi-attestation")])
    children = [
        images.child(linux, {"architecture": "amd64", "os": "linux"}),
        images.child(windows, {"architecture": "amd64", "os": "windows"}),
        images.child(
            attestation,
            {"architecture": "unknown", "os": "unknown"},
            extra={
                "annotations": {
                    "vnd.docker.reference.type": "attestation-manifest",
                    "vnd.docker.reference.digest": windows.digest,
                }
            },
        ),
    ]
    return images.index_image(children), ("linux/amd64", "windows/amd64", "unknown/unknown")


@dataclass
class MirrorSet:
    source: RunningRegistry
    front: FrontEndRegistry
    tokens: TokenService
    # "servercore:ltsc2019" -> the image pushed there
    images: dict[str, images.Image] = field(default_factory=dict)
    multi_platforms: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        return self.front.host

    def ref(self, name: str) -> str:
        return f"{self.host}/{NAMESPACE}/{name}"

    def repository(self, name: str) -> str:
        return f"{NAMESPACE}/{name}"

    def skopeo_sync(self) -> str:
        return f"""\
# skopeo sync --src yaml --dest docker mirror.yaml registry.internal/mirror
{self.host}:
  tls-verify: false
  images:
    {NAMESPACE}/servercore:
      - ltsc2019
      - ltsc2022
    {NAMESPACE}/multi: []
  images-by-tag-regex:
    {NAMESPACE}/nanoserver: ^1\\.
"""

    def regsync(self) -> str:
        return f"""\
version: 1
creds:
  - registry: {self.host}
    tls: disabled
  - registry: registry.internal
    tls: disabled
sync:
  - source: {self.host}/{NAMESPACE}/servercore:ltsc2019
    target: registry.internal/mirror/servercore:ltsc2019
    type: image
  - source: {self.host}/{NAMESPACE}/nanoserver
    target: registry.internal/mirror/nanoserver
    type: repository
    tags:
      allow:
        - "1\\\\..*"
        - "2\\\\..*"
      deny:
        - "1\\\\.1"
"""

    def plain_list(self) -> str:
        return f"""\
# images for the Windows nodes
{self.ref("servercore:ltsc2019")}
{self.ref("multi:v1")}   # every platform
{self.ref("tools:1")}
"""

    def stop(self) -> None:
        self.front.stop()
        self.tokens.stop()


def build(pool: RegistryPool, keys: KeyPair) -> MirrorSet:
    source = pool.registry_for(ANY_URL)
    pushed: dict[str, images.Image] = {
        "servercore:ltsc2019": _windows("servercore-2019", MCR),
        "servercore:ltsc2022": _windows("servercore-2022", MCR, oci=True),
        "nanoserver:1.0": _windows("nanoserver-1.0", OTHER),
        "nanoserver:1.1": _windows("nanoserver-1.1", OTHER),
        "nanoserver:2.0": _windows("nanoserver-2.0", OTHER),
        "tools:1": images.docker_image([images.layer("tools-1")]),
    }
    multi, platforms = _multi()
    pushed["multi:v1"] = multi
    for name, image in pushed.items():
        repo, _, tag = name.partition(":")
        result = images.push_image(source, f"{NAMESPACE}/{repo}", image, ref=tag)
        if result.status != 201:
            raise AssertionError(f"push {name}: {result.status} {result.body!r}")
    tokens = TokenService(keys).start()
    auth = token_auth(tokens.realm, tokens.service, tokens.issuer, keys)
    front = FrontEndRegistry(storage_of(source), auth=auth)
    if front.startup_failure is not None:
        tokens.stop()
        raise AssertionError(front.startup_failure)
    return MirrorSet(source, front, tokens, pushed, platforms)


def serve(mirror: MirrorSet) -> Iterator[MirrorSet]:
    try:
        yield mirror
    finally:
        mirror.stop()


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def served(registry: RunningRegistry, since: int = 0) -> list[tuple[str, str, int]]:
    """(method, path, status) of every request the registry answered, from its access log
    (Apache combined format on its standard output), from line `since` on."""
    import re
    import time

    path = Path(registry._workdir) / "access.log"  # the harness writes it
    pattern = re.compile(r'"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP/[\d.]+" (\d{3})')
    time.sleep(0.2)  # the registry writes the line as it finishes the answer
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[since:]:
        match = pattern.search(line)
        if match:
            found.append((match[1], match[2].split("?", 1)[0], int(match[3])))
    return found


def access_lines(registry: RunningRegistry) -> int:
    path = Path(registry._workdir) / "access.log"
    return len(path.read_text(encoding="utf-8", errors="replace").splitlines())
