"""End to end: a policy typed in the app, exported, merged into a real registry's config.

The image pushed is the sample rebuilt with real blobs: the sample's foreign layer (same
digest, size and URL, never uploaded, like a real foreign layer) and real gzip layers and
config. The app is opened on exactly that manifest, so its prediction is about what is
pushed.
"""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.ui.app import ExplorerApp
from foreign_explorer.ui.launch import FileInput, LaunchOptions
from tests.registry import images
from tests.registry.harness import RegistryPool

MCR = r"^https://mcr\.microsoft\.com/"


def sample_rebuilt() -> images.Image:
    foreign = json.loads(sample_bytes())["layers"][0]
    layer = images.foreign_layer(foreign["urls"], digest=foreign["digest"], size=foreign["size"])
    return images.docker_image([layer, *(images.layer(f"pause-{i}") for i in range(5))])


async def _policy_typed_and_saved(image: images.Image, target: Path) -> tuple[int, bytes, int]:
    """Type the pattern, export and save; return the prediction before and after."""
    app = ExplorerApp(LaunchOptions(files=(FileInput("kubelet-pause (rebuilt)", image.manifest),)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = app.view.evaluation.response
        await pilot.press("a", *MCR, "escape", "e", "s")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        after = app.view.evaluation.response
    return before.status, before.body, after.status


async def test_the_exported_snippet_makes_a_real_registry_accept_the_push(
    registry_pool: RegistryPool, tmp_path: Path
) -> None:
    image = sample_rebuilt()
    snippet_path = tmp_path / "snippet.yml"
    status_before, body_before, status_after = await _policy_typed_and_saved(image, snippet_path)
    assert (status_before, status_after) == (500, 201)

    # Without the snippet the registry answers exactly what the app showed first.
    default = registry_pool.registry_for(None)
    refused = images.push_image(default, default.new_repo("e2e"), image)
    assert (refused.status, refused.body) == (status_before, body_before)

    # With the exported snippet merged into its config.yml, the same push is accepted.
    snippet = snippet_path.read_text(encoding="utf-8")
    registry = registry_pool.registry_for(raw_config=snippet)
    assert registry.startup_failure is None
    accepted = images.push_image(registry, registry.new_repo("e2e"), image)
    assert accepted.status == 201, accepted.body


async def test_the_app_loads_a_reference_from_a_real_registry_over_plain_http(
    registry_pool: RegistryPool,
) -> None:
    image = sample_rebuilt()
    snippet = "validation:\n  manifests:\n    urls:\n      allow:\n        - " + MCR + "\n"
    registry = registry_pool.registry_for(raw_config=snippet)
    repo = registry.new_repo("load")
    assert images.push_image(registry, repo, image, ref="v1").status == 201
    reference = f"127.0.0.1:{registry.port}/{repo}:v1"
    app = ExplorerApp(LaunchOptions(references=(reference,), plain_http=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.state.entry.error is None
        assert app.view.image.manifest.raw == image.manifest
        assert app.view.image.digest == image.digest
        assert app.view.evaluation.response.status == 500
        # The config was fetched for the layer detail; the test image's has no history.
        assert app.view.image.history == (None,) * 6
