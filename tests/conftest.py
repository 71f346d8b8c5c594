"""Shared fixtures. Tests marked `registry` run against the real docker-registry binary (2.8.2),
tests marked `registry3` against distribution v3.1.1's `registry` (FOREIGN_EXPLORER_REGISTRY3).

Without the binary they are skipped, unless FOREIGN_EXPLORER_REQUIRE_REGISTRY=1 (set by CI),
in which case they fail: a verdict test that silently skips proves nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.registry.harness import (
    BUILDS,
    DEBIAN_2_8,
    DISTRIBUTION_3_1,
    RegistryBuild,
    RegistryPool,
    RunningRegistry,
)

REQUIRE_REGISTRY_ENV = "FOREIGN_EXPLORER_REQUIRE_REGISTRY"
MISSING_REQUIRED = DEBIAN_2_8.required_message()
MISSING_SKIPPED = DEBIAN_2_8.skip_message()
# Using one of these fixtures is enough to need that build; the marker need not be repeated.
_REGISTRY_FIXTURES: dict[str, RegistryBuild] = {
    "registry_pool": DEBIAN_2_8,
    "default_registry": DEBIAN_2_8,
    "registry3_pool": DISTRIBUTION_3_1,
    "default_registry3": DISTRIBUTION_3_1,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in getattr(item, "fixturenames", ()):
            if name in _REGISTRY_FIXTURES:
                item.add_marker(_REGISTRY_FIXTURES[name].marker)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for build in BUILDS:
        if item.get_closest_marker(build.marker) is None or build.locate() is not None:
            continue
        if os.environ.get(REQUIRE_REGISTRY_ENV) == "1":
            pytest.fail(build.required_message(), pytrace=False)
        pytest.skip(build.skip_message())


def _pool(build: RegistryBuild) -> Iterator[RegistryPool]:
    binary = build.locate()
    if binary is None:  # never another build's binary in its place
        pytest.fail(build.required_message(), pytrace=False)
    pool = RegistryPool(binary)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def registry_pool() -> Iterator[RegistryPool]:
    """One registry process per distinct policy for the whole session, all stopped at the end."""
    yield from _pool(DEBIAN_2_8)


@pytest.fixture(scope="session")
def registry3_pool() -> Iterator[RegistryPool]:
    """The same for distribution v3.1.1's `registry`."""
    yield from _pool(DISTRIBUTION_3_1)


@pytest.fixture
def default_registry3(registry3_pool: RegistryPool) -> RunningRegistry:
    """The v3.1.1 registry with the default config."""
    return registry3_pool.registry_for(None)


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
