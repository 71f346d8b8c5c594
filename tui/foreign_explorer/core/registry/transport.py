"""HTTP for the registry client: one shared httpx.AsyncClient, retries, redirects, size caps.

Everything a request can go through (DNS, TLS, timeouts, 429/5xx, truncated bodies, answers
that are not HTTP) ends up either as a `Response` or as one typed `RegistryError` with a
one-line message. This layer knows nothing about tokens, but it keeps credentials at home: an
`Authorization` header goes only to the origin the caller names and is dropped on any hop to
another origin; a request whose purpose is a credential (a form body, a token request) is not
followed to another origin at all.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foreign_explorer import __version__
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.hosts import HostTLS

if TYPE_CHECKING:
    import asyncio
    import ssl

    import httpx

USER_AGENT = f"foreign-explorer/{__version__}"
MAX_REDIRECTS = 5
# Error bodies are only read for the registry's error code and a line of text.
ERROR_BODY_CAP = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_PORT = 65535
# Python's int() refuses longer digit strings; no header needs them.
_MAX_DIGITS = 18
_RETRIED = frozenset({429, 502, 503, 504})
# Proxies a plain-HTTP request may go through (over TLS, if the proxy URL is https://).
_HTTP_PROXY_VARS = ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff for 429 and 502/503/504."""

    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 8.0
    # Total time spent sleeping for one request; a Retry-After beyond it fails at once.
    max_total: float = 30.0


@dataclass(frozen=True)
class TransportOptions:
    insecure: bool = False
    # None: plain HTTP for loopback hosts only (as docker does); True: for every host;
    # False: HTTPS even on loopback.
    plain_http: bool | None = None
    ca_file: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # Proxies (HTTPS_PROXY, NO_PROXY, ...) and SSL_CERT_FILE / SSL_CERT_DIR from the environment.
    trust_env: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    # Requests in flight at once to one origin (scheme, host, port); None: no limit.
    max_in_flight: int | None = None
    # Hosts with settings of their own (from a mirror list), by `host[:port]`.
    hosts: tuple[HostTLS, ...] = ()

    def host(self, host: str) -> HostTLS | None:
        return next((h for h in self.hosts if h.host == host), None)


@dataclass(frozen=True)
class RateLimit:
    """Docker Hub's `RateLimit-Limit: 100;w=21600` and `RateLimit-Remaining: 76;w=21600`."""

    limit: int | None
    remaining: int | None
    window_seconds: int | None

    def describe(self) -> str:
        window = f" per {_duration(self.window_seconds)}" if self.window_seconds else ""
        if self.limit is None:
            return f"{self.remaining} pulls left{window}"
        return f"{self.remaining} of {self.limit} pulls left{window}"


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP exchange, for the request counter (no headers, no query: nothing secret)."""

    method: str
    url: str
    status: int | None
    purpose: str


@dataclass(frozen=True)
class Response:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) the way browsers and httpx compare origins for credentials."""
    import httpx

    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, parsed.host.lower(), port


def split_host_port(host: str) -> tuple[str, str | None]:
    """`[::1]:5000` -> (`::1`, `5000`); `example.com` -> (`example.com`, None)."""
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1 :]
        return host[1:end], (rest[1:] if rest.startswith(":") else None)
    if host.count(":") > 1:
        return host, None  # a bare IPv6 address has no port
    name, sep, port = host.rpartition(":")
    return (name, port) if sep else (host, None)


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 and ::1: the hosts docker talks to over plain HTTP unasked."""
    name, _ = split_host_port(host)
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    def number_and_window(value: str | None) -> tuple[int | None, int | None]:
        if value is None:
            return None, None
        head, *params = value.split(";")
        window = None
        for param in params:
            key, _, val = param.strip().partition("=")
            if key.strip().lower() == "w" and _is_number(val.strip()):
                window = int(val.strip())
        head = head.strip().split(",", 1)[0].strip()
        return (int(head) if _is_number(head) else None), window

    limit, limit_window = number_and_window(headers.get("ratelimit-limit"))
    remaining, remaining_window = number_and_window(headers.get("ratelimit-remaining"))
    if limit is None and remaining is None:
        return None
    return RateLimit(limit, remaining, limit_window or remaining_window)


def _is_number(text: str) -> bool:
    """ASCII digits only ('²'.isdigit() is true), few enough for int()."""
    return text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS


# Longer than any retry budget; keeps the reset time printable.
_MAX_RETRY_AFTER = 10 * 365 * 24 * 3600.0


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from `Retry-After` (delta seconds or an HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(
            float(value) if len(value) <= _MAX_DIGITS else _MAX_RETRY_AFTER, _MAX_RETRY_AFTER
        )
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(value)
        seconds = when.timestamp() - now
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None
    return min(max(0.0, seconds), _MAX_RETRY_AFTER)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds % 3600 == 0 and seconds >= 3600:
        return f"{seconds // 3600} h"
    if seconds >= 120:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _clock_text(unix: float) -> str:
    try:
        return time.strftime("%H:%M:%S UTC", time.gmtime(unix))
    except (OverflowError, OSError, ValueError):
        return "a time this system cannot show"


def _exception_chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        stack.extend([current.__cause__, current.__context__])
    return seen


def classify_transport_error(exc: Exception, url: str) -> e.RegistryError:
    """Turn an httpx exception into one typed error that says what to do about it."""
    import socket
    import ssl

    import httpx

    target = origin_text(url)
    chain = _exception_chain(exc)
    if any(isinstance(c, ssl.SSLCertVerificationError) for c in chain):
        reason = next(
            (c.verify_message for c in chain if isinstance(c, ssl.SSLCertVerificationError)),
            "",
        )
        detail = f" ({e.one_line(str(reason))})" if reason else ""
        return e.TLSError(
            f"TLS certificate of {target} is not trusted{detail}; pass --ca-file with the CA "
            "that signed it, or --insecure to skip verification"
        )
    if any(isinstance(c, ssl.SSLError) for c in chain):
        ssl_error = next(c for c in chain if isinstance(c, ssl.SSLError))
        reason = getattr(ssl_error, "reason", None) or type(ssl_error).__name__
        return e.TLSError(
            f"TLS handshake with {target} failed ({e.one_line(str(reason))}); if it serves "
            "plain HTTP, pass --plain-http; for a private CA, --ca-file or --insecure"
        )
    if any(isinstance(c, socket.gaierror) for c in chain):
        host = httpx.URL(url).host
        return e.DNSError(f"cannot resolve host {host!r}: check the registry name and your DNS")
    if any(isinstance(c, ConnectionRefusedError) for c in chain):
        return e.ConnectionRefused(f"connection to {target} refused: is the registry running?")
    if isinstance(exc, httpx.TimeoutException):
        phase = "connecting to" if isinstance(exc, httpx.ConnectTimeout) else "waiting for"
        return e.RegistryTimeout(f"timed out {phase} {target}")
    if isinstance(exc, httpx.RemoteProtocolError):
        said = str(exc)
        if said.startswith("Invalid URL in location header"):
            return e.ProtocolError(f"{target} redirected to an invalid URL")
        if not _is_truncation(said):
            return e.ProtocolError(
                f"{target} sent an answer that is not valid HTTP ({e.one_line(said, 120)})"
            )
        return e.TruncatedResponse(
            f"{target} closed the connection mid-answer ({e.one_line(said, 120)})"
        )
    if isinstance(exc, httpx.DecodingError):
        return e.ProtocolError(
            f"{target} sent a body its Content-Encoding does not decode "
            f"({e.one_line(str(exc), 120)})"
        )
    if isinstance(exc, httpx.ConnectError):
        return e.NetworkError(f"cannot connect to {target}: {e.one_line(str(exc), 120)}")
    return e.NetworkError(f"request to {target} failed: {e.one_line(str(exc) or repr(exc), 120)}")


def _is_truncation(said: str) -> bool:
    """httpx's words for a connection that ended early (h11 and httpcore), not bad syntax."""
    return any(
        words in said.lower()
        for words in ("peer closed", "server disconnected", "incomplete", "without sending")
    )


def origin_text(url: str) -> str:
    """`scheme://host:port` of a URL, for messages (never its path, query or user info)."""
    scheme, host, port = origin_of(url)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def _build_ssl_context(options: TransportOptions) -> ssl.SSLContext | bool:
    import httpx

    if options.insecure:
        return False
    if options.ca_file is None:
        return True
    context = httpx.create_ssl_context(verify=True, trust_env=options.trust_env)
    try:
        context.load_verify_locations(cafile=os.fspath(options.ca_file))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise e.TLSError(
            f"cannot use CA file {options.ca_file}: {e.one_line(str(reason), 120)}"
        ) from None
    return context


def _trust_nothing_context() -> ssl.SSLContext:
    """For clients that never do TLS: verifying, with no CA, so any handshake would fail."""
    import ssl

    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


Sleep = Callable[[float], Awaitable[None]]


class Transport:
    """Sends requests through lazily opened httpx.AsyncClients and counts them.

    One client serves everything that may use TLS; plain-HTTP requests without a proxy (a
    local registry) get their own, so they never pay for loading a CA bundle (~15 ms).
    """

    def __init__(
        self,
        options: TransportOptions | None = None,
        *,
        sleep: Sleep | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options or TransportOptions()
        # Keyed by whether the client may do TLS.
        self._clients: dict[tuple[bool, HostTLS | None], httpx.AsyncClient] = {}
        # Hosts that answered plain HTTP after their TLS handshake failed (http_fallback).
        self._fell_back: set[str] = set()
        self._limits: dict[tuple[str, str, int], asyncio.Semaphore] = {}
        self._client_loop: object = None
        self._sleep: Sleep | None = sleep
        self._clock = clock
        self.requests: list[RequestRecord] = []
        self.rate_limit: RateLimit | None = None

    async def _pause(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
            return
        import asyncio

        await asyncio.sleep(seconds)

    @property
    def request_count(self) -> int:
        return len(self.requests)

    def scheme_for(self, host: str) -> str:
        plain = self.options.plain_http
        own = self.options.host(host)
        if own is not None and own.plain_http is not None:
            plain = own.plain_http
        elif own is not None and own.http_fallback and not is_loopback(host):
            plain = host in self._fell_back
        if plain is None:
            plain = is_loopback(host)
        return "http" if plain else "https"

    def allows_plain_http(self, host: str) -> bool:
        """The user asked for plain HTTP with this host (a credential may go over it)."""
        own = self.options.host(host)
        if own is not None and (own.plain_http or own.http_fallback):
            return True
        return bool(self.options.plain_http)

    def fall_back(self, host: str) -> bool:
        """Switch `host` to plain HTTP after a failed TLS handshake, if its settings allow."""
        own = self.options.host(host)
        if own is None or not own.http_fallback or host in self._fell_back:
            return False
        if own.plain_http is not None or is_loopback(host):
            return False
        self._fell_back.add(host)
        return True

    def base_url(self, host: str) -> str:
        return f"{self.scheme_for(host)}://{host}"

    def may_use_tls(self, url: str) -> bool:
        """False only for http:// with no proxy configured (a proxy may be https://)."""
        if not url.lower().startswith("http://"):
            return True
        return self.options.trust_env and any(os.environ.get(v) for v in _HTTP_PROXY_VARS)

    def _same_loop(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        if self._client_loop is not loop:
            # A client's connections (and the semaphores) belong to the loop that made them.
            self._clients = {}
            self._limits = {}
            self._client_loop = loop

    def _limit(self, url: str) -> asyncio.Semaphore | None:
        """The semaphore bounding requests in flight to `url`'s origin, if there is a bound."""
        if self.options.max_in_flight is None:
            return None
        import asyncio

        self._same_loop()
        origin = origin_of(url)
        limit = self._limits.get(origin)
        if limit is None:
            limit = self._limits[origin] = asyncio.Semaphore(self.options.max_in_flight)
        return limit

    def _get_client(self, url: str) -> httpx.AsyncClient:
        self._same_loop()
        tls = self.may_use_tls(url)
        own = self._own_tls(url) if tls else None
        client = self._clients.get((tls, own))
        if client is None or client.is_closed:
            client = self._clients[(tls, own)] = self._new_client(tls, own)
        return client

    def _own_tls(self, url: str) -> HostTLS | None:
        """The host's own TLS settings, when it has any that change the context."""
        import httpx

        if not self.options.hosts:
            return None
        try:
            netloc = httpx.URL(url).netloc.decode("ascii")
        except (httpx.InvalidURL, UnicodeDecodeError):
            return None
        own = self.options.host(netloc)
        return own if own is not None and own.custom_tls else None

    def _new_client(self, tls: bool, own: HostTLS | None = None) -> httpx.AsyncClient:
        import httpx

        timeout = httpx.Timeout(
            self.options.read_timeout,
            connect=self.options.connect_timeout,
            read=self.options.read_timeout,
            write=self.options.read_timeout,
            pool=self.options.connect_timeout,
        )
        return httpx.AsyncClient(
            verify=self._verify(tls, own),
            timeout=timeout,
            trust_env=self.options.trust_env,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    def _verify(self, tls: bool, own: HostTLS | None) -> ssl.SSLContext | bool:
        if not tls:
            return _trust_nothing_context()
        if own is None:
            return _build_ssl_context(self.options)
        from foreign_explorer.core.registry.hosts import tls_context

        return tls_context(own, self.options.ca_file, self.options.trust_env)

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        authorization: str | None = None,
        data: Mapping[str, str] | None = None,
        max_bytes: int = ERROR_BODY_CAP,
        purpose: str = "request",
        on_too_large: Callable[[int | None], e.RegistryError] | None = None,
        credential_request: bool = False,
    ) -> Response:
        """One logical request: retried on 429/5xx, redirects followed, body capped.

        `authorization` goes only to the origin of `url`; a redirect elsewhere drops it. A
        `credential_request` (one that exists to present a credential: a token request) and
        any request with a form body are refused, not followed, when redirected elsewhere.
        Bodies of 2xx answers are read up to `max_bytes`; past it `on_too_large` is raised.
        """
        retry = self.options.retry
        slept = 0.0
        attempt = 0
        hop = _Hop(authorization, credential_request or data is not None)
        while True:
            attempt += 1
            response = await self._follow(
                method, url, headers, hop, data, max_bytes, purpose, on_too_large
            )
            if response.status not in _RETRIED:
                return response
            now = self._clock()
            wait = parse_retry_after(response.headers.get("retry-after"), now)
            backoff = min(retry.max_delay, retry.base_delay * (2 ** (attempt - 1)))
            delay = backoff if wait is None else wait
            if attempt >= retry.max_attempts or slept + delay > retry.max_total:
                raise self._gave_up(response, attempt, wait, now)
            await self._pause(delay)
            slept += delay

    def _gave_up(
        self, response: Response, attempts: int, wait: float | None, now: float
    ) -> e.RegistryError:
        target = origin_text(response.url)
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if response.status == 429:
            retry_at = None if wait is None else now + wait
            when = (
                f"; try again after {_clock_text(retry_at)} (in {_duration(wait or 0)})"
                if retry_at is not None
                else ""
            )
            limits = parse_rate_limit(response.headers)
            quota = f" ({limits.describe()})" if limits is not None else ""
            return e.RateLimited(
                f"{target} is rate-limiting pulls (429 after {tries}){quota}{when}",
                429,
                retry_at,
            )
        return e.ServerError(
            f"{target} kept answering HTTP {response.status} ({tries}); the registry or a "
            "proxy in front of it is unavailable",
            response.status,
        )

    async def _follow(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        hop: _Hop,
        data: Mapping[str, str] | None,
        max_bytes: int,
        purpose: str,
        on_too_large: Callable[[int | None], e.RegistryError] | None,
    ) -> Response:
        check_target(url, purpose)
        home = origin_of(url)
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            sent = dict(headers or {})
            # Bearer tokens and passwords belong to one origin; blob storage and CDNs get none.
            if hop.authorization is not None and origin_of(current) == home:
                sent["Authorization"] = hop.authorization
            response = await self._exchange(
                method, current, sent, data, max_bytes, purpose, on_too_large
            )
            if response.status not in _REDIRECTS or "location" not in response.headers:
                return response
            current = _redirect_target(current, response.headers["location"], purpose)
            if hop.secret and origin_of(current) != home:
                raise e.RedirectRefused(
                    f"{origin_text(url)} redirected the {purpose} request, which carries a "
                    f"credential, to {origin_text(current)}; not following it there"
                )
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, data = "GET", None
            purpose = purpose if purpose.endswith("(redirected)") else f"{purpose} (redirected)"
        raise e.ProtocolError(f"more than {MAX_REDIRECTS} redirects from {origin_text(url)}")

    async def _exchange(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: Mapping[str, str] | None,
        max_bytes: int,
        purpose: str,
        on_too_large: Callable[[int | None], e.RegistryError] | None,
    ) -> Response:
        limit = self._limit(url)
        async with limit if limit is not None else contextlib.nullcontext():
            return await self._exchange_now(
                method, url, headers, data, max_bytes, purpose, on_too_large
            )

    async def _exchange_now(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        data: Mapping[str, str] | None,
        max_bytes: int,
        purpose: str,
        on_too_large: Callable[[int | None], e.RegistryError] | None,
    ) -> Response:
        import httpx

        client = self._get_client(url)
        record_url = url.split("?", 1)[0]
        status: int | None = None
        try:
            async with client.stream(method, url, headers=headers, data=data) as stream:
                status = stream.status_code
                if rate := parse_rate_limit(stream.headers):
                    self.rate_limit = rate
                cap = max_bytes if 200 <= status < 300 else ERROR_BODY_CAP
                too_large = on_too_large or _default_too_large(url, purpose, cap)
                body = await _read_capped(stream, cap, status, too_large)
                return Response(status, stream.headers, body, str(stream.url))
        except httpx.HTTPError as exc:
            raise classify_transport_error(exc, url) from None
        except httpx.InvalidURL:
            raise e.ProtocolError(f"invalid URL for {purpose}: {e.one_line(url, 120)}") from None
        except UnicodeError:
            # A header value (a token a service sent) that HTTP cannot carry.
            raise e.ProtocolError(
                f"cannot send the {purpose} request to {origin_text(url)}: a header holds "
                "characters HTTP cannot carry"
            ) from None
        finally:
            self.requests.append(RequestRecord(method, record_url, status, purpose))


@dataclass(frozen=True)
class _Hop:
    """What a request carries that must not leave its origin."""

    authorization: str | None = field(repr=False)
    # Refuse a redirect to another origin instead of following it without the credential.
    secret: bool


def check_target(url: str, purpose: str) -> None:
    """Only http(s) URLs with a host and a TCP port are requested (the socket layer would
    raise OverflowError for port 99999, or read a local file for file:)."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise e.ProtocolError(f"invalid URL for {purpose}: {e.one_line(url, 120)}") from None
    if parsed.scheme not in ("http", "https"):
        scheme = e.one_line(parsed.scheme or "(none)", 40)
        raise e.ProtocolError(f"the {purpose} URL is not http(s) (scheme {scheme})")
    if not parsed.host:
        raise e.ProtocolError(f"the {purpose} URL has no host")
    if parsed.port is not None and not 0 < parsed.port <= _MAX_PORT:
        raise e.ProtocolError(
            f"the {purpose} URL names port {parsed.port} on {e.one_line(parsed.host, 120)}, "
            f"outside 1-{_MAX_PORT}"
        )


def _redirect_target(current: str, location: str, purpose: str) -> str:
    import httpx

    try:
        target = str(httpx.URL(current).join(location))
    except httpx.InvalidURL:
        raise e.ProtocolError(f"{origin_text(current)} redirected to an invalid URL") from None
    check_target(target, f"{purpose} redirect")
    return target


def _default_too_large(url: str, purpose: str, cap: int) -> Callable[[int | None], e.RegistryError]:
    def too_large(declared: int | None) -> e.RegistryError:
        return e.ProtocolError(
            f"the {purpose} answer from {origin_text(url)} is larger than {cap} bytes; "
            "stopped reading"
        )

    return too_large


async def _read_capped(
    stream: httpx.Response,
    cap: int,
    status: int,
    on_too_large: Callable[[int | None], e.RegistryError],
) -> bytes:
    """At most `cap` bytes, whatever Content-Length says or does not say (chunked)."""
    declared = stream.headers.get("content-length", "").strip()
    declared_size = int(declared) if _is_number(declared) else None
    success = 200 <= status < 300
    if success and declared_size is not None and declared_size > cap:
        raise on_too_large(declared_size)
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream.aiter_bytes():
        size += len(chunk)
        if size > cap:
            if success:
                raise on_too_large(declared_size)
            # Error pages only need their beginning.
            chunks.append(chunk[: cap - (size - len(chunk))])
            break
        chunks.append(chunk)
    return b"".join(chunks)
