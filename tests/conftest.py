"""Shared fixtures. Tests marked `registry` run against the real docker-registry binary.

Without the binary they are skipped, unless FOREIGN_EXPLORER_REQUIRE_REGISTRY=1 (set by CI),
in which case they fail: a verdict test that silently skips proves nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.registry.harness import RegistryPool, RunningRegistry, registry_binary

REQUIRE_REGISTRY_ENV = "FOREIGN_EXPLORER_REQUIRE_REGISTRY"
MISSING_REQUIRED = "docker-registry not found; install Debian's docker-registry package"
MISSING_SKIPPED = (
    "docker-registry not found; to run the tests against a real registry: "
    "apt-get install docker-registry"
)
_REGISTRY_FIXTURES = frozenset({"registry_pool", "default_registry"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Using a registry fixture is enough to be a registry test; the marker need not be repeated.
    for item in items:
        if _REGISTRY_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.registry)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("registry") is None or registry_binary() is not None:
        return
    if os.environ.get(REQUIRE_REGISTRY_ENV) == "1":
        pytest.fail(MISSING_REQUIRED, pytrace=False)
    pytest.skip(MISSING_SKIPPED)


@pytest.fixture(scope="session")
def registry_pool() -> Iterator[RegistryPool]:
    """One registry process per distinct policy for the whole session, all stopped at the end."""
    pool = RegistryPool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def default_registry(registry_pool: RegistryPool) -> RunningRegistry:
    """The registry with the default config: no validation section at all."""
    return registry_pool.registry_for(None)


@pytest.fixture
def zero_device(tmp_path: Path) -> Path:
    """A scratch twin of /dev/zero under tmp_path: endless input, never the system's own node."""
    path = tmp_path / "zero"
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.fail("making a scratch device node needs root (CI runs as root)", pytrace=False)
    return path
