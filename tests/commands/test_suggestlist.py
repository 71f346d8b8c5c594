"""`suggest --from` and `export --from`: one policy for every image and platform of a list,
which a real registry then accepts for each of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreign_explorer.cli import main
from tests.core.listcheck.mirrorset import NAMESPACE, MirrorSet, write
from tests.registry import images
from tests.registry.harness import RegistryPool

pytestmark = pytest.mark.registry
EXPECTED = [r"^https://mcr\.microsoft\.com/", r"^https://winlayers\.cloudapp\.net/"]
# What the skopeo sync file of the mirror set copies.
COPIED = (
    "servercore:ltsc2019",
    "servercore:ltsc2022",
    "multi:v1",
    "nanoserver:1.0",
    "nanoserver:1.1",
)


def _suggest(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["suggest", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("target", ["distribution-2.8", "distribution-3"])
def test_the_suggestion_for_a_skopeo_sync_file_is_a_policy_a_real_registry_accepts_it_all(
    target: str,
    mirror: MirrorSet,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    registry_pool: RegistryPool,
    registry3_pool: RegistryPool,
) -> None:
    path = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    status, out, _ = _suggest(capsys, "--from", path, "--format", "json", "--target", target)
    document = json.loads(out)
    assert status == 0 and document["verified"] is True
    assert document["allow"] == EXPECTED
    pool = registry3_pool if target == "distribution-3" else registry_pool
    target_registry = pool.registry_for({"manifests": {"urls": {"allow": document["allow"]}}})
    for name in COPIED:
        repo, _, tag = name.partition(":")
        pushed = images.push_image(
            target_registry, f"{NAMESPACE}/{repo}", mirror.images[name], ref=tag
        )
        assert pushed.status == 201, (name, pushed.body)


def test_each_pattern_says_which_images_it_admits(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    status, out, err = _suggest(capsys, "--from", path)
    assert status == 0
    assert "        - ^https://mcr\\.microsoft\\.com/" in out.splitlines()
    notes = err.splitlines()
    start = notes.index("# allow[0] ^https://mcr\\.microsoft\\.com/ admits 3 images:")
    assert notes[start + 1 : start + 4] == [
        f"#   {mirror.ref('servercore:ltsc2019')}",
        f"#   {mirror.ref('servercore:ltsc2022')}",
        f"#   {mirror.ref('multi:v1')}",
    ]
    assert "# allow[1] ^https://winlayers\\.cloudapp\\.net/ admits 2 images:" in notes
    assert notes[-1] == "# with it, 7 of 7 manifests of the list pass"


def test_a_url_that_cannot_be_made_safe_gets_no_pattern_and_the_reason(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = "http://winlayers.cloudapp.net/v2/windows/blobs/" + "a" * 8
    foreign = images.foreign_layer([plain], seed="plain-http-base")
    image = images.docker_image([foreign, images.layer("plain-http-app")], os="windows")
    pushed = images.push_image(mirror.source, f"{NAMESPACE}/plainhttp", image, ref="1")
    assert pushed.status == 201
    text = f"{mirror.ref('plainhttp:1')}\n{mirror.ref('servercore:ltsc2019')}\n"
    path = write(tmp_path, "list.txt", text)
    status, out, _ = _suggest(capsys, "--from", path, "--format", "json")
    document = json.loads(out)
    assert status == 1 and document["verified"] is False
    assert document["allow"] == [EXPECTED[0]]
    [unfixable] = document["unfixable"]
    assert unfixable["url"] == plain
    assert "http" in unfixable["message"] and unfixable["message"]


def test_an_image_that_cannot_be_fetched_makes_suggest_exit_2(
    mirror: MirrorSet, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _suggest(
        capsys, mirror.ref("servercore:ltsc2019"), mirror.ref("servercore:no-such-tag")
    )
    assert status == 2
    assert "        - ^https://mcr\\.microsoft\\.com/" in out.splitlines()
    assert f"# not judged: {mirror.ref('servercore:no-such-tag')}: manifest" in err


def test_export_from_a_list_writes_the_suggested_policy_in_the_chosen_form(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    status = main(["export", "--from", path, "--format", "env"])
    out = capsys.readouterr().out
    assert status == 0
    allow = json.dumps(EXPECTED)
    assert f"export REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW='{allow}'" in out


def test_export_from_a_list_with_an_unfetchable_image_writes_nothing(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "list.txt", mirror.ref("servercore:no-such-tag") + "\n")
    target = tmp_path / "config.yml"
    status = main(["export", "--from", path, "--format", "config", "-o", str(target)])
    err = capsys.readouterr().err
    assert status == 2 and not target.exists()
    assert err.splitlines()[-1] == (
        "foreign-explorer export: some images of the list could not be fetched; nothing exported"
    )


def test_export_takes_allow_patterns_or_a_list_not_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "list.txt", "r.example/a:1\n")
    assert main(["export", "--from", path, "--allow", "x"]) == 2
    assert "give --allow or --from, not both" in capsys.readouterr().err
