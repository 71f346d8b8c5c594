"""The two registry targets, looked up by name."""

from __future__ import annotations

import pytest

from foreign_explorer.core.profiles import (
    DEFAULT_PROFILE,
    DISTRIBUTION_2_8,
    DISTRIBUTION_3,
    PROFILES,
    get_profile,
)


def test_get_profile_finds_distribution_2_8_by_name():
    assert get_profile("distribution-2.8") is DISTRIBUTION_2_8


def test_get_profile_finds_distribution_3_by_name():
    assert get_profile("distribution-3") is DISTRIBUTION_3


def test_profiles_are_keyed_by_their_own_names():
    assert list(PROFILES) == ["distribution-2.8", "distribution-3"]
    assert all(get_profile(name).name == name for name in PROFILES)


def test_unknown_profile_name_is_a_value_error_listing_the_known_ones():
    with pytest.raises(ValueError) as info:
        get_profile("distribution-9")
    assert str(info.value) == (
        "unknown target 'distribution-9' (known: distribution-2.8, distribution-3)"
    )


def test_profile_names_are_case_sensitive():
    with pytest.raises(ValueError) as info:
        get_profile("Distribution-3")
    assert "'Distribution-3'" in str(info.value)


def test_default_profile_is_distribution_2_8():
    assert DEFAULT_PROFILE is DISTRIBUTION_2_8


def test_go_versions_and_labels():
    assert DISTRIBUTION_2_8.go == (1, 19, 8)
    assert DISTRIBUTION_3.go == (1, 25, 8)
    assert DISTRIBUTION_2_8.go_label == "go1.19.8"
    assert DISTRIBUTION_3.go_label == "go1.25.8"


def test_distribution_3_differs_from_2_8_in_every_behaviour_flag():
    flags = (
        "blob_check_on_unlisted_urls",
        "blob_check_on_oci_layer_urls",
        "validates_digests",
        "error_detail_is_text",
        "env_indexed_names",
    )
    assert [getattr(DISTRIBUTION_2_8, f) for f in flags] == [False] * len(flags)
    assert [getattr(DISTRIBUTION_3, f) for f in flags] == [True] * len(flags)
