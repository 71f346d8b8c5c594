"""Every lint warning's proof, against the real registry (Debian's docker-registry, 2.8.2).

For each rule a policy that triggers it is linted; then a registry is started with exactly
that policy and an image whose foreign layer carries the warning's example URL is pushed. The
registry must accept it (201) or reject it (500, invalid URL) exactly as the warning claims;
a claim that a registry of this version does not start is checked by starting one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from foreign_explorer.cli import main
from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core import lint as lint_module
from foreign_explorer.core.evaluate import judge_url
from foreign_explorer.core.lint import LintWarning, Outcome, checked_urls, lint
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import (
    PolicySource,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from tests.registry import images as im
from tests.registry.harness import RegistryPool, RunningRegistry

MCR = r"^https://mcr\.microsoft\.com/"
DOC_ALLOW = r"^https?://([^/]+\.)*example\.com/"
DOC_DENY = r"^https?://www\.example\.com/"
# The documentation's example, mis-indented: allow and deny one level too high.
MISINDENTED = f"validation:\n  allow:\n    - {DOC_ALLOW}\n  deny:\n    - {DOC_DENY}\n"
# The shape of GitLab's fork example: its limits beside the URL lists.
GITLAB = (
    "validation:\n  manifests:\n    referencelimit: 1\n    payloadsizelimit: 10\n"
    f"    urls:\n      allow:\n        - {DOC_ALLOW}\n      deny:\n        - {DOC_DENY}\n"
)
SAMPLE_URLS = checked_urls([parse_manifest(sample_bytes())], DISTRIBUTION_2_8)
REAL = DISTRIBUTION_2_8.name  # the profile the installed registry runs


@dataclass(frozen=True)
class Case:
    id: str
    source: PolicySource
    codes: frozenset[str]
    profile: Profile = DISTRIBUTION_2_8
    # A config.yml `validation` section as written, and environment variables, for findings
    # about keys: the registry is started with exactly these.
    raw: str | None = None
    env: tuple[tuple[str, str], ...] = ()

    def warnings(self) -> tuple[LintWarning, ...]:
        return lint(self.source, self.profile, SAMPLE_URLS)


def _config_case(
    id: str, codes: set[str], raw: str = "", env: dict[str, str] | None = None
) -> Case:
    """A case read from config text and environment the way check --config/--env-file does."""
    source = apply_environment(source_from_config(raw), env or {}, DISTRIBUTION_2_8)
    return Case(id, source, frozenset(codes), raw=raw, env=tuple(sorted((env or {}).items())))


def _case(
    id: str,
    codes: set[str],
    allow: tuple[str, ...] = (),
    deny: tuple[str, ...] = (),
    *,
    disabled: bool = False,
    profile: Profile = DISTRIBUTION_2_8,
) -> Case:
    return Case(
        id, PolicySource(allow=allow, deny=deny, disabled=disabled), frozenset(codes), profile
    )


L = lint_module
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
    ),
    _case(
        "doc-example-quest",
        {L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST},
        (r"^https?://([^/]+\.)?example\.com/",),
        (DOC_DENY,),
    ),
    _case("host-class-star", {L.HOST_WILDCARD}, (r"^https://[^/]*\.microsoft\.com/",)),
    _case("host-class-non-space", {L.HOST_WILDCARD}, (r"^https://\S+\.microsoft\.com/",)),
    _case("host-class-with-query", {L.HOST_WILDCARD}, (r"^https://[a-z0-9.?-]+\.microsoft\.com/",)),
    _case("host-class-nested", {L.HOST_WILDCARD}, (r"^https://(([^/]+)\.)*microsoft\.com/",)),
    _case("host-class-slash", {L.HOST_WILDCARD}, (r"^https://[^?#]+\.microsoft\.com/",)),
    _case("host-class-after-host", {L.HOST_WILDCARD}, (r"^https://mcr\.microsoft\.com[^/]*/",)),
    _case("scheme-only", {L.SCHEME_CASE_REJECTED}, ("^https://",)),
    # Keys and variables the registry never reads.
    _config_case("misindented", {L.IGNORED_KEY}, MISINDENTED),
    _config_case("gitlab-fork", {L.FORK_ONLY_KEY, L.HOST_WILDCARD, L.DENY_CASE}, GITLAB),
    _config_case(
        "indexes-on-2-8",
        {L.IGNORED_KEY},
        "validation:\n  manifests:\n    indexes:\n      platforms: none\n",
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
    _config_case(
        "env-indexed-on-2-8",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": MCR},
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
        "env-indexes-on-2-8",
        {L.IGNORED_ENV},
        env={"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "none"},
    ),
    _case(
        "named-group-go-1-22",
        {L.GO_VERSION_ONLY},
        (r"(?<host>^https://mcr\.microsoft\.com/)",),
        profile=DISTRIBUTION_3,
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
    if isinstance(case, Case) and (case.raw is not None or case.env):
        return pool.registry_for(raw_config=case.raw or None, env=dict(case.env))
    source = case.source if isinstance(case, Case) else case
    return pool.registry_for(_validation(source))


def _push_url(pool: RegistryPool, case: Case | PolicySource, url: str) -> int:
    registry = _registry(pool, case)
    assert registry.startup_failure is None, registry.startup_failure
    image = im.docker_image([im.foreign_layer([url]), im.layer("a")])
    return im.push_image(registry, registry.new_repo("lint"), image).status


def _proofs() -> list[Any]:
    params = []
    for case in CASES:
        for warning in case.warnings():
            params.append(pytest.param(case, warning, id=f"{case.id}-{warning.code}"))
    return params


def test_each_case_raises_the_rules_it_is_for() -> None:
    for case in CASES:
        assert {w.code for w in case.warnings()} >= case.codes, case.id


def test_every_rule_is_proven_by_some_case() -> None:
    raised = {w.code for case in CASES for w in case.warnings()}
    assert raised == set(lint_module.TITLES)


@pytest.mark.parametrize(("case", "warning"), _proofs())
def test_the_registry_does_what_the_warning_claims(
    case: Case, warning: LintWarning, registry_pool: RegistryPool
) -> None:
    checked = 0
    for claim in warning.claims:
        if claim.profile != REAL:
            continue  # no distribution 3 binary here; the engine's own tests cover it
        if claim.outcome is Outcome.NO_START:
            registry = _registry(registry_pool, case)
            assert registry.startup_failure is not None
            assert "error parsing regexp" in registry.startup_failure
        elif claim.outcome is Outcome.STARTS:
            assert _registry(registry_pool, case).startup_failure is None
        else:
            expected = 201 if claim.outcome is Outcome.ACCEPTED else 500
            assert _push_url(registry_pool, case, warning.example) == expected
        checked += 1
    if warning.contrast is not None:
        # The same URL spelled the other way is judged the other way by the same registry
        # (a dodge's denied spelling is rejected; an upper-case scheme's twin passes).
        expected = 500 if warning.accepted else 201
        assert _push_url(registry_pool, case, warning.contrast) == expected
        checked += 1
    assert checked, "a warning with nothing a 2.8 registry can prove"


@pytest.mark.parametrize("source", CLEAN, ids=lambda s: ",".join(s.allow + s.deny))
def test_clean_policies_have_no_warning_and_admit_the_sample(
    source: PolicySource, registry_pool: RegistryPool
) -> None:
    assert lint(source, DISTRIBUTION_2_8, SAMPLE_URLS) == ()
    assert _push_url(registry_pool, source, SAMPLE_URLS[0]) == 201


# --- the "done when", through the command line ---------------------------------------


def _sample_file(tmp_path: Path) -> str:
    path = tmp_path / "sample.json"
    path.write_bytes(sample_bytes())
    return str(path)


def test_check_with_an_unanchored_allow_exits_0_and_warns_with_a_url_the_registry_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry_pool: RegistryPool
) -> None:
    status = main(["check", "--file", _sample_file(tmp_path), "--allow", "mcr.microsoft.com"])
    out = capsys.readouterr().out
    assert status == 0
    assert "WARN allow[0] mcr.microsoft.com (unanchored)" in out
    lines = out.splitlines()
    examples = [line.split(": ", 1)[1] for line in lines if line.startswith("     passes: ")]
    assert "https://evil.example/?mcr.microsoft.com" in examples
    source = PolicySource(allow=("mcr.microsoft.com",))
    for url in examples:
        assert _push_url(registry_pool, source, url) == 201, url


def test_check_json_warnings_carry_examples_the_registry_judges_as_claimed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry_pool: RegistryPool
) -> None:
    args = ["--allow", r"^https://mcr\.microsoft\.com", "--deny", r"^https://evil\.example/"]
    status = main(["check", "--file", _sample_file(tmp_path), *args, "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    source = PolicySource(
        allow=(r"^https://mcr\.microsoft\.com",), deny=(r"^https://evil\.example/",)
    )
    expected = {w.example: w.accepted for w in lint(source, DISTRIBUTION_2_8, SAMPLE_URLS)}
    assert {w["example"] for w in document["warnings"]} == set(expected)
    for warning in document["warnings"]:
        accepted = _push_url(registry_pool, source, warning["example"]) == 201
        assert accepted == expected[warning["example"]], warning


# --- keys the registry never reads: it starts, and runs the policy the lint says --------------

KEY_CASES = [case for case in CASES if case.raw is not None or case.env]


def _probes(case: Case) -> list[str]:
    """URLs that tell policies apart: the sample's, each finding's, and an attacker's."""
    urls = [SAMPLE_URLS[0], "https://evil.example/layer.tar.gz", "https://mcr.microsoft.com/x"]
    urls += [w.example for w in case.warnings() if w.example]
    return list(dict.fromkeys(urls))


@pytest.mark.parametrize("case", KEY_CASES, ids=lambda c: c.id)
def test_with_unread_keys_the_registry_runs_the_policy_the_lint_says(
    case: Case, registry_pool: RegistryPool
) -> None:
    policy = compile_policy(case.source, DISTRIBUTION_2_8)
    for url in _probes(case):
        expected = 201 if judge_url(url, policy).ok else 500
        assert _push_url(registry_pool, case, url) == expected, url


def _two_layer_status(registry: RunningRegistry) -> int:
    image = im.docker_image([im.layer("a"), im.layer("b")])
    return im.push_image(registry, registry.new_repo("limits"), image).status


def test_gitlabs_reference_and_payload_limits_limit_nothing_here(
    registry_pool: RegistryPool,
) -> None:
    # referencelimit: 1 and payloadsizelimit: 10 would refuse this manifest in GitLab's fork.
    registry = registry_pool.registry_for(raw_config=GITLAB)
    assert registry.startup_failure is None
    assert _two_layer_status(registry) == 201


def _missing_child_index_status(registry: RunningRegistry) -> int:
    child = {
        "mediaType": im.OCI_MANIFEST,
        "digest": im.digest_of(b"a child never pushed"),
        "size": 100,
        "platform": {"architecture": "amd64", "os": "linux"},
    }
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [child]}).encode()
    return registry.push_manifest(registry.new_repo("index"), "latest", body, OCI_INDEX).status


OCI_INDEX = "application/vnd.oci.image.index.v1+json"


@pytest.mark.parametrize(
    "setting",
    [
        {"raw_config": "validation:\n  manifests:\n    indexes:\n      platforms: none\n"},
        {"env": {"REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS": "none"}},
    ],
    ids=["config", "env"],
)
def test_2_8_ignores_indexes_platforms_none_and_still_wants_every_child(
    setting: dict[str, Any], registry_pool: RegistryPool
) -> None:
    # distribution 3 with platforms: none admits an index whose child is missing; 2.8 does not.
    registry = registry_pool.registry_for(**setting)
    assert registry.startup_failure is None
    assert _missing_child_index_status(registry) == 400


# --- the "done when": the documentation's example and its copies, through check -------


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
            f"        - ^https?://([^/]+\\.)?example\\.com/\n      deny:\n        - {DOC_DENY}\n",
            {L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST},
        ),
        (MISINDENTED, {L.IGNORED_KEY}),
        (GITLAB, {L.FORK_ONLY_KEY, L.HOST_WILDCARD, L.DENY_CASE, L.PLACEHOLDER_HOST}),
    ],
    ids=["documentation", "question-mark-variant", "misindented", "gitlab-fork"],
)
def test_check_json_shows_the_findings_and_the_registry_agrees_with_each_example(
    config: str,
    codes: set[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    registry_pool: RegistryPool,
) -> None:
    path = tmp_path / "config.yml"
    path.write_text("version: 0.1\n" + config, encoding="utf-8")
    main(["check", "--file", _sample_file(tmp_path), "--config", str(path), "--format", "json"])
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert codes <= {w["code"] for w in warnings}
    for warning in warnings:
        assert ("path" in warning) == (warning["code"] in KEY_CODES)
    source = source_from_config(config)
    policy = compile_policy(source, DISTRIBUTION_2_8)
    case = Case("cli", source, frozenset(), raw=config)
    for warning in warnings:
        if warning["example"]:
            expected = 201 if judge_url(warning["example"], policy).ok else 500
            assert _push_url(registry_pool, case, warning["example"]) == expected, warning


KEY_CODES = {L.IGNORED_KEY, L.FORK_ONLY_KEY, L.DEPRECATED_KEY, L.IGNORED_ENV}


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


def test_check_env_file_names_a_variable_that_sets_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], registry_pool: RegistryPool
) -> None:
    env_file = tmp_path / "registry.env"
    env_file.write_text(f"REGISTRY_VALIDATION_ALLOW=['{MCR}']\n", encoding="utf-8")
    args = ["check", "--file", _sample_file(tmp_path), "--env-file", str(env_file)]
    assert main([*args, "--format", "json"]) == 1
    (warning,) = json.loads(capsys.readouterr().out)["warnings"]
    assert (warning["code"], warning["path"]) == (L.IGNORED_ENV, "REGISTRY_VALIDATION_ALLOW")
    assert warning["example"] == "https://mcr.microsoft.com/"
    # The registry started with that variable rejects the URL it was meant to admit.
    case = Case(
        "env", PolicySource(), frozenset(), env=(("REGISTRY_VALIDATION_ALLOW", f"['{MCR}']"),)
    )
    assert _push_url(registry_pool, case, warning["example"]) == 500
    registry = _registry(registry_pool, case)
    assert "Ignoring unrecognized environment variable REGISTRY_VALIDATION_ALLOW" in (
        registry.log_text()
    )
