"""yaml.v2's type errors, and the UnmarshalYAML methods' own checks, as both registries meet them.

yaml.v2 collects every value that does not fit its Go field (`cannot unmarshal !!seq into
string`) and returns them together when the walk is over; distribution's configuration.Parse
returns that error and the registry exits. The Version, Loglevel, Storage, Auth, Platforms
and ClientAuth methods stop it with their own words, and so does a storage driver the binary
was not built with. Each config below is appended to the
harness's own keys (a section written again decodes into the same struct) and started on
Debian's 2.8.2 and on v3.1.1: the engine must predict, for each release line, that the
registry refuses, with its exact words, or that it starts, and then the push's answer.
"""

from __future__ import annotations

import re

import pytest

from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicyStartupError,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from foreign_explorer.core.yamlv2 import read_document
from foreign_explorer.core.yamlv2decode import (
    CONFIGURATION_2_8,
    CONFIGURATION_3,
    DecodeFailure,
    check_config,
)
from tests.registry import images as im
from tests.registry.harness import RunningRegistry, registry3_binary, registry_binary

MCR = r"'^https://mcr\.microsoft\.com/'"
ALLOW_MCR = f"validation:\n  manifests:\n    urls:\n      allow: [{MCR}]\n"

# Each is refused by at least one release line (the engine says which, and the words).
REFUSED = {
    "a list into http.addr (a string)": "http:\n  addr: [1]\n",
    "an int into http.headers": "http:\n  headers: 5\n",
    "a list into log.level": "log: {level: [x]}\n",
    "a mapping into a bool": "http: {relativeurls: {a: 1}}\n",
    "a word into an int": "redis: {db: abc}\n",
    "an int past int64 into an int": "redis: {db: 99999999999999999999}\n",
    "a uint64 into an int": "catalog: {maxentries: 0xFFFFFFFFFFFFFFFF}\n",
    "a float past 2^63 into an int": "catalog: {maxentries: 1e19}\n",
    "NaN into an int": "catalog: {maxentries: .nan}\n",
    "a float too large for float64 is a string": "health:\n  http:\n"
    "    - {uri: 'http://x/', statuscode: 2.5e400}\n",
    "a long word cut at 10 bytes": "redis: {db: abcdefghijklmnop}\n",
    "a quoted null into an int": "redis: {db: 'null'}\n",
    "an alias's target line is the line shown": "x: &n abc\nredis: {db: *n}\n",
    "two errors on one line, in order": "http: {draintimeout: 5x, headers: {X: 5}}\n",
    "three errors, an anonymous struct's name (2.8)": "http:\n  relativeurls: 1\n"
    "  debug: 2\n  tls: {clientcas: 3}\n",
    "a bad duration and an int into a struct": "notifications:\n  endpoints: [{timeout: [1]}, 5]\n",
    "a bool into a duration": "health: {file: [{file: /x, interval: true}]}\n",
    "a timestamp into an int": "health: {storagedriver: {threshold: 2001-12-14}}\n",
    "compatibility: 5 (2.8 only reads it)": "compatibility: 5\n",
    "policy: [1]": "policy: [1]\n",
    "validation: 5": "validation: 5\n",
    "a mapping into validation.disabled": "validation: {disabled: {}}\n",
    "a mapping into the allow list": "validation: {manifests: {urls: {allow: {a: 1}}}}\n",
    "middleware options: 5": "middleware: {registry: [{name: x, options: 5}]}\n",
    "middleware registry: 5": "middleware: {registry: 5}\n",
    "middleware: [1]": "middleware: [1]\n",
    "log.fields: 5": "log: {fields: 5}\n",
    "a hook's levels as a word": "log: {hooks: [{type: mail, levels: error}]}\n",
    "reporting.bugsnag: 5 (2.8 only reads it)": "reporting: {bugsnag: 5}\n",
    "redis.pool.maxidle: 1e19 (2.8 only reads it)": "redis: {pool: {maxidle: 1e19}}\n",
    "tags.maxtags: x (3.x only reads it)": "tags: {maxtags: x}\n",
    "proxy.ttl: 5x (3.x only reads it)": "proxy: {ttl: 5x}\n",
    "proxy.remoteurl: [x]": "proxy: {remoteurl: [x]}\n",
    "version: 1": "version: 1\n",
    "version: x.1": "version: x.1\n",
    "version: 0.2": "version: 0.2\n",
    "version: 1.2.3": "version: 1.2.3\n",
    "a list into version, an error of the first pass": "version: [1]\nhttp: {relativeurls: 5}\n",
    "log.level: LOUD": "log: {level: LOUD}\n",
    "loglevel: 5": "loglevel: 5\n",
    "a type error before a method's refusal: only the refusal": "http: {relativeurls: 5}\n"
    "log: {level: LOUD}\n",
    "storage: {filesystem: 5}": "storage: {filesystem: 5}\n",
    "two storage drivers": "storage: {inmemory: {}, filesystem: {rootdirectory: /tmp/x}}\n",
    "tag is a storage driver on 2.8": "storage: {inmemory: ~, tag: {concurrencylimit: 5}}\n",
    "a bad merge inside storage becomes a type error": "storage: {inmemory: {<<: 5}}\n",
    "storage: 5 names a driver no binary has": "storage: 5\n",
    "oss is built into neither": "storage: {oss: ~}\n",
    "a driver's name is case-sensitive": "storage: {Filesystem: ~}\n",
    "two auth types": "auth: {silly: {}, token: {}}\n",
    "auth: [x]": "auth: [x]\n",
    "clientauth: bogus (3.x only)": "http: {tls: {clientauth: bogus}}\n",
    "platforms: [a] (3.x only)": "validation: {manifests: {indexes: {platforms: [a]}}}\n",
}

# Each must start on both release lines (and the push is judged as predicted).
ACCEPTED = {
    "numbers and timestamps into strings": "http: {secret: 12345}\n"
    "log: {formatter: text, fields: {a: 1, b: [x], c: 2001-12-14}}\n"
    "log: {hooks: [{type: mail, disabled: true, levels: [0x1], options: {from: 2001-12-14}}]}\n",
    "ints and floats into durations and ints": "http: {draintimeout: 5}\n"
    "redis: {db: 1.5, dialtimeout: 1e9, readtimeout: 0x10}\n",
    "minus infinity into an int": "redis: {db: -.inf}\n",
    "yes, on, no into bools": "log: {accesslog: {disabled: on}}\n"
    "health: {storagedriver: {enabled: no, threshold: 0o17}}\n",
    "nulls everywhere": "http: {headers: ~, draintimeout: }\nlog: {level: ~, hooks: ~}\n"
    "notifications: ~\nauth: ~\n",
    "nested merges into structs": "b: &b {disabled: y}\nt: &t {interval: 10s, threshold: 3}\n"
    "log: {accesslog: {<<: *b}}\nhealth: {storagedriver: {<<: [*t, {enabled: false}]}}\n",
    "a !!binary duration, an upper-case !!str level": "http: {draintimeout: !!binary NXM=}\n"
    "log: {level: !!str DEBUG}\n",
    "a quoted version": "version: '0.1'\nx: 1\n",
    "version: !!binary MC4x": "version: !!binary MC4x\n",
    "storage: inmemory, as a string": "storage: inmemory\n",
    "storage extras beside one driver": "storage: {inmemory: ~, maintenance: "
    "{uploadpurging: {enabled: false}}, delete: {enabled: true}, redirect: {disable: true}}\n",
    "a section written twice keeps the first one's fields": "http: {secret: 5}\nhttp: {net: tcp}\n",
    "unknown keys and their values are never decoded": "http: {nosuch: [[1]]}\nnosuch: {a: [1]}\n",
}

ENVIRONMENTS = {
    "a list into REGISTRY_VALIDATION_DISABLED": {"REGISTRY_VALIDATION_DISABLED": "[1]"},
    "a word into REGISTRY_VALIDATION_ENABLED": {"REGISTRY_VALIDATION_ENABLED": "'yes'"},
    "a mapping into REGISTRY_VALIDATION_MANIFESTS_URLS_DENY": {
        "REGISTRY_VALIDATION_MANIFESTS_URLS_DENY": "{a: 1}"
    },
}

_CONFIGURATIONS = {DISTRIBUTION_2_8.name: CONFIGURATION_2_8, DISTRIBUTION_3.name: CONFIGURATION_3}
_PARSE_ERROR = re.compile(r"^configuration error: error parsing \S+: ")
_PROVIDED = re.compile(r"Provided: \[([^\]]*)\]")


def _image() -> im.Image:
    return im.docker_image(
        [
            im.foreign_layer(["https://mcr.microsoft.com/v2/x/blobs/sha256:1"], seed="mcr"),
            im.foreign_layer(["https://evil.example/x"], seed="evil"),
            im.layer("types"),
        ]
    )


def _same_order(words: str) -> str:
    """Go prints a map's keys in random order: compared sorted."""
    return _PROVIDED.sub(lambda m: "Provided: [" + " ".join(sorted(m[1].split())) + "]", words)


def _registry_words(failure: str) -> str:
    """What the registry said after `error parsing <file>: `; a panic's value; a fatal line."""
    if _PARSE_ERROR.match(failure):
        return _same_order(_PARSE_ERROR.sub("", failure, count=1))
    first = failure.split("\n", 1)[0]
    if first.endswith(" [recovered]"):  # a panic, its value and then the dump
        return "panic: " + first.removesuffix(" [recovered]")
    return first  # a fatal log line


def _engine_words(text: str, profile: Profile, env: dict[str, str] | None) -> str | None:
    """The engine's words for why this release line would not start (None: it starts)."""
    try:
        check_config(read_document(text), _CONFIGURATIONS[profile.name])
    except DecodeFailure as exc:
        return _same_order(exc.message)
    if not env:
        return None
    try:
        apply_environment(source_from_config(text), env, profile)
    except PolicyConfigError as exc:
        words = exc.message.removeprefix("environment: ")
        if not profile.env_indexed_names:  # 2.8 does not name the variable
            words = re.sub(r"^parsing environment variable \S+: ", "", words)
        return words
    return None


def _start(binary: str | None, config: str, env: dict[str, str] | None) -> RunningRegistry:
    return RunningRegistry(raw_config=config, env=env, binary=binary)


def _check(profile: Profile, binary: str | None, config: str, env=None) -> bool:
    """Start one registry; the engine must say what it did. True when it refused."""
    with _start(binary, config, env) as registry:
        text = registry.config_text(registry.port)
        words = _engine_words(text, profile, env)
        try:
            source = source_from_config(text)
            if env:
                source = apply_environment(source, env, profile)
            policy = compile_policy(source, profile)
        except (PolicyConfigError, PolicyStartupError) as exc:
            policy, refusal = None, exc
        else:
            refusal = None
        if registry.startup_failure is not None:
            assert refusal is not None, (registry.startup_failure, "the engine says it starts")
            assert words == _registry_words(registry.startup_failure), profile.name
            return True
        assert words is None and refusal is None, (profile.name, words, refusal)
        assert policy is not None
        image = _image()
        predicted = evaluate_manifest(parse_manifest(image.manifest), policy).response
        result = im.push_image(registry, registry.new_repo("types"), image)
        assert (result.status, result.body) == (predicted.status, predicted.body)
        return False


@pytest.fixture
def binaries(registry_pool, registry3_pool) -> tuple[tuple[Profile, str | None], ...]:
    # The pools make both builds required (or skip without them); each test starts its own.
    return ((DISTRIBUTION_2_8, registry_binary()), (DISTRIBUTION_3, registry3_binary()))


@pytest.mark.parametrize("name", REFUSED)
def test_a_config_one_release_line_cannot_decode_stops_it_in_the_words_predicted(binaries, name):
    refused = [_check(profile, binary, REFUSED[name] + ALLOW_MCR) for profile, binary in binaries]
    assert any(refused), "neither registry refused it: the table is wrong"


@pytest.mark.parametrize("name", ACCEPTED)
def test_a_config_both_release_lines_decode_starts_both_as_predicted(binaries, name):
    for profile, binary in binaries:
        assert not _check(profile, binary, ACCEPTED[name] + ALLOW_MCR)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_a_variable_whose_value_does_not_fit_its_field_stops_both_as_predicted(binaries, name):
    for profile, binary in binaries:
        assert _check(profile, binary, ALLOW_MCR, ENVIRONMENTS[name])


@pytest.mark.parametrize(
    ("driver", "lacking"), [("azure", DISTRIBUTION_2_8), ("swift", DISTRIBUTION_3)]
)
def test_a_driver_one_binary_lacks_stops_that_one_in_the_words_predicted(binaries, driver, lacking):
    # The other binary has it and refuses its empty parameters: not predicted (see yamlv2decode).
    config = f"storage: {{{driver}: ~}}\n" + ALLOW_MCR
    for profile, binary in binaries:
        if profile is lacking:
            assert _check(profile, binary, config)
