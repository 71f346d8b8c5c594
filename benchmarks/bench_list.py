"""Checking a mirror list: requests, wall time under latency, and re-judging on a keystroke.

    python benchmarks/bench_list.py [--runs 7] [--latency-ms 50] [--jobs 8]

Everything runs on 127.0.0.1: the real `docker-registry` (2.8.2) behind a Docker-Hub-style
token service, each behind a latency proxy that adds the latency to every request. The
registry holds 30 repositories: 15 single Windows images (a foreign layer on
mcr.microsoft.com) and 15 three-platform OCI indexes (linux/amd64, linux/arm64 and a Windows
child with a foreign layer), named by a plain list.

1. Requests of `foreign-explorer check --from LIST`, as the proxies saw them, against the
   floor: one challenge for the registry, one token per repository, one request per
   manifest (30 + 15 x 3 children) = 106.
2. Wall time of whole processes, median of N interleaved runs: `check --from LIST` and a
   minimal concurrent httpx script making exactly those requests with the same number in
   flight per host (`--jobs`), with and without loading httpx's CA bundle. Goal: within
   1.25x of the minimal script.
3. A keystroke in the explorer's overview: compile the changed policy and judge every image
   x platform of the same list (prepared once), median and p95 of 60 keystrokes; then the
   same with the lint over every URL. Goal: under 50 ms.

Prints figures; it asserts nothing (timing goals are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.registry import images  # noqa: E402
from tests.registry.harness import RunningRegistry, registry_binary  # noqa: E402
from tests.servers.certs import make_key_pair  # noqa: E402
from tests.servers.registries import FrontEndRegistry, storage_of, token_auth  # noqa: E402
from tests.servers.tokenservice import TokenService  # noqa: E402

from bench_fetch import clean_env, foreign_explorer_argv  # noqa: E402
from foreign_explorer.core.lint import checked_urls, lint_policy  # noqa: E402
from foreign_explorer.core.listcheck.fetch import fetch_list  # noqa: E402
from foreign_explorer.core.listcheck.judge import judge_list, prepare_image  # noqa: E402
from foreign_explorer.core.listcheck.model import ListImage  # noqa: E402
from foreign_explorer.core.mirrorlist import read_mirror_list  # noqa: E402
from foreign_explorer.core.policy import PolicySource, compile_policy  # noqa: E402
from foreign_explorer.core.profiles import DISTRIBUTION_2_8  # noqa: E402
from foreign_explorer.core.registry import RegistryClient, RegistryOptions  # noqa: E402
from latency_proxy import Counts, LatencyProxy  # noqa: E402

SINGLES = 15
INDEXES = 15
MCR = "https://mcr.microsoft.com/v2/windows/servercore/blobs/"
FLOOR = 1 + (SINGLES + INDEXES) + SINGLES + INDEXES * 4
KEYSTROKES = 60
RUN_TIMEOUT = 120.0
GOAL_WALL = 1.25
GOAL_KEYSTROKE_MS = 50.0

# The floor: one Python process, httpx imported, exactly check's requests with `jobs` in
# flight per host: the first manifest (401: the challenge), then per repository a token and
# its manifests (an index's children once it is in). A 4th argument "no-tls" skips loading
# httpx's CA bundle, as check does when no request can use TLS.
MINIMAL_SCRIPT = r"""
import asyncio, json, re, sys, httpx
list_file, jobs = sys.argv[1], int(sys.argv[2])
verify = sys.argv[3:] != ["no-tls"]
refs = [l.split("#")[0].strip() for l in open(list_file)]
refs = [r for r in refs if r]
accept = ", ".join([
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
])
INDEXES = ("application/vnd.oci.image.index.v1+json",
           "application/vnd.docker.distribution.manifest.list.v2+json")
limits = {}

async def get(client, url, headers=None, params=None):
    host = httpx.URL(url).netloc
    limit = limits.setdefault(host, asyncio.Semaphore(jobs))
    async with limit:
        return await client.get(url, headers=headers, params=params)

def split(ref):
    host, _, rest = ref.partition("/")
    repo, _, tag = rest.rpartition(":")
    return host, repo, tag

async def main():
    async with httpx.AsyncClient(verify=verify) as client:
        host, repo, tag = split(refs[0])
        first = await get(client, f"http://{host}/v2/{repo}/manifests/{tag}", {"Accept": accept})
        challenge = dict(re.findall(r'(\w+)="([^"]*)"', first.headers["www-authenticate"]))
        tokens = {}

        async def token(repo):
            query = {"service": challenge["service"], "scope": f"repository:{repo}:pull"}
            answer = await get(client, challenge["realm"], params=query)
            return answer.json()["token"]

        async def image(ref):
            host, repo, tag = split(ref)
            if repo not in tokens:
                tokens[repo] = asyncio.ensure_future(token(repo))
            headers = {"Accept": accept, "Authorization": "Bearer " + await tokens[repo]}
            base = f"http://{host}/v2/{repo}/manifests/"
            r = await get(client, base + tag, headers)
            r.raise_for_status()
            if r.headers["content-type"] in INDEXES:
                children = [m["digest"] for m in r.json()["manifests"]]
                done = await asyncio.gather(*(get(client, base + d, headers) for d in children))
                for c in done:
                    c.raise_for_status()

        await asyncio.gather(*(image(ref) for ref in refs))

asyncio.run(main())
"""


@dataclass
class Setup:
    push: RunningRegistry
    tokens: TokenService
    front: FrontEndRegistry
    registry_proxy: LatencyProxy
    token_proxy: LatencyProxy
    list_path: Path
    references: list[str]

    def counts(self) -> Counts:
        return self.registry_proxy.counts + self.token_proxy.counts

    def set_latency(self, seconds: float) -> None:
        self.registry_proxy.delay = seconds
        self.token_proxy.delay = seconds

    def stop(self) -> None:
        for stop in (
            self.registry_proxy.stop,
            self.token_proxy.stop,
            self.front.stop,
            self.tokens.stop,
            self.push.stop,
        ):
            try:
                stop()
            except Exception as exc:  # cleanup goes on
                print(f"cleanup: {exc}", file=sys.stderr)


def _windows(seed: str, oci: bool) -> images.Image:
    base = images.layer(f"{seed}-base", upload=False)
    if oci:
        foreign = images.oci_nondistributable_layer([MCR + base.digest], seed=f"{seed}-base")
        return images.oci_image([foreign, images.oci_layer(f"{seed}-app")])
    foreign = images.foreign_layer([MCR + base.digest], seed=f"{seed}-base")
    return images.docker_image([foreign, images.layer(f"{seed}-app")], os="windows")


def _index(seed: str) -> images.Image:
    platforms = [
        ({"architecture": "amd64", "os": "linux"}, images.oci_image([images.oci_layer(seed)])),
        (
            {"architecture": "arm64", "os": "linux"},
            images.oci_image([images.oci_layer(seed + "-arm")]),
        ),
        ({"architecture": "amd64", "os": "windows"}, _windows(seed + "-win", oci=True)),
    ]
    return images.index_image([images.child(image, platform) for platform, image in platforms])


def start(workdir: Path) -> Setup:
    keys = make_key_pair(workdir / "keys")
    push = RunningRegistry({"disabled": True})
    started: list[object] = [push]
    try:
        if push.startup_failure is not None:
            raise RuntimeError(f"registry did not start: {push.startup_failure}")
        names = []
        for n in range(SINGLES):
            names.append((f"windows/single-{n:02d}", _windows(f"single-{n}", oci=False)))
        for n in range(INDEXES):
            names.append((f"windows/multi-{n:02d}", _index(f"multi-{n}")))
        for repo, image in names:
            result = images.push_image(push, repo, image, ref="v1")
            if result.status != 201:
                raise RuntimeError(f"push {repo}: {result.status} {result.body!r}")
        tokens = TokenService(keys).start()
        started.append(tokens)
        token_proxy = LatencyProxy(tokens.server.port).start()
        started.append(token_proxy)
        realm = f"http://127.0.0.1:{token_proxy.port}/token"
        front = FrontEndRegistry(
            storage_of(push), auth=token_auth(realm, tokens.service, tokens.issuer, keys)
        )
        started.append(front)
        if front.startup_failure is not None:
            raise RuntimeError(f"token registry did not start: {front.startup_failure}")
        registry_proxy = LatencyProxy(front.port).start()
    except BaseException:
        for thing in reversed(started):
            thing.stop()  # type: ignore[attr-defined]
        raise
    host = f"127.0.0.1:{registry_proxy.port}"
    references = [f"{host}/{repo}:v1" for repo, _ in names]
    list_path = workdir / "mirror.txt"
    list_path.write_text("".join(r + "\n" for r in references), encoding="utf-8")
    return Setup(push, tokens, front, registry_proxy, token_proxy, list_path, references)


# --- 1 and 2: whole processes ------------------------------------------------------------


def run_once(setup: Setup, argv: list[str], env: dict[str, str]) -> tuple[float, Counts]:
    before = setup.counts()
    began = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, timeout=RUN_TIMEOUT, check=False)
    wall = time.perf_counter() - began
    if done.returncode not in (0, 1):
        err = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{argv[:3]} exited {done.returncode}: {' | '.join(err)}")
    return wall, setup.counts() - before


def measure_processes(setup: Setup, runs: int, jobs: int, env: dict[str, str]) -> None:
    list_file = str(setup.list_path)
    minimal = [sys.executable, "-c", MINIMAL_SCRIPT, list_file, str(jobs)]
    tools = {
        "floor: minimal httpx script": minimal,
        "  same, no CA bundle loaded": [*minimal, "no-tls"],
        "foreign-explorer check --from": [
            *foreign_explorer_argv(),
            "check",
            "--from",
            list_file,
            "--jobs",
            str(jobs),
            "--format",
            "json",
        ],
    }
    walls: dict[str, list[float]] = {name: [] for name in tools}
    trips: dict[str, list[int]] = {name: [] for name in tools}
    for round_no in range(runs + 1):  # one warm-up round
        for name, argv in tools.items():
            wall, counts = run_once(setup, argv, env)
            if round_no:
                walls[name].append(wall)
                trips[name].append(counts.round_trips)
    floor = statistics.median(walls["  same, no CA bundle loaded"])
    print(f"   {'tool':<34} {'trips':>5} {'median':>8} {'min':>8} {'/floor':>7}")
    for name in tools:
        median = statistics.median(walls[name])
        low, high = min(trips[name]), max(trips[name])
        shown = str(low) if low == high else f"{low}-{high}"
        print(
            f"   {name:<34} {shown:>5} {median:>7.3f}s {min(walls[name]):>7.3f}s "
            f"{median / floor:>6.2f}x"
        )
    ratio = statistics.median(walls["foreign-explorer check --from"]) / floor
    mark = "met" if ratio <= GOAL_WALL else "MISSED"
    print(f"   check --from / minimal script (no CA bundle): {ratio:.2f}x", end="")
    print(f" (goal <= {GOAL_WALL}x: {mark})")
    requests = trips["foreign-explorer check --from"][0]
    mark = "met" if requests <= FLOOR else "MISSED"
    print(f"   requests of check --from: {requests} (floor {FLOOR}: {mark})")


# --- 3: a keystroke over the whole list -----------------------------------------------------


async def fetch_images(setup: Setup) -> list[ListImage]:
    mirror_list = read_mirror_list(setup.list_path.read_text(encoding="utf-8"))
    fetched = []
    options = RegistryOptions(use_config_credentials=False)
    async with RegistryClient(options) as client:
        async for result in fetch_list(mirror_list.repositories, client):
            if isinstance(result, ListImage):
                fetched.append(result)
    return fetched


def keystrokes(listed: list[ListImage]) -> None:
    profile = DISTRIBUTION_2_8
    prepared = [prepare_image(image, profile) for image in listed]
    platforms = sum(len(p.platforms) for p in prepared)
    urls = checked_urls(
        (p.prepared.manifest for image in prepared for p in image.platforms if p.prepared),
        profile,
    )
    typed = [
        rf"^https://mcr\.microsoft\.com/{'x' * (k % 50)}{'/' * (k // 50)}"
        for k in range(KEYSTROKES + 5)
    ]
    print(f"   {len(prepared)} images, {platforms} platforms, {len(urls)} distinct URLs")
    for label, with_lint in (("compile + judge every image x platform", False), ("  + lint", True)):
        sources = iter(PolicySource(allow=(pattern,)) for pattern in typed)
        samples = []
        for n in range(KEYSTROKES + 5):
            began = time.perf_counter()
            policy = compile_policy(next(sources), profile)
            judgement = judge_list(prepared, policy)
            judgement.summary()
            if with_lint:
                lint_policy(policy, urls)
            if n >= 5:  # warm-up
                samples.append((time.perf_counter() - began) * 1000)
        samples.sort()
        median = statistics.median(samples)
        p95 = samples[int(len(samples) * 0.95) - 1]
        mark = "met" if p95 < GOAL_KEYSTROKE_MS else "MISSED"
        print(
            f"   {label:<42} median {median:6.2f} ms  p95 {p95:6.2f} ms  "
            f"(goal < {GOAL_KEYSTROKE_MS:.0f} ms: {mark})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per tool (default 7)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added per request")
    parser.add_argument("--jobs", type=int, default=8, help="requests in flight per host")
    args = parser.parse_args()
    runs = max(1, min(args.runs, 30))
    latency = max(0.0, min(args.latency_ms, 1000.0)) / 1000
    if registry_binary() is None:
        print("docker-registry not found (Debian package docker-registry): nothing to measure")
        return 1
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-list-") as tmp:
        workdir = Path(tmp)
        (workdir / "home").mkdir()
        setup = start(workdir)
        try:
            env = clean_env(workdir / "home")
            print(
                f"{SINGLES} single images + {INDEXES} three-platform indexes behind a token "
                f"service, {latency * 1000:.0f} ms per request, {args.jobs} in flight per host"
            )
            setup.set_latency(latency)
            print("\n1-2. whole processes: requests the proxies saw, wall time")
            measure_processes(setup, runs, args.jobs, env)
            setup.set_latency(0.0)
            print("\n3. a keystroke in the overview (in process, the list fetched once)")
            keystrokes(asyncio.run(fetch_images(setup)))
        finally:
            setup.stop()
    print(f"\nbenchmark took {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
