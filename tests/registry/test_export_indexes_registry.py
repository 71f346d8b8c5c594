"""validation.manifests.indexes in every export form, round-tripped through both real registries.

A policy `platforms: list` of linux/amd64: a v3.1.1 registry started from the exported
snippet, config, environment or Helm values accepts an index whose windows child is missing
and refuses one whose linux child is; a 2.8.2 registry started from the same text ignores the
setting and refuses both. Each answer is also the engine's prediction.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.export import config_document, config_snippet, env_text, helm_values
from foreign_explorer.core.indexes import IndexesSetting, PlatformRef
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource, compile_policy, source_from_config
from foreign_explorer.core.profiles import Profile
from tests.registry import images as im
from tests.registry.harness import DEBIAN_2_8, DISTRIBUTION_3_1, RegistryBuild, RunningRegistry
from tests.registry.test_export_registry import FullConfigRegistry, _free_port, _place_config

SOURCE = PolicySource(
    allow=(r"^https://mcr\.microsoft\.com/",),
    indexes=IndexesSetting(platforms="list", platformlist=(PlatformRef("linux", "amd64"),)),
)
LINUX = {"os": "linux", "architecture": "amd64"}
WINDOWS = {"os": "windows", "architecture": "amd64"}
BUILDS = [
    pytest.param(DEBIAN_2_8, marks=pytest.mark.registry, id="2.8"),
    pytest.param(DISTRIBUTION_3_1, marks=pytest.mark.registry3, id="3.1"),
]


def _child(seed: str) -> im.Image:
    return im.oci_image([im.oci_layer(seed)])


def _index(missing: str) -> im.Image:
    children = [
        im.child(_child("linux"), LINUX, push=missing != "linux"),
        im.child(_child("windows"), WINDOWS, push=missing != "windows"),
    ]
    return im.index_image(children)


def _statuses(registry: RunningRegistry, profile: Profile) -> tuple[int | None, int | None]:
    """(windows child missing, linux child missing): each push as the engine predicts it."""
    assert registry.startup_failure is None, registry.startup_failure
    policy = compile_policy(SOURCE, profile)
    statuses = []
    for missing in ("windows", "linux"):
        image = _index(missing)
        pushed = im.push_image(registry, registry.new_repo("idx"), image)
        predicted = evaluate_manifest(
            parse_manifest(image.manifest, image.media_type), policy, present=image.uploaded()
        ).response
        assert (pushed.status, pushed.body) == (predicted.status, predicted.body)
        statuses.append(pushed.status)
    return statuses[0], statuses[1]


def _expected(build: RegistryBuild) -> tuple[int, int]:
    return (201, 400) if build.profile.reads_index_platforms else (400, 400)


def _start(
    build: RegistryBuild, text: str, place: Callable[..., str], **options
) -> RunningRegistry:
    binary = build.locate()
    assert binary is not None
    return FullConfigRegistry(text, place, binary=binary, **options)


def test_the_snippet_and_config_read_back_as_the_same_indexes_setting() -> None:
    assert source_from_config(config_snippet(SOURCE)).indexes == SOURCE.indexes
    assert source_from_config(config_document(SOURCE)).indexes == SOURCE.indexes


@pytest.mark.parametrize("build", BUILDS)
def test_registry_with_the_snippet_applies_the_platform_list(build: RegistryBuild) -> None:
    binary = build.locate()
    assert binary is not None
    with RunningRegistry(raw_config=config_snippet(SOURCE), binary=binary) as registry:
        assert _statuses(registry, build.profile) == _expected(build)


@pytest.mark.parametrize("build", BUILDS)
def test_registry_from_the_exported_config_applies_the_platform_list(build: RegistryBuild) -> None:
    with _start(build, config_document(SOURCE), _place_config) as registry:
        assert _statuses(registry, build.profile) == _expected(build)


@pytest.mark.parametrize("build", BUILDS)
def test_registry_with_the_exported_environment_applies_the_platform_list(
    build: RegistryBuild,
) -> None:
    binary = build.locate()
    assert binary is not None
    env = parse_env_file(env_text(SOURCE))
    # The file says the opposite: the variables must win.
    against = {"manifests": {"indexes": {"platforms": "none"}}}
    with RunningRegistry(against, env=env, binary=binary) as registry:
        assert _statuses(registry, build.profile) == _expected(build)


@pytest.mark.parametrize("build", BUILDS)
def test_registry_from_the_helm_values_applies_the_platform_list(build: RegistryBuild) -> None:
    values = yaml.safe_load(helm_values(SOURCE))
    debug_port = _free_port()

    def place(text: str, port: int, storage: Path) -> str:
        config = yaml.safe_load(text)
        config["http"]["addr"] = f"127.0.0.1:{port}"
        config["http"]["debug"]["addr"] = f"127.0.0.1:{debug_port}"
        return yaml.safe_dump(config, sort_keys=True, width=1 << 16)

    text = yaml.safe_dump(values["configData"], sort_keys=True)
    env = {"REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "storage"}
    with _start(build, text, place, env=env) as registry:
        assert _statuses(registry, build.profile) == _expected(build)
