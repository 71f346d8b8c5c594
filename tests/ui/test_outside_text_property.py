"""Issue 8's property, explorer half: any string in any manifest field renders escaped."""

from __future__ import annotations

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from tests.ui.builders import DOCKER_FOREIGN, docker_manifest, plain_layer
from tests.ui.screen import has_raw_controls

FIELDS = ("url", "mediaType", "digest", "manifestMediaType")
# Weighted towards what a terminal acts on and what markup parses.
NASTY = st.sampled_from(["\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\x7f", "[", "[/", "]", "\n"])
TEXT = st.lists(st.one_of(NASTY, st.characters(codec="utf-8")), max_size=24).map("".join)


def manifest_with(field: str, value: str) -> bytes:
    layer = {
        "mediaType": DOCKER_FOREIGN,
        "size": 10,
        "digest": "sha256:" + "a" * 64,
        "urls": ["https://mcr.microsoft.com/x"],
    }
    if field == "url":
        layer["urls"] = [f"https://mcr.microsoft.com/{value}"]
    elif field == "mediaType":
        layer["mediaType"] = value
    elif field == "digest":
        layer["digest"] = value
    doc = json.loads(docker_manifest([layer, plain_layer("p")]))
    if field == "manifestMediaType":
        doc["mediaType"] = value
    return json.dumps(doc).encode()


async def render(data: bytes) -> tuple[bool, bool]:
    ExplorerApp.reported.clear()
    app = ExplorerApp(LaunchOptions(files=(FileInput("any.json", data),)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("down", "up")
        await pilot.pause()
        return app.is_running, has_raw_controls(app)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=TEXT)
def test_any_string_in_any_manifest_field_renders_without_raw_controls(
    field: str, value: str
) -> None:
    running, raw = asyncio.run(render(manifest_with(field, value)))
    assert running
    assert not raw
    assert not ExplorerApp.reported
