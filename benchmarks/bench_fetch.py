"""Fetching speed: HTTP requests per fetch, and wall time of whole processes under latency.

    python benchmarks/bench_fetch.py [--runs 9] [--latency-ms 50]

Everything runs on 127.0.0.1: the real `docker-registry` (plain HTTP) behind a
Docker-Hub-style token service (the test suite's servers), and a latency proxy of ours in
front of both, so that the token request pays the latency too.

1. Requests per fetch, counted by foreign-explorer's own client (with their purposes).
   Targets: manifest by digest from a cold start = 3 (401, token, manifest); a tag on an
   index plus a platform = 4; another image of the same repository in the same session = 1.
2. Wall time of whole processes (interpreter start-up included), median of N runs, per case
   and tool: a minimal httpx script doing exactly foreign-explorer's request sequence (the
   floor for a Python process; shown also without loading httpx's CA bundle, which plain
   HTTP does not need), `foreign-explorer check REF`, and `skopeo inspect` (Debian package
   skopeo; skipped with a note when absent). Goals: within 1.1x of the minimal script, and
   faster than `skopeo inspect --override-os windows --override-arch amd64` on the index case.
   Then each tool's requests, in order, as the proxies saw them.

Prints figures; it asserts nothing (timing goals are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.registry import multiarch  # noqa: E402
from tests.registry import images  # noqa: E402
from tests.registry.harness import RunningRegistry, registry_binary  # noqa: E402
from tests.servers.certs import make_key_pair  # noqa: E402
from tests.servers.registries import FrontEndRegistry, storage_of, token_auth  # noqa: E402
from tests.servers.tokenservice import TokenService  # noqa: E402

from foreign_explorer.core.registry import RegistryClient, RegistryOptions  # noqa: E402
from latency_proxy import Counts, LatencyProxy  # noqa: E402

SINGLE_REPO = "rancher/kubelet-pause"
MULTI_REPO = "windows/multiarch"
PLATFORM = "windows/amd64"
RUN_TIMEOUT = 60.0
FLOOR = "floor: minimal httpx script"
FLOOR_NO_TLS = "  same, no CA bundle loaded"
FOREIGN_EXPLORER = "foreign-explorer check"
FLOOR_GOAL = 1.10
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")

# The floor: one Python process, httpx imported, exactly foreign-explorer's request sequence
# (manifest -> 401 -> token -> manifest [-> the platform's child manifest]), nothing else.
# With a 5th argument "no-tls" it skips loading httpx's CA bundle, as check does for plain HTTP.
MINIMAL_SCRIPT = r"""
import re, sys, httpx
host, repo, target, platform = sys.argv[1:5]
verify = sys.argv[5:] != ["no-tls"]
accept = ", ".join([
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
])
base = f"http://{host}/v2/{repo}/manifests/"
headers = {"Accept": accept}
with httpx.Client(verify=verify) as client:
    r = client.get(base + target, headers=headers)
    if r.status_code == 401:
        params = dict(re.findall(r'(\w+)="([^"]*)"', r.headers["www-authenticate"]))
        query = {"service": params["service"], "scope": f"repository:{repo}:pull"}
        token = client.get(params["realm"], params=query).json()["token"]
        headers["Authorization"] = "Bearer " + token
        r = client.get(base + target, headers=headers)
    r.raise_for_status()
    if platform:
        os_name, arch = platform.split("/")
        child = next(
            m for m in r.json()["manifests"]
            if m["platform"]["os"] == os_name and m["platform"]["architecture"] == arch
        )
        r = client.get(base + child["digest"], headers=headers)
        r.raise_for_status()
    print(r.headers["docker-content-digest"])
"""


# --- the registry, its token service, the images ---------------------------------------------


@dataclass
class Setup:
    push: RunningRegistry
    tokens: TokenService
    front: FrontEndRegistry
    registry_proxy: LatencyProxy
    token_proxy: LatencyProxy
    single: images.Image
    sibling: images.Image
    multi: multiarch.MultiArch

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.registry_proxy.port}"

    def counts(self) -> Counts:
        return self.registry_proxy.counts + self.token_proxy.counts

    def lines_since(self, since: float) -> list[str]:
        """First lines of the requests both proxies saw since `since`, in order."""
        seen = self.registry_proxy.lines_since(since) + self.token_proxy.lines_since(since)
        return [line for _, line in sorted(seen)]

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


def sample_like_image(seed: str) -> images.Image:
    """Like the bundled sample: a foreign Windows base layer on MCR, then five small layers."""
    base = images.layer(f"{seed}-nanoserver", upload=False)
    foreign = images.foreign_layer(
        [f"https://mcr.microsoft.com/v2/windows/nanoserver/blobs/{base.digest}"],
        seed=f"{seed}-nanoserver",
    )
    small = [images.layer(f"{seed}-{n}") for n in range(5)]
    return images.docker_image([foreign, *small], os="windows")


def start(workdir: Path) -> Setup:
    keys = make_key_pair(workdir / "keys")
    push = RunningRegistry(multiarch.ALLOW_MCR)
    started: list[object] = [push]
    try:
        if push.startup_failure is not None:
            raise RuntimeError(f"registry did not start: {push.startup_failure}")
        single, sibling = sample_like_image("pause-1"), sample_like_image("pause-2")
        for tag, image in (("v1", single), ("v2", sibling)):
            result = images.push_image(push, SINGLE_REPO, image, ref=tag)
            if result.status != 201:
                raise RuntimeError(f"push {tag}: {result.status} {result.body!r}")
        multi = multiarch.build(MULTI_REPO)
        multiarch.push(push, multi)

        tokens = TokenService(keys).start()
        started.append(tokens)
        token_proxy = LatencyProxy(tokens.server.port).start()
        started.append(token_proxy)
        # The registry sends clients to the token service through its proxy.
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
    return Setup(push, tokens, front, registry_proxy, token_proxy, single, sibling, multi)


# --- 1. requests per fetch -------------------------------------------------------------------


def short_path(path: str) -> str:
    """Digests cut to 12 hex digits, so that a request fits on a line."""
    head, sep, digest = path.partition("sha256:")
    return head + sep + digest[:12] + ("…" if len(digest) > 12 else "")


def _print_requests(title: str, client: RegistryClient, since: int, target: int) -> int:
    made = client.requests[since:]
    mark = "met" if len(made) <= target else "MISSED"
    noun = "request" if len(made) == 1 else "requests"
    print(f"   {title}: {len(made)} {noun} (target {target}: {mark})")
    for r in made:
        path = "/" + r.url.split("/", 3)[3] if r.url.count("/") >= 3 else r.url
        print(f"      {r.method} {short_path(path):<52} {r.status}  {r.purpose}")
    return len(made)


async def count_requests(setup: Setup) -> list[tuple[str, int, int]]:
    host = setup.host
    options = RegistryOptions(use_config_credentials=False)
    results = []
    print("1. HTTP requests per fetch, as foreign-explorer's client counts them")

    async with RegistryClient(options) as client:
        before = setup.counts()
        await client.fetch_image(f"{host}/{SINGLE_REPO}@{setup.single.digest}")
        n = _print_requests("manifest by digest, cold start", client, 0, 3)
        results.append(("digest, cold", n, 3))
        await client.fetch_image(f"{host}/{SINGLE_REPO}@{setup.sibling.digest}")
        n = _print_requests("another image of the same repository, same session", client, 3, 1)
        results.append(("same repo, same session", n, 1))
        proxy = (setup.counts() - before).round_trips
        print(f"      [proxy saw {proxy} round trips for these {client.request_count}]")

    async with RegistryClient(options) as client:
        before = setup.counts()
        image = await client.fetch_image(f"{host}/{MULTI_REPO}:list", PLATFORM)
        n = _print_requests(f"tag on an index + --platform {PLATFORM}, cold", client, 0, 4)
        results.append(("index + platform, cold", n, 4))
        assert image.parent is not None
        await image.parent.fetch_platform("linux/amd64")
        n = _print_requests("another child of that index, same session", client, n, 1)
        results.append(("index child, same session", n, 1))
        proxy = (setup.counts() - before).round_trips
        print(f"      [proxy saw {proxy} round trips for these {client.request_count}]")
    return results


# --- 2. wall time of whole processes ---------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    name: str
    argv: tuple[str, ...]
    ok_status: frozenset[int]


@dataclass(frozen=True)
class Case:
    name: str
    tools: tuple[Tool, ...]


@dataclass
class Samples:
    wall: list[float]
    counts: list[Counts]
    # The requests of the warm-up run, as the proxies saw them.
    sequence: list[str]


def foreign_explorer_argv() -> list[str]:
    script = Path(sys.executable).with_name("foreign-explorer")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "foreign_explorer"]


def cases(setup: Setup, skopeo: str | None) -> list[Case]:
    host = setup.host
    digest_ref = f"{host}/{SINGLE_REPO}@{setup.single.digest}"
    index_ref = f"{host}/{MULTI_REPO}:list"
    fe = foreign_explorer_argv()
    minimal = [sys.executable, "-c", MINIMAL_SCRIPT]
    ok = frozenset({0})
    judged = frozenset({0, 1})  # check exits 1 when the registry would reject the push
    digest_args = (host, SINGLE_REPO, setup.single.digest, "")
    index_args = (host, MULTI_REPO, "list", PLATFORM)
    digest_tools = [
        Tool(FLOOR, (*minimal, *digest_args), ok),
        Tool(FLOOR_NO_TLS, (*minimal, *digest_args, "no-tls"), ok),
        Tool(FOREIGN_EXPLORER, (*fe, "check", digest_ref), judged),
    ]
    index_tools = [
        Tool(FLOOR, (*minimal, *index_args), ok),
        Tool(FLOOR_NO_TLS, (*minimal, *index_args, "no-tls"), ok),
        Tool(FOREIGN_EXPLORER, (*fe, "check", index_ref, "--platform", PLATFORM), judged),
    ]
    if skopeo is not None:
        insecure = "--tls-verify=false"
        digest_tools.append(
            Tool("skopeo inspect", (skopeo, "inspect", insecure, f"docker://{digest_ref}"), ok)
        )
        index_tools.append(
            Tool(
                "skopeo inspect, windows/amd64",
                (
                    skopeo,
                    "inspect",
                    insecure,
                    "--override-os",
                    "windows",
                    "--override-arch",
                    "amd64",
                    f"docker://{index_ref}",
                ),
                ok,
            )
        )
    return [
        Case("manifest by digest", tuple(digest_tools)),
        Case(f"index tag + {PLATFORM}", tuple(index_tools)),
    ]


def clean_env(home: Path) -> dict[str, str]:
    """No proxies, no docker/podman logins, an empty HOME: every tool starts alike.

    Python processes cache their bytecode (in a temporary directory) as an installed tool
    does: the warm-up round writes it.
    """
    dropped = {"REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "PYTHONDONTWRITEBYTECODE", *_PROXY_VARS}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["DOCKER_CONFIG"] = str(home / ".docker")
    env["HOME"] = str(home)
    env["NO_COLOR"] = "1"
    return env


def run_once(setup: Setup, tool: Tool, env: dict[str, str]) -> tuple[float, Counts, list[str]]:
    before = setup.counts()
    since = time.monotonic()
    began = time.perf_counter()
    done = subprocess.run(tool.argv, env=env, capture_output=True, timeout=RUN_TIMEOUT, check=False)
    wall = time.perf_counter() - began
    if done.returncode not in tool.ok_status:
        err = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{tool.name} exited {done.returncode}: {' | '.join(err)}")
    return wall, setup.counts() - before, setup.lines_since(since)


def measure(
    setup: Setup, all_cases: Sequence[Case], latency: float, runs: int, env: dict[str, str]
) -> dict[tuple[str, str], Samples]:
    setup.set_latency(latency)
    results: dict[tuple[str, str], Samples] = {}
    # One warm-up round (disk caches, .pyc files), then rounds interleaving every tool.
    for round_no in range(runs + 1):
        for case in all_cases:
            for tool in case.tools:
                wall, counts, sequence = run_once(setup, tool, env)
                samples = results.setdefault((case.name, tool.name), Samples([], [], sequence))
                if round_no > 0:
                    samples.wall.append(wall)
                    samples.counts.append(counts)
    return results


def print_sequences(all_cases: Sequence[Case], results: dict[tuple[str, str], Samples]) -> None:
    print("\n   requests per process, in order, as the proxies saw them (registry and token):")
    for case in all_cases:
        print(f"   {case.name}")
        for tool in case.tools:
            steps = [short_path(line) for line in results[(case.name, tool.name)].sequence]
            print(f"     {tool.name}:")
            for n in range(0, len(steps), 3):
                print("         " + "  ·  ".join(steps[n : n + 3]))


def _mode(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def print_table(
    all_cases: Sequence[Case],
    results: dict[tuple[str, str], Samples],
    latency: float,
    runs: int,
) -> list[str]:
    """One row per case and tool; returns the goal verdicts (with latency only)."""
    verdicts: list[str] = []
    print(f"\n   {latency * 1000:.0f} ms per request: median and min of {runs} runs")
    print(
        f"   {'case':<26} {'tool':<30} {'trips':>5} {'conns':>5} {'median':>7} {'min':>7} "
        f"{'/floor':>6}  goal"
    )
    for case in all_cases:

        def median_of(name: str, case: Case = case) -> float:
            return statistics.median(results[(case.name, name)].wall)

        floor = median_of(FLOOR)
        skopeo = next((median_of(t.name) for t in case.tools if t.name.startswith("skopeo")), None)
        for n, tool in enumerate(case.tools):
            s = results[(case.name, tool.name)]
            median = statistics.median(s.wall)
            ratio = median / floor
            goal = ""
            if tool.name == FOREIGN_EXPLORER and latency > 0:
                goal = f"<= {FLOOR_GOAL:.2f}x: {'met' if ratio <= FLOOR_GOAL else 'MISSED'}"
                verdicts.append(f"{case.name}: {ratio:.2f}x the floor ({goal})")
                if skopeo is not None and case.name.startswith("index"):
                    faster = f"{skopeo / median:.2f}x faster" if median < skopeo else "slower"
                    mark = "met" if median < skopeo else "MISSED"
                    goal += f"; beat skopeo: {mark}"
                    verdicts.append(f"{case.name}: {faster} than skopeo (beat skopeo: {mark})")
            trips = _mode([c.round_trips for c in s.counts])
            conns = _mode([c.connections for c in s.counts])
            label = case.name if n == 0 else ""
            print(
                f"   {label:<26} {tool.name:<30} {trips:>5} {conns:>5} {median:>6.3f}s "
                f"{min(s.wall):>6.3f}s {ratio:>5.2f}x  {goal}"
            )
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per tool (default 9)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added per request")
    args = parser.parse_args()
    runs = max(1, min(args.runs, 50))
    latency = max(0.0, min(args.latency_ms, 1000.0)) / 1000
    if registry_binary() is None:
        print("docker-registry not found (Debian package docker-registry): nothing to measure")
        return 1
    for name in _PROXY_VARS:
        os.environ.pop(name, None)

    began = time.perf_counter()
    skopeo = shutil.which("skopeo")
    with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
        workdir = Path(tmp)
        (workdir / "home").mkdir()
        setup = start(workdir)
        try:
            print(f"registry {registry_binary()} behind a token service; proxy at {setup.host}\n")
            asyncio.run(count_requests(setup))

            print("\n2. Wall time of whole processes (start-up, imports, requests, output)")
            print(
                "   'check' takes one REF per process, so each case is one process per tool; "
                "the\n   same-session case (token reused) is the app's and is counted in 1."
            )
            print(
                "   The floor is a minimal httpx script making exactly foreign-explorer's requests"
                "\n   (httpx's defaults: it loads a CA bundle even for plain HTTP; the row below it"
                "\n   does not, as check does not when no request can use TLS). skopeo inspect"
                "\n   also pings /v2/, reads the image config and lists tags (its defaults).\n"
                "   trips: requests (and TLS attempts) the proxies saw; conns: TCP connections."
            )
            if skopeo is None:
                print("   skopeo not found (Debian package skopeo): its rows are skipped")
            all_cases = cases(setup, skopeo)
            env = clean_env(workdir / "home")
            verdicts: list[str] = []
            for delay in (0.0, latency):
                results = measure(setup, all_cases, delay, runs, env)
                verdicts = print_table(all_cases, results, delay, runs)
            print_sequences(all_cases, results)
            print("\ngoals at the added latency:")
            for line in verdicts:
                print(f"   {line}")
        finally:
            setup.stop()
    print(f"\nbenchmark took {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
