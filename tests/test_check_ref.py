"""`foreign-explorer check REF` against the real registry: single images and multi-arch indexes."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.cli import main
from tests.core.registry import multiarch
from tests.registry.harness import RegistryPool, RunningRegistry

MCR_ALLOW = r"^https://mcr\.microsoft\.com/"


@pytest.fixture(scope="module")
def pushed(registry_pool: RegistryPool) -> tuple[RunningRegistry, multiarch.MultiArch]:
    registry = registry_pool.registry_for(multiarch.ALLOW_MCR)
    built = multiarch.build(registry.new_repo("checkref"))
    multiarch.push(registry, built)
    return registry, built


def _ref(pushed, tag: str) -> str:
    registry, built = pushed
    return f"127.0.0.1:{registry.port}/{built.repo}:{tag}"


def _json(capsys, *args: str) -> tuple[int, dict]:
    status = main(["check", *args, "--format", "json"])
    return status, json.loads(capsys.readouterr().out)


def test_index_without_platform_judges_every_image_child(pushed, capsys):
    status, doc = _json(capsys, _ref(pushed, "list"))
    platforms = [child["platform"] for child in doc["children"]]
    assert status == 1
    assert doc["accepted"] is False
    assert len(platforms) == len(multiarch.PLATFORMS)
    assert any(p.startswith("windows/amd64") for p in platforms)


def test_index_children_all_pass_once_mcr_is_allowed(pushed, capsys):
    status, doc = _json(capsys, _ref(pushed, "index"), "--allow", MCR_ALLOW)
    assert (status, doc["accepted"]) == (0, True)
    assert all(child["status"] == 201 for child in doc["children"])


def test_platform_picks_one_child_with_its_source(pushed, capsys):
    status, doc = _json(capsys, _ref(pushed, "list"), "--platform", "windows/amd64")
    assert status == 1
    assert doc["source"]["platform"].startswith("windows/amd64")
    assert doc["status"] == 500
    assert any(d["foreign"] and d["verdict"] == "invalid-url" for d in doc["descriptors"])


def test_linux_child_has_no_foreign_layers_and_passes(pushed, capsys):
    status, doc = _json(capsys, _ref(pushed, "list"), "--platform", "linux/amd64")
    assert (status, doc["status"]) == (0, 201)


def test_text_output_says_whether_the_index_mirrors_cleanly(pushed, capsys):
    status = main(["check", _ref(pushed, "list")])
    out = capsys.readouterr().out
    assert status == 1
    assert "mirrors cleanly: no" in out


def test_unknown_tag_is_one_line_exit_2(pushed, capsys):
    status = main(["check", _ref(pushed, "no-such-tag")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "not found" in err


def test_ref_and_file_together_is_usage_error(capsys):
    status = main(["check", "example.com/a:b", "--sample"])
    assert status == 2
    assert "only one of" in capsys.readouterr().err
