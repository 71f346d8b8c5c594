"""validation.manifests.indexes in the export forms: written only when set, read back the same."""

from __future__ import annotations

import yaml

from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.export import env_text, env_values, render
from foreign_explorer.core.indexes import IndexesSetting, PlatformRef
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import DISTRIBUTION_3
from foreign_explorer.core.response import PushResponse

LISTED = PolicySource(
    allow=("^https://x/",),
    indexes=IndexesSetting(
        platforms="list",
        platformlist=(PlatformRef("linux", "amd64"), PlatformRef('we"ird', "")),
    ),
)


def test_unset_indexes_are_not_written():
    assert "indexes" not in render(PolicySource(allow=("x",)), "snippet")
    assert "INDEXES" not in env_text(PolicySource(allow=("x",)))


def test_snippet_config_and_helm_carry_the_platform_list():
    for form in ("snippet", "config"):
        assert source_from_config(render(LISTED, form)).indexes == LISTED.indexes
    helm = yaml.safe_load(render(LISTED, "helm"))["configData"]
    assert helm["validation"]["manifests"]["indexes"] == {
        "platforms": "list",
        "platformlist": [
            {"os": "linux", "architecture": "amd64"},
            {"os": 'we"ird', "architecture": ""},
        ],
    }


def test_env_form_reads_back_as_the_same_setting_in_3_x():
    env = parse_env_file(env_text(LISTED))
    assert apply_environment(PolicySource(), env, DISTRIBUTION_3).indexes == LISTED.indexes


def test_env_form_sets_none_explicitly():
    source = PolicySource(indexes=IndexesSetting(platforms="none"))
    values = env_values(source)
    assert values["REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMS"] == "none"
    assert values["REGISTRY_VALIDATION_MANIFESTS_INDEXES_PLATFORMLIST"] == "[]"


def test_a_dropped_connection_is_no_status_and_not_accepted():
    response = PushResponse((), dropped="the handler panicked")
    assert (response.status, response.accepted, response.body) == (None, False, b"")
