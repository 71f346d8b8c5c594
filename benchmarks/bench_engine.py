"""Engine speed: re-evaluating a changed policy, cold evaluation, lint of long patterns,
`check` start-up, and hostile input (many patterns, huge manifests, a huge host).

    python3 benchmarks/bench_engine.py [--hostile]

Prints figures; it asserts nothing (timing goals are not tests). `--hostile` runs only the
hostile-input figures: each is one `foreign-explorer` process, timed with its peak memory.
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


# Hostile input, each run as the CLI runs it: wall time and the process's peak memory.
DOCKER = "application/vnd.docker.distribution.manifest.v2+json"
FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
OCI = "application/vnd.oci.image.manifest.v1+json"
LAYER_DIGEST = "sha256:" + "b" * 64


def _hosts_config(count: int) -> str:
    head = "version: 0.1\nvalidation:\n  manifests:\n    urls:\n      allow:\n"
    return head + "".join(f"      - '^https://h{i}\\.example/'\n" for i in range(count))


def _empty_layers(count: int) -> str:
    layers = ",".join(["{}"] * count)
    return f'{{"schemaVersion":2,"mediaType":"{DOCKER}","layers":[{layers}]}}'


def _one_layer(urls: list[str]) -> str:
    layer = {"mediaType": FOREIGN, "digest": LAYER_DIGEST, "size": 1, "urls": urls}
    config = {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1}
    config["digest"] = "sha256:" + "a" * 64
    doc = {"schemaVersion": 2, "mediaType": DOCKER, "config": config, "layers": [layer]}
    return json.dumps(doc, separators=(",", ":"))


def _oci_layout(tmp: str, manifest: str) -> str:
    """An OCI image layout holding one manifest, tagged latest."""
    root = os.path.join(tmp, "layout")
    blobs = os.path.join(root, "blobs", "sha256")
    os.makedirs(blobs)
    data = manifest.encode()
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as out:
        out.write(data)
    with open(os.path.join(root, "oci-layout"), "w", encoding="utf-8") as out:
        out.write('{"imageLayoutVersion":"1.0.0"}')
    entry = {"mediaType": OCI, "digest": f"sha256:{digest}", "size": len(data)}
    entry["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
    with open(os.path.join(root, "index.json"), "w", encoding="utf-8") as out:
        json.dump({"schemaVersion": 2, "manifests": [entry]}, out)
    return root


def _run_measured(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB, exit status) of one foreign-explorer process, output discarded."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "foreign_explorer", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - began, usage.ru_maxrss / 1024, process.returncode


def _report_hostile() -> None:
    with tempfile.TemporaryDirectory() as tmp:

        def write(name: str, text: str) -> str:
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
            return path

        runs = [
            ("check --sample, 8,000 allow patterns", "a second or two", "--sample", 8000),
            ("check --sample, 50,000 allow patterns (1.8 MB)", "bounded", "--sample", 50000),
        ]
        for label, goal, flag, count in runs:
            config = write(f"hosts{count}.yml", _hosts_config(count))
            _print_run(label, goal, ["check", flag, "--config", config])
        merged = write("merge.yml", _hosts_config(8000))
        config = write("hosts8000.yml", _hosts_config(8000))
        _print_run(
            "export --merge-into, 8,000 allow patterns",
            "",
            ["export", "--config", config, "--merge-into", merged, "--deny", "evil"],
        )
        for count, goal in ((50_000, "under 1 s"), (1_398_000, "~15 s, ~1 GB")):
            manifest = write(f"layers{count}.json", _empty_layers(count))
            size = os.path.getsize(manifest) / (1 << 20)
            for fmt in ("json", "text"):
                label = f"check --format {fmt}, {count:,} layers ({size:.1f} MiB)"
                _print_run(label, goal, ["check", "--file", manifest, "--format", fmt])
        layout = _oci_layout(tmp, _empty_layers(1_398_000).replace(DOCKER, OCI))
        for fmt in ("json", "text"):
            label = f"check oci:PATH --format {fmt}, 1,398,000 layers (fetched path)"
            _print_run(label, "~15 s, ~1 GB", ["check", f"oci:{layout}:latest", "--format", fmt])
        urls = write("urls.json", _one_layer([f"https://h{i}.e/" for i in range(200_000)]))
        for fmt in ("json", "text"):
            label = f"check --format {fmt}, 200,000 URLs on one layer"
            _print_run(label, "", ["check", "--file", urls, "--format", fmt, "--allow", "^h"])
        host = write("host.json", _one_layer(["https://" + "a." * 1_500_000 + "/"]))
        _print_run("suggest, a 3 MB host", "one line, bounded", ["suggest", "--file", host])


def _print_run(label: str, goal: str, args: list[str]) -> None:
    seconds, peak, status = _run_measured(args)
    line = f"{label:<58} {seconds:8.2f} s  {peak:7.0f} MB peak  exit {status}"
    print(line + (f"   (goal {goal})" if goal else ""), flush=True)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--startup-only", action="store_true", help="only the start-up figures")
    parser.add_argument(
        "--hostile", action="store_true", help="time and peak memory of hostile inputs"
    )
    options = parser.parse_args()
    if options.hostile:
        _report_hostile()
        return
    if options.startup_only:
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

    _report_hostile()


if __name__ == "__main__":
    main()
