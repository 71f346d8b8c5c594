"""Many images at once: requests in flight bounded per host, one challenge per registry,
one token per repository (asking for that repository only)."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from foreign_explorer.core.registry.client import RegistryClient, RegistryOptions
from tests.registry import images
from tests.registry.harness import RunningRegistry
from tests.servers.registries import FrontEndRegistry
from tests.servers.scripted import Reply, Request, ScriptedServer
from tests.servers.tokenservice import TokenService

IMAGE = images.docker_image([images.layer("concurrency")])


def _client(**options: object) -> RegistryClient:
    env = {"HOME": "/nonexistent", "PATH": os.environ["PATH"]}
    return RegistryClient(RegistryOptions(**options), env=env)  # type: ignore[arg-type]


class _Counting:
    """A slow registry that remembers how many requests it was answering at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def __call__(self, request: Request) -> Reply:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.05)
        with self.lock:
            self.now -= 1
        return Reply(200, IMAGE.manifest, (("Content-Type", IMAGE.media_type),))


@pytest.mark.parametrize("jobs", [1, 3])
def test_requests_in_flight_to_one_registry_never_exceed_jobs(jobs: int) -> None:
    counting = _Counting()

    async def fetch_all(server: ScriptedServer) -> None:
        async with _client(max_in_flight=jobs) as client:
            await asyncio.gather(
                *(client.fetch_image(f"{server.netloc}/a/r{n}:t") for n in range(9))
            )

    with ScriptedServer(counting) as server:
        asyncio.run(fetch_all(server))
        assert len(server.requests) == 9
    assert counting.most == jobs


@pytest.fixture(scope="module")
def four_repositories(push_registry: RunningRegistry) -> list[str]:
    repos = [push_registry.new_repo(f"many-{n}") for n in range(4)]
    for repo in repos:
        assert images.push_image(push_registry, repo, IMAGE, ref="v1").status == 201
    return repos


async def test_one_challenge_per_registry_and_one_token_per_repository(
    token_registry: FrontEndRegistry, token_service: TokenService, four_repositories: list[str]
) -> None:
    before = len(token_service.issued)
    async with _client() as client:
        fetched = await asyncio.gather(
            *(client.fetch_image(f"{token_registry.host}/{repo}:v1") for repo in four_repositories)
        )
        made = [(r.purpose, r.status) for r in client.requests]
    assert [f.manifest for f in fetched] == [IMAGE.manifest] * 4
    assert made.count(("manifest", 401)) == 1
    assert made.count(("token", 200)) == 4
    assert made.count(("manifest", 200)) == 4
    assert len(made) == 9
    # Each token names only its own repository, though the challenge named the first one.
    scopes = sorted(issued.scopes for issued in token_service.issued[before:])
    assert scopes == sorted((f"repository:{repo}:pull",) for repo in four_repositories)
