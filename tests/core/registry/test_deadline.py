"""One deadline per fetch: slow bodies, slow token services, retries and children all end by it."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterator

import pytest

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.client import RegistryClient, RegistryOptions
from foreign_explorer.core.registry.deadline import DEFAULT_TIMEOUT, Deadline
from foreign_explorer.core.registry.transport import RetryPolicy
from tests.servers.scripted import Reply, ScriptedServer, routes

PATH = "/v2/team/app/manifests/"
MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": mt.OCI_MANIFEST,
        "config": {"mediaType": mt.OCI_CONFIG, "size": 2, "digest": "sha256:" + "c" * 64},
        "layers": [],
    }
).encode()
CHILD_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
INDEX = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": mt.OCI_INDEX,
        "manifests": [
            {
                "mediaType": mt.OCI_MANIFEST,
                "size": len(MANIFEST),
                "digest": CHILD_DIGEST,
                "platform": {"os": "linux", "architecture": "amd64"},
            }
        ],
    }
).encode()


def _oci(body: bytes, media_type: str = mt.OCI_MANIFEST, **kw: object) -> Reply:
    return Reply(200, body, (("Content-Type", media_type),), **kw)  # type: ignore[arg-type]


def _dripping(body: bytes = MANIFEST) -> Reply:
    # A byte every half second: no read ever waits long enough for the read timeout.
    return _oci(body, drip=0.5)


@pytest.fixture
def fake() -> Iterator[ScriptedServer]:
    with ScriptedServer(routes({})) as server:
        yield server


# If the deadline failed to fire, the test fails here instead of hanging on a dripping body.
GUARD = 20.0


def _client(timeout: float | None = 1.0, **options: object) -> RegistryClient:
    return RegistryClient(RegistryOptions(timeout=timeout, **options), env={})  # type: ignore[arg-type]


def test_default_deadline_is_sixty_seconds() -> None:
    assert DEFAULT_TIMEOUT == 60.0
    assert RegistryOptions().timeout == 60.0


def test_expiry_message_names_the_budget_the_reference_and_the_flag() -> None:
    deadline = Deadline.start(2.0, "127.0.0.1:5000/team/app:v1")
    assert deadline.message == "timed out after 2 s fetching 127.0.0.1:5000/team/app:v1 (--timeout)"
    assert Deadline.start(0.5, "x").message == "timed out after 0.5 s fetching x (--timeout)"


async def test_a_body_that_trickles_forever_ends_at_the_deadline(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": _dripping(MANIFEST * 1000)})
    async with _client(read_timeout=30.0) as client:
        with pytest.raises(e.DeadlineExceeded) as caught:
            await asyncio.wait_for(client.fetch_image(f"{fake.netloc}/team/app:v1"), GUARD)
        assert client.request_count == 1
    assert str(caught.value) == (
        f"timed out after 1 s fetching {fake.netloc}/team/app:v1 (--timeout)"
    )


async def test_the_deadline_covers_the_token_service(fake: ScriptedServer) -> None:
    challenge = f'Bearer realm="{fake.url}/token",service="fake"'
    fake.handler = routes(
        {
            PATH + "v1": Reply(401, b"", (("WWW-Authenticate", challenge),)),
            "/token": Reply(200, b'{"token": "t"}' + b" " * 1000, drip=0.5),
        }
    )
    async with _client() as client:
        with pytest.raises(e.DeadlineExceeded):
            await asyncio.wait_for(client.fetch_image(f"{fake.netloc}/team/app:v1"), GUARD)
    assert [r.route for r in fake.requests] == [PATH + "v1", "/token"]


async def test_the_deadline_covers_retries_and_their_backoff(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": Reply(503, b"", (("Retry-After", "1"),))})
    retry = RetryPolicy(max_attempts=100, max_total=1000)
    async with _client(timeout=1.5, retry=retry) as client:
        # The retry budget alone would allow 100 attempts a second apart.
        with pytest.raises(e.DeadlineExceeded):
            await asyncio.wait_for(client.fetch_image(f"{fake.netloc}/team/app:v1"), GUARD)


async def test_children_fetched_from_the_result_share_its_deadline(fake: ScriptedServer) -> None:
    fake.handler = routes(
        {
            PATH + "index": _oci(INDEX, mt.OCI_INDEX),
            PATH + CHILD_DIGEST: _dripping(),
        }
    )
    async with _client() as client:
        index = await client.fetch_image(f"{fake.netloc}/team/app:index")
        with pytest.raises(e.DeadlineExceeded) as caught:
            await asyncio.wait_for(index.fetch_children(), GUARD)
    assert f"fetching {fake.netloc}/team/app:index (--timeout)" in str(caught.value)


async def test_a_platform_child_is_inside_the_same_deadline(fake: ScriptedServer) -> None:
    fake.handler = routes(
        {
            PATH + "index": _oci(INDEX, mt.OCI_INDEX),
            PATH + CHILD_DIGEST: _dripping(),
        }
    )
    async with _client() as client:
        with pytest.raises(e.DeadlineExceeded):
            await asyncio.wait_for(
                client.fetch_image(f"{fake.netloc}/team/app:index", "linux/amd64"), GUARD
            )
        assert client.request_count == 2


async def test_the_config_gets_a_budget_of_its_own(fake: ScriptedServer) -> None:
    config = b"{}" + b" " * 100
    digest = "sha256:" + hashlib.sha256(config).hexdigest()
    manifest = MANIFEST.replace(b"sha256:" + b"c" * 64, digest.encode())
    fake.handler = routes(
        {
            PATH + "v1": _oci(manifest),
            f"/v2/team/app/blobs/{digest}": Reply(200, config, drip=0.5),
        }
    )
    async with _client() as client:
        image = await client.fetch_image(f"{fake.netloc}/team/app:v1")
        with pytest.raises(e.DeadlineExceeded) as caught:
            await asyncio.wait_for(image.fetch_config(), GUARD)
    assert str(caught.value) == (
        f"timed out after 1 s fetching the config of {fake.netloc}/team/app:v1 (--timeout)"
    )


async def test_without_a_deadline_only_the_read_timeout_applies(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": _oci(MANIFEST, delay=0.5)})
    async with _client(timeout=None) as client:
        image = await client.fetch_image(f"{fake.netloc}/team/app:v1")
    assert image.manifest == MANIFEST


async def test_a_deadline_in_time_adds_no_request(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": _oci(MANIFEST)})
    async with _client(timeout=30.0) as client:
        await asyncio.gather(
            client.fetch_image(f"{fake.netloc}/team/app:v1"),
            client.fetch_image(f"{fake.netloc}/team/app:v1"),
        )
        assert client.request_count == 2
    assert len(fake.requests) == 2
