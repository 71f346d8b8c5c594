"""The transport: schemes, retries with Retry-After, rate limits, redirects, network failures."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from foreign_explorer import __version__
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.transport import (
    RateLimit,
    RetryPolicy,
    Transport,
    TransportOptions,
    classify_transport_error,
    is_loopback,
    parse_rate_limit,
    parse_retry_after,
)
from tests.servers.certs import KeyPair
from tests.servers.scripted import Reply, ScriptedServer, routes


class Sleeps:
    """A fake asyncio.sleep that records how long the transport wanted to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _transport(sleeps: Sleeps | None = None, **options: object) -> Transport:
    return Transport(TransportOptions(**options), sleep=sleeps or Sleeps())  # type: ignore[arg-type]


@pytest.fixture
def other_host() -> Iterator[ScriptedServer]:
    """A second server on 127.0.0.2: another host, as blob storage or a CDN would be."""
    with ScriptedServer(routes({"/blob": Reply(200, b"blob bytes")}), host="127.0.0.2") as server:
        yield server


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST:5000", True),
        ("127.0.0.1:5000", True),
        ("127.8.9.10", True),
        ("[::1]:5000", True),
        ("::1", True),
        ("registry-1.docker.io", False),
        ("10.0.0.1:5000", False),
        ("localhost.example.com", False),
        ("[::2]:443", False),
    ],
)
def test_loopback_hosts_are_recognised_like_docker(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_https_by_default_plain_http_for_loopback_or_when_asked() -> None:
    auto = _transport()
    assert auto.base_url("ghcr.io") == "https://ghcr.io"
    assert auto.base_url("127.0.0.1:5000") == "http://127.0.0.1:5000"
    assert auto.base_url("localhost:5000") == "http://localhost:5000"
    assert _transport(plain_http=True).scheme_for("registry.lan:5000") == "http"
    assert _transport(plain_http=False).scheme_for("127.0.0.1:5000") == "https"


def test_rate_limit_headers_are_read_with_their_window() -> None:
    limit = parse_rate_limit(
        {"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "76;w=21600"}
    )
    assert limit == RateLimit(100, 76, 21600)
    assert limit.describe() == "76 of 100 pulls left per 6 h"
    assert parse_rate_limit({}) is None
    assert parse_rate_limit({"ratelimit-remaining": "0"}) == RateLimit(None, 0, None)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("7", now) == 7.0
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now + 90))
    assert parse_retry_after(date, now) == pytest.approx(90.0)
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


async def test_user_agent_names_the_tool_and_version() -> None:
    with ScriptedServer(routes({"/v2/": Reply(200, b"{}")})) as server:
        transport = _transport()
        await transport.send("GET", server.url + "/v2/")
        await transport.aclose()
    assert server.requests[0].headers["user-agent"] == f"foreign-explorer/{__version__}"


async def test_429_is_retried_after_the_time_retry_after_asks() -> None:
    replies = [Reply(429, b"slow down", (("Retry-After", "2"),)), Reply(200, b"ok")]
    sleeps = Sleeps()
    with ScriptedServer(routes({"/x": replies})) as server:
        transport = _transport(sleeps)
        response = await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert response.status == 200 and response.body == b"ok"
    assert sleeps.calls == [2.0]
    assert transport.request_count == 2


async def test_5xx_is_retried_with_exponential_backoff() -> None:
    replies = [Reply(503), Reply(502), Reply(504), Reply(200, b"ok")]
    sleeps = Sleeps()
    with ScriptedServer(routes({"/x": replies})) as server:
        transport = _transport(sleeps, retry=RetryPolicy(base_delay=0.5, max_delay=8))
        response = await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert response.status == 200
    assert sleeps.calls == [0.5, 1.0, 2.0]


async def test_persistent_5xx_gives_up_after_the_attempt_budget() -> None:
    sleeps = Sleeps()
    with ScriptedServer(routes({"/x": Reply(503)})) as server:
        transport = _transport(sleeps, retry=RetryPolicy(max_attempts=3, base_delay=0.1))
        with pytest.raises(e.ServerError) as caught:
            await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert caught.value.status == 503
    assert "kept answering HTTP 503 (3 attempts)" in str(caught.value)
    assert len(server.requests) == 3
    assert sleeps.calls == [0.1, 0.2]


async def test_retry_after_beyond_the_budget_fails_at_once_with_the_reset_time() -> None:
    headers = (
        ("Retry-After", "3600"),
        ("RateLimit-Limit", "100;w=21600"),
        ("RateLimit-Remaining", "0;w=21600"),
    )
    sleeps = Sleeps()
    with ScriptedServer(routes({"/x": Reply(429, b"", headers)})) as server:
        transport = _transport(sleeps)
        before = time.time()
        with pytest.raises(e.RateLimited) as caught:
            await transport.send("GET", server.url + "/x")
        await transport.aclose()
    message = str(caught.value)
    assert sleeps.calls == []
    assert len(server.requests) == 1
    assert "is rate-limiting pulls (429 after 1 attempt) (0 of 100 pulls left per 6 h)" in message
    assert "try again after" in message and "UTC (in 1 h)" in message
    assert caught.value.retry_at is not None
    assert caught.value.retry_at == pytest.approx(before + 3600, abs=5)
    assert transport.rate_limit == RateLimit(100, 0, 21600)


async def test_rate_limit_of_the_last_answer_is_exposed() -> None:
    headers = (("RateLimit-Limit", "200;w=21600"), ("RateLimit-Remaining", "199;w=21600"))
    with ScriptedServer(routes({"/x": Reply(200, b"{}", headers)})) as server:
        transport = _transport()
        await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert transport.rate_limit == RateLimit(200, 199, 21600)


async def test_authorization_is_not_forwarded_on_a_redirect_to_another_host(
    other_host: ScriptedServer,
) -> None:
    redirect = Reply(307, b"", (("Location", other_host.url + "/blob"),))
    with ScriptedServer(routes({"/v2/r/blobs/x": redirect})) as server:
        transport = _transport()
        response = await transport.send(
            "GET", server.url + "/v2/r/blobs/x", authorization="Bearer secret-token-123"
        )
        await transport.aclose()
    assert response.body == b"blob bytes"
    assert server.requests[0].headers["authorization"] == "Bearer secret-token-123"
    assert "authorization" not in other_host.requests[0].headers
    assert [r.purpose for r in transport.requests] == ["request", "request (redirected)"]


async def test_authorization_follows_a_redirect_on_the_same_origin() -> None:
    with ScriptedServer(routes({})) as server:
        server.handler = routes(
            {"/a": Reply(302, b"", (("Location", "/b"),)), "/b": Reply(200, b"here")}
        )
        transport = _transport()
        response = await transport.send("GET", server.url + "/a", authorization="Basic abc")
        await transport.aclose()
    assert response.body == b"here"
    assert server.requests[1].headers["authorization"] == "Basic abc"


async def test_truncated_body_is_a_clear_error() -> None:
    reply = Reply(200, b"x" * 1000, truncate_to=10)
    with ScriptedServer(routes({"/x": reply})) as server:
        transport = _transport()
        with pytest.raises(e.TruncatedResponse, match="closed the connection mid-answer"):
            await transport.send("GET", server.url + "/x", max_bytes=10_000)
        await transport.aclose()


async def test_slow_answer_times_out() -> None:
    with ScriptedServer(routes({"/x": Reply(200, b"late", delay=1.0)})) as server:
        transport = _transport(read_timeout=0.2)
        with pytest.raises(e.RegistryTimeout) as caught:
            await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert str(caught.value) == f"timed out waiting for http://127.0.0.1:{server.port}"


async def test_connection_refused_is_named() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    transport = _transport()
    with pytest.raises(e.ConnectionRefused) as caught:
        await transport.send("GET", f"http://127.0.0.1:{port}/v2/")
    await transport.aclose()
    assert str(caught.value) == (
        f"connection to http://127.0.0.1:{port} refused: is the registry running?"
    )


def test_dns_failure_is_named() -> None:
    cause = socket.gaierror(-2, "Name or service not known")
    try:
        try:
            raise cause
        except socket.gaierror as inner:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from inner
    except httpx.ConnectError as exc:
        error = classify_transport_error(exc, "https://no-such-registry.invalid/v2/")
    assert isinstance(error, e.DNSError)
    assert str(error) == (
        "cannot resolve host 'no-such-registry.invalid': check the registry name and your DNS"
    )


async def test_oversized_answer_stops_reading_at_the_cap() -> None:
    body = b"y" * 100_000
    for reply in (Reply(200, body), Reply(200, body, chunked=True)):
        with ScriptedServer(routes({"/x": reply})) as server:
            transport = _transport()
            with pytest.raises(e.ManifestTooLarge, match="over"):
                await transport.send(
                    "GET",
                    server.url + "/x",
                    max_bytes=1000,
                    on_too_large=lambda size: e.ManifestTooLarge(f"over the cap ({size})"),
                )
            await transport.aclose()


@pytest.fixture
def ca_loads(monkeypatch: pytest.MonkeyPatch) -> list[TransportOptions]:
    """Every CA-loading TLS context the transport builds (one per client that may do TLS)."""
    from foreign_explorer.core.registry import transport as module

    built: list[TransportOptions] = []
    real = module._build_ssl_context

    def counting(options: TransportOptions) -> object:
        built.append(options)
        return real(options)

    monkeypatch.setattr(module, "_build_ssl_context", counting)
    return built


async def test_plain_http_without_a_proxy_never_loads_a_ca_bundle(
    ca_loads: list[TransportOptions],
) -> None:
    with ScriptedServer(routes({"/v2/": Reply(200, b"{}")})) as server:
        transport = _transport()
        for _ in range(2):
            assert (await transport.send("GET", server.url + "/v2/")).status == 200
        await transport.aclose()
    assert ca_loads == []


async def test_https_in_a_plain_http_session_still_verifies_with_the_ca(
    ca_loads: list[TransportOptions], keys: KeyPair
) -> None:
    tls_routes = routes({"/v2/": Reply(200, b"{}")})
    with (
        ScriptedServer(routes({"/v2/": Reply(200, b"{}")})) as plain,
        ScriptedServer(tls_routes, cert=(keys.cert_path, keys.key_path)) as tls,
    ):
        trusting = _transport(ca_file=str(keys.cert_path))
        await trusting.send("GET", plain.url + "/v2/")
        assert ca_loads == []
        assert (await trusting.send("GET", tls.url + "/v2/")).status == 200
        await trusting.aclose()
        untrusting = _transport()
        await untrusting.send("GET", plain.url + "/v2/")
        with pytest.raises(e.TLSError, match="not trusted"):
            await untrusting.send("GET", tls.url + "/v2/")
        await untrusting.aclose()
    assert len(ca_loads) == 2


def test_plain_http_may_use_tls_only_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    local = "http://127.0.0.1:5000/v2/"
    assert _transport().may_use_tls(local) is False
    assert _transport().may_use_tls("https://ghcr.io/v2/") is True
    monkeypatch.setenv("ALL_PROXY", "https://proxy.example:3128")
    assert _transport().may_use_tls(local) is True
    assert _transport(trust_env=False).may_use_tls(local) is False


# --- hostile servers: credentials stay home, bad answers are one line -----------------------


@pytest.fixture
def elsewhere() -> Iterator[ScriptedServer]:
    """Another origin on the same host (another port): it records whatever reaches it."""
    with ScriptedServer(routes({"/": Reply(200, b'{"token": "stolen"}')})) as server:
        yield server


@pytest.mark.parametrize("status", [302, 307, 308])
async def test_form_carrying_a_refresh_token_is_not_redirected_to_another_origin(
    elsewhere: ScriptedServer, status: int
) -> None:
    redirect = Reply(status, b"", (("Location", elsewhere.url + "/?leak=1"),))
    with ScriptedServer(routes({"/token": redirect})) as server:
        transport = _transport()
        with pytest.raises(e.RedirectRefused) as caught:
            await transport.send(
                "POST",
                server.url + "/token",
                data={"grant_type": "refresh_token", "refresh_token": "refresh-secret-42"},
                purpose="token",
            )
        await transport.aclose()
    assert elsewhere.requests == []
    assert str(caught.value) == (
        f"{server.url} redirected the token request, which carries a credential, to "
        f"{elsewhere.url}; not following it there"
    )


async def test_credential_request_is_refused_rather_than_sent_on_without_its_credential(
    elsewhere: ScriptedServer,
) -> None:
    redirect = Reply(307, b"", (("Location", elsewhere.url + "/token"),))
    with ScriptedServer(routes({"/token": redirect})) as server:
        transport = _transport()
        with pytest.raises(e.RedirectRefused, match="carries a credential"):
            await transport.send(
                "GET",
                server.url + "/token?scope=x",
                authorization="Basic dXNlcjpwYXNzd29yZA==",
                purpose="token",
                credential_request=True,
            )
        await transport.aclose()
    assert elsewhere.requests == []
    assert server.requests[0].headers["authorization"] == "Basic dXNlcjpwYXNzd29yZA=="


async def test_redirect_back_to_the_same_origin_keeps_the_form() -> None:
    with ScriptedServer(routes({})) as server:
        server.handler = routes(
            {
                "/token": Reply(307, b"", (("Location", "/v2/token"),)),
                "/v2/token": Reply(200, b'{"token": "t"}'),
            }
        )
        transport = _transport()
        response = await transport.send(
            "POST", server.url + "/token", data={"refresh_token": "r"}, purpose="token"
        )
        await transport.aclose()
    assert response.status == 200
    assert server.requests[1].body == b"refresh_token=r"


@pytest.mark.parametrize(
    ("location", "says"),
    [
        ("http://127.0.0.1:99999/x", "the request redirect URL names port 99999 on 127.0.0.1"),
        ("file:///etc/passwd", "the request redirect URL is not http(s) (scheme file)"),
        ("ftp://example.com/x", "is not http(s) (scheme ftp)"),
        ("http://[zz]/x", "redirected to an invalid URL"),
    ],
)
async def test_redirect_to_a_url_that_cannot_be_requested_is_one_line(
    location: str, says: str
) -> None:
    with ScriptedServer(routes({"/x": Reply(302, b"", (("Location", location),))})) as server:
        transport = _transport()
        with pytest.raises(e.ProtocolError) as caught:
            await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert says in str(caught.value) and "\n" not in str(caught.value)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (
            b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 2\r\n\r\n{}",
            "sent an answer that is not valid HTTP",
        ),
        (b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}", "not valid HTTP"),
        (b"\x00\x1b[31mgarbage\r\n\r\n", "not valid HTTP"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n{}", "not valid HTTP"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello",
            "a body its Content-Encoding does not decode",
        ),
    ],
)
async def test_answers_that_are_not_http_are_one_line(raw: bytes, says: str) -> None:
    with ScriptedServer(routes({"/x": Reply(raw=raw)})) as server:
        transport = _transport()
        with pytest.raises(e.ProtocolError) as caught:
            await transport.send("GET", server.url + "/x")
        await transport.aclose()
    message = str(caught.value)
    assert says in message and "\n" not in message and "\x1b" not in message


async def test_non_ascii_header_values_are_read_not_fatal() -> None:
    raw = b"HTTP/1.1 200 OK\r\nX-Note: caf\xc3\xa9 \xe9\r\nContent-Length: 2\r\n\r\n{}"
    with ScriptedServer(routes({"/x": Reply(raw=raw)})) as server:
        transport = _transport()
        response = await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert response.body == b"{}"


async def test_endless_chunked_body_stops_at_the_cap() -> None:
    with ScriptedServer(routes({"/x": Reply(200, b"z" * 4096, endless=True)})) as server:
        transport = _transport()
        with pytest.raises(e.ProtocolError) as caught:
            await transport.send("GET", server.url + "/x", max_bytes=100_000, purpose="token")
        await transport.aclose()
    assert str(caught.value) == (
        f"the token answer from {server.url} is larger than 100000 bytes; stopped reading"
    )


async def test_endless_error_page_is_read_only_for_its_beginning() -> None:
    with ScriptedServer(routes({"/x": Reply(404, b"e" * 4096, endless=True)})) as server:
        transport = _transport()
        response = await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert (response.status, len(response.body)) == (404, 64 * 1024)


def test_hostile_retry_after_values_give_a_bounded_wait_or_none() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("²", now) is None  # a digit to str.isdigit, not to float()
    assert parse_retry_after("9" * 400, now) == pytest.approx(10 * 365 * 24 * 3600)
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == pytest.approx(
        10 * 365 * 24 * 3600
    )
    assert parse_retry_after("-5", now) is None


async def test_retry_after_of_centuries_still_gives_a_printable_reset_time() -> None:
    reply = Reply(429, b"", (("Retry-After", "9" * 400),))
    with ScriptedServer(routes({"/x": reply})) as server:
        transport = _transport()
        with pytest.raises(e.RateLimited) as caught:
            await transport.send("GET", server.url + "/x")
        await transport.aclose()
    assert "try again after" in str(caught.value) and "(in 87600 h)" in str(caught.value)


def test_hostile_rate_limit_headers_are_ignored() -> None:
    assert parse_rate_limit({"ratelimit-limit": "²;w=²", "ratelimit-remaining": "x"}) is None
    huge = parse_rate_limit({"ratelimit-remaining": "9" * 400})
    assert huge is None
