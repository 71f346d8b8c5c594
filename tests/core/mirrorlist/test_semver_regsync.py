"""regsync's tags.semverRange: regclient's own semver, pinned by rules and oracle vectors.

The vectors in data/semver_regsync.json come from regclient v0.11.5's internal/semver
(tests/oracle/semver_regsync_oracle.go); see semver_vectors.py to regenerate them.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

from foreign_explorer.core.mirrorlist.semver_regsync import (
    SemverRangeError,
    Version,
    compare,
    parse_range,
    parse_version,
)
from tests.core.mirrorlist import semver_vectors

VECTORS = semver_vectors.DATA / "semver_regsync.json"


@cache
def vectors() -> dict:
    return semver_vectors.load(VECTORS)


def admitted(text: str, tags: list[str]) -> list[str]:
    parsed = parse_range(text)
    return [t for t in tags if (v := parse_version(t)) is not None and parsed.check(v)]


def test_oracle_vectors_agree_with_regsync():
    data = vectors()
    tags = data["tags"]
    mismatches = []
    for text, outcome in data["cases"]:
        try:
            parsed = parse_range(text)
        except SemverRangeError as err:
            got = {"err": err.message}
        else:
            marks = []
            for tag in tags:
                version = parse_version(tag)
                marks.append("-" if version is None else "1" if parsed.check(version) else "0")
            got = {"admits": "".join(marks)}
        if got != outcome:
            mismatches.append((text, got, outcome))
    assert mismatches == []


def test_oracle_vectors_cover_errors_admissions_and_refusals():
    cases = vectors()["cases"]
    assert len(cases) > 1000
    errors = {outcome["err"].split(":")[0] for _, outcome in cases if "err" in outcome}
    assert errors >= {"empty constraint", "invalid constraint version"}
    marks = "".join(outcome.get("admits", "") for _, outcome in cases)
    assert marks.count("1") > 3000 and marks.count("0") > 3000


def test_any_count_of_numbers_is_a_version_and_text_after_a_dash_is_a_prerelease():
    assert parse_version("1.2.3.4") == Version((1, 2, 3, 4))
    assert parse_version("3.19-alpine") == Version((3, 19), "alpine")
    assert parse_version("latest") is None
    assert parse_version("1.x") is None


def test_prereleases_are_ordinary_members_of_a_range():
    tags = ["1.9.0", "2.0.0-rc1", "2.0.0", "3.19.1-alpine"]
    assert admitted("<2.0.0", tags) == ["1.9.0", "2.0.0-rc1"]
    assert admitted(">=3.19", tags) == ["3.19.1-alpine"]


def test_space_separated_comparisons_all_hold():
    assert admitted(">=1.2.3 <2.0.0", ["1.2.2", "1.2.3", "1.9", "2.0"]) == ["1.2.3", "1.9"]


def test_tilde_without_minor_means_the_next_minor_not_the_next_major():
    assert admitted("~1", ["1.0.5", "1.1.0", "1.9.0"]) == ["1.0.5"]


def test_caret_bounds_follow_the_first_non_zero_part():
    tags = ["0.0.3", "0.0.4", "0.2.3", "0.2.9", "0.3.0", "1.2.3", "1.9.9", "2.0.0"]
    assert admitted("^1.2.3", tags) == ["1.2.3", "1.9.9"]
    assert admitted("^0.2.3", tags) == ["0.2.3", "0.2.9"]
    assert admitted("^0.0.3", tags) == ["0.0.3"]


def test_alphabetic_prerelease_identifiers_stop_the_comparison_as_equal():
    assert compare(parse_version("1.0.0-alpha.1"), parse_version("1.0.0-alpha.2")) == 0
    assert compare(parse_version("1.0.0-rc1"), parse_version("1.0.0-rc2")) == -1


def test_masterminds_syntax_regsync_refuses():
    with pytest.raises(SemverRangeError) as err:
        parse_range(">= 3.12.0")
    assert err.value.message == "invalid constraint version: invalid version part 0: "
    with pytest.raises(SemverRangeError) as err:
        parse_range(">=1 || >=2")
    assert err.value.message == "invalid constraint version: invalid version part 0: ||"
    with pytest.raises(SemverRangeError) as err:
        parse_range("1.x")
    assert err.value.message == "invalid constraint version: invalid version part 1: 1.x"


def test_blank_range_is_an_error():
    with pytest.raises(SemverRangeError, match="empty constraint"):
        parse_range(" \t")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    semver_vectors.regenerate(
        str(Path(sys.argv[sys.argv.index("--regenerate") + 1]).resolve()),
        VECTORS,
        "github.com/regclient/regclient v0.11.5 internal/semver (regsync)",
    )
