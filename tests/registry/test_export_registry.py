"""Every export form, round-tripped through the real registry.

A registry started from the exported config, the snippet, a config the snippet was merged
into, the environment or the Helm values accepts an image like the sample (real blobs plus the
sample's foreign layer on mcr.microsoft.com) and rejects a foreign URL outside the policy,
exactly as the engine predicts.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from foreign_explorer.cli import main
from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.export import (
    config_document,
    config_snippet,
    env_text,
    helm_values,
)
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.merge import merge_policy
from foreign_explorer.core.policy import PolicySource, compile_policy, source_from_config
from foreign_explorer.core.profiles import DISTRIBUTION_2_8
from tests.registry import images as im
from tests.registry.harness import PushResult, RegistryPool, RunningRegistry

pytestmark = pytest.mark.registry

MCR = r"^https://mcr\.microsoft\.com/"
POLICY = PolicySource(allow=(MCR,))
EVIL = "https://evil.example/x"


def _sample_like() -> im.Image:
    foreign = json.loads(sample_bytes())["layers"][0]
    layer = im.foreign_layer(foreign["urls"], digest=foreign["digest"], size=foreign["size"])
    return im.docker_image([layer, im.layer("export-round-trip")])


def _foreign_at(url: str, seed: str = "evil") -> im.Image:
    return im.docker_image([im.foreign_layer([url], seed=seed), im.layer(seed)])


def _push(registry: RunningRegistry, image: im.Image, source: PolicySource) -> PushResult:
    """Push; assert the engine predicted this very answer."""
    assert registry.startup_failure is None, registry.startup_failure
    result = im.push_image(registry, registry.new_repo("export"), image)
    predicted = evaluate_manifest(
        parse_manifest(image.manifest), compile_policy(source, DISTRIBUTION_2_8)
    ).response
    assert (result.status, result.body) == (predicted.status, predicted.body)
    return result


def _assert_enforces(registry: RunningRegistry, source: PolicySource = POLICY) -> None:
    assert _push(registry, _sample_like(), source).status == 201
    rejected = _push(registry, _foreign_at(EVIL), source)
    assert rejected.status == 500
    assert "invalid URL on layer" in registry.log_errors(rejected)


class FullConfigRegistry(RunningRegistry):
    """A registry run from a whole config.yml text; `place` puts in its address and storage."""

    def __init__(self, text: str, place: Callable[[str, int, Path], str], **options: Any) -> None:
        self._text = text
        self._place = place
        super().__init__(**options)

    def config_text(self, port: int) -> str:
        return self._place(self._text, port, self._dir / "storage")


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, (old, text)
    return text.replace(old, new)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def full_config_registry() -> Iterator[Callable[..., RunningRegistry]]:
    started: list[RunningRegistry] = []

    def start(text: str, place: Callable[[str, int, Path], str], **options: Any):
        registry = FullConfigRegistry(text, place, **options)
        started.append(registry)
        return registry

    yield start
    for registry in started:
        registry.stop()


# --- snippet ------------------------------------------------------------------------------------


def test_registry_with_the_snippet_accepts_the_sample_and_rejects_other_hosts(
    registry_pool: RegistryPool,
) -> None:
    _assert_enforces(registry_pool.registry_for(raw_config=config_snippet(POLICY)))


def test_registry_with_the_snippet_of_a_deny_policy_rejects_the_denied_url(
    registry_pool: RegistryPool,
) -> None:
    source = PolicySource(
        allow=(MCR, r"^https://evil\.example/"), deny=(r"^https://evil\.example/x$",)
    )
    registry = registry_pool.registry_for(raw_config=config_snippet(source))
    assert _push(registry, _sample_like(), source).status == 201
    assert _push(registry, _foreign_at(EVIL), source).status == 500
    assert _push(registry, _foreign_at("https://evil.example/y", "y"), source).status == 201


# --- config -------------------------------------------------------------------------------------


def _place_config(text: str, port: int, storage: Path) -> str:
    text = _replace_once(text, "  addr: :5000\n", f"  addr: 127.0.0.1:{port}\n")
    return _replace_once(text, "rootdirectory: /var/lib/registry\n", f"rootdirectory: {storage}\n")


def test_registry_started_from_the_exported_config_enforces_the_policy(
    full_config_registry,
) -> None:
    text = config_document(POLICY)
    _assert_enforces(full_config_registry(text, _place_config))


def test_registry_started_from_the_exported_config_of_a_disabled_policy_accepts_anything(
    full_config_registry,
) -> None:
    source = PolicySource(allow=(MCR,), disabled=True)
    registry = full_config_registry(config_document(source), _place_config)
    assert _push(registry, _foreign_at(EVIL), source).status == 201


# --- merged config ------------------------------------------------------------------------------

USER_CONFIG = """\
# The team's registry. Owner: platform.
version: 0.1
log:
  level: info   # debug when chasing a bug
  fields: &fields
    service: registry
    environment: staging
storage:
  filesystem:
    rootdirectory: ROOTDIR   # the big disk
  delete:
    enabled: true
http:
  addr: ADDR
  headers:
    X-Content-Type-Options: [nosniff]
x_reporting_fields: *fields
validation:
  # foreign layers: see the wiki
  manifests:
    indexes:
      platforms: all
    urls:
      allow:   # hosts we trust
        - ^https://old\\.example/
      deny: []
# end of file
"""


def _place_user(text: str, port: int, storage: Path) -> str:
    text = _replace_once(text, "ADDR", f"127.0.0.1:{port}")
    return _replace_once(text, "ROOTDIR", str(storage))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_registry_started_from_a_config_the_snippet_was_merged_into_enforces_the_policy(
    full_config_registry, newline: str
) -> None:
    merged = merge_policy(USER_CONFIG.replace("\n", newline), POLICY).text
    assert "  # foreign layers: see the wiki" in merged
    assert "      allow:   # hosts we trust" in merged
    assert "x_reporting_fields: *fields" in merged
    assert source_from_config(merged) == POLICY
    _assert_enforces(full_config_registry(merged, _place_user))


def test_registry_started_from_a_config_without_validation_after_merging(
    full_config_registry,
) -> None:
    original = USER_CONFIG.split("validation:\n", 1)[0]
    merged = merge_policy(original, POLICY).text
    assert merged.startswith(original)
    _assert_enforces(full_config_registry(merged, _place_user))


KEPT_DENY_CONFIG = """\
version: 0.1
storage:
  filesystem:
    rootdirectory: ROOTDIR
http:
  addr: ADDR
validation:
  manifests:
    urls:
      allow:
        - ^https://old\\.example/
      # never these, whatever allow says
      deny:
        - ^https://evil\\.example/x$   # the known bad blob
        - ^https://evil\\.example/secret/   # internal mirror
"""


def test_registry_started_from_a_config_merged_with_allow_only_still_denies_its_deny_list(
    full_config_registry, tmp_path: Path, capsys
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(KEPT_DENY_CONFIG, encoding="utf-8")
    argv = ["export", "--allow", MCR, "--allow", r"^https://evil\.example/"]
    assert main([*argv, "--merge-into", str(config)]) == 0
    assert "deny: kept, 2 patterns" in capsys.readouterr().out
    merged = config.read_text(encoding="utf-8")
    assert merged.endswith(KEPT_DENY_CONFIG[KEPT_DENY_CONFIG.index("      # never these") :])
    source = source_from_config(merged)
    registry = full_config_registry(merged, _place_user)
    assert _push(registry, _sample_like(), source).status == 201
    # Admitted by the new allow list, refused by the deny list the merge kept.
    assert _push(registry, _foreign_at(EVIL), source).status == 500
    assert _push(registry, _foreign_at("https://evil.example/secret/l", "s"), source).status == 500
    assert _push(registry, _foreign_at("https://evil.example/y", "y"), source).status == 201


# --- env ----------------------------------------------------------------------------------------


def test_registry_with_the_exported_environment_enforces_the_policy_over_the_files_lists(
    registry_pool: RegistryPool,
) -> None:
    env = parse_env_file(env_text(POLICY))
    # The file says the opposite: the variables must replace its lists.
    against = {"manifests": {"urls": {"allow": [r"^https://evil\.example/"], "deny": [MCR]}}}
    _assert_enforces(registry_pool.registry_for(against, env=env))


def test_registry_reads_tricky_patterns_from_the_environment_exactly(
    registry_pool: RegistryPool,
) -> None:
    # A deny that only matches if every quote, backslash, `$` and non-ASCII byte arrived intact.
    tricky = 'it\'s "q" \\$ \\\\ é\u00a0'
    source = PolicySource(allow=(MCR,), deny=(tricky,))
    registry = registry_pool.registry_for(env=parse_env_file(env_text(source)))
    base = "https://mcr.microsoft.com/v2/x/blobs/"
    assert (
        _push(registry, _foreign_at(base + 'it\'s "q" $ \\ é\u00a0', "hit"), source).status == 500
    )
    assert _push(registry, _foreign_at(base + 'it\'s "q" $ \\ é ', "miss"), source).status == 201


def test_registry_with_the_exported_environment_of_a_disabled_policy_turns_validation_off(
    registry_pool: RegistryPool,
) -> None:
    source = PolicySource(allow=(MCR,), disabled=True)
    env = parse_env_file(env_text(source))
    # `enabled: true` in the file would win over DISABLED alone.
    registry = registry_pool.registry_for({"enabled": True}, env=env)
    assert _push(registry, _foreign_at(EVIL), source).status == 201


# --- helm ---------------------------------------------------------------------------------------


def test_registry_started_from_the_helm_values_enforces_the_policy(full_config_registry) -> None:
    values = yaml.safe_load(helm_values(POLICY))
    debug_port = _free_port()

    def place(text: str, port: int, storage: Path) -> str:
        # What the chart's ConfigMap holds (toYaml of configData), with this test's addresses.
        config = yaml.safe_load(text)
        config["http"]["addr"] = f"127.0.0.1:{port}"
        config["http"]["debug"]["addr"] = f"127.0.0.1:{debug_port}"
        return yaml.safe_dump(config, sort_keys=True, width=1 << 16)

    text = yaml.safe_dump(values["configData"], sort_keys=True)
    registry = full_config_registry(
        text, place, env={"REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "storage"}
    )
    _assert_enforces(registry)
