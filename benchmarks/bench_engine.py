"""Engine speed: re-evaluating a changed policy, cold evaluation, lint of long patterns, and
`check` start-up.

    python3 benchmarks/bench_engine.py

Prints figures; it asserts nothing (timing goals are not tests).
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core.evaluate import evaluate, prepare, prepare_url
from foreign_explorer.core.lint import lint_policy
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

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


KEYSTROKES = 60
PROCESS_RUNS = 15


def _startup(
    env: dict[str, str] | None, checks: list[list[str]]
) -> tuple[list[float], list[list[float]]]:
    """(floor, each check) wall times, runs interleaved so that noise hits all alike."""
    python = sys.executable
    floor = [python, "-c", "import yaml, re2"]
    commands = [floor, *([python, "-m", "foreign_explorer", *argv] for argv in checks)]
    for command in commands:  # warm-up: disk cache, and the bytecode cache if any
        subprocess.run(command, capture_output=True, check=False, env=env)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(PROCESS_RUNS):
        for command, samples in zip(commands, times, strict=True):
            samples += timed(lambda c=command: subprocess.run(c, capture_output=True, env=env), 1)
    return times[0], times[1:]


def _report_startup(label: str, env: dict[str, str] | None, goal: str = "") -> None:
    with tempfile.TemporaryDirectory() as directory:
        # "check on one file": the sample manifest as a file of its own.
        one = os.path.join(directory, "one.manifest.json")
        with open(one, "wb") as stream:
            stream.write(sample_bytes())
        checks = [["check", "--sample"], ["check", "--file", one]]
        floor_times, check_times = _startup(env, checks)
    report(f"process{label}: python -c 'import yaml, re2'", floor_times)
    floor = statistics.median(floor_times)
    suffix = f"   (goal {goal})" if goal else ""
    for argv, samples in zip(checks, check_times, strict=True):
        shown = " ".join(argv[:2]) + (" ONE.json" if len(argv) > 2 else "")
        report(f"process{label}: foreign-explorer {shown}", samples)
        ratio = statistics.median(samples) / floor
        print(f"{shown + ' start-up / import floor' + label:<58} {ratio:8.2f} x{suffix}")


# Long patterns of several shapes: lint must cost time linear in their length, on top of
# compiling them (the explorer lints on every keystroke). `aaa...` is the worst case for a
# regexp DFA, which is why lint never matches a text longer than a few hundred characters.
LONG_SHAPES = {
    "literal aaa...": lambda n, k: "a" * n + str(k),
    "anchored literal": lambda n, k: "^https://" + "a" * n + str(k),
    "dotted host": lambda n, k: "^https://" + "a." * (n // 2) + str(k),
    "classes": lambda n, k: "^https://" + "[a-z]" * (n // 5) + str(k),
}


def _report_long_patterns() -> None:
    for name, make in LONG_SHAPES.items():
        for n in (4000, 8000, 16000):
            compile_ms, lint_ms = [], []
            for k in range(5):
                source = PolicySource(allow=(make(n, k),))
                began = time.perf_counter()
                policy = compile_policy(source, DISTRIBUTION_2_8)
                other = compile_policy(source, DISTRIBUTION_3)
                compiled = time.perf_counter()
                lint_policy(policy, ("https://mcr.microsoft.com/v2/x",), other=other)
                compile_ms.append((compiled - began) * 1000)
                lint_ms.append((time.perf_counter() - compiled) * 1000)
            label = f"lint, {name}, {n} chars"
            print(
                f"{label:<58} median {statistics.median(lint_ms):8.2f} ms"
                f"   (compiling both profiles: {statistics.median(compile_ms):.0f} ms)"
            )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--startup-only", action="store_true", help="only the start-up figures")
    if parser.parse_args().startup_only:
        _startup_figures()
        return
    profile = DISTRIBUTION_2_8
    blobs = [make_manifest(i) for i in range(IMAGES)]
    print(f"{IMAGES} images x {URLS_PER_IMAGE} URLs = {IMAGES * URLS_PER_IMAGE} URLs")

    def cold() -> None:
        prepare_url.cache_clear()
        source = PolicySource(allow=(r"^https://mcr\.microsoft\.com/",), deny=("evil",))
        policy = compile_policy(source, profile)
        for data in blobs:
            evaluate(prepare(parse_manifest(data), profile), policy)

    report("cold: parse + prepare + evaluate, all images", timed(cold, 5))

    prepared = [prepare(parse_manifest(data), profile) for data in blobs]
    # As when typing into the allow field: every keystroke's allow pattern is new (so never
    # in the compiled-pattern cache); the deny pattern stays the same.
    typed = [
        rf"^https://mcr\.microsoft\.com/{'x' * (k % 50)}{'/' * (k // 50)}"
        for k in range(KEYSTROKES + 5)
    ]
    assert len(set(typed)) == len(typed)
    policies = iter(PolicySource(allow=(pattern,), deny=("evil",)) for pattern in typed)

    def keystroke() -> None:
        policy = compile_policy(next(policies), profile)
        for item in prepared:
            evaluate(item, policy)

    timed(keystroke, 5)  # warm-up
    report(
        "keystroke: compile changed policy + evaluate 10k URLs",
        timed(keystroke, KEYSTROKES),
        "16 ms",
    )

    _report_long_patterns()
    _startup_figures()


def _startup_figures() -> None:
    # An installed package runs from bytecode (pip compiles it), as yaml and re2 do here; an
    # environment with PYTHONDONTWRITEBYTECODE=1 would make only our source compile on every
    # run. So both sides run from a private, warmed bytecode cache.
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        _report_startup("", env, "under 1.6x")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # For comparison: this environment as it is, where our modules compile on every run.
        _report_startup(" [no .pyc]", None)


if __name__ == "__main__":
    main()
