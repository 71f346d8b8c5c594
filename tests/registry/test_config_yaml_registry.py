"""config.yml read as the registry's yaml.v2 reads it: its syntax, merge keys, repeated
sections, and the errors that stop its decoding.

yaml.v2 applies `<<: *anchor` where it stands, decodes a section written twice into the same
struct (field by field), and zeroes a section set to null. It reads the first document only,
with libyaml's escapes and tab rules and YAML 1.1's booleans (`y`, `N`), decodes `!!binary`,
and refuses 10,000 levels of nesting, excessive aliasing, bad merges and tags wherever they
are decoded. Each config below (and each environment) starts a real registry of both versions;
an image with one foreign layer on mcr.microsoft.com and one on evil.example is pushed, and
the engine must predict the exact answer, or that the registry does not start. The engine
reads the exact text the registry runs with (the harness's own keys count for aliasing).
"""

from __future__ import annotations

import base64
import re

import pytest

from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicyStartupError,
    PolicyUnreadableConfig,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from tests.registry import images as im
from tests.registry.harness import RegistryPool, RunningRegistry

MCR_PATTERN = r"^https://mcr\.microsoft\.com/"
MCR = f"'{MCR_PATTERN}'"
EVIL = r"'^https://evil\.example/'"
ALLOW_MCR = f"validation:\n  manifests:\n    urls:\n      allow: [{MCR}]\n"


def _keys(count: int) -> str:
    return "{" + ", ".join(f"k{n}: {n}" for n in range(count)) + "}"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


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

# What yaml.v2 reads otherwise than pyyaml: each is checked on both binaries in one test.
YAML_V2_CONFIGS = {
    # YAML 1.1's one-letter booleans; quoted, a string (no bool), its value cut at 10 bytes.
    # An explicit tag the text does not fit is no error where nothing decodes it.
    "y is true": "unused: !!int abc\nvalidation:\n  disabled: y\n",
    "N is false": "validation:\n  disabled: N\n" + ALLOW_MCR.removeprefix("validation:\n"),
    "a quoted yes is a string": "validation:\n  disabled: 'yes, quoted'\n",
    # Only the first document is read.
    "a second document is never read": ALLOW_MCR + "---\nvalidation:\n  disabled: true\n",
    "an empty second document": "validation: {disabled: true}\n---\n",
    "a document end, then another document": "validation: {disabled: true}\n...\n---\n",
    "a second document that would not parse": ALLOW_MCR + "---\nvalidation: [\n",
    # Double-quoted escapes: yaml.v2 knows these ...
    "every escape yaml.v2 knows": r"""validation:
  manifests:
    urls:
      allow: ["^https://mcr\\.microsoft\\.com/"]
      deny: ["\0\a\b\t\	\n\v\f\r\e\ \"\'\N\_\L\P\x41\u00e9\U0001F600\\."]
""",
    # ... and refuses the others.
    "a \\/ escape": 'validation:\n  manifests:\n    urls:\n      allow: ["^https:\\/\\/mcr"]\n',
    "a \\q escape": 'validation:\n  manifests:\n    urls:\n      allow: ["^\\q"]\n',
    "a short \\u escape": 'validation:\n  manifests:\n    urls:\n      allow: ["^\\u00g1"]\n',
    "a surrogate \\u escape": 'validation:\n  manifests:\n    urls:\n      allow: ["\\uD800"]\n',
    "a \\U escape past U+10FFFF": 'validation:\n  manifests: {urls: {deny: ["\\U00110000"]}}\n',
    # Tabs where libyaml allows them.
    "a tab after key:": "validation:\n  disabled:\ttrue\n",
    "a tab in flow context": f"validation: {{manifests: {{urls: {{allow:\t[{MCR}]}}}}}}\n",
    "a tab inside a plain scalar": "validation:\n  manifests:\n    urls:\n"
    "      allow: [^https://mcr\\.microsoft\\.com/\t|^https://evil\\.example/]\n",
    "a tab indenting a line": "validation:\n  disabled: true\n\tx: 1\n",
    # !!binary is decoded, in items and keys.
    "a !!binary item (and bad base64 never decoded)": "unused: !!binary '!!'\n"
    "validation:\n  manifests:\n    urls:\n"
    f"      allow: [!!binary {_b64(MCR_PATTERN)}]\n",
    "a !!binary key": f"validation:\n  !!binary {_b64('disabled')}: true\n",
    "bad base64 where it is decoded": "validation:\n  manifests: {urls: {deny: [!!binary '!!']}}\n",
    # Depth: read at any depth up to 10,000 levels, flow or block.
    "600 levels of nesting elsewhere": "x: " + "[" * 600 + "]" * 600 + "\n" + ALLOW_MCR,
    "10,001 flow levels": ALLOW_MCR + "x: " + "[" * 10_001 + "]" * 10_001 + "\n",
    "10,001 block levels": ALLOW_MCR + "x:\n" + "- " * 10_001 + "a\n",
    # Aliasing: yaml.v2's counts, not a budget.
    "3,000 keys merged into validation": f"base: &b {_keys(3000)}\n"
    "validation: {<<: *b, disabled: true}\n",
    "10,001 small merges": "a: &a {disabled: true}\n"
    "validation: {<<: [" + ", ".join(["*a"] * 10_001) + "]}\n",
    "5,000 keys merged where only 3.x decodes": f"base: &b {_keys(5000)}\ntags: {{<<: *b}}\n"
    + ALLOW_MCR,
    "5,000 keys merged where only 2.8 decodes": f"base: &b {_keys(5000)}\n"
    "compatibility: {schema1: {<<: *b}}\n" + ALLOW_MCR,
    "a bad merge where only 3.x decodes": "tags: {<<: 5}\n" + ALLOW_MCR,
    "a bad merge where only 2.8 decodes": "compatibility: {<<: 5}\n" + ALLOW_MCR,
    "an anchor decoded inside itself": "validation: &v {<<: *v}\n",
    "<< through an alias is no merge key (and an anchor inside itself, never decoded)": "m: &m <<\n"
    "unused: &v [*v]\n"
    f"validation: {{*m : {{disabled: true}}, manifests: {{urls: {{allow: [{MCR}]}}}}}}\n",
    "an explicit tag the text does not fit": "validation:\n"
    "  manifests: {urls: {allow: [!!int abc]}}\n",
    "a mapping as a key where Go holds interface{}": "log: {fields: {x: {? {a: 1} : y}}}\n"
    + ALLOW_MCR,
    # yaml.v2's own words: parser errors numbered from 0, resolved tags, control characters.
    "an unclosed flow sequence": "x: [1, 2\n",
    "a key out of line": "validation:\n  disabled: true\n bad: 1\n",
    "a mapping value in a plain scalar": "validation:\n  disabled: a: b\n",
    "an unknown anchor": "validation: *nope\n",
    "a float is no bool": "validation:\n  disabled: 1e3\n",
    "an int is no bool": "validation:\n  disabled: 0o17\n",
    "a timestamp is no bool": "validation:\n  disabled: 2001-12-14\n",
    "a control character": 'x: "\x01"\n',
    "a NUL inside a flow sequence": "x: [1, \x00, 2]\n",
    "a tab after a block scalar's header": "validation:\n  manifests:\n    urls:\n"
    f"      allow:\n        - |-\t# a comment\n          {MCR_PATTERN}\n",
}

# The engine claims the registry's own words for these: the registry's error must end with them.
WORDED = {
    "a quoted yes is a string",
    "a \\/ escape",
    "a \\q escape",
    "a short \\u escape",
    "a surrogate \\u escape",
    "a \\U escape past U+10FFFF",
    "a tab indenting a line",
    "bad base64 where it is decoded",
    "10,001 flow levels",
    "10,001 block levels",
    "3,000 keys merged into validation",
    "5,000 keys merged where only 3.x decodes",
    "5,000 keys merged where only 2.8 decodes",
    "a bad merge where only 3.x decodes",
    "a bad merge where only 2.8 decodes",
    "an anchor decoded inside itself",
    "an explicit tag the text does not fit",
    "an unclosed flow sequence",
    "a key out of line",
    "a mapping value in a plain scalar",
    "an unknown anchor",
    "a float is no bool",
    "an int is no bool",
    "a timestamp is no bool",
    "a control character",
    "a NUL inside a flow sequence",
}

ONE_ITEM = ALLOW_MCR
ENVIRONMENTS = {
    "REGISTRY_VALIDATION_DISABLED=y": ("", {"REGISTRY_VALIDATION_DISABLED": "y"}),
    "REGISTRY_VALIDATION_DISABLED='yes, quoted'": (
        "",
        {"REGISTRY_VALIDATION_DISABLED": "'yes, quoted'"},
    ),
    "a negative list index": (ONE_ITEM, {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_-1": "x"}),
    "an Arabic-Indic digit index": (
        ONE_ITEM,
        {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_\u0661": "x"},
    ),
    "an index past int64": (
        ONE_ITEM,
        {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_99999999999999999999": "x"},
    ),
    "a negative platform index": (
        ONE_ITEM,
        {"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST_-1_OS": "linux"},
    ),
    "an aliasing bomb in a variable": (
        "",
        {"REGISTRY_VALIDATION": f"base: &b {_keys(3000)}\n<<: *b\n"},
    ),
    # The list set by the value has one item: 3.x appends "" for the signed index (Atoi).
    "a tab in a variable's value, then a signed index": (
        "",
        {
            "REGISTRY_VALIDATION": f"manifests:\n  urls:\n    allow:\t[{MCR}]\n",
            "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_+1": "x",
        },
    ),
}
WORDED_ENVIRONMENTS = {
    "REGISTRY_VALIDATION_DISABLED='yes, quoted'",
    "an Arabic-Indic digit index",
    "an index past int64",
    "an aliasing bomb in a variable",
}


def _predicted(config: str, profile: Profile, image: im.Image, env: dict[str, str] | None = None):
    try:
        source = source_from_config(config)
        if env:
            source = apply_environment(source, env, profile)
        policy = compile_policy(source, profile)
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


def _full_text(registry: RunningRegistry) -> str:
    return registry.config_text(registry.port)


def _check_against(
    pool: RegistryPool,
    profile: Profile,
    config: str,
    env: dict[str, str] | None = None,
    *,
    worded: bool = False,
) -> None:
    registry = pool.registry_for(raw_config=config, env=env)
    image = _image()
    predicted = _predicted(_full_text(registry), profile, image, env)
    if registry.startup_failure is not None:
        assert isinstance(predicted, PolicyConfigError | PolicyStartupError), (
            f"the registry did not start ({registry.startup_failure}) but the engine "
            f"predicted {predicted}"
        )
        if worded:
            words = predicted.message.removeprefix("config: ").removeprefix("environment: ")
            if not profile.env_indexed_names:  # 2.8 does not name the variable
                words = re.sub(r"^parsing environment variable \S+: ", "", words)
            assert registry.startup_failure.endswith(words), (registry.startup_failure, words)
        return
    assert not isinstance(predicted, Exception), f"registry started; engine said {predicted}"
    result = im.push_image(registry, registry.new_repo("yaml"), image)
    assert (result.status, result.body) == (predicted.status, predicted.body)


@pytest.mark.parametrize("name", CONFIGS.keys())
def test_distribution_2_8_reads_the_config_as_predicted(registry_pool, name):
    _check_against(registry_pool, DISTRIBUTION_2_8, CONFIGS[name], worded=name in WORDED)


@pytest.mark.parametrize("name", CONFIGS.keys())
def test_distribution_3_reads_the_config_as_predicted(registry3_pool, name):
    _check_against(registry3_pool, DISTRIBUTION_3, CONFIGS[name], worded=name in WORDED)


@pytest.fixture
def both_registries(registry_pool, registry3_pool) -> tuple[tuple[RegistryPool, Profile], ...]:
    return ((registry_pool, DISTRIBUTION_2_8), (registry3_pool, DISTRIBUTION_3))


@pytest.mark.parametrize("name", YAML_V2_CONFIGS.keys())
def test_both_registries_read_the_config_as_yaml_v2_does(both_registries, name):
    for pool, profile in both_registries:
        _check_against(pool, profile, YAML_V2_CONFIGS[name], worded=name in WORDED)


@pytest.mark.parametrize("name", ENVIRONMENTS.keys())
def test_both_registries_read_the_environment_as_predicted(both_registries, name):
    config, env = ENVIRONMENTS[name]
    for pool, profile in both_registries:
        _check_against(pool, profile, config, env, worded=name in WORDED_ENVIRONMENTS)


def test_a_refusal_by_one_release_line_only_is_that_lines_alone():
    # The configs above prove each registry; this pins that the engine told them apart.
    for name, refuses in (
        ("a bad merge where only 3.x decodes", DISTRIBUTION_3),
        ("a bad merge where only 2.8 decodes", DISTRIBUTION_2_8),
        ("5,000 keys merged where only 3.x decodes", DISTRIBUTION_3),
        ("5,000 keys merged where only 2.8 decodes", DISTRIBUTION_2_8),
    ):
        source = source_from_config(YAML_V2_CONFIGS[name])
        for profile in (DISTRIBUTION_2_8, DISTRIBUTION_3):
            if profile is refuses:
                with pytest.raises(PolicyUnreadableConfig):
                    compile_policy(source, profile)
            else:
                compile_policy(source, profile)


# --- the aliasing limit, step for step -----------------------------------------------------------

SHAPES = {
    # Merged keys of a struct: each key one aliased step, the values never decoded.
    "merged into validation": "validation: {<<: *b}\n",
    # A struct inside another struct.
    "merged into notifications.events": "notifications: {events: {<<: *b}}\n",
    # interface{} values: the keys and the values decoded.
    "aliased into log.fields": "log: {fields: {x: *b}}\n",
}


def _shape(count: int, shape: str) -> str:
    return f"base: &b {_keys(count)}\n{SHAPES[shape]}"


def _engine_refuses(text: str, profile: Profile) -> bool:
    return isinstance(_predicted(text, profile, _image()), PolicyConfigError | PolicyStartupError)


def _boundary(pool: RegistryPool, profile: Profile, shape: str) -> int:
    """The fewest anchored keys the engine says stop this registry (binary search)."""
    head = _full_text(pool.registry_for(raw_config=None))
    low, high = 1, 20_000
    assert _engine_refuses(head + _shape(high, shape), profile)
    while low < high:
        middle = (low + high) // 2
        if _engine_refuses(head + _shape(middle, shape), profile):
            high = middle
        else:
            low = middle + 1
    return low


def _check_boundary(pool: RegistryPool, profile: Profile, shape: str) -> None:
    limit = _boundary(pool, profile, shape)
    below = pool.registry_for(raw_config=_shape(limit - 1, shape))
    at = pool.registry_for(raw_config=_shape(limit, shape))
    assert below.startup_failure is None, below.startup_failure
    assert at.startup_failure is not None
    assert at.startup_failure.endswith("yaml: document contains excessive aliasing")


@pytest.mark.parametrize("shape", SHAPES)
def test_distribution_2_8_stops_at_the_aliasing_step_the_engine_counts(registry_pool, shape):
    _check_boundary(registry_pool, DISTRIBUTION_2_8, shape)


@pytest.mark.parametrize("shape", SHAPES)
def test_distribution_3_stops_at_the_aliasing_step_the_engine_counts(registry3_pool, shape):
    _check_boundary(registry3_pool, DISTRIBUTION_3, shape)
