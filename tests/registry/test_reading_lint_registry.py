"""The reading rules' proofs (core/lint/reading_rules.py), against both real registries.

Each case is a configuration (file and environment) as a registry reads it. It is linted for
each profile; then a registry of each build starts from exactly that configuration, and the
warning's example is pushed: a foreign layer at the example URL, or the index the example
describes. Every claim a warning makes about a profile must be what that registry does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from foreign_explorer.core.lint import LintWarning, Outcome, lint
from foreign_explorer.core.lint.model import (
    ENV_INDEXED_NAME,
    INDEXES_DIFFER,
    PLATFORM_LIST_PANIC,
    READING_CODES,
)
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import PROFILES, Profile
from tests.registry import images as im
from tests.registry.harness import BUILDS, DEBIAN_2_8, RegistryBuild, RegistryPool

U = "REGISTRY_VALIDATION_MANIFESTS_URLS"
MCR = r"^https://mcr\.microsoft\.com/"


@dataclass(frozen=True)
class Case:
    id: str
    validation: dict[str, Any] | None
    env: dict[str, str] = field(default_factory=dict)
    codes: frozenset[str] = frozenset()

    def source(self, profile: Profile) -> PolicySource:
        text = yaml.safe_dump({"validation": self.validation}) if self.validation else ""
        source = source_from_config(text) if text else PolicySource()
        return apply_environment(source, self.env, profile)

    def warnings(self, profile: Profile) -> list[LintWarning]:
        found = lint(self.source(profile), profile)
        return [w for w in found if w.code in READING_CODES]


def _indexes(**indexes: Any) -> dict[str, Any]:
    return {"manifests": {"urls": {"allow": [MCR]}, "indexes": indexes}}


CASES = [
    Case("allow-0-on-no-list", None, {f"{U}_ALLOW_0": MCR}, frozenset({ENV_INDEXED_NAME})),
    Case(
        "deny-0-on-no-list",
        {"manifests": {"urls": {"allow": ["^https://"]}}},
        {f"{U}_DENY_0": "evil"},
        frozenset({ENV_INDEXED_NAME}),
    ),
    Case(
        "allow-0-over-a-file-list",
        {"manifests": {"urls": {"allow": [r"^https://good\.example/"]}}},
        {f"{U}_ALLOW_0": MCR},
        frozenset({ENV_INDEXED_NAME}),
    ),
    Case("platforms-none", _indexes(platforms="none"), codes=frozenset({INDEXES_DIFFER})),
    Case(
        "platforms-list",
        _indexes(platforms="list", platformlist=[{"os": "linux", "architecture": "amd64"}]),
        codes=frozenset({INDEXES_DIFFER, PLATFORM_LIST_PANIC}),
    ),
    Case("platforms-list-empty", _indexes(platforms="list"), codes=frozenset({INDEXES_DIFFER})),
    Case(
        "platformlist-without-list",
        _indexes(platformlist=[{"os": "linux", "architecture": "amd64"}]),
        codes=frozenset({INDEXES_DIFFER}),
    ),
    Case("validation-disabled", {"disabled": True}, codes=frozenset({INDEXES_DIFFER})),
]


def _child(seed: str) -> im.Image:
    return im.oci_image([im.oci_layer(seed)])


def _index_for(warning: LintWarning) -> im.Image:
    """The index a warning's example describes, its other children pushed first."""
    if warning.code == PLATFORM_LIST_PANIC:
        children = [
            im.child(_child("linux"), {"os": "linux", "architecture": "amd64"}),
            im.child(_child("bare"), None),
        ]
        return im.index_image(children)
    missing = warning.example.split(" whose ", 1)[1].split(" child", 1)[0]
    os, arch = missing.split("/")
    children = [
        im.child(_child("linux"), {"os": "linux", "architecture": "amd64"}),
        im.child(_child("missing"), {"os": os, "architecture": arch}, push=False),
    ]
    return im.index_image(children)


def _outcome(pool: RegistryPool, case: Case, warning: LintWarning) -> Outcome:
    registry = pool.registry_for(case.validation, env=case.env or None)
    assert registry.startup_failure is None, registry.startup_failure
    if warning.example.startswith("http"):
        image = im.docker_image([im.foreign_layer([warning.example]), im.layer("a")])
    else:
        image = _index_for(warning)
    pushed = im.push_image(registry, registry.new_repo("reading"), image)
    return Outcome.ACCEPTED if pushed.status == 201 else Outcome.REJECTED


def test_each_case_raises_the_rules_it_is_for() -> None:
    for case in CASES:
        raised = {w.code for profile in PROFILES.values() for w in case.warnings(profile)}
        assert raised >= case.codes, case.id


def test_every_reading_rule_is_proven_by_some_case() -> None:
    raised = {w.code for case in CASES for p in PROFILES.values() for w in case.warnings(p)}
    assert raised == READING_CODES


def _proofs() -> list[Any]:
    params = []
    for case in CASES:
        for profile in PROFILES.values():
            for warning in case.warnings(profile):
                for claim in warning.claims:
                    build = next(b for b in BUILDS if b.profile.name == claim.profile)
                    mark = pytest.mark.registry if build is DEBIAN_2_8 else pytest.mark.registry3
                    params.append(
                        pytest.param(
                            case,
                            warning,
                            claim.outcome,
                            build,
                            id=f"{case.id}-{profile.name}-{warning.code}-on-{build.marker}",
                            marks=mark,
                        )
                    )
    return params


@pytest.mark.parametrize(("case", "warning", "claimed", "build"), _proofs())
def test_the_registry_does_what_the_warning_claims(
    case: Case,
    warning: LintWarning,
    claimed: Outcome,
    build: RegistryBuild,
    request: pytest.FixtureRequest,
) -> None:
    pool: RegistryPool = request.getfixturevalue(build.pool_fixture)
    assert _outcome(pool, case, warning) is claimed
