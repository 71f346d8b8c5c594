"""Every lint warning's proof, against both real registries: Debian's docker-registry (2.8.2)
and distribution v3.1.1's `registry`.

For each rule a policy that triggers it is linted for each profile the case is about (an
environment is read as that profile's registry reads it); then a registry is started with
exactly that policy and an image whose foreign layer carries the warning's example URL is
pushed. Every claim a warning makes is checked on the registry of the claim's profile: it
accepts (201) or rejects (500, invalid URL) the example, starts, or does not start, exactly as
the warning says. The rules about index children are proven in test_reading_lint_registry.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from foreign_explorer.cli import main
from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core import lint as lint_module
from foreign_explorer.core.evaluate import evaluate_manifest, judge_url
from foreign_explorer.core.lint import LintWarning, Outcome, checked_urls, lint
from foreign_explorer.core.lint.model import READING_CODES
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import (
    Policy,
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from tests.registry import images as im
from tests.registry.harness import (
    BUILDS,
    DEBIAN_2_8,
    RegistryBuild,
    RegistryPool,
    RunningRegistry,
)

MCR = r"^https://mcr\.microsoft\.com/"
DOC_ALLOW = r"^https?://([^/]+\.)*example\.com/"
DOC_DENY = r"^https?://www\.example\.com/"
QUEST_ALLOW = r"^https?://([^/]+\.)?example\.com/"
# The documentation's example, mis-indented: allow and deny one level too high.
MISINDENTED = f"validation:\n  allow:\n    - {DOC_ALLOW}\n  deny:\n    - {DOC_DENY}\n"
# The shape of GitLab's fork example: its limits beside the URL lists.
GITLAB = (
    "validation:\n  manifests:\n    referencelimit: 1\n    payloadsizelimit: 10\n"
    f"    urls:\n      allow:\n        - {DOC_ALLOW}\n      deny:\n        - {DOC_DENY}\n"
)
# A misspelt key inside an anchor that a merge key brings under validation.manifests.urls.
MERGED_TYPO = (
    f"x-urls: &urls\n  alow: ['{MCR}']\nvalidation:\n  manifests:\n    urls:\n      <<: *urls\n"
)
INDEXES = "validation:\n  manifests:\n    indexes:\n"
PLATFORMLIST = "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST"
# URLs the documentation's example is judged by (the list).
DOC_PROBES = (
    "https://evil.example?.example.com/",
    "https://evil.example#.example.com/",
    "https://WWW.example.com/",
    "https://u@www.example.com/",
    "http://example.com/",
    "https://www.example.com/",
    "HTTPS://example.com/",
)
L = lint_module
BOTH = (DISTRIBUTION_2_8, DISTRIBUTION_3)
BUILD_OF = {build.profile.name: build for build in BUILDS}


def _marks(*builds: RegistryBuild) -> list[pytest.MarkDecorator]:
    return [pytest.mark.registry if b is DEBIAN_2_8 else pytest.mark.registry3 for b in builds]


# Each test that takes `build` runs once on each registry, with that registry's profile.
ON_EACH_BUILD = pytest.mark.parametrize(
    "build",
    [pytest.param(b, marks=_marks(b), id=b.profile.name) for b in BUILDS],
)


def _pool(build: RegistryBuild, request: pytest.FixtureRequest) -> RegistryPool:
    return request.getfixturevalue(build.pool_fixture)


@cache
def sample_urls(profile: Profile) -> tuple[str, ...]:
    return checked_urls([parse_manifest(sample_bytes())], profile)


@dataclass(frozen=True)
class Case:
    id: str
    # The rules the case is for, per profile it is linted for; a profile not named is one
    # whose registry does not start with it (that is proven too).
    codes: tuple[tuple[Profile, frozenset[str]], ...]
    policy: PolicySource | None = None
    # Otherwise a config.yml `validation` section as written, and environment variables: the
    # registry is started with exactly these, and each profile reads them its own way.
    raw: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    # More URLs that tell policies apart (the issue's own), judged on both registries.
    probes: tuple[str, ...] = ()

    @property
    def profiles(self) -> tuple[Profile, ...]:
        return tuple(profile for profile, _codes in self.codes)

    @property
    def from_config(self) -> bool:
        return self.policy is None

    def source(self, profile: Profile) -> PolicySource:
        if self.policy is not None:
            return self.policy
        return apply_environment(source_from_config(self.raw or ""), dict(self.env), profile)

    def warnings(self, profile: Profile) -> tuple[LintWarning, ...]:
        # The index-children rules describe an index, not a URL: their own file proves them.
        found = lint(self.source(profile), profile, sample_urls(profile))
        return tuple(w for w in found if w.code not in READING_CODES)


def _codes(
    codes: set[str], on3: set[str] | None, only: Profile | None
) -> tuple[tuple[Profile, frozenset[str]], ...]:
    by_profile = {DISTRIBUTION_2_8: codes, DISTRIBUTION_3: codes if on3 is None else on3}
    return tuple(
        (profile, frozenset(by_profile[profile]))
        for profile in BOTH
        if only is None or profile is only
    )


def _config_case(
    id: str,
    codes: set[str],
    raw: str = "",
    env: dict[str, str] | None = None,
    *,
    on3: set[str] | None = None,
    only: Profile | None = None,
    probes: tuple[str, ...] = (),
) -> Case:
    """A case read from config text and environment the way check --config/--env-file does."""
    return Case(
        id,
        _codes(codes, on3, only),
        raw=raw,
        env=tuple(sorted((env or {}).items())),
        probes=probes,
    )


def _case(
    id: str,
    codes: set[str],
    allow: tuple[str, ...] = (),
    deny: tuple[str, ...] = (),
    *,
    disabled: bool = False,
    on3: set[str] | None = None,
    only: Profile | None = None,
    probes: tuple[str, ...] = (),
) -> Case:
    source = PolicySource(allow=allow, deny=deny, disabled=disabled)
    return Case(id, _codes(codes, on3, only), policy=source, probes=probes)


CASES = [
    _case(
        "unanchored-host",
        {L.UNANCHORED, L.UNESCAPED_DOT, L.PLAIN_HTTP, L.PROFILES_DIFFER},
        ("mcr.microsoft.com",),
    ),
    # No profiles-differ here: `host[::1]` fails on Go 1.25.8 too (CVE-2026-25679 fix).
    _case("host-without-slash", {L.HOST_NOT_CLOSED}, (r"^https://mcr\.microsoft\.com",)),
    _case("dots-unescaped", {L.UNESCAPED_DOT}, ("^https://mcr.microsoft.com/",)),
    _case("http-optional", {L.PLAIN_HTTP}, (r"^https?://mcr\.microsoft\.com/",)),
    _case("wildcard-host", {L.HOST_WILDCARD}, (r"^https://.*\.microsoft\.com/",)),
    _case("query-after-host-class", {L.HOST_WILDCARD}, (r"^https://[^/]*\.microsoft\.com/",)),
    _case(
        "deny-only",
        {
            L.DENY_ONLY,
            L.DENY_SCHEME_CASE,
            L.DENY_HOST_CASE,
            L.DENY_PORT,
            L.DENY_TRAILING_DOT,
            L.DENY_USERINFO,
        },
        deny=(r"^https://evil\.example/",),
    ),
    _case("deny-word", {L.DENY_HOST_CASE, L.DENY_PERCENT}, allow=("^https://",), deny=("evil",)),
    _case("deny-suffix", {L.DENY_PERCENT}, allow=(MCR,), deny=(r"(?i)\.exe$",)),
    _case("matches-none-rejected", {L.MATCHES_NONE}, (r"^https://mcr\.microsoft\.com/windows/",)),
    _case("matches-none-unused", {L.MATCHES_NONE}, (MCR, r"^https://unused\.example/")),
    _case("validation-disabled", {L.VALIDATION_DISABLED}, disabled=True),
    # The documentation's example, its `?` variant, and host classes that can end the host.
    _case(
        "doc-example",
        {L.HOST_WILDCARD, L.PLAIN_HTTP, L.DENY_CASE, L.DENY_USERINFO, L.PLACEHOLDER_HOST},
        (DOC_ALLOW,),
        (DOC_DENY,),
        probes=DOC_PROBES,
    ),
    _case(
        "doc-example-quest",
        {L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST},
        (QUEST_ALLOW,),
        (DOC_DENY,),
        probes=DOC_PROBES,
    ),
    _case("host-class-star", {L.HOST_WILDCARD}, (r"^https://[^/]*\.microsoft\.com/",)),
    _case("host-class-non-space", {L.HOST_WILDCARD}, (r"^https://\S+\.microsoft\.com/",)),
    _case("host-class-with-query", {L.HOST_WILDCARD}, (r"^https://[a-z0-9.?-]+\.microsoft\.com/",)),
    _case("host-class-nested", {L.HOST_WILDCARD}, (r"^https://(([^/]+)\.)*microsoft\.com/",)),
    _case("host-class-slash", {L.HOST_WILDCARD}, (r"^https://[^?#]+\.microsoft\.com/",)),
    _case(
        "host-class-after-host",
        {L.HOST_WILDCARD},
        (r"^https://mcr\.microsoft\.com[^/]*/",),
        probes=("https://evil.example#.microsoft.com/", "https://mcr.microsoft.com@evil.example/"),
    ),
    _case(
        "scheme-only",
        {L.SCHEME_CASE_REJECTED},
        ("^https://",),
        probes=("HTTPS://mcr.microsoft.com/x", "https://mcr.microsoft.com/x"),
    ),
    # Keys and variables the registry never reads.
    _config_case("misindented", {L.IGNORED_KEY}, MISINDENTED, probes=DOC_PROBES),
    _config_case("gitlab-fork", {L.FORK_ONLY_KEY, L.HOST_WILDCARD, L.DENY_CASE}, GITLAB),
    _config_case("merged-typo", {L.IGNORED_KEY}, MERGED_TYPO),
    # A merge key at the top level brings in a mis-indented validation section.
    _config_case(
        "merged-section-misindented",
        {L.IGNORED_KEY},
        f"x-base: &base\n  validation:\n    allow: ['{MCR}']\n<<: *base\n",
    ),
    # The same, spelled right: read through both merge keys, no key finding.
    _config_case(
        "merged-section",
        set(),
        f"x-urls: &urls\n  allow: ['{MCR}']\nx-base: &base\n  validation:\n"
        "    manifests:\n      urls:\n        <<: *urls\n<<: *base\n",
    ),
    _config_case("indexes-none", {L.IGNORED_KEY}, INDEXES + "      platforms: none\n", on3=set()),
    _config_case(
        "indexes-misindented",
        {L.IGNORED_KEY},
        "validation:\n  indexes:\n    platforms: none\n",
    ),
    # 3.x refuses `bogus`; 2.8 never reads the section.
    _config_case(
        "indexes-bogus",
        {L.IGNORED_KEY},
        INDEXES + "      platforms: bogus\n",
        only=DISTRIBUTION_2_8,
    ),
    _config_case(
        "platformlist-variant",
        {L.IGNORED_KEY},
        INDEXES + "      platforms: list\n      platformlist:\n"
        "        - {os: linux, architecture: amd64, variant: v8}\n",
    ),
    _config_case(
        "allow-capitalised",
        {L.IGNORED_KEY},
        "validation:\n  manifests:\n    urls:\n      Allow: ['^https://mcr\\.microsoft\\.com/']\n",
    ),
    _config_case("section-capitalised", {L.IGNORED_KEY}, "Validation:\n  disabled: true\n"),
    _config_case(
        "enabled-overrides-disabled",
        {L.DEPRECATED_KEY},
        "validation:\n  enabled: true\n  disabled: true\n",
    ),
    _config_case(
        "enabled-false",
        {L.DEPRECATED_KEY},
        f"validation:\n  enabled: false\n  manifests:\n    urls:\n      allow: ['{MCR}']\n",
    ),
    _config_case(
        "env-allow-misplaced", {L.IGNORED_ENV}, env={"REGISTRY_VALIDATION_ALLOW": f"['{MCR}']"}
    ),
    # 3.x walks into the list (issue 10's env-indexed-name rule): it appends "", allow-all.
    _config_case(
        "env-indexed",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": MCR},
        on3={L.UNANCHORED},
    ),
    _config_case(
        "env-below-a-scalar", {L.IGNORED_ENV}, env={"REGISTRY_VALIDATION_DISABLED_X": "true"}
    ),
    _config_case("env-lower-case", {L.IGNORED_ENV}, env={"registry_validation_disabled": "true"}),
    _config_case(
        "env-value-typo",
        {L.IGNORED_KEY},
        env={"REGISTRY_VALIDATION_MANIFESTS": f"{{urls: {{alow: ['{MCR}']}}}}"},
    ),
    _config_case(
        "env-indexes",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "none"},
        on3=set(),
    ),
    _config_case(
        "env-indexes-bogus",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "bogus"},
        only=DISTRIBUTION_2_8,
    ),
    _config_case(
        "env-indexes-value-typo",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_MANIFESTS_INDEXES": "{platforms: none, bogus: 1}"},
        on3={L.IGNORED_KEY},
    ),
    # 3.x walks into the platform list: it appends an empty item, then finds no such field.
    _config_case(
        "env-platformlist-variant",
        {L.IGNORED_ENV},
        env={f"{PLATFORMLIST}_0_VARIANT": "v8"},
    ),
    _config_case("env-platformlist-below-os", {L.IGNORED_ENV}, env={f"{PLATFORMLIST}_0_OS_X": "x"}),
    _config_case(
        "env-platformlist-value-variant",
        {L.IGNORED_ENV},
        env={
            "REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "list",
            PLATFORMLIST: "[{os: linux, architecture: amd64, variant: v8}]",
        },
        on3={L.IGNORED_KEY},
    ),
    _config_case(
        "env-mixed-case-part",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_Manifests_URLS_ALLOW": f"['{MCR}']"},
    ),
    _config_case(
        "env-section-value-typo",
        {L.IGNORED_KEY},
        env={"REGISTRY_VALIDATION": f"{{manifests: {{urls: {{allow: ['{MCR}']}}}}, alow: [x]}}"},
    ),
    _config_case(
        "env-enabled-overrides-disabled",
        {L.DEPRECATED_KEY},
        env={"REGISTRY_VALIDATION_ENABLED": "true", "REGISTRY_VALIDATION_DISABLED": "true"},
    ),
    # Neither registry starts: a struct's variable holds a scalar.
    Case("env-struct-given-a-scalar", (), env=(("REGISTRY_VALIDATION_MANIFESTS", "true"),)),
    _case(
        "named-group-go-1-22",
        {L.GO_VERSION_ONLY},
        (r"(?<host>^https://mcr\.microsoft\.com/)",),
        only=DISTRIBUTION_3,
    ),
    # Go 1.25 knows Unicode class aliases; Go 1.19 (2.8) refuses the pattern at start-up.
    _case(
        "unicode-class-alias",
        {L.GO_VERSION_ONLY},
        (r"^https://\p{Letter}+\.microsoft\.com/",),
        only=DISTRIBUTION_3,
    ),
]
CLEAN = [
    PolicySource(allow=(MCR,)),
    PolicySource(allow=(r"^https://mcr\.microsoft\.com/v2/windows/",)),
    PolicySource(allow=(MCR,), deny=(r"(?i)^http://",)),
]


def _validation(source: PolicySource) -> dict[str, Any]:
    if not source.validation_enabled:
        return {"disabled": True}
    urls: dict[str, Any] = {}
    if source.allow:
        urls["allow"] = list(source.allow)
    if source.deny:
        urls["deny"] = list(source.deny)
    return {"manifests": {"urls": urls}}


def _registry(pool: RegistryPool, case: Case | PolicySource) -> RunningRegistry:
    if isinstance(case, Case) and case.from_config:
        return pool.registry_for(raw_config=case.raw or None, env=dict(case.env))
    source = case.policy if isinstance(case, Case) else case
    assert source is not None
    return pool.registry_for(_validation(source))


def _push_url(pool: RegistryPool, case: Case | PolicySource, url: str) -> int:
    registry = _registry(pool, case)
    assert registry.startup_failure is None, registry.startup_failure
    image = im.docker_image([im.foreign_layer([url]), im.layer("a")])
    return im.push_image(registry, registry.new_repo("lint"), image).status


def _proofs() -> list[Any]:
    params = []
    for case in CASES:
        for profile in case.profiles:
            for warning in case.warnings(profile):
                names = [profile.name] + [c.profile for c in warning.claims]
                builds = dict.fromkeys(BUILD_OF[n] for n in names if n in BUILD_OF)
                params.append(
                    pytest.param(
                        case,
                        profile,
                        warning,
                        id=f"{case.id}-{profile.name}-{warning.code}",
                        marks=_marks(*builds),
                    )
                )
    return params


def test_each_case_raises_the_rules_it_is_for() -> None:
    for case in CASES:
        for profile, codes in case.codes:
            assert {w.code for w in case.warnings(profile)} >= codes, (case.id, profile.name)


def test_every_rule_is_proven_by_some_case_on_each_profile() -> None:
    for profile in BOTH:
        raised = {w.code for c in CASES if profile in c.profiles for w in c.warnings(profile)}
        # Go 1.25 compiles every pattern Go 1.19 does: only a 3.x lint names a 2.8 refusal.
        expected = set(lint_module.TITLES) - (
            {L.GO_VERSION_ONLY} if profile is DISTRIBUTION_2_8 else set()
        )
        # The reading rules have their own proofs (test_reading_lint_registry.py).
        assert raised == expected - READING_CODES, profile.name


_LOGGED = '"Ignoring unrecognized environment variable"'


@pytest.mark.parametrize(("case", "profile", "warning"), _proofs())
def test_the_registry_does_what_the_warning_claims(
    case: Case, profile: Profile, warning: LintWarning, request: pytest.FixtureRequest
) -> None:
    checked = 0
    for claim in warning.claims:
        build = BUILD_OF.get(claim.profile)
        if build is None:
            continue  # a Go line no registry binary here is built with
        pool = _pool(build, request)
        if claim.outcome is Outcome.NO_START:
            registry = _registry(pool, case)
            assert registry.startup_failure is not None
            assert "error parsing regexp" in registry.startup_failure
        elif claim.outcome is Outcome.STARTS:
            assert _registry(pool, case).startup_failure is None
        else:
            expected = 201 if claim.outcome is Outcome.ACCEPTED else 500
            assert _push_url(pool, case, warning.example) == expected, claim.profile
        checked += 1
    if warning.path is not None:
        # The registry logs that it ignores a variable exactly when the warning says so
        # (otherwise it ignores the key or variable "without a word").
        registry = _registry(_pool(BUILD_OF[profile.name], request), case)
        logged = f"{_LOGGED[1:-1]} {warning.path}" in registry.log_text()
        assert logged == (_LOGGED in warning.message)
        checked += 1
    if warning.contrast is not None:
        # The same URL spelled the other way is judged the other way by the same registry
        # (a dodge's denied spelling is rejected; an upper-case scheme's twin passes).
        expected = 500 if warning.accepted else 201
        assert _push_url(_pool(BUILD_OF[profile.name], request), case, warning.contrast) == expected
        checked += 1
    assert checked, "a warning with nothing a registry here can prove"


@ON_EACH_BUILD
@pytest.mark.parametrize("source", CLEAN, ids=lambda s: ",".join(s.allow + s.deny))
def test_clean_policies_have_no_warning_and_admit_the_sample(
    source: PolicySource, build: RegistryBuild, request: pytest.FixtureRequest
) -> None:
    profile = build.profile
    assert lint(source, profile, sample_urls(profile)) == ()
    assert _push_url(_pool(build, request), source, sample_urls(profile)[0]) == 201


# --- the "done when", through the command line ---------------------------------------


def _sample_file(tmp_path: Path) -> str:
    path = tmp_path / "sample.json"
    path.write_bytes(sample_bytes())
    return str(path)


def _check(tmp_path: Path, build: RegistryBuild, *args: str) -> int:
    target = ("--target", build.profile.name)
    return main(["check", "--file", _sample_file(tmp_path), *target, *args])


@ON_EACH_BUILD
def test_check_with_an_unanchored_allow_exits_0_and_warns_with_a_url_the_registry_accepts(
    build: RegistryBuild,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    status = _check(tmp_path, build, "--allow", "mcr.microsoft.com")
    out = capsys.readouterr().out
    assert status == 0
    assert "WARN allow[0] mcr.microsoft.com (unanchored)" in out
    lines = out.splitlines()
    examples = [line.split(": ", 1)[1] for line in lines if line.startswith("     passes")]
    assert "https://evil.example/?mcr.microsoft.com" in examples
    source = PolicySource(allow=("mcr.microsoft.com",))
    for url in examples:
        assert _push_url(_pool(build, request), source, url) == 201, url


@ON_EACH_BUILD
def test_check_json_warnings_carry_examples_the_registry_judges_as_claimed(
    build: RegistryBuild,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    args = ["--allow", r"^https://mcr\.microsoft\.com", "--deny", r"^https://evil\.example/"]
    status = _check(tmp_path, build, *args, "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    source = PolicySource(
        allow=(r"^https://mcr\.microsoft\.com",), deny=(r"^https://evil\.example/",)
    )
    profile = build.profile
    expected = {w.example: w.accepted for w in lint(source, profile, sample_urls(profile))}
    assert {w["example"] for w in document["warnings"]} == set(expected)
    for warning in document["warnings"]:
        accepted = _push_url(_pool(build, request), source, warning["example"]) == 201
        assert accepted == expected[warning["example"]], warning


# --- configurations: the registry starts, and runs the policy the lint reads ------------------


def _compiled(case: Case, profile: Profile) -> Policy | None:
    """The policy a registry of `profile` runs with the case, or None: it does not start."""
    try:
        return compile_policy(case.source(profile), profile)
    except (PolicyConfigError, PolicyStartupError, PolicyUnsupported):
        return None


@ON_EACH_BUILD
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_registry_starts_exactly_when_the_lint_reads_a_policy_it_starts_with(
    case: Case, build: RegistryBuild, request: pytest.FixtureRequest
) -> None:
    policy = _compiled(case, build.profile)
    registry = _registry(_pool(build, request), case)
    assert (registry.startup_failure is None) == (policy is not None), registry.startup_failure
    # The lint runs for every profile the registry of which starts.
    assert (policy is not None) == (build.profile in case.profiles)


def _probes(case: Case, profile: Profile) -> list[str]:
    """URLs that tell policies apart: the sample's, an attacker's, each finding's, the issue's."""
    urls = [sample_urls(profile)[0], "https://evil.example/layer.tar.gz"]
    urls += ["https://mcr.microsoft.com/x", *case.probes]
    urls += [w.example for w in case.warnings(profile) if w.example]
    return list(dict.fromkeys(urls))


def _probe_params() -> list[Any]:
    return [
        pytest.param(case, build, id=f"{case.id}-{build.profile.name}", marks=_marks(build))
        for case in CASES
        if case.from_config or case.probes
        for build in BUILDS
        if build.profile in case.profiles
    ]


@pytest.mark.parametrize(("case", "build"), _probe_params())
def test_the_registry_runs_the_policy_the_lint_reads(
    case: Case, build: RegistryBuild, request: pytest.FixtureRequest
) -> None:
    policy = _compiled(case, build.profile)
    assert policy is not None
    for url in _probes(case, build.profile):
        expected = 201 if judge_url(url, policy).ok else 500
        assert _push_url(_pool(build, request), case, url) == expected, url


def _two_layer_status(registry: RunningRegistry) -> int:
    image = im.docker_image([im.layer("a"), im.layer("b")])
    return im.push_image(registry, registry.new_repo("limits"), image).status


@ON_EACH_BUILD
def test_gitlabs_reference_and_payload_limits_limit_nothing_here(
    build: RegistryBuild, request: pytest.FixtureRequest
) -> None:
    # referencelimit: 1 and payloadsizelimit: 10 would refuse this manifest in GitLab's fork.
    registry = _pool(build, request).registry_for(raw_config=GITLAB)
    assert registry.startup_failure is None
    assert _two_layer_status(registry) == 201


def _incomplete_index() -> im.Image:
    """An index none of whose children is in the repository: a linux/amd64 one (variant v7,
    which a platformlist entry of variant v8 would not match if the variant were read) and a
    windows/amd64 one."""
    children = [
        im.child(im.oci_image([im.oci_layer("linux")]), {**LINUX, "variant": "v7"}, push=False),
        im.child(im.oci_image([im.oci_layer("win")]), WINDOWS, push=False),
    ]
    return im.index_image(children)


LINUX = {"os": "linux", "architecture": "amd64"}
WINDOWS = {"os": "windows", "architecture": "amd64"}
_INDEX_CASE_IDS = (
    "indexes-none",
    "env-indexes",
    "indexes-misindented",
    "platformlist-variant",
    "env-indexes-value-typo",
    "env-platformlist-variant",
    "env-platformlist-value-variant",
    "validation-disabled",
)
INDEX_CASES = [case for case in CASES if case.id in _INDEX_CASE_IDS]


@ON_EACH_BUILD
@pytest.mark.parametrize("case", INDEX_CASES, ids=lambda c: c.id)
def test_the_indexes_setting_the_lint_reads_decides_an_incomplete_index(
    case: Case, build: RegistryBuild, request: pytest.FixtureRequest
) -> None:
    # platforms: none (file or variable): 3.x looks up no child, 2.8 never reads it and wants
    # every one; a platformlist entry's variant is read by neither.
    policy = _compiled(case, build.profile)
    assert policy is not None
    image = _incomplete_index()
    manifest = parse_manifest(image.manifest, image.media_type)
    predicted = evaluate_manifest(manifest, policy, present=image.uploaded()).response
    registry = _registry(_pool(build, request), case)
    pushed = im.push_image(registry, registry.new_repo("index"), image)
    assert (pushed.status, pushed.body) == (predicted.status, predicted.body)


# --- the "done when": the documentation's example and its copies, through check -------

KEY_CODES = {L.IGNORED_KEY, L.FORK_ONLY_KEY, L.DEPRECATED_KEY, L.IGNORED_ENV}


@ON_EACH_BUILD
@pytest.mark.parametrize(
    ("config", "codes"),
    [
        (
            f"validation:\n  manifests:\n    urls:\n      allow:\n        - {DOC_ALLOW}\n"
            f"      deny:\n        - {DOC_DENY}\n",
            {L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST},
        ),
        (
            "validation:\n  manifests:\n    urls:\n      allow:\n"
            f"        - {QUEST_ALLOW}\n      deny:\n        - {DOC_DENY}\n",
            {L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST},
        ),
        (MISINDENTED, {L.IGNORED_KEY}),
        (GITLAB, {L.FORK_ONLY_KEY, L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST}),
        (MERGED_TYPO, {L.IGNORED_KEY}),
    ],
    ids=["documentation", "question-mark-variant", "misindented", "gitlab-fork", "merged-typo"],
)
def test_check_json_shows_the_findings_and_the_registry_agrees_with_each_example(
    config: str,
    codes: set[str],
    build: RegistryBuild,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    path = tmp_path / "config.yml"
    path.write_text("version: 0.1\n" + config, encoding="utf-8")
    _check(tmp_path, build, "--config", str(path), "--format", "json")
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert codes <= {w["code"] for w in warnings}
    for warning in warnings:
        assert ("path" in warning) == (warning["code"] in KEY_CODES)
    case = _config_case("cli", set(), config)
    policy = _compiled(case, build.profile)
    assert policy is not None
    for warning in warnings:
        if warning["example"]:
            expected = 201 if judge_url(warning["example"], policy).ok else 500
            assert _push_url(_pool(build, request), case, warning["example"]) == expected, warning


def test_check_text_names_the_unread_key_and_its_real_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.yml"
    path.write_text(MISINDENTED, encoding="utf-8")
    main(["check", "--file", _sample_file(tmp_path), "--config", str(path)])
    out = " ".join(capsys.readouterr().out.split())
    assert "WARN validation.allow (ignored-key)" in out
    assert "did you mean validation.manifests.urls.allow?" in out
    assert "rejected: https://example.com/" in out


def test_check_text_names_a_misspelt_key_a_merge_key_brings_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.yml"
    path.write_text(MERGED_TYPO, encoding="utf-8")
    main(["check", "--file", _sample_file(tmp_path), "--config", str(path)])
    out = " ".join(capsys.readouterr().out.split())
    assert "WARN validation.manifests.urls.alow (ignored-key)" in out
    assert "did you mean validation.manifests.urls.allow?" in out
    assert "<<" not in out


@ON_EACH_BUILD
def test_check_env_file_names_a_variable_that_sets_nothing(
    build: RegistryBuild,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    env_file = tmp_path / "registry.env"
    env_file.write_text(f"REGISTRY_VALIDATION_ALLOW=['{MCR}']\n", encoding="utf-8")
    assert _check(tmp_path, build, "--env-file", str(env_file), "--format", "json") == 1
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert (warning["code"], warning["path"]) == (L.IGNORED_ENV, "REGISTRY_VALIDATION_ALLOW")
    assert warning["example"] == "https://mcr.microsoft.com/"
    # The registry started with that variable rejects the URL it was meant to admit, and says
    # in its log that it ignored the variable, as the warning says.
    case = _config_case("env", set(), env={"REGISTRY_VALIDATION_ALLOW": f"['{MCR}']"})
    pool = _pool(build, request)
    assert _push_url(pool, case, warning["example"]) == 500
    assert "Ignoring unrecognized environment variable REGISTRY_VALIDATION_ALLOW" in (
        _registry(pool, case).log_text()
    )
