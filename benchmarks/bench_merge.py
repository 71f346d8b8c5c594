"""Merge speed: `export --merge-into` costs what reading and writing the config costs.

    python3 benchmarks/bench_merge.py

Merges one allow pattern into configs whose size grows two ways: alias bombs (billion
laughs, 9 ** levels values once expanded, a few lines as text) and plain configs with many
keys. The time should follow the text's length, never the expanded size. Prints figures; it
asserts nothing (timing goals are not tests).
"""

from __future__ import annotations

import statistics
import time

from foreign_explorer.core.merge import merge_policy
from foreign_explorer.core.policy import PolicySource

SOURCE = PolicySource(allow=(r"^https://mcr\.microsoft\.com/",), deny=("^http://",))
URLS = "validation:\n  manifests:\n    urls:\n      allow: []\n      deny:\n        - ^http://\n"


def bomb(levels: int) -> str:
    lines = ["notifications:", '  lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"  lol{level}: &lol{level} [{aliases}]")
    return "version: 0.1\n" + "\n".join(lines) + "\n" + URLS


def plain(keys: int) -> str:
    lines = ["version: 0.1", "notifications:"]
    lines.extend(f"  key{n}: value {n}   # comment {n}" for n in range(keys))
    return "\n".join(lines) + "\n" + URLS


def median_ms(text: str, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        merge_policy(text, SOURCE)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    print(f"{'config':<28} {'bytes':>9} {'merge ms':>9} {'µs/byte':>8}")
    cases = [(f"alias bomb, {n} levels", bomb(n)) for n in (6, 12, 30, 60)]
    cases += [(f"plain, {n} keys", plain(n)) for n in (100, 1_000, 10_000)]
    for label, text in cases:
        ms = median_ms(text)
        print(f"{label:<28} {len(text):>9} {ms:>9.1f} {ms * 1000 / len(text):>8.2f}")


if __name__ == "__main__":
    main()
