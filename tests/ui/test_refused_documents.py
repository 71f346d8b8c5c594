"""Issue 9 item 4: a document the registry's decoder refuses shows the registry's answer."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from foreign_explorer.core.evaluate import invalid_manifest_response
from foreign_explorer.core.manifest import ManifestError, ManifestInvalid, parse_manifest
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.pushtypes import not_a_manifest
from foreign_explorer.core.report import not_a_manifest_lines
from foreign_explorer.ui import loading
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from foreign_explorer.ui.model import EntryStatus
from foreign_explorer.ui.widgets.layer_detail import LayerDetail
from foreign_explorer.ui.widgets.push_preview import PushPreview, push_text
from foreign_explorer.ui.widgets.verdict_header import VerdictHeader
from tests.servers.scripted import Reply, ScriptedServer, routes
from tests.ui.builders import DOCKER_MANIFEST, docker_manifest, foreign_layer, plain_layer
from tests.ui.screen import screen_lines


def urls_as_a_string() -> bytes:
    """layers[1].urls is a string: Go's decoder refuses it (400 MANIFEST_INVALID)."""
    doc = json.loads(docker_manifest([foreign_layer(), plain_layer("a")]))
    doc["layers"][1]["urls"] = "https://example.com/x"
    return json.dumps(doc).encode()


def decoder_error(data: bytes) -> ManifestInvalid:
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(data)
    return caught.value


async def test_a_manifest_the_decoder_rejects_gets_check_s_400_per_target() -> None:
    data = urls_as_a_string()
    error = decoder_error(data)
    app = ExplorerApp(LaunchOptions(files=(FileInput("bad.json", data),)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.state.entry.status is EntryStatus.REFUSED
        header = str(app.screen.query_one(VerdictHeader).render())
        # check's line for the same file: `push → 400 Bad Request: manifest invalid: …`
        assert f"✗ push → 400 Bad Request: manifest invalid: {error.message}" in header
        assert "could not load" not in header
        body = invalid_manifest_response(error, DISTRIBUTION_2_8).body.decode().rstrip("\n")
        assert body in app.screen.query_one(PushPreview).text().plain
        assert "refuses the document as a whole" in str(app.screen.query_one(LayerDetail).render())
        await pilot.press("t")
        await pilot.pause()
        body = invalid_manifest_response(error, DISTRIBUTION_3).body.decode().rstrip("\n")
        assert body in app.screen.query_one(PushPreview).text().plain


async def test_a_document_that_is_no_manifest_says_so_with_an_answer_per_content_type() -> None:
    files = (FileInput("hello.json", b'{"hello": "world"}'),)
    app = ExplorerApp(LaunchOptions(files=files))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one(VerdictHeader).render())
        assert "✗ not an image manifest or index" in header
        # Not shown as an OCI manifest with a config row that has an invalid digest.
        assert "invalid digest" not in header and "OCI image manifest" not in header
        push = app.screen.query_one(PushPreview).text().plain
        # The same answers, in the same words, as `check` gives for the file: status, code,
        # Content-Type and the registry's reason, then the body.
        whole = push_text(app.view).plain
        for line in check_answer_lines(b'{"hello": "world"}'):
            assert line in whole
        assert '{"errors":[{"code":"MANIFEST_INVALID"' in whole
        # The pane's first line: the status, and that b shows every answer.
        assert push.startswith("✗ 400 MANIFEST_INVALID as a Docker manifest (1 of 6")


def check_answer_lines(data: bytes) -> list[str]:
    """`✗ 400 MANIFEST_INVALID as a Docker manifest: mediaType in manifest should be …`: each
    of `check`'s answer lines, as the explorer words them."""
    error = not_a_manifest(data)
    lines = not_a_manifest_lines(error, DISTRIBUTION_2_8)[1:]
    assert len(lines) == 6
    shown = []
    for line in lines:
        label, status, code, reason = re.fullmatch(r"  (.+?): (\d+) (\w+): (.+)", line).groups()
        shown.append(f"✗ {status} {code} {label}: {reason}")
    return shown


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_first_push_row_of_a_non_manifest_carries_its_status(
    size: tuple[int, int],
) -> None:
    files = (FileInput("hello.json", b'{"hello": "world"}'),)
    app = ExplorerApp(LaunchOptions(files=files))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        title = next(i for i, row in enumerate(lines) if "docker push would get" in row)
        assert "✗ 400 MANIFEST_INVALID as a Docker manifest" in lines[title + 1]
        await pilot.press("b")
        await pilot.pause()
        modal = app.screen.text.plain
        for line in check_answer_lines(b'{"hello": "world"}'):
            assert line in modal


async def test_a_manifest_error_without_an_answer_shows_its_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(data: bytes, media_type: str | None = None):
        raise ManifestError("unreadable: no answer known")

    monkeypatch.setattr(loading, "parse_manifest", refuse)
    app = ExplorerApp(LaunchOptions(files=(FileInput("odd.json", b"{}"),)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header = str(app.screen.query_one(VerdictHeader).render())
        assert "✗ unreadable: no answer known" in header
        push = app.screen.query_one(PushPreview).text().plain
        assert "the registry would refuse it: unreadable: no answer known" in push


async def test_a_fetched_manifest_the_decoder_rejects_is_refused_not_failed() -> None:
    # A registry never serves such a manifest (it refuses the push): a scripted one does.
    data = urls_as_a_string()
    error = decoder_error(data)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    headers = (("Content-Type", DOCKER_MANIFEST), ("Docker-Content-Digest", digest))
    handler = routes({"/v2/": Reply(200, b"{}"), "/v2/a/manifests/b": Reply(200, data, headers)})
    with ScriptedServer(handler) as server:
        options = LaunchOptions(references=(f"{server.netloc}/a:b",), plain_http=True)
        app = ExplorerApp(options)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.state.entry.status is EntryStatus.REFUSED
            header = str(app.screen.query_one(VerdictHeader).render())
            assert f"✗ push → 400 Bad Request: manifest invalid: {error.message}" in header
