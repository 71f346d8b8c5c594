"""Oracle vectors for the two semver dialects: the corpus, and how it is run and stored.

A vector file holds the tag pool once and, per constraint, either the library's error or one
character per tag: `1` admitted, `0` refused, `-` not a version. Regenerate with a built
oracle (tests/oracle/semver_*_oracle.go, see their headers):

    python -m tests.core.mirrorlist.test_semver_masterminds --regenerate /path/to/oracle
    python -m tests.core.mirrorlist.test_semver_regsync --regenerate /path/to/oracle
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
from pathlib import Path

DATA = Path(__file__).parent / "data"

# Tags as registries list them: releases, variants, prereleases, dates and oddities.
TAGS = [
    "latest", "stable", "edge", "main", "nightly", "20240101", "20240101.1",
    "0", "1", "2", "3", "0.0", "0.1", "1.0", "1.2", "2.0", "3.19", "3.20",
    "0.0.0", "0.0.3", "0.0.4", "0.0.5", "0.1.0", "0.2.0", "0.2.3", "0.2.4", "0.3.0",
    "1.0.0", "1.2.0", "1.2.2", "1.2.3", "1.2.4", "1.3.0", "1.4.5", "1.4.6", "1.9.9",
    "2.0.0", "2.3.4", "3.0.0", "3.12.0", "3.12.1", "3.13.0", "4.0.0", "10.0.0",
    "v1.2.3", "v2.0.0", "v0.2.3", "V1.2.3", "vv1.2.3", "v",
    "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3-alpha.2", "1.2.3-alpha.10", "1.2.3-beta",
    "1.2.3-rc1", "1.2.3-rc.1", "1.2.3-rc.10", "1.2.3-0", "1.2.3-01", "1.2.3-BETA",
    "2.0.0-rc1", "2.0.0-0", "3.0.0-beta", "3.12.0-rc.1", "3.19-alpine", "3.19.1-alpine",
    "1.25-alpine3.19", "1.2.3+build.5", "1.2.3-rc.1+build", "1.2.3+", "1.2.3-",
    "01.02.03", "1.2.3.4", "1.2.3.0", "1..2", ".1", "1.", "1.x", "x",
    "1.2.3-alpha..1", "1.2.3-al_pha", "18446744073709551615.0.0", "18446744073709551616.0.0",
    "9223372036854775807", "9223372036854775808", "1.0.0-alpha", "1.0.0-alpha.beta",
    "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
]  # fmt: skip

OPERATORS = ["", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^"]
VERSIONS = [
    "1", "1.2", "1.2.3", "0", "0.0", "0.2", "0.2.3", "0.0.3", "0.0.0", "1.x", "1.2.x", "x",
    "*", "1.*", "2.X.x", "X", "v1.2", "v1.2.3", "1.2.3-beta", "1.2.3-0", "1.2-rc.1",
    "1.x-alpha", "3.12.0", "1.2.3+meta", "01.2.3", "1.2.3-01", "1x", "1.2.3.4", "2.0.0-rc1",
    "1.0.0-alpha.1", "3.19", "1|2", "v", "",
]  # fmt: skip
# Whole constraint strings: ranges, lists, and the near-misses users type.
WRITTEN = [
    ">= 3.12.0", ">=3.12.0", ">= v0.22.0", ">=1.2.3 <2.0.0", ">=1.2.3, <2.0.0", ">=1.2.3,<2.0.0",
    ">= 1.2, < 3.0.0 || >= 4.2.3", "1.2 - 1.4.5", "2.3.4 - 4.5", "1.2-1.4.5", "1.2 -1.4.5",
    "1.2- 1.4.5", "1 - 2 - 3", ">=1.2 - 2", "1.2.3 - ", "~1.2.3 || ^2", "^1.2 || ~0.3 || 1.0.0",
    "", " ", "||", "1 ||", "|| 1", ">=", "latest", ">=1.2 <", ">1<2", "== 1", "!1", "=1 =2",
    ">= 1.2.3-0", ">=1.2.3-0 <1.2.4", "<2.0.0", "<2.0.0-0", ">3.12 <4", "~3.19", "^3.19",
    "~> 1.2", "=> 1.2", "=< 1.2", "!= 1.2.3", "!=1.2.x", "!=1.x", "* || 1.2.3-beta",
    ">=0.0.0-0", "1.2.3\t2.0", "1.2.3\v", ">= 1.2\n<2", "1.2.3 ,2.0", "1.2.3,,2.0",
    "v1.2.3 - v2", "1 - 2 3 - 4", "1.2.3-beta - 2", "latest || >=1",
]  # fmt: skip


def corpus() -> list[str]:
    """Every operator with every version (with and without a space), plus pairs and strings."""
    items = [op + v for op in OPERATORS for v in VERSIONS]
    items += [op + " " + v for op in OPERATORS for v in VERSIONS if op]
    rng = random.Random(11)
    singles = [op + v for op in OPERATORS for v in VERSIONS[:24]]
    for sep in (" ", ", ", ",", " || ", " - ", "  "):
        pairs = list(itertools.product(singles, singles))
        items += [a + sep + b for a, b in rng.sample(pairs, 60)]
    items += WRITTEN
    return list(dict.fromkeys(items))


def regenerate(oracle: str, vectors: Path, library: str) -> None:
    items = corpus()
    lines = "".join(json.dumps([item, *TAGS]) + "\n" for item in items)
    out = subprocess.run([oracle], input=lines.encode(), capture_output=True, check=True).stdout
    cases = []
    versions = None
    for item, line in zip(items, out.decode().splitlines(), strict=True):
        result = json.loads(line)
        versions = result.get("versions", versions)
        if "err" in result:
            cases.append([item, {"err": result["err"]}])
        else:
            marks = "".join("-" if a is None else "1" if a else "0" for a in result["admits"])
            cases.append([item, {"admits": marks}])
    data = {"library": library, "tags": TAGS, "versions": versions, "cases": cases}
    DATA.mkdir(exist_ok=True)
    vectors.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} cases to {vectors}")


def load(vectors: Path) -> dict:
    return json.loads(vectors.read_text(encoding="utf-8"))
