"""\\p names and Unicode tables on the real registries: what starts, and what each one admits.

distribution 3.1 (Go 1.25) looks \\p names up by their canonical spelling, which reaches no
script whose Go name holds an underscore or an inner capital: it refuses to start with them.
distribution 2.8 (Go 1.19, Unicode 13.0.0) and 3.1 (Unicode 15.0.0) disagree on letters and
case folding Unicode 14 added. The engine must predict both, start-up text and push answer.
"""

from __future__ import annotations

import pytest

from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource, PolicyStartupError, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from tests.registry import images as im
from tests.registry.harness import RegistryPool

# Multi-word script names Go 1.19 knows by exact key and Go 1.25 cannot reach.
UNREACHABLE_IN_GO_1_25 = [
    r"\p{Old_Italic}",
    r"\p{SignWriting}",
    r"\p{Old_Persian}",
    r"\p{Hanifi_Rohingya}",
    r"\p{Zanabazar_Square}",
    r"\p{Cypro_Minoan}",
    r"\p{Old_Uyghur}",
    r"\p{Nag_Mundari}",
    r"\p{^Old_Italic}",
]
# Names both start with (and ones only Go 1.25 reads), each with a URL its class admits.
STARTING = [
    (r"\p{Latin}", "https://a/"),
    (r"\p{Greek}", "https://\u03bb/"),
    (r"\p{latin}", "https://a/"),
    (r"\p{Letter}", "https://a/"),
    (r"\p{Nko}", "https://\u07ca/"),
]
# (pattern, URL) whose verdict depends on the Go version's Unicode tables.
TABLE_DEPENDENT = [
    (r"^https://\pL/", "https://\u0870/"),  # Arabic letter, Unicode 14
    (r"^https://\pL/", "https://\U0001e290/"),  # Toto letter, Unicode 14
    (r"(?i)/\x{a7c1}$", "https://x/\ua7c0"),  # a case pair Unicode 14 added
    (r"^https://\p{Old_Italic}/", "https://\U00010300/"),
]


def _policy(pattern: str) -> dict:
    return {"manifests": {"urls": {"allow": [pattern]}}}


def _check(pool: RegistryPool, profile: Profile, pattern: str, url: str | None) -> None:
    registry = pool.registry_for(_policy(pattern))
    try:
        policy = compile_policy(PolicySource(allow=(pattern,)), profile)
    except PolicyStartupError as exc:
        assert registry.startup_failure == exc.message
        return
    assert registry.startup_failure is None, f"engine says it starts: {registry.startup_failure}"
    if url is None:
        return
    image = im.docker_image([im.foreign_layer([url]), im.layer("unicode")])
    predicted = evaluate_manifest(parse_manifest(image.manifest), policy).response
    pushed = im.push_image(registry, registry.new_repo("unicode"), image)
    assert (pushed.status, pushed.body) == (predicted.status, predicted.body)


@pytest.mark.parametrize("name", UNREACHABLE_IN_GO_1_25)
def test_distribution_3_refuses_to_start_with_a_non_canonical_script_name(registry3_pool, name):
    pattern = f"^https://{name}/"
    with pytest.raises(PolicyStartupError) as info:
        compile_policy(PolicySource(allow=(pattern,)), DISTRIBUTION_3)
    registry = registry3_pool.registry_for(_policy(pattern))
    assert registry.startup_failure == info.value.message
    assert "invalid character class range" in info.value.message


@pytest.mark.parametrize("name", UNREACHABLE_IN_GO_1_25)
def test_distribution_2_8_starts_with_the_same_script_name(registry_pool, name):
    _check(registry_pool, DISTRIBUTION_2_8, f"^https://{name}/", None)


@pytest.mark.parametrize(("name", "url"), STARTING)
@pytest.mark.parametrize("version", ["2.8", "3"])
def test_names_both_read_alike_are_predicted(registry_pool, registry3_pool, version, name, url):
    pool, profile = (
        (registry_pool, DISTRIBUTION_2_8) if version == "2.8" else (registry3_pool, DISTRIBUTION_3)
    )
    _check(pool, profile, f"^https://{name}/", url)


@pytest.mark.parametrize(("pattern", "url"), TABLE_DEPENDENT)
def test_distribution_2_8_judges_by_unicode_13(registry_pool, pattern, url):
    _check(registry_pool, DISTRIBUTION_2_8, pattern, url)


@pytest.mark.parametrize(("pattern", "url"), TABLE_DEPENDENT)
def test_distribution_3_judges_by_unicode_15(registry3_pool, pattern, url):
    _check(registry3_pool, DISTRIBUTION_3, pattern, url)


def test_the_two_versions_disagree_on_these_urls() -> None:
    # The cases above must show a difference, or they prove nothing about the tables.
    differing = 0
    for pattern, url in TABLE_DEPENDENT[:3]:
        verdicts = []
        for profile in (DISTRIBUTION_2_8, DISTRIBUTION_3):
            policy = compile_policy(PolicySource(allow=(pattern,)), profile)
            image = im.docker_image([im.foreign_layer([url]), im.layer("unicode")])
            verdicts.append(evaluate_manifest(parse_manifest(image.manifest), policy).accepted)
        differing += verdicts == [False, True]
    assert differing == 3
