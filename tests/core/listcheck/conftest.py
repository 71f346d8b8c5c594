"""The mirror set, once per session, behind a token service (see mirrorset.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.core.listcheck import mirrorset
from tests.core.registry.conftest import (
    _no_proxies_or_docker_env,
    keys,
    private_image,
    push_registry,
    tls_registry,
    token_registry,
    token_service,
)
from tests.registry.harness import RegistryPool
from tests.servers.certs import KeyPair

__all__ = [
    "_no_proxies_or_docker_env",
    "keys",
    "mirror",
    "private_image",
    "push_registry",
    "tls_registry",
    "token_registry",
    "token_service",
]


@pytest.fixture(scope="session")
def mirror(registry_pool: RegistryPool, keys: KeyPair) -> Iterator[mirrorset.MirrorSet]:
    yield from mirrorset.serve(mirrorset.build(registry_pool, keys))
