"""config.yml read as the registry's yaml.v2 reads it: merge keys and repeated sections.

yaml.v2 applies `<<: *anchor` where it stands, decodes a section written twice into the same
struct (field by field), and zeroes a section set to null. Each config below starts a real
registry of both versions; an image with one foreign layer on mcr.microsoft.com and one on
evil.example is pushed, and the engine must predict the exact answer.
"""

from __future__ import annotations

import pytest

from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicyStartupError,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from tests.registry import images as im
from tests.registry.harness import RegistryPool

MCR = r"'^https://mcr\.microsoft\.com/'"
EVIL = r"'^https://evil\.example/'"

CONFIGS = {
    "merge key under validation": f"""
base: &base
  manifests:
    urls:
      allow: [{MCR}]
validation:
  <<: *base
""",
    "merge key under urls, then an explicit key that wins": f"""
lists: &lists
  allow: [{EVIL}]
  deny: [{EVIL}]
validation:
  manifests:
    urls:
      <<: *lists
      allow: [{MCR}]
""",
    "explicit key, then a merge key that wins": f"""
lists: &lists
  allow: [{EVIL}]
validation:
  manifests:
    urls:
      allow: [{MCR}]
      <<: *lists
""",
    "a list of merges: the first one wins": f"""
one: &one
  allow: [{MCR}]
two: &two
  allow: [{EVIL}]
  deny: [{EVIL}]
validation:
  manifests:
    urls:
      <<: [*one, *two]
""",
    "manifests written twice combine field by field": f"""
validation:
  manifests:
    urls:
      deny: [{EVIL}]
  manifests:
    urls:
      allow: [{MCR}, {EVIL}]
""",
    "validation written twice combine": f"""
validation:
  manifests:
    urls:
      deny: [{EVIL}]
validation:
  manifests:
    urls:
      allow: [{MCR}, {EVIL}]
""",
    "a null section zeroes what came before": f"""
validation:
  manifests:
    urls:
      allow: [{MCR}]
  manifests: ~
""",
    "a merge of something that is not a mapping": """
validation:
  <<: 5
""",
    "merge keys nested into an alias bomb": "a0: &a0 {allow: ['x']}\n"
    + "".join(f"a{k}: &a{k} {{<<: [{', '.join([f'*a{k - 1}'] * 10)}]}}\n" for k in range(1, 9))
    + "validation: {manifests: {urls: {<<: *a8}}}\n",
}


def _predicted(config: str, profile: Profile, image: im.Image):
    try:
        policy = compile_policy(source_from_config(config), profile)
    except (PolicyConfigError, PolicyStartupError) as exc:
        return exc
    return evaluate_manifest(parse_manifest(image.manifest), policy).response


def _image() -> im.Image:
    return im.docker_image(
        [
            im.foreign_layer(["https://mcr.microsoft.com/v2/x/blobs/sha256:1"], seed="mcr"),
            im.foreign_layer(["https://evil.example/x"], seed="evil"),
            im.layer("yaml"),
        ]
    )


def _check_against(pool: RegistryPool, profile: Profile, config: str) -> None:
    registry = pool.registry_for(raw_config=config)
    image = _image()
    predicted = _predicted(config, profile, image)
    if registry.startup_failure is not None:
        assert isinstance(predicted, PolicyConfigError | PolicyStartupError), (
            f"the registry did not start ({registry.startup_failure}) but the engine "
            f"predicted {predicted}"
        )
        return
    assert not isinstance(predicted, Exception), f"registry started; engine said {predicted}"
    result = im.push_image(registry, registry.new_repo("yaml"), image)
    assert (result.status, result.body) == (predicted.status, predicted.body)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_distribution_2_8_reads_the_config_as_predicted(registry_pool, config):
    _check_against(registry_pool, DISTRIBUTION_2_8, config)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_distribution_3_reads_the_config_as_predicted(registry3_pool, config):
    _check_against(registry3_pool, DISTRIBUTION_3, config)
