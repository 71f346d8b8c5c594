"""skopeo's images-by-semver: Masterminds/semver v3.4.0, pinned by rules and oracle vectors.

The vectors in data/semver_masterminds.json come from the library itself
(tests/oracle/semver_masterminds_oracle.go); see semver_vectors.py to regenerate them.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

from foreign_explorer.core.mirrorlist.semver_masterminds import (
    SemverConstraintError,
    Version,
    compare,
    parse_constraints,
    parse_version,
)
from tests.core.mirrorlist import semver_vectors

VECTORS = semver_vectors.DATA / "semver_masterminds.json"


@cache
def vectors() -> dict:
    return semver_vectors.load(VECTORS)


def admitted(constraint: str, tags: list[str]) -> list[str]:
    parsed = parse_constraints(constraint)
    return [tag for tag in tags if parsed.admits_tag(tag)]


def test_oracle_vectors_agree_with_the_library():
    data = vectors()
    tags = data["tags"]
    mismatches = []
    for constraint, outcome in data["cases"]:
        try:
            parsed = parse_constraints(constraint)
        except SemverConstraintError as err:
            got = {"err": err.message}
        else:
            marks = []
            for tag in tags:
                version = parse_version(tag)
                marks.append("-" if version is None else "1" if parsed.check(version) else "0")
            got = {"admits": "".join(marks)}
        if got != outcome:
            mismatches.append((constraint, got, outcome))
    assert mismatches == []


def test_oracle_vectors_cover_errors_admissions_and_refusals():
    cases = vectors()["cases"]
    assert len(cases) > 1000
    errors = {outcome["err"].split(":")[0] for _, outcome in cases if "err" in outcome}
    assert errors == {"improper constraint", "constraint parser error"}
    marks = "".join(outcome.get("admits", "") for _, outcome in cases)
    assert marks.count("1") > 5000 and marks.count("0") > 5000


def test_versions_parse_as_the_library_parses_them():
    data = vectors()
    for tag, want in zip(data["tags"], data["versions"], strict=True):
        version = parse_version(tag)
        got = None
        if version is not None:
            numbers = [str(version.major), str(version.minor), str(version.patch)]
            got = [*numbers, version.prerelease, version.metadata]
        assert got == want, tag


def test_non_version_tags_are_skipped_not_errors():
    assert admitted(">= 0", ["latest", "1.2.3.4", "V1.2.3", "3.19-alpine_x", "1.0"]) == ["1.0"]


def test_short_versions_are_coerced_and_leading_zeros_allowed():
    assert parse_version("3.19") == Version(3, 19, 0)
    assert parse_version("v01.02") == Version(1, 2, 0)


def test_skopeo_documentation_example_admits_later_releases():
    tags = ["3.11.9", "3.12.0", "3.12.1", "4.0.0", "3.13.0-rc1", "edge"]
    assert admitted(">= 3.12.0", tags) == ["3.12.0", "3.12.1", "4.0.0"]


def test_prerelease_needs_a_prerelease_in_the_same_group():
    tags = ["1.2.3", "1.2.4-rc.1", "2.0.0-rc1"]
    assert admitted(">=1.2.3", tags) == ["1.2.3"]
    assert admitted(">=1.2.3-0", tags) == tags
    assert admitted(">=1.2.3 || >=1.2.4-0", tags) == tags


def test_tilde_and_caret_ranges():
    tags = ["0.2.3", "0.2.9", "0.3.0", "1.2.3", "1.3.0", "1.9.0", "2.0.0"]
    assert admitted("~1.2.3", tags) == ["1.2.3"]
    assert admitted("~1", tags) == ["1.2.3", "1.3.0", "1.9.0"]
    assert admitted("^1.2", tags) == ["1.2.3", "1.3.0", "1.9.0"]
    assert admitted("^0.2.3", tags) == ["0.2.3", "0.2.9"]


def test_wildcard_corners_follow_the_code_not_the_comments():
    tags = ["0.0.0", "0.0.5", "0.1.0", "1.2.3"]
    assert admitted("^*", tags) == ["0.0.0"]
    assert admitted("<=*", tags) == ["0.0.0", "0.0.5"]
    assert admitted("*", tags) == tags


def test_hyphen_range_needs_spaces_around_the_dash():
    tags = ["1.2.0", "1.4.5", "1.4.6"]
    assert admitted("1.2 - 1.4.5", tags) == ["1.2.0", "1.4.5"]
    with pytest.raises(SemverConstraintError, match="improper constraint"):
        parse_constraints("1.2 -1.4.5")


def test_comma_and_space_both_mean_and():
    tags = ["1.2.3", "2.0.0"]
    assert admitted(">=1.2.3,<2.0.0", tags) == admitted(">=1.2.3 <2.0.0", tags) == ["1.2.3"]


def test_constraint_errors_carry_the_library_message():
    with pytest.raises(SemverConstraintError) as err:
        parse_constraints("latest")
    assert err.value.message == "improper constraint: latest"
    with pytest.raises(SemverConstraintError) as err:
        parse_constraints("1.2.3-01")
    assert err.value.message == "constraint parser error"


def test_numeric_prerelease_identifiers_sort_as_numbers_below_words():
    assert compare(parse_version("1.0.0-rc.2"), parse_version("1.0.0-rc.10")) == -1
    assert compare(parse_version("1.0.0-1"), parse_version("1.0.0-alpha")) == -1
    assert compare(parse_version("1.0.0-BETA"), parse_version("1.0.0-alpha")) == -1


if __name__ == "__main__" and "--regenerate" in sys.argv:
    semver_vectors.regenerate(
        str(Path(sys.argv[sys.argv.index("--regenerate") + 1]).resolve()),
        VECTORS,
        "github.com/Masterminds/semver/v3 v3.4.0 (skopeo v1.22.2)",
    )
