"""Real registries for the client tests: one plain registry to push to, and front ends over
its storage with token auth, htpasswd Basic auth and TLS. All on 127.0.0.1, per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.registry import multiarch
from tests.registry import images
from tests.registry.harness import RegistryPool, RunningRegistry
from tests.servers.certs import KeyPair, make_key_pair
from tests.servers.registries import FrontEndRegistry, htpasswd_auth, storage_of, token_auth
from tests.servers.tokenservice import TokenService

TOKEN_USER = "fe-token-user"
TOKEN_PASSWORD = "fe-token-password-42"
IDENTITY_TOKEN = "fe-identity-token-7f3a"
PRIVATE_REPO = "fe/private"


@pytest.fixture(autouse=True)
def _no_proxies_or_docker_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The developer's proxies, docker login and podman auth must not leak into these tests.
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "REGISTRY_AUTH_FILE",
        "XDG_RUNTIME_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyPair:
    return make_key_pair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def push_registry(registry_pool: RegistryPool) -> RunningRegistry:
    """Plain HTTP, no auth, foreign layers from mcr.microsoft.com allowed: where tests push."""
    return registry_pool.registry_for(multiarch.ALLOW_MCR)


@pytest.fixture(scope="session")
def multi(push_registry: RunningRegistry) -> multiarch.MultiArch:
    built = multiarch.build(push_registry.new_repo("multiarch"))
    multiarch.push(push_registry, built)
    return built


@pytest.fixture(scope="session")
def single(push_registry: RunningRegistry) -> tuple[str, images.Image]:
    """One Docker image in its own repository, tagged `v1`, and a second one tagged `v2`."""
    repo = push_registry.new_repo("single")
    first = images.docker_image([images.layer("single-1")])
    second = images.docker_image([images.layer("single-2")])
    for tag, image in (("v1", first), ("v2", second)):
        assert images.push_image(push_registry, repo, image, ref=tag).status == 201
    return repo, first


@pytest.fixture(scope="session")
def private_image(push_registry: RunningRegistry) -> images.Image:
    image = images.docker_image([images.layer("private")])
    assert images.push_image(push_registry, PRIVATE_REPO, image, ref="v1").status == 201
    return image


@pytest.fixture(scope="session")
def token_service(keys: KeyPair) -> Iterator[TokenService]:
    service = TokenService(
        keys,
        users={TOKEN_USER: TOKEN_PASSWORD},
        identity_tokens={IDENTITY_TOKEN: TOKEN_USER},
        private=frozenset({PRIVATE_REPO}),
    ).start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def token_registry(
    push_registry: RunningRegistry, token_service: TokenService, keys: KeyPair
) -> Iterator[FrontEndRegistry]:
    auth = token_auth(token_service.realm, token_service.service, token_service.issuer, keys)
    registry = FrontEndRegistry(storage_of(push_registry), auth=auth)
    assert registry.startup_failure is None, registry.startup_failure
    yield registry
    registry.stop()


@pytest.fixture(scope="session")
def basic_registry(
    push_registry: RunningRegistry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FrontEndRegistry]:
    auth = htpasswd_auth(tmp_path_factory.mktemp("htpasswd"))
    registry = FrontEndRegistry(storage_of(push_registry), auth=auth)
    assert registry.startup_failure is None, registry.startup_failure
    yield registry
    registry.stop()


@pytest.fixture(scope="session")
def tls_registry(push_registry: RunningRegistry, keys: KeyPair) -> Iterator[FrontEndRegistry]:
    registry = FrontEndRegistry(storage_of(push_registry), tls=keys)
    assert registry.startup_failure is None, registry.startup_failure
    yield registry
    registry.stop()
