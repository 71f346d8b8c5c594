"""Registry authentication without a ping: try, read the 401 challenge, get a token, retry.

Challenges are remembered per registry host and tokens per (host, scope) until they expire,
so a second manifest of the same repository costs one request, and a second repository of
the same registry two (token, manifest) instead of three.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.credentials import Credential, CredentialStore
from foreign_explorer.core.registry.transport import (
    Response,
    Transport,
    is_loopback,
    origin_of,
    origin_text,
)

if TYPE_CHECKING:
    import asyncio

# Visible ASCII: what an Authorization header value can carry after "Bearer ".
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
# The token spec's default lifetime when the service does not say.
DEFAULT_TOKEN_SECONDS = 60
# Renew a little early: the token must still be valid when the registry checks it.
EXPIRY_MARGIN = 5.0
# Longest a token is cached, whatever the service says.
MAX_TOKEN_SECONDS = 24 * 3600.0
CLIENT_ID = "foreign-explorer"
MAX_TOKEN_ANSWER = 1 << 20
# Token services answer these to a refresh-token POST they do not support (GCR 404, Artifactory
# 401, ACR 400, others 405): then fall back to GET with basic auth, as containerd does.
_OAUTH_FALLBACK = frozenset({400, 401, 404, 405})


@dataclass(frozen=True)
class Challenge:
    """One `WWW-Authenticate` challenge: scheme lower-cased, parameter names lower-cased."""

    scheme: str
    params: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        return next((v for k, v in self.params if k == key), None)

    def without_scope(self) -> Challenge:
        return Challenge(self.scheme, tuple((k, v) for k, v in self.params if k != "scope"))

    def same_authority(self, other: Challenge) -> bool:
        """Same scheme, realm and service: only the scope (the repository) may differ."""
        return (self.scheme, self.get("realm"), self.get("service")) == (
            other.scheme,
            other.get("realm"),
            other.get("service"),
        )


@dataclass(frozen=True)
class BearerToken:
    token: str = field(repr=False)
    expires_at: float


def pull_scope(repository: str) -> str:
    return f"repository:{repository}:pull"


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _read_token(text: str, i: int) -> tuple[str, int]:
    start = i
    while i < len(text) and text[i] not in ' \t,="':
        i += 1
    return text[start:i], i


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """`"a, \\"b\\""` starting at the opening quote; returns the unescaped value."""
    out: list[str] = []
    i += 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    return "".join(out), i


def parse_challenges(values: list[str] | tuple[str, ...]) -> list[Challenge]:
    """Every challenge in the given `WWW-Authenticate` values (RFC 7235 grammar).

    Handles several challenges in one value (`Bearer realm="a,b", Basic realm="x"`), quoted
    values with commas and escapes, and token68 forms (kept as a parameter named "").
    """
    challenges: list[Challenge] = []
    for text in values:
        i = 0
        while i < len(text):
            i = _skip_space(text, i)
            while i < len(text) and text[i] in ", \t":
                i += 1
            scheme, i = _read_token(text, i)
            if not scheme:
                i += 1
                continue
            params: list[tuple[str, str]] = []
            while True:
                i = _skip_space(text, i)
                mark = i
                key, j = _read_token(text, i)
                j = _skip_space(text, j)
                equals = 0
                while j + equals < len(text) and text[j + equals] == "=":
                    equals += 1
                after = _skip_space(text, j + equals)
                if key and not params and equals and (after >= len(text) or text[after] == ","):
                    # token68 (`Negotiate abc123==`): the '=' are base64 padding.
                    params.append(("", key + "=" * equals))
                    i = after + 1
                    break
                if key and equals == 1:
                    j = after
                    if j < len(text) and text[j] == '"':
                        value, j = _read_quoted(text, j)
                    else:
                        value, j = _read_token(text, j)
                    params.append((key.lower(), value))
                    i = _skip_space(text, j)
                    if i < len(text) and text[i] == ",":
                        i += 1
                        continue
                    break
                if key and not params and (j >= len(text) or text[j] == ","):
                    params.append(("", key))
                    i = j + 1 if j < len(text) else j
                    break
                # A bare token after a comma starts the next challenge.
                i = mark
                break
            challenges.append(Challenge(scheme.lower(), tuple(params)))
    return challenges


def _parse_issued_at(value: object) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python before 3.11 could not read nanoseconds; trim fractions to microseconds anyway.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6]}{zone}" if digits else head + zone
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.timestamp()


def token_expiry(doc: Mapping[str, object], now: float) -> float:
    """When a token response stops being usable: issued_at + expires_in (spec default 60 s)."""
    lifetime = doc.get("expires_in")
    seconds = float(DEFAULT_TOKEN_SECONDS)
    if isinstance(lifetime, int | float) and not isinstance(lifetime, bool) and lifetime > 0:
        # A service may say 1e400 (inf) or a 400-digit integer: a day is long enough.
        seconds = min(float(lifetime), MAX_TOKEN_SECONDS) if lifetime < 1e18 else MAX_TOKEN_SECONDS
    issued = _parse_issued_at(doc.get("issued_at"))
    expiry = (issued if issued is not None else now) + seconds
    # A token service whose clock runs behind ours would make every token look stale; one
    # that runs ahead (or says year 9999) must not make a token outlive its lifetime.
    if expiry <= now + EXPIRY_MARGIN or expiry > now + seconds:
        expiry = now + seconds
    return expiry


def parse_error_codes(body: bytes) -> list[tuple[str, str]]:
    """(code, message) pairs of a registry `{"errors": [...]}` body; [] if it is not one."""
    try:
        doc = json.loads(body.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return []
    errors = doc.get("errors") if isinstance(doc, dict) else None
    if not isinstance(errors, list):
        return []
    found = []
    for item in errors:
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            message = item.get("message")
            found.append((item["code"], message if isinstance(message, str) else ""))
    return found


def looks_like_html(response: Response) -> bool:
    if response.content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = response.body[:64].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


class Authenticator:
    """Adds the right `Authorization` to registry requests, learning it from 401s."""

    def __init__(
        self,
        transport: Transport,
        credentials: CredentialStore,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._transport = transport
        self._credentials = credentials
        self._clock = clock
        self._challenges: dict[str, Challenge] = {}
        self._tokens: dict[tuple[str, str], BearerToken] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        # Hosts whose first answer has come (challenge learned or none needed), and the
        # first request in flight to each host that has not answered yet.
        self._probed: set[str] = set()
        self._probes: dict[str, asyncio.Event] = {}
        self._loop: object = None

    # -- public --

    async def request(
        self,
        method: str,
        registry: str,
        host: str,
        path: str,
        *,
        repository: str,
        headers: Mapping[str, str] | None = None,
        max_bytes: int,
        purpose: str,
        on_too_large: Callable[[int | None], e.RegistryError] | None = None,
    ) -> Response:
        """A request to `host` for `repository`, authorised as the registry demands.

        `registry` is the name credentials are stored under (`docker.io`), `host` the API
        host (`registry-1.docker.io`).
        """
        url = self._transport.base_url(host) + path
        scope = pull_scope(repository)

        async def send(authorization: str | None) -> Response:
            return await self._transport.send(
                method,
                url,
                headers=headers,
                authorization=authorization,
                max_bytes=max_bytes,
                purpose=purpose,
                on_too_large=on_too_large,
            )

        # Until a registry's first answer says whether and how it authenticates, the other
        # requests to it wait: then they all know the challenge, and none pays a 401.
        probe = await self._wait_for_probe(host)
        try:
            authorization, fresh = await self._known_authorization(registry, host, scope)
            try:
                response = await send(authorization)
            except e.NetworkError:
                # skopeo's `tls-verify: false`: HTTPS unverified, then plain HTTP.
                if not self._transport.fall_back(host):
                    raise
                url = self._transport.base_url(host) + path
                response = await send(authorization)
            if response.status != 401:
                return response
            if origin_of(response.url) != origin_of(url):
                # Only the registry names where its credentials go, not a host it redirected to.
                raise e.AuthenticationRequired(
                    f"{host} redirected the {purpose} request to {origin_text(response.url)}, "
                    "which asked for credentials; the registry's credentials are not sent there",
                    401,
                )
            challenge = self._pick_challenge(response, host)
            previous = self._challenges.get(host)
            self._challenges[host] = challenge
        finally:
            if probe is not None:
                self._probed.add(host)
                probe.set()
        self._tokens.pop((host, scope), None)
        if fresh and previous is not None and previous.same_authority(challenge):
            # A token we just got was refused: asking again would get the same one.
            raise await self._refused(registry, host, repository)
        authorization = await self._authorization(registry, host, scope, challenge, repository)
        response = await send(authorization)
        if response.status == 401:
            self._tokens.pop((host, scope), None)
            raise await self._refused(registry, host, repository)
        return response

    def forget(self) -> None:
        """Drop every cached challenge and token (credentials stay)."""
        self._challenges.clear()
        self._tokens.clear()
        self._probed.clear()

    # -- which authorization --

    def _same_loop(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # Locks and events belong to one event loop; a new asyncio.run() gets new ones.
            self._locks.clear()
            self._probes.clear()
            self._loop = loop

    async def _wait_for_probe(self, host: str) -> asyncio.Event | None:
        """None once `host` has answered a first request (waiting for it if it is in flight);
        else the event this caller, now the first request, sets when the answer is in."""
        import asyncio

        if host in self._probed or host in self._challenges:
            return None
        self._same_loop()
        event = self._probes.get(host)
        if event is None:
            event = self._probes[host] = asyncio.Event()
            return event
        await event.wait()
        return None

    def _lock(self, key: tuple[str, str]) -> asyncio.Lock:
        import asyncio

        self._same_loop()
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def _known_authorization(
        self, registry: str, host: str, scope: str
    ) -> tuple[str | None, bool]:
        """Authorization from what earlier 401s taught; (header, whether just obtained)."""
        challenge = self._challenges.get(host)
        if challenge is None:
            return None, False
        cached = self._cached_token(host, scope)
        if cached is not None:
            return cached, False
        repository = scope.split(":")[1]
        # The challenge was learned for another request: its scope names that repository.
        general = challenge.without_scope()
        header = await self._authorization(registry, host, scope, general, repository)
        return header, True

    def _cached_token(self, host: str, scope: str) -> str | None:
        token = self._tokens.get((host, scope))
        if token is None:
            return None
        if token.expires_at - EXPIRY_MARGIN <= self._clock():
            del self._tokens[(host, scope)]
            return None
        return "Bearer " + token.token

    def _pick_challenge(self, response: Response, host: str) -> Challenge:
        challenges = parse_challenges(response.headers.get_list("www-authenticate"))
        for scheme in ("bearer", "basic"):
            for challenge in challenges:
                if challenge.scheme == scheme:
                    return challenge
        offered = ", ".join(sorted({c.scheme for c in challenges})) or "none"
        raise e.AuthenticationRequired(
            f"{host} answered 401 with no Bearer or Basic challenge (offered: {offered})", 401
        )

    async def _authorization(
        self, registry: str, host: str, scope: str, challenge: Challenge, repository: str
    ) -> str | None:
        credential = await self._credentials.get(registry, repository)
        if challenge.scheme == "basic":
            if credential is None:
                raise await self._refused(registry, host, repository)
            self._check_plain_http(host, self._transport.base_url(host), credential)
            return credential.basic_authorization()
        async with self._lock((host, scope)):
            cached = self._cached_token(host, scope)
            if cached is not None:
                return cached
            token = await self._fetch_token(host, challenge, scope, credential)
            self._tokens[(host, scope)] = token
            return "Bearer " + token.token

    def _check_plain_http(self, host: str, url: str, credential: Credential) -> None:
        import httpx

        target = httpx.URL(url)
        if target.scheme == "https" or is_loopback(target.netloc.decode("ascii")):
            return
        if self._transport.allows_plain_http(host):
            return  # The user asked for plain HTTP with this registry.
        raise e.CredentialError(
            f"refusing to send the credential for {host} ({credential.source}) over plain "
            f"HTTP to {target.scheme}://{target.host}"
        )

    # -- the token service --

    async def _fetch_token(
        self, host: str, challenge: Challenge, scope: str, credential: Credential | None
    ) -> BearerToken:
        import httpx

        realm = challenge.get("realm")
        if not realm:
            raise e.MalformedResponse(f"{host} sent a Bearer challenge without a realm")
        try:
            realm_url = httpx.URL(realm)
        except httpx.InvalidURL:
            raise e.MalformedResponse(f"{host} sent an invalid token realm URL") from None
        if realm_url.scheme not in ("http", "https") or not realm_url.host:
            raise e.MalformedResponse(f"{host} sent a token realm that is not an http(s) URL")
        if realm_url.port is not None and not 0 < realm_url.port <= 65535:
            raise e.MalformedResponse(
                f"{host} sent a token realm on port {realm_url.port}, outside 1-65535"
            )
        service = challenge.get("service")
        scopes = [scope]
        offered_scope = challenge.get("scope")
        if offered_scope:
            scopes.extend(s for s in offered_scope.split(" ") if s and s not in scopes)
        if credential is not None:
            self._check_plain_http(host, str(realm_url), credential)
        response = None
        if credential is not None and credential.identity_token is not None:
            form = {
                "grant_type": "refresh_token",
                "refresh_token": credential.identity_token,
                "client_id": CLIENT_ID,
                "scope": " ".join(scopes),
            }
            if service:
                form["service"] = service
            response = await self._transport.send(
                "POST",
                str(realm_url),
                data=form,
                max_bytes=MAX_TOKEN_ANSWER,
                purpose="token",
                credential_request=True,
            )
            if response.status in _OAUTH_FALLBACK:
                response = None
        if response is None:
            params: list[tuple[str, str | int | float | bool | None]] = [
                ("scope", s) for s in scopes
            ]
            if service:
                params.insert(0, ("service", service))
            url = str(realm_url.copy_merge_params(params))
            response = await self._transport.send(
                "GET",
                url,
                authorization=credential.basic_authorization() if credential else None,
                max_bytes=MAX_TOKEN_ANSWER,
                purpose="token",
                # Anonymous, it carries nothing of ours and may follow the service anywhere.
                credential_request=credential is not None,
            )
        return self._token_from(host, realm_url, response, credential)

    def _token_from(
        self, host: str, realm: object, response: Response, credential: Credential | None
    ) -> BearerToken:
        import httpx

        service_host = httpx.URL(str(realm)).host
        if response.status in (401, 403):
            if credential is not None:
                raise e.CredentialsRejected(
                    f"token service {service_host} rejected the credential for {host} "
                    f"({credential.source}); run `docker login {host}` again",
                    response.status,
                )
            raise e.AuthenticationRequired(
                f"token service {service_host} refused an anonymous token for {host}: "
                f"run `docker login {host}` or pass --username and --password-stdin",
                response.status,
            )
        if response.status != 200:
            if looks_like_html(response):
                raise e.HTMLResponse(
                    f"token service {service_host} answered HTTP {response.status} with an "
                    "HTML page"
                )
            raise e.HTTPStatusError(
                f"token service {service_host} answered HTTP {response.status}", response.status
            )
        try:
            doc = json.loads(response.body)
        except (ValueError, RecursionError):
            kind = "an HTML page" if looks_like_html(response) else "malformed JSON"
            raise e.MalformedResponse(
                f"token service {service_host} answered {kind} instead of a token"
            ) from None
        token = None
        if isinstance(doc, dict):
            token = doc.get("token") or doc.get("access_token")
        if not isinstance(token, str) or not token:
            raise e.MalformedResponse(f"token service {service_host} answered without a token")
        if not _HEADER_SAFE.fullmatch(token):
            # It goes into an Authorization header: no spaces, controls or non-ASCII.
            raise e.MalformedResponse(
                f"token service {service_host} answered a token with characters an HTTP header "
                "cannot carry"
            )
        return BearerToken(token, token_expiry(doc, self._clock()))

    async def _refused(self, registry: str, host: str, repository: str) -> e.RegistryError:
        credential = await self._credentials.get(registry, repository)
        login = registry
        if credential is not None:
            return e.CredentialsRejected(
                f"{host} refused the credential for {registry} ({credential.source}) to pull "
                f"{repository}: check it, or run `docker login {login}` again",
                401,
            )
        problem = self._credentials.problems.get(registry)
        why = f" ({problem})" if problem else ""
        return e.AuthenticationRequired(
            f"{host} wants credentials to pull {repository} (or it does not exist) and none "
            f"were found{why}: run `docker login {login}` or pass --username and "
            "--password-stdin",
            401,
        )
