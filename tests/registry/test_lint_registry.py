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

from foreign_explorer.check import sample_bytes
from foreign_explorer.cli import main
from foreign_explorer.core import lint as lint_module
from foreign_explorer.core.lint import LintWarning, Outcome, checked_urls, lint
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from tests.registry import images as im
from tests.registry.harness import RegistryPool

MCR = r"^https://mcr\.microsoft\.com/"
SAMPLE_URLS = checked_urls([parse_manifest(sample_bytes())], DISTRIBUTION_2_8)
REAL = DISTRIBUTION_2_8.name  # the profile the installed registry runs


@dataclass(frozen=True)
class Case:
    id: str
    source: PolicySource
    codes: frozenset[str]
    profile: Profile = DISTRIBUTION_2_8

    def warnings(self) -> tuple[LintWarning, ...]:
        return lint(self.source, self.profile, SAMPLE_URLS)


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


def _push_url(pool: RegistryPool, source: PolicySource, url: str) -> int:
    registry = pool.registry_for(_validation(source))
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
            registry = registry_pool.registry_for(_validation(case.source))
            assert registry.startup_failure is not None
            assert "error parsing regexp" in registry.startup_failure
        else:
            expected = 201 if claim.outcome is Outcome.ACCEPTED else 500
            assert _push_url(registry_pool, case.source, warning.example) == expected
        checked += 1
    if warning.contrast is not None:
        # A dodge: the spelling the deny pattern does catch is rejected by the same registry.
        assert _push_url(registry_pool, case.source, warning.contrast) == 500
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
