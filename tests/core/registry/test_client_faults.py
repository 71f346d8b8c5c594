"""Every registry failure becomes one typed error with a one-line message (fault server)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.client import (
    MANIFEST_ACCEPT,
    FetchedImage,
    RegistryClient,
    RegistryOptions,
    fetch_image,
)
from foreign_explorer.core.registry.transport import RateLimit, RetryPolicy
from tests.servers.scripted import (
    Handler,
    Reply,
    Request,
    Route,
    ScriptedServer,
    hostile_registry_error,
    json_reply,
    registry_error,
    routes,
)

MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": mt.DOCKER_MANIFEST,
        "config": {"mediaType": mt.DOCKER_CONFIG, "size": 2, "digest": "sha256:" + "c" * 64},
        "layers": [],
    }
).encode()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
WRONG_DIGEST = "sha256:" + "0" * 64
PASSWORD = "s3cret-Pa55word"
PATH = "/v2/team/app/manifests/"


def _manifest_reply(
    body: bytes = MANIFEST, media_type: str = mt.DOCKER_MANIFEST, **kw: object
) -> Reply:
    headers = [("Content-Type", media_type)]
    headers.extend(kw.pop("extra", ()))  # type: ignore[arg-type]
    return Reply(200, body, tuple(headers), **kw)  # type: ignore[arg-type]


@pytest.fixture
def fake() -> Iterator[ScriptedServer]:
    with ScriptedServer(routes({})) as server:
        yield server


def _client(**options: object) -> RegistryClient:
    return RegistryClient(RegistryOptions(**options), env={"HOME": "/nonexistent"})  # type: ignore[arg-type]


async def _fetch(
    server: ScriptedServer, ref: str = "team/app:v1", **options: object
) -> FetchedImage:
    async with _client(**options) as client:
        return await client.fetch_image(f"{server.netloc}/{ref}")


def _one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text and text
    return text


async def test_manifest_request_accepts_every_supported_type(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": _manifest_reply()})
    async with _client() as client:
        image = await client.fetch_image(f"{fake.netloc}/team/app:v1")
    accept = fake.requests[0].headers["accept"]
    assert accept == MANIFEST_ACCEPT
    for media_type in (mt.DOCKER_MANIFEST, mt.DOCKER_MANIFEST_LIST, mt.OCI_MANIFEST, mt.OCI_INDEX):
        assert media_type in accept
    assert image.manifest == MANIFEST
    assert image.digest == MANIFEST_DIGEST
    assert image.source.to_dict() == {
        "reference": f"{fake.netloc}/team/app:v1",
        "registry": fake.netloc,
        "repository": "team/app",
        "digest": MANIFEST_DIGEST,
        "mediaType": mt.DOCKER_MANIFEST,
        "platform": None,
    }
    assert client.request_count == 1


async def test_html_page_instead_of_a_manifest(fake: ScriptedServer) -> None:
    page = b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>"
    fake.handler = routes({PATH + "v1": Reply(200, page, (("Content-Type", "text/html"),))})
    with pytest.raises(e.HTMLResponse, match="HTML page"):
        await _fetch(fake)


async def test_html_error_page(fake: ScriptedServer) -> None:
    page = b"<html><head><title>404 Not Found</title></head><body>nginx</body></html>"
    fake.handler = routes({PATH + "v1": Reply(404, page, (("Content-Type", "text/html"),))})
    with pytest.raises(e.HTMLResponse) as caught:
        await _fetch(fake)
    assert "answered HTTP 404 with an HTML page" in _one_line(caught.value)


async def test_malformed_json_without_a_manifest_content_type(fake: ScriptedServer) -> None:
    fake.handler = routes(
        {PATH + "v1": _manifest_reply(b'{"schemaVersion": 2,', "application/json")}
    )
    with pytest.raises(e.MalformedResponse, match="is not valid JSON"):
        await _fetch(fake)


async def test_generic_content_type_is_resolved_from_the_body(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": _manifest_reply(MANIFEST, "application/json")})
    image = await _fetch(fake)
    assert image.media_type == mt.DOCKER_MANIFEST


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (mt.DOCKER_SCHEMA1_SIGNED, b'{"schemaVersion": 1, "fsLayers": []}'),
        ("application/json", b'{"schemaVersion": 1, "name": "team/app", "fsLayers": []}'),
    ],
)
async def test_schema1_is_refused_by_name(
    fake: ScriptedServer, content_type: str, body: bytes
) -> None:
    fake.handler = routes({PATH + "v1": _manifest_reply(body, content_type)})
    with pytest.raises(e.UnsupportedMediaType) as caught:
        await _fetch(fake)
    message = _one_line(caught.value)
    assert "schema1 manifest (application/vnd.docker.distribution.manifest.v1+" in message


async def test_unknown_media_type_is_named(fake: ScriptedServer) -> None:
    artifact = "application/vnd.oci.artifact.manifest.v1+json"
    fake.handler = routes({PATH + "v1": _manifest_reply(b"{}", artifact)})
    with pytest.raises(e.UnsupportedMediaType) as caught:
        await _fetch(fake)
    assert caught.value.media_type == artifact
    assert f"has media type {artifact}, which is not an image manifest" in _one_line(caught.value)


async def test_bytes_that_do_not_hash_to_the_requested_digest_are_refused(
    fake: ScriptedServer,
) -> None:
    fake.handler = routes({PATH + WRONG_DIGEST: _manifest_reply()})
    with pytest.raises(e.DigestMismatch) as caught:
        await _fetch(fake, f"team/app@{WRONG_DIGEST}")
    message = _one_line(caught.value)
    assert WRONG_DIGEST in message and MANIFEST_DIGEST in message
    assert (caught.value.expected, caught.value.actual) == (WRONG_DIGEST, MANIFEST_DIGEST)


async def test_docker_content_digest_that_disagrees_with_the_bytes_is_refused(
    fake: ScriptedServer,
) -> None:
    reply = _manifest_reply(extra=[("Docker-Content-Digest", WRONG_DIGEST)])
    fake.handler = routes({PATH + "v1": reply})
    with pytest.raises(e.DigestMismatch, match="the registry announced"):
        await _fetch(fake)


async def test_docker_content_digest_is_kept(fake: ScriptedServer) -> None:
    reply = _manifest_reply(extra=[("Docker-Content-Digest", MANIFEST_DIGEST)])
    fake.handler = routes({PATH + "v1": reply})
    image = await _fetch(fake)
    assert image.registry_digest == MANIFEST_DIGEST


@pytest.mark.parametrize("chunked", [False, True])
async def test_manifest_over_4_mib_is_refused(fake: ScriptedServer, chunked: bool) -> None:
    big = b'{"schemaVersion":2,"layers":[' + b" " * (4 * 1024 * 1024) + b"]}"
    fake.handler = routes({PATH + "v1": _manifest_reply(big, mt.OCI_MANIFEST, chunked=chunked)})
    with pytest.raises(e.ManifestTooLarge) as caught:
        await _fetch(fake)
    assert "larger than 4194304 bytes" in _one_line(caught.value)


@pytest.mark.parametrize(
    ("reply", "error", "says"),
    [
        (
            registry_error(404, "NAME_UNKNOWN", "repository name not known to registry"),
            e.RepositoryNotFound,
            "repository team/app is not known to 127.0.0.1",
        ),
        (
            registry_error(404, "MANIFEST_UNKNOWN", "manifest unknown"),
            e.ManifestNotFound,
            "manifest v1 in team/app on 127.0.0.1",
        ),
        (Reply(404, b"404 page not found"), e.NotFound, "not found (HTTP 404)"),
        (registry_error(403, "DENIED", "requested access is denied"), e.AccessDenied, "denied"),
        (registry_error(500, "UNKNOWN", "unknown error"), e.ServerError, "HTTP 500"),
        (registry_error(400, "NAME_INVALID", "invalid name"), e.HTTPStatusError, "HTTP 400"),
    ],
)
async def test_error_statuses_are_typed_from_the_registry_error_code(
    fake: ScriptedServer, reply: Reply, error: type[e.RegistryError], says: str
) -> None:
    fake.handler = routes({PATH + "v1": reply})
    with pytest.raises(error) as caught:
        await _fetch(fake)
    assert type(caught.value) is error
    assert says in _one_line(caught.value)


def _bearer_registry(token_url: str, registry_answer: Reply | None = None) -> dict[str, Route]:
    challenge = f'Bearer realm="{token_url}",service="fake",scope="repository:team/app:pull"'
    unauthorized = registry_error(401, "UNAUTHORIZED", "authentication required")
    unauthorized = Reply(
        401, unauthorized.body, (*unauthorized.headers, ("WWW-Authenticate", challenge))
    )

    def manifest(request: Request) -> Reply:
        if request.headers.get("authorization") == "Bearer good-token":
            return registry_answer or _manifest_reply()
        return unauthorized

    return {PATH + "v1": manifest}


async def test_anonymous_pull_refused_says_to_docker_login(fake: ScriptedServer) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = json_reply(200, {"token": "anonymous-token"})
    fake.handler = routes(table)
    async with _client() as client:
        with pytest.raises(e.AuthenticationRequired) as caught:
            await client.fetch_image(f"{fake.netloc}/team/app:v1")
        assert client.request_count == 3  # 401, token, 401: no loop
    message = _one_line(caught.value)
    assert f"run `docker login {fake.netloc}`" in message
    assert "--password-stdin" in message


async def test_basic_challenge_without_credentials_says_to_docker_login(
    fake: ScriptedServer,
) -> None:
    challenge = Reply(401, b"", (("WWW-Authenticate", 'Basic realm="fake"'),))
    fake.handler = routes({PATH + "v1": challenge})
    with pytest.raises(e.AuthenticationRequired, match="docker login"):
        await _fetch(fake)


async def test_rejected_password_is_never_in_the_error(fake: ScriptedServer) -> None:
    challenge = Reply(401, b"", (("WWW-Authenticate", 'Basic realm="fake"'),))
    fake.handler = routes({PATH + "v1": challenge})
    with pytest.raises(e.CredentialsRejected) as caught:
        await _fetch(fake, username="alice", password=PASSWORD)
    sent = fake.requests[-1].headers["authorization"]
    assert sent == "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    for shown in (str(caught.value), repr(caught.value), repr(caught.value.args)):
        assert PASSWORD not in shown and sent not in shown
    assert "--username" in str(caught.value)


async def test_options_repr_hides_the_password() -> None:
    assert PASSWORD not in repr(RegistryOptions(username="alice", password=PASSWORD))


async def test_only_unsupported_challenges(fake: ScriptedServer) -> None:
    fake.handler = routes({PATH + "v1": Reply(401, b"", (("WWW-Authenticate", "Negotiate"),))})
    with pytest.raises(
        e.AuthenticationRequired, match=r"no Bearer or Basic challenge \(offered: negotiate\)"
    ):
        await _fetch(fake)


@pytest.mark.parametrize(
    ("token_reply", "says"),
    [
        (Reply(200, b"{nope", (("Content-Type", "application/json"),)), "malformed JSON"),
        (Reply(200, b"<html>login</html>", (("Content-Type", "text/html"),)), "an HTML page"),
        (json_reply(200, {"expires_in": 60}), "without a token"),
    ],
)
async def test_broken_token_answers_are_typed(
    fake: ScriptedServer, token_reply: Reply, says: str
) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = token_reply
    fake.handler = routes(table)
    with pytest.raises(e.MalformedResponse, match=says):
        await _fetch(fake)


async def test_bearer_token_is_cached_per_repository(fake: ScriptedServer) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = json_reply(200, {"token": "good-token", "expires_in": 300})
    fake.handler = routes(table)
    async with _client() as client:
        await client.fetch_image(f"{fake.netloc}/team/app:v1")
        assert client.request_count == 3
        await client.fetch_image(f"{fake.netloc}/team/app:v1")
        assert client.request_count == 4
    token_request = fake.requests_to("/token")[0]
    assert ("scope", "repository:team/app:pull") in token_request.query
    assert ("service", "fake") in token_request.query
    assert "authorization" not in token_request.headers


async def test_expired_token_is_fetched_again(fake: ScriptedServer) -> None:
    now = [1_000_000.0]
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = json_reply(200, {"token": "good-token", "expires_in": 60})
    fake.handler = routes(table)
    async with RegistryClient(env={}, clock=lambda: now[0]) as client:
        await client.fetch_image(f"{fake.netloc}/team/app:v1")
        now[0] += 120
        await client.fetch_image(f"{fake.netloc}/team/app:v1")
    # The second fetch knows the challenge: a new token first, then the manifest.
    assert [r.route for r in fake.requests] == [
        PATH + "v1",
        "/token",
        PATH + "v1",
        "/token",
        PATH + "v1",
    ]


async def test_identity_token_uses_the_oauth2_refresh_token_post(
    fake: ScriptedServer, tmp_path: Path
) -> None:
    table = _bearer_registry(fake.url + "/token")

    def token(request: Request) -> Reply:
        if request.method == "POST":
            return json_reply(200, {"access_token": "good-token", "expires_in": 300})
        return Reply(400)

    table["/token"] = token
    fake.handler = routes(table)
    config = tmp_path / "docker"
    config.mkdir()
    (config / "config.json").write_text(
        json.dumps({"auths": {fake.netloc: {"identitytoken": "refresh-me"}}})
    )
    image = await _fetch(fake, docker_config=str(config))
    assert image.digest == MANIFEST_DIGEST
    (post,) = fake.requests_to("/token")
    form = dict(pair.split("=", 1) for pair in post.body.decode().split("&"))
    assert form["grant_type"] == "refresh_token"
    assert form["refresh_token"] == "refresh-me"
    assert form["service"] == "fake"
    assert "authorization" not in post.headers


async def test_identity_token_falls_back_to_get_when_post_is_unsupported(
    fake: ScriptedServer, tmp_path: Path
) -> None:
    table = _bearer_registry(fake.url + "/token")

    def token(request: Request) -> Reply:
        if request.method == "POST":
            return Reply(404, b"404 page not found")
        assert (
            request.headers["authorization"]
            == "Basic " + base64.b64encode(b"<token>:refresh-me").decode()
        )
        return json_reply(200, {"token": "good-token"})

    table["/token"] = token
    fake.handler = routes(table)
    config = tmp_path / "docker"
    config.mkdir()
    (config / "config.json").write_text(
        json.dumps({"auths": {fake.netloc: {"identitytoken": "refresh-me"}}})
    )
    await _fetch(fake, docker_config=str(config))
    assert [r.method for r in fake.requests_to("/token")] == ["POST", "GET"]


@pytest.fixture
def cdn() -> Iterator[ScriptedServer]:
    with ScriptedServer(routes({}), host="127.0.0.2") as server:
        yield server


@pytest.mark.parametrize("scheme", ["basic", "bearer"])
async def test_credential_is_not_forwarded_to_blob_storage_on_another_host(
    fake: ScriptedServer, cdn: ScriptedServer, scheme: str
) -> None:
    config_blob = b"{}"
    config_digest = "sha256:" + hashlib.sha256(config_blob).hexdigest()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": mt.DOCKER_MANIFEST,
            "config": {"mediaType": mt.DOCKER_CONFIG, "size": 2, "digest": config_digest},
            "layers": [],
        }
    ).encode()
    cdn.handler = routes({"/blobs/config": Reply(200, config_blob)})
    expected = (
        "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        if scheme == "basic"
        else "Bearer good-token"
    )

    def guarded(answer: Reply) -> Handler:
        def handle(request: Request) -> Reply:
            if request.headers.get("authorization") != expected:
                header = (
                    'Basic realm="fake"'
                    if scheme == "basic"
                    else f'Bearer realm="{fake.url}/token",service="fake"'
                )
                return Reply(401, b"", (("WWW-Authenticate", header),))
            return answer

        return handle

    fake.handler = routes(
        {
            PATH + "v1": guarded(_manifest_reply(manifest)),
            f"/v2/team/app/blobs/{config_digest}": guarded(
                Reply(307, b"", (("Location", f"{cdn.url}/blobs/config?sig=abc"),))
            ),
            "/token": json_reply(200, {"token": "good-token"}),
        }
    )
    async with _client(username="alice", password=PASSWORD) as client:
        image = await client.fetch_image(f"{fake.netloc}/team/app:v1")
        assert await image.fetch_config() == config_blob
    (blob_request,) = cdn.requests
    assert "authorization" not in blob_request.headers
    assert PASSWORD not in json.dumps(blob_request.headers)
    blob_hits = fake.requests_to("/v2/team/app/blobs/")
    assert blob_hits[-1].headers["authorization"] == expected


async def test_rate_limit_headers_are_exposed_by_the_client(fake: ScriptedServer) -> None:
    reply = _manifest_reply(
        extra=[("RateLimit-Limit", "100;w=21600"), ("RateLimit-Remaining", "42;w=21600")]
    )
    fake.handler = routes({PATH + "v1": reply})
    async with _client() as client:
        await client.fetch_image(f"{fake.netloc}/team/app:v1")
        assert client.rate_limit == RateLimit(100, 42, 21600)


async def test_rate_limited_manifest_gives_up_with_the_reset_time(fake: ScriptedServer) -> None:
    fake.handler = routes(
        {PATH + "v1": registry_error(429, "TOOMANYREQUESTS", "slow down", ("Retry-After", "600"))}
    )
    with pytest.raises(e.RateLimited) as caught:
        await _fetch(fake, retry=RetryPolicy(max_total=5))
    assert "try again after" in _one_line(caught.value)


async def test_one_shot_fetch_image_can_still_fetch_the_config(fake: ScriptedServer) -> None:
    config_blob = b"{}"
    digest = "sha256:" + hashlib.sha256(config_blob).hexdigest()
    manifest = MANIFEST.replace(("c" * 64).encode(), digest.split(":")[1].encode())
    fake.handler = routes(
        {
            PATH + "v1": _manifest_reply(manifest),
            f"/v2/team/app/blobs/{digest}": Reply(200, config_blob),
        }
    )
    image = await fetch_image(f"{fake.netloc}/team/app:v1", RegistryOptions(), env={})
    assert await image.fetch_config() == config_blob


async def test_config_blob_with_wrong_bytes_is_refused(fake: ScriptedServer) -> None:
    fake.handler = routes(
        {
            PATH + "v1": _manifest_reply(),
            "/v2/team/app/blobs/sha256:" + "c" * 64: Reply(200, b"not the config"),
        }
    )
    image = await _fetch(fake)
    with pytest.raises(e.DigestMismatch, match="config sha256:c"):
        await image.fetch_config()


# --- hostile registries: credentials stay home, every bad answer is one line ----------------


@pytest.fixture
def elsewhere() -> Iterator[ScriptedServer]:
    """A second origin (another port on 127.0.0.1) that records what reaches it."""
    with ScriptedServer(routes({})) as server:
        server.handler = routes({"/token": json_reply(200, {"token": "good-token"})})
        yield server


def _identity_token_config(tmp_path: Path, registry: str) -> str:
    config = tmp_path / "docker"
    config.mkdir()
    (config / "config.json").write_text(
        json.dumps({"auths": {registry: {"identitytoken": "refresh-me-secret"}}})
    )
    return str(config)


def _nothing_secret_reached(server: ScriptedServer) -> None:
    for request in server.requests:
        seen = json.dumps([request.path, request.headers, request.body.decode("latin-1")])
        assert "authorization" not in request.headers
        assert "refresh-me-secret" not in seen and PASSWORD not in seen
        assert "refresh_token" not in seen


@pytest.mark.parametrize("status", [302, 307, 308])
async def test_token_post_redirected_to_another_port_keeps_the_refresh_token_home(
    fake: ScriptedServer, elsewhere: ScriptedServer, tmp_path: Path, status: int
) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = Reply(status, b"", (("Location", elsewhere.url + "/token?x=1"),))
    fake.handler = routes(table)
    config = _identity_token_config(tmp_path, fake.netloc)
    with pytest.raises(e.RedirectRefused) as caught:
        await _fetch(fake, docker_config=config)
    assert elsewhere.requests == []
    _nothing_secret_reached(elsewhere)
    assert _one_line(caught.value) == (
        f"{fake.url} redirected the token request, which carries a credential, to "
        f"{elsewhere.url}; not following it there"
    )


@pytest.mark.parametrize("status", [302, 307, 308])
async def test_token_get_with_a_password_redirected_to_another_port_is_refused(
    fake: ScriptedServer, elsewhere: ScriptedServer, status: int
) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = Reply(status, b"", (("Location", elsewhere.url + "/token"),))
    fake.handler = routes(table)
    with pytest.raises(e.RedirectRefused, match="carries a credential"):
        await _fetch(fake, username="alice", password=PASSWORD)
    assert elsewhere.requests == []
    (token_request,) = fake.requests_to("/token")
    assert token_request.headers["authorization"].startswith("Basic ")


async def test_anonymous_token_request_may_follow_the_service_elsewhere(
    fake: ScriptedServer, elsewhere: ScriptedServer
) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = Reply(307, b"", (("Location", elsewhere.url + "/token"),))
    fake.handler = routes(table)
    image = await _fetch(fake)
    assert image.digest == MANIFEST_DIGEST
    (followed,) = elsewhere.requests
    _nothing_secret_reached(elsewhere)
    assert followed.route == "/token"


async def test_a_401_from_a_host_the_registry_redirected_to_gets_no_credentials(
    fake: ScriptedServer, elsewhere: ScriptedServer
) -> None:
    # The redirect target names its own realm: following it would hand it the password.
    elsewhere.handler = routes(
        {
            "/m": Reply(401, b"", (("WWW-Authenticate", f'Basic realm="{elsewhere.url}"'),)),
            "/token": json_reply(200, {"token": "stolen"}),
        }
    )
    fake.handler = routes({PATH + "v1": Reply(307, b"", (("Location", elsewhere.url + "/m"),))})
    with pytest.raises(e.AuthenticationRequired) as caught:
        await _fetch(fake, username="alice", password=PASSWORD)
    assert [r.route for r in elsewhere.requests] == ["/m"]
    _nothing_secret_reached(elsewhere)
    assert _one_line(caught.value) == (
        f"{fake.netloc} redirected the manifest request to {elsewhere.url}, which asked for "
        "credentials; the registry's credentials are not sent there"
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (MANIFEST[:40], "is not valid JSON: unexpected end of JSON input"),
        (b"\xff\xfe garbage", "is not valid JSON: invalid character"),
        (b"<p>Welcome to nginx", "is not valid JSON (it looks like an HTML page)"),
        (b"", "is not valid JSON: unexpected end of JSON input"),
    ],
)
async def test_manifest_that_is_not_json_names_the_registry_and_reference(
    fake: ScriptedServer, body: bytes, says: str
) -> None:
    fake.handler = routes({PATH + "v1": _manifest_reply(body, mt.OCI_MANIFEST)})
    with pytest.raises(e.MalformedResponse) as caught:
        await _fetch(fake)
    assert _one_line(caught.value).startswith(f"manifest v1 of team/app on {fake.netloc} {says}")


async def test_deeply_nested_answers_are_one_line(fake: ScriptedServer) -> None:
    deep = b"[" * 5000 + b"]" * 5000  # valid for Go (depth 10000), too deep for Python's json
    fake.handler = routes({PATH + "v1": _manifest_reply(deep, "application/json")})
    with pytest.raises(e.MalformedResponse, match="nested too deeply"):
        await _fetch(fake)


@pytest.mark.parametrize(
    ("challenge", "says"),
    [
        ("", "no Bearer or Basic challenge (offered: none)"),
        ('=,,=="",\\', "no Bearer or Basic challenge"),
        ("Bearer", "a Bearer challenge without a realm"),
        ('Bearer realm="http://[zz]/t"', "an invalid token realm URL"),
        ('Bearer realm="file:///etc/passwd"', "not an http(s) URL"),
        ('Bearer realm="http://127.0.0.1:99999/t"', "a token realm on port 99999, outside"),
        ('Bearer realm="http://a\x7fb/t"', "an invalid token realm URL"),
    ],
)
async def test_hostile_challenges_are_one_line(
    fake: ScriptedServer, challenge: str, says: str
) -> None:
    fake.handler = routes({PATH + "v1": Reply(401, b"", (("WWW-Authenticate", challenge),))})
    with pytest.raises(e.RegistryError) as caught:
        await _fetch(fake)
    assert says in _one_line(caught.value)


@pytest.mark.parametrize(
    ("token_reply", "says"),
    [
        (Reply(200, b"[" * 100_000), "malformed JSON"),
        (json_reply(200, {"token": 12}), "without a token"),
        (json_reply(200, {"token": ["a"]}), "without a token"),
        (json_reply(200, {"token": "t\u00e9"}), "characters an HTTP header cannot carry"),
        (json_reply(200, {"token": "t\r\nX-Injected: 1"}), "characters an HTTP header"),
    ],
)
async def test_hostile_token_answers_are_one_line(
    fake: ScriptedServer, token_reply: Reply, says: str
) -> None:
    table = _bearer_registry(fake.url + "/token")
    table["/token"] = token_reply
    fake.handler = routes(table)
    with pytest.raises(e.MalformedResponse) as caught:
        await _fetch(fake)
    assert says in _one_line(caught.value)
    assert len(fake.requests_to(PATH)) == 1  # the token never reached a header


@pytest.mark.parametrize("lifetime", [10**400, 1e308, "1e400"])
async def test_absurd_token_lifetimes_are_capped_not_fatal(
    fake: ScriptedServer, lifetime: object
) -> None:
    table = _bearer_registry(fake.url + "/token")
    body = b'{"token": "good-token", "expires_in": %s}' % str(lifetime).encode()
    table["/token"] = Reply(200, body, (("Content-Type", "application/json"),))
    fake.handler = routes(table)
    image = await _fetch(fake)
    assert image.digest == MANIFEST_DIGEST


async def test_registry_error_text_is_kept_on_one_line_for_display_to_escape(
    fake: ScriptedServer,
) -> None:
    fake.handler = routes({PATH + "v1": hostile_registry_error()})
    with pytest.raises(e.ManifestNotFound) as caught:
        await _fetch(fake)
    message = _one_line(caught.value)
    assert "[/oops] [b]bold[/b]" in message  # raw: escaping markup is the display's job
    assert not any(ord(c) < 0x20 or c == "\x7f" for c in message)
