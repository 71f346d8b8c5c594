"""The client against the real registry (distribution 2.8): plain HTTP, token auth, Basic auth,
TLS, multi-arch lists and indexes with a Windows child carrying a foreign layer."""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.client import (
    RegistryClient,
    RegistryOptions,
    layer_history,
)
from tests.core.registry import multiarch
from tests.core.registry.conftest import (
    IDENTITY_TOKEN,
    PRIVATE_REPO,
    TOKEN_PASSWORD,
    TOKEN_USER,
)
from tests.registry import images
from tests.registry.harness import RunningRegistry
from tests.servers.certs import KeyPair
from tests.servers.registries import (
    HTPASSWD_PASSWORD,
    HTPASSWD_USER,
    FrontEndRegistry,
    storage_of,
    token_auth,
)
from tests.servers.tokenservice import TokenService

pytestmark = pytest.mark.registry


def _host(registry: RunningRegistry) -> str:
    return f"127.0.0.1:{registry.port}"


def _client(**options: object) -> RegistryClient:
    env = options.pop("env", {"HOME": "/nonexistent", "PATH": os.environ["PATH"]})
    return RegistryClient(RegistryOptions(**options), env=env)  # type: ignore[arg-type]


# --- plain HTTP ---------------------------------------------------------------------------------


async def test_manifest_by_tag_and_by_digest(
    push_registry: RunningRegistry, single: tuple[str, images.Image]
) -> None:
    repo, image = single
    async with _client() as client:
        by_tag = await client.fetch_image(f"{_host(push_registry)}/{repo}:v1")
        by_digest = await client.fetch_image(f"{_host(push_registry)}/{repo}@{image.digest}")
        assert client.request_count == 2
    for fetched in (by_tag, by_digest):
        assert fetched.manifest == image.manifest
        assert fetched.media_type == mt.DOCKER_MANIFEST
        assert fetched.digest == image.digest
        assert fetched.registry_digest == image.digest
        assert fetched.children == ()
    assert by_digest.source.reference == f"{_host(push_registry)}/{repo}@{image.digest}"


async def test_unknown_tag_is_manifest_unknown(
    push_registry: RunningRegistry, single: tuple[str, images.Image]
) -> None:
    repo, _ = single
    async with _client() as client:
        with pytest.raises(e.ManifestNotFound) as caught:
            await client.fetch_image(f"{_host(push_registry)}/{repo}:no-such-tag")
    assert str(caught.value) == (
        f"manifest no-such-tag in {repo} on {_host(push_registry)} not found "
        "(MANIFEST_UNKNOWN: manifest unknown)"
    )


@pytest.mark.parametrize(
    ("tag", "media_type"), [("list", mt.DOCKER_MANIFEST_LIST), ("index", mt.OCI_INDEX)]
)
async def test_index_lists_every_child_with_its_platform(
    push_registry: RunningRegistry, multi: multiarch.MultiArch, tag: str, media_type: str
) -> None:
    async with _client() as client:
        index = await client.fetch_image(f"{_host(push_registry)}/{multi.repo}:{tag}")
    expected = multi.docker_children if tag == "list" else multi.oci_children
    assert index.media_type == media_type and index.is_index
    assert index.digest == (multi.docker_list_digest if tag == "list" else multi.oci_index_digest)
    assert [c.digest for c in index.children] == [c.image.digest for c in expected]
    assert [c.platform for c in index.children] == [
        "linux/amd64",
        "linux/arm64/v8",
        "windows/amd64:10.0.17763.737",
        "windows/amd64:10.0.17763.1879",
        "windows/amd64:10.0.14393.4169",
    ]
    assert {c.media_type for c in index.children} == {expected[0].image.media_type}


@pytest.mark.parametrize("tag", ["list", "index"])
async def test_windows_build_selects_the_highest_revision_with_its_foreign_layer(
    push_registry: RunningRegistry, multi: multiarch.MultiArch, tag: str
) -> None:
    children = multi.docker_children if tag == "list" else multi.oci_children
    wanted = children[3]  # 10.0.17763.1879
    async with _client(platform="windows/amd64:10.0.17763") as client:
        child = await client.fetch_image(f"{_host(push_registry)}/{multi.repo}:{tag}")
        assert client.request_count == 2
    assert child.manifest == wanted.image.manifest
    assert child.digest == wanted.image.digest
    assert child.source.platform == "windows/amd64:10.0.17763.1879"
    assert child.source.reference == f"{_host(push_registry)}/{multi.repo}@{wanted.image.digest}"
    assert child.parent is not None and child.parent.is_index
    foreign = json.loads(child.manifest)["layers"][0]
    assert foreign["mediaType"] in mt.FOREIGN_TYPES
    assert foreign["urls"][0].startswith(multiarch.MCR)


async def test_children_are_fetched_concurrently(
    push_registry: RunningRegistry, multi: multiarch.MultiArch
) -> None:
    async with _client() as client:
        index = await client.fetch_image(f"{_host(push_registry)}/{multi.repo}:list")
        fetched = await index.fetch_children()
        assert client.request_count == 1 + len(multi.docker_children)
    assert [f.manifest for f in fetched] == [c.image.manifest for c in multi.docker_children]
    assert [f.source.platform for f in fetched] == [c.platform for c in index.children]


async def test_config_history_maps_onto_layers_skipping_empty_layers(
    push_registry: RunningRegistry, multi: multiarch.MultiArch
) -> None:
    wanted = multi.oci_children[2]
    async with _client(platform="windows/amd64:10.0.17763.737") as client:
        child = await client.fetch_image(f"{_host(push_registry)}/{multi.repo}:index")
        config = await child.fetch_config()
    assert config == wanted.config
    layer_count = len(json.loads(child.manifest)["layers"])
    assert layer_history(config, layer_count) == wanted.history
    assert wanted.history == (
        "Apply image 10.0.17763.737",
        "RUN build amd64-windows-10.0.17763.737",
    )


async def test_platform_missing_from_the_index(
    push_registry: RunningRegistry, multi: multiarch.MultiArch
) -> None:
    async with _client(platform="linux/s390x") as client:
        with pytest.raises(e.PlatformError, match="no manifest for platform linux/s390x"):
            await client.fetch_image(f"{_host(push_registry)}/{multi.repo}:list")


# --- token auth: request counts -----------------------------------------------------------------


async def test_cold_fetch_by_digest_costs_challenge_token_manifest(
    token_registry: FrontEndRegistry, single: tuple[str, images.Image]
) -> None:
    repo, image = single
    async with _client() as client:
        fetched = await client.fetch_image(f"{token_registry.host}/{repo}@{image.digest}")
        assert client.request_count == 3
        assert [(r.purpose, r.status) for r in client.requests] == [
            ("manifest", 401),
            ("token", 200),
            ("manifest", 200),
        ]
    assert fetched.manifest == image.manifest


async def test_tag_on_an_index_plus_platform_costs_four(
    token_registry: FrontEndRegistry, multi: multiarch.MultiArch
) -> None:
    async with _client(platform="linux/arm64") as client:
        child = await client.fetch_image(f"{token_registry.host}/{multi.repo}:index")
        assert client.request_count == 4
    assert child.manifest == multi.oci_children[1].image.manifest


async def test_more_manifests_of_the_same_repository_cost_one_each(
    token_registry: FrontEndRegistry, multi: multiarch.MultiArch, single: tuple[str, images.Image]
) -> None:
    async with _client() as client:
        await client.fetch_image(f"{token_registry.host}/{multi.repo}:list")
        assert client.request_count == 3
        await client.fetch_image(f"{token_registry.host}/{multi.repo}:index")
        assert client.request_count == 4
        digest = multi.docker_children[0].image.digest
        await client.fetch_image(f"{token_registry.host}/{multi.repo}@{digest}")
        assert client.request_count == 5
        # Another repository on the same registry: a token, then the manifest.
        await client.fetch_image(f"{token_registry.host}/{single[0]}:v1")
        assert client.request_count == 7


# --- token auth: credentials --------------------------------------------------------------------


async def test_private_repository_without_credentials_says_to_docker_login(
    token_registry: FrontEndRegistry, private_image: images.Image
) -> None:
    async with _client() as client:
        with pytest.raises(e.AuthenticationRequired) as caught:
            await client.fetch_image(f"{token_registry.host}/{PRIVATE_REPO}:v1")
    assert f"run `docker login {token_registry.host}`" in str(caught.value)


async def test_refused_fresh_token_is_not_asked_for_twice(
    token_registry: FrontEndRegistry,
    private_image: images.Image,
    single: tuple[str, images.Image],
) -> None:
    async with _client() as client:
        await client.fetch_image(f"{token_registry.host}/{single[0]}:v1")
        assert client.request_count == 3
        with pytest.raises(e.AuthenticationRequired):
            await client.fetch_image(f"{token_registry.host}/{PRIVATE_REPO}:v1")
        # The challenge is known: one token, one refused manifest request, and no retry.
        assert [(r.purpose, r.status) for r in client.requests[3:]] == [
            ("token", 200),
            ("manifest", 401),
        ]


async def test_private_repository_with_explicit_credentials(
    token_registry: FrontEndRegistry, private_image: images.Image, token_service: TokenService
) -> None:
    async with _client(username=TOKEN_USER, password=TOKEN_PASSWORD) as client:
        fetched = await client.fetch_image(f"{token_registry.host}/{PRIVATE_REPO}:v1")
    assert fetched.manifest == private_image.manifest
    last = token_service.issued[-1]
    assert (last.method, last.user, last.scopes) == (
        "GET",
        TOKEN_USER,
        (f"repository:{PRIVATE_REPO}:pull",),
    )


async def test_wrong_password_is_rejected_without_showing_it(
    token_registry: FrontEndRegistry, private_image: images.Image
) -> None:
    async with _client(username=TOKEN_USER, password="wrong-password-xyz") as client:
        with pytest.raises(e.CredentialsRejected) as caught:
            await client.fetch_image(f"{token_registry.host}/{PRIVATE_REPO}:v1")
    assert "wrong-password-xyz" not in str(caught.value) + repr(caught.value)
    assert "rejected the credential" in str(caught.value)


def _docker_config(directory: Path, doc: dict[str, object]) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(doc), encoding="utf-8")
    return str(directory)


async def test_identity_token_from_docker_config_is_exchanged_by_post(
    token_registry: FrontEndRegistry,
    private_image: images.Image,
    token_service: TokenService,
    tmp_path: Path,
) -> None:
    config = _docker_config(
        tmp_path / "docker", {"auths": {token_registry.host: {"identitytoken": IDENTITY_TOKEN}}}
    )
    async with _client(docker_config=config) as client:
        fetched = await client.fetch_image(f"{token_registry.host}/{PRIVATE_REPO}:v1")
    assert fetched.manifest == private_image.manifest
    assert token_service.issued[-1].method == "POST"
    assert token_service.issued[-1].user == TOKEN_USER


@pytest.fixture(scope="module")
def get_only_token_registry(
    push_registry: RunningRegistry, keys: KeyPair
) -> Iterator[FrontEndRegistry]:
    service = TokenService(
        keys,
        identity_tokens={IDENTITY_TOKEN: TOKEN_USER},
        private=frozenset({PRIVATE_REPO}),
        oauth_post=False,
    ).start()
    auth = token_auth(service.realm, service.service, service.issuer, keys)
    registry = FrontEndRegistry(storage_of(push_registry), auth=auth)
    registry.token_service = service  # type: ignore[attr-defined]
    yield registry
    registry.stop()
    service.stop()


async def test_identity_token_falls_back_to_get_without_oauth_post(
    get_only_token_registry: FrontEndRegistry, private_image: images.Image, tmp_path: Path
) -> None:
    host = get_only_token_registry.host
    config = _docker_config(
        tmp_path / "docker", {"auths": {host: {"identitytoken": IDENTITY_TOKEN}}}
    )
    async with _client(docker_config=config) as client:
        fetched = await client.fetch_image(f"{host}/{PRIVATE_REPO}:v1")
        assert [(r.method, r.purpose, r.status) for r in client.requests] == [
            ("GET", "manifest", 401),
            ("POST", "token", 404),
            ("GET", "token", 200),
            ("GET", "manifest", 200),
        ]
    assert fetched.manifest == private_image.manifest
    service: TokenService = get_only_token_registry.token_service  # type: ignore[attr-defined]
    assert (service.issued[-1].method, service.issued[-1].user) == ("GET", TOKEN_USER)


# --- htpasswd Basic auth ------------------------------------------------------------------------


def _basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


async def test_basic_auth_registry_without_credentials(
    basic_registry: FrontEndRegistry, single: tuple[str, images.Image]
) -> None:
    async with _client() as client:
        with pytest.raises(e.AuthenticationRequired, match="docker login"):
            await client.fetch_image(f"{basic_registry.host}/{single[0]}:v1")


async def test_basic_auth_from_docker_config_auths(
    basic_registry: FrontEndRegistry, single: tuple[str, images.Image], tmp_path: Path
) -> None:
    config = _docker_config(
        tmp_path / "docker",
        {"auths": {basic_registry.host: {"auth": _basic(HTPASSWD_USER, HTPASSWD_PASSWORD)}}},
    )
    async with _client(docker_config=config) as client:
        fetched = await client.fetch_image(f"{basic_registry.host}/{single[0]}:v1")
        assert client.request_count == 2  # 401, then with Basic
        await client.fetch_image(f"{basic_registry.host}/{single[0]}:v2")
        assert client.request_count == 3  # Basic sent up front now
    assert fetched.manifest == single[1].manifest


async def test_basic_auth_from_a_credential_helper_on_path(
    basic_registry: FrontEndRegistry, single: tuple[str, images.Image], tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-test"
    helper.write_text(
        "#!/bin/sh\nread server\n"
        f'[ "$server" = "{basic_registry.host}" ] || exit 1\n'
        f'printf \'%s\' \'{{"Username":"{HTPASSWD_USER}","Secret":"{HTPASSWD_PASSWORD}"}}\'\n'
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    config = _docker_config(tmp_path / "docker", {"credHelpers": {basic_registry.host: "test"}})
    env = {
        "HOME": str(tmp_path),
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DOCKER_CONFIG": config,
    }
    async with _client(env=env) as client:
        fetched = await client.fetch_image(f"{basic_registry.host}/{single[0]}:v1")
    assert fetched.manifest == single[1].manifest


async def test_basic_auth_wrong_password(
    basic_registry: FrontEndRegistry, single: tuple[str, images.Image]
) -> None:
    async with _client(username=HTPASSWD_USER, password="not-the-password") as client:
        with pytest.raises(e.CredentialsRejected) as caught:
            await client.fetch_image(f"{basic_registry.host}/{single[0]}:v1")
    assert "not-the-password" not in str(caught.value)


# --- TLS ----------------------------------------------------------------------------------------


async def test_untrusted_certificate_names_the_fix(
    tls_registry: FrontEndRegistry, single: tuple[str, images.Image]
) -> None:
    async with _client(plain_http=False) as client:
        with pytest.raises(e.TLSError) as caught:
            await client.fetch_image(f"{tls_registry.host}/{single[0]}:v1")
    message = str(caught.value)
    assert message.startswith(f"TLS certificate of https://{tls_registry.host} is not trusted")
    assert "--ca-file" in message and "--insecure" in message
    assert "\n" not in message


@pytest.mark.parametrize("how", ["ca_file", "insecure", "SSL_CERT_FILE"])
async def test_tls_registry_with_its_ca_or_without_verification(
    tls_registry: FrontEndRegistry,
    single: tuple[str, images.Image],
    keys: KeyPair,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    options: dict[str, object] = {"plain_http": False}
    if how == "ca_file":
        options["ca_file"] = str(keys.cert_path)
    elif how == "insecure":
        options["insecure"] = True
    else:
        monkeypatch.setenv("SSL_CERT_FILE", str(keys.cert_path))
    async with _client(**options) as client:
        fetched = await client.fetch_image(f"{tls_registry.host}/{single[0]}:v1")
    assert fetched.manifest == single[1].manifest


async def test_unreadable_ca_file_is_named(
    tls_registry: FrontEndRegistry, single: tuple[str, images.Image], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-ca.pem"
    async with _client(plain_http=False, ca_file=str(missing)) as client:
        with pytest.raises(e.TLSError, match="cannot use CA file"):
            await client.fetch_image(f"{tls_registry.host}/{single[0]}:v1")
