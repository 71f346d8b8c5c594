"""The reading rules: the _N environment trap, and index children read apart by 2.8 and 3.x."""

from __future__ import annotations

from foreign_explorer.core.indexes import IndexesSetting, PlatformRef
from foreign_explorer.core.lint import Outcome, lint
from foreign_explorer.core.lint.reading_rules import (
    ENV_INDEXED_NAME,
    INDEXES_DIFFER,
    PLATFORM_LIST_PANIC,
)
from foreign_explorer.core.policy import PolicySource, apply_environment
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

ALLOW_0 = "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0"
MCR = r"^https://mcr\.microsoft\.com/"


def _codes(source: PolicySource, profile=DISTRIBUTION_3) -> dict[str, object]:
    return {w.code: w for w in lint(source, profile)}


def test_allow_0_warns_that_3_x_admits_every_url_and_names_the_version():
    source = apply_environment(PolicySource(), {ALLOW_0: MCR}, DISTRIBUTION_3)
    warning = _codes(source)[ENV_INDEXED_NAME]
    assert "distribution 3 appends an empty pattern" in warning.message
    assert warning.claims[0].outcome is Outcome.ACCEPTED
    assert warning.title


def test_allow_0_warns_that_2_8_ignores_it_with_a_url_it_meant_that_is_rejected():
    source = apply_environment(PolicySource(), {ALLOW_0: MCR}, DISTRIBUTION_2_8)
    warning = _codes(source, DISTRIBUTION_2_8)[ENV_INDEXED_NAME]
    assert "ignored by distribution 2.8" in warning.message
    assert warning.example.startswith("https://mcr.microsoft.com/")
    assert warning.claims[0].outcome is Outcome.REJECTED


def test_whole_list_variables_raise_no_trap():
    env = {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": f"['{MCR}']"}
    assert ENV_INDEXED_NAME not in _codes(apply_environment(PolicySource(), env, DISTRIBUTION_3))


def test_platforms_none_differs_between_2_8_and_3_x():
    source = PolicySource(allow=(MCR,), indexes=IndexesSetting(platforms="none"))
    warning = _codes(source)[INDEXES_DIFFER]
    assert [(c.profile, c.outcome) for c in warning.claims] == [
        ("distribution-3", Outcome.ACCEPTED),
        ("distribution-2.8", Outcome.REJECTED),
    ]


def test_a_platform_list_warns_about_children_without_platform():
    setting = IndexesSetting(platforms="list", platformlist=(PlatformRef("linux", "amd64"),))
    found = _codes(PolicySource(allow=(MCR,), indexes=setting))
    assert "panic" in found[PLATFORM_LIST_PANIC].message
    assert "only the children for linux/amd64" in found[INDEXES_DIFFER].message
    assert "windows/amd64" in found[INDEXES_DIFFER].example


def test_an_unset_indexes_setting_raises_nothing_while_validation_is_on():
    assert not {INDEXES_DIFFER, PLATFORM_LIST_PANIC} & set(_codes(PolicySource(allow=(MCR,))))
