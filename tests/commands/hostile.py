"""A registry serving an image whose foreign URL carries what reports must never pass on raw:
terminal controls, a NUL, a character XML cannot hold, and each table and markup
metacharacter. distribution refuses to store such a URL (Go cannot parse it), so a scripted
server plays a registry that does not check (as some hosted registries do not)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.registry import images
from tests.servers.scripted import Reply, ScriptedServer, routes

HOSTILE_URL = (
    "https://mcr.microsoft.com/\x1b[2J\x00\x07\u202e\uffff"
    '|pipe|`tick`<tag attr="x">&amp;]]>*star*_under_[link](x)~~'
)


@contextmanager
def hostile_registry() -> Iterator[str]:
    """Serve the image; yield its reference."""
    foreign = images.foreign_layer([HOSTILE_URL], seed="hostile-base")
    image = images.docker_image([foreign, images.layer("hostile-app")], os="windows")
    reply = Reply(200, image.manifest, (("Content-Type", image.media_type),))
    with ScriptedServer(routes({"/v2/hostile/app/manifests/1": reply})) as server:
        yield f"{server.netloc}/hostile/app:1"
