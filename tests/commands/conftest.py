"""The commands' list tests read the mirror set of tests/core/listcheck (its own session copy)."""

from __future__ import annotations

from tests.core.listcheck.conftest import (
    _no_proxies_or_docker_env,
    keys,
    mirror,
    private_image,
    push_registry,
    tls_registry,
    token_registry,
    token_service,
)

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
