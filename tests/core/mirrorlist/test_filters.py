"""Which tags each mirror tool copies from a tag list: truth tables per tool."""

from __future__ import annotations

import pytest

from foreign_explorer.core.mirrorlist import (
    EveryTag,
    RegsyncTags,
    RegsyncTagSet,
    SkopeoSemver,
    SkopeoTagRegex,
    TagFilterError,
)

NGINX = [
    "1.13.1-alpine-perl", "1.13.2-alpine-perl", "1.13.12-alpine-perl", "1.13.1-alpine",
    "11.13.1-alpine-perl", "latest", "stable-alpine-perl",
]  # fmt: skip
ALPINE = ["latest", "edge", "3", "3.9", "3.19", "3.19.1", "3x9", "v3.19.1", "3.19-rc1", "20240101"]


def test_every_tag_keeps_the_registry_order():
    assert EveryTag().select(["b", "a", "c"]) == ("b", "a", "c")


@pytest.mark.parametrize(
    ("pattern", "want"),
    [
        # skopeo's documentation example: anchored, so only the two perl variants of 1.13.1-2.
        (r"^1\.13\.[12]-alpine-perl$", ["1.13.1-alpine-perl", "1.13.2-alpine-perl"]),
        # Unanchored: a search anywhere in the tag, like Go's MatchString.
        (
            r"1\.13\.[12]-alpine-perl",
            ["1.13.1-alpine-perl", "1.13.2-alpine-perl", "11.13.1-alpine-perl"],
        ),
        ("perl", [t for t in NGINX if "perl" in t]),
        ("", NGINX),
        (r"^\d+\.\d+\.\d+-alpine$", ["1.13.1-alpine"]),
        (r"(?i)^LATEST$", ["latest"]),
    ],
)
def test_skopeo_tag_regex_searches_each_tag(pattern, want):
    assert list(SkopeoTagRegex(pattern).select(NGINX)) == want


def test_skopeo_tag_regex_is_go_syntax_not_python():
    with pytest.raises(TagFilterError) as err:
        SkopeoTagRegex(r"^1\.13(?=-alpine)")
    assert err.value.message == "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"


def test_skopeo_semver_skips_tags_that_are_not_versions():
    assert SkopeoSemver(">= 3.12").select(ALPINE) == ("3.19", "3.19.1", "v3.19.1", "20240101")


def test_skopeo_semver_error_is_the_library_message():
    with pytest.raises(TagFilterError) as err:
        SkopeoSemver(">= latest")
    assert err.value.message == "improper constraint: >= latest"


def regsync(**fields) -> RegsyncTags:
    return RegsyncTags((RegsyncTagSet(**fields),))


@pytest.mark.parametrize(
    ("tag_set", "want"),
    [
        # regclient's own example: "3.\d+" is anchored on both ends ('.' is any character).
        ({"allow": ("latest", "3", r"3.\d+")}, ["latest", "3", "3.9", "3.19", "3x9"]),
        ({"allow": (r"3\.\d+",)}, ["3.9", "3.19"]),
        # Anchors bind to the ends of an alternation only: ^latest|3$ .
        ({"allow": ("latest|3",)}, ["latest", "3"]),
        ({"allow": ("3|edge",)}, ["edge", "3", "3.9", "3.19", "3.19.1", "3x9", "3.19-rc1"]),
        ({"deny": ("edge", "latest")}, [t for t in ALPINE if t not in ("edge", "latest")]),
        # A tag must pass allow and then escape deny.
        ({"allow": (r"3\..*",), "deny": (r".*-rc\d+",)}, ["3.9", "3.19", "3.19.1"]),
        # The docs' warning: allow latest and deny dev keeps latest only.
        ({"allow": ("latest",), "deny": ("dev",)}, ["latest"]),
        ({"allow": ("",)}, []),
    ],
)
def test_regsync_allow_and_deny_whole_match(tag_set, want):
    assert list(regsync(**tag_set).select(ALPINE)) == want


def test_regsync_semver_range_is_regclient_semver_then_allow():
    chosen = regsync(semver_range=(">=3.9 <4",), allow=(r"v?\d+\.\d+\.\d+",)).select(ALPINE)
    assert chosen == ("3.19.1", "v3.19.1")


def test_regsync_semver_range_ors_ranges_and_orders_prereleases_first():
    # 3.19-rc1 sorts below 3.19, so >=3.19 leaves it out.
    chosen = regsync(semver_range=(">=3.19", "=3")).select(ALPINE)
    assert chosen == ("3", "3.19", "3.19.1", "v3.19.1", "20240101")


def test_regsync_empty_semver_range_string_is_skipped():
    assert regsync(semver_range=("",)).select(ALPINE) == tuple(ALPINE)


def test_regsync_blank_semver_range_is_an_error():
    with pytest.raises(TagFilterError) as err:
        regsync(semver_range=(" ",))
    assert err.value.message == 'invalid semver range " ": empty constraint'


def test_regsync_tag_sets_union_in_set_order():
    tags = RegsyncTags(
        (RegsyncTagSet(allow=("edge", "latest")), RegsyncTagSet(semver_range=("^3.9",)))
    )
    assert tags.select(ALPINE) == (
        *("latest", "edge"),
        *("3.9", "3.19", "3.19.1", "v3.19.1", "3.19-rc1"),  # regsync ranges keep prereleases
    )


def test_regsync_without_sets_copies_every_tag():
    assert RegsyncTags().select(ALPINE) == tuple(ALPINE)


def test_regsync_empty_tag_set_copies_every_tag():
    assert RegsyncTags((RegsyncTagSet(),)).select(ALPINE) == tuple(ALPINE)


def test_regsync_bad_pattern_is_reported_as_regsync_words_it():
    with pytest.raises(TagFilterError) as err:
        regsync(allow=("v[0-9",))
    assert err.value.message == (
        'invalid allow pattern "v[0-9": error parsing regexp: missing closing ]: `[0-9$`'
    )
