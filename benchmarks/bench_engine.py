"""Engine speed: re-evaluating a changed policy, cold evaluation, and `check` start-up.

    python3 benchmarks/bench_engine.py

Prints figures; it asserts nothing (timing goals are not tests).
"""

from __future__ import annotations

import hashlib
import json
import statistics
import subprocess
import sys
import time

from foreign_explorer.core.evaluate import evaluate, prepare, prepare_url
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8

IMAGES = 100
URLS_PER_IMAGE = 100
HOSTS = ("mcr.microsoft.com", "mcr.microsoft.com", "go.microsoft.com", "evil.example")


def _digest(*parts: object) -> str:
    return "sha256:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def make_manifest(image: int) -> bytes:
    layers = []
    for n in range(URLS_PER_IMAGE):
        digest = _digest(image, n)
        host = HOSTS[(image + n) % len(HOSTS)]
        layers.append(
            {
                "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                "size": 1000 + n,
                "digest": digest,
                "urls": [f"https://{host}/v2/windows/servercore/blobs/{digest}"],
            }
        )
    doc = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 100,
            "digest": _digest("config", image),
        },
        "layers": layers,
    }
    return json.dumps(doc, indent=3).encode()


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float], goal: str = "") -> None:
    median = statistics.median(samples)
    line = f"{name:<58} median {median:8.2f} ms   min {min(samples):8.2f} ms"
    print(line + (f"   (goal {goal})" if goal else ""))


def main() -> None:
    profile = DISTRIBUTION_2_8
    blobs = [make_manifest(i) for i in range(IMAGES)]
    sources = [
        PolicySource(allow=(rf"^https://mcr\.microsoft\.com/{'x' * k}",), deny=("evil",))
        for k in range(50)
    ]
    print(f"{IMAGES} images x {URLS_PER_IMAGE} URLs = {IMAGES * URLS_PER_IMAGE} URLs")

    def cold() -> None:
        prepare_url.cache_clear()
        policy = compile_policy(sources[0], profile)
        for data in blobs:
            evaluate(prepare(parse_manifest(data), profile), policy)

    report("cold: parse + prepare + evaluate, all images", timed(cold, 5))

    prepared = [prepare(parse_manifest(data), profile) for data in blobs]
    policies = iter(sources * 10)

    def keystroke() -> None:
        policy = compile_policy(next(policies), profile)
        for item in prepared:
            evaluate(item, policy)

    report("keystroke: compile changed policy + evaluate 10k URLs", timed(keystroke, 30), "16 ms")

    python = sys.executable
    check = [python, "-m", "foreign_explorer", "check", "--sample"]
    floor = [python, "-c", "import yaml, re2"]
    check_times = timed(lambda: subprocess.run(check, capture_output=True, check=False), 10)
    floor_times = timed(lambda: subprocess.run(floor, capture_output=True, check=True), 10)
    report("process: python -c 'import yaml, re2'", floor_times)
    report("process: foreign-explorer check --sample", check_times)
    ratio = statistics.median(check_times) / statistics.median(floor_times)
    print(f"{'check start-up / import floor':<58} {ratio:8.2f} x        (goal within 2x)")


if __name__ == "__main__":
    main()
