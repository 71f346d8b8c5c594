"""A Docker-Hub-style token service for the real registry's `auth.token` mode.

`GET /token?service=...&scope=repository:NAME:pull` answers `{"token", "access_token",
"expires_in", "issued_at"}`, anonymously or with HTTP Basic credentials; `POST /token` takes
the OAuth2 `grant_type=refresh_token` (identity tokens) and `grant_type=password` forms.
Tokens are RS256 JWTs the registry verifies against the certificate in `rootcertbundle`.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from tests.servers.certs import KeyPair
from tests.servers.scripted import Reply, Request, ScriptedServer, json_reply

SERVICE = "fe-test-registry"
ISSUER = "fe-test-issuer"


@dataclass(frozen=True)
class Issued:
    """One token request as the service saw it."""

    method: str
    user: str | None
    scopes: tuple[str, ...]
    granted: bool


@dataclass
class TokenService:
    keys: KeyPair
    users: dict[str, str] = field(default_factory=dict)
    # identity (refresh) token -> user it stands for
    identity_tokens: dict[str, str] = field(default_factory=dict)
    # repositories an anonymous token gets no access to (the registry then answers 401)
    private: frozenset[str] = frozenset()
    # False: POST answers 404, like registries without the OAuth2 endpoint
    oauth_post: bool = True
    expires_in: int = 300
    service: str = SERVICE
    issuer: str = ISSUER
    issued: list[Issued] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.server = ScriptedServer(self.handle)

    @property
    def realm(self) -> str:
        return f"{self.server.url}/token"

    def start(self) -> TokenService:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    # -- the protocol --

    def _basic_user(self, request: Request) -> tuple[str | None, bool]:
        """(user, ok): (None, True) for no credentials, (name, False) for wrong ones."""
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return None, True
        user, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        if self.users.get(user) == secret:
            return user, True
        if secret in self.identity_tokens:
            return self.identity_tokens[secret], True
        return user, False

    def handle(self, request: Request) -> Reply:
        if request.route != "/token":
            return Reply(404)
        if request.method == "POST":
            if not self.oauth_post:
                return Reply(404, b"404 page not found\n", (("Content-Type", "text/plain"),))
            form = dict(parse_qsl(request.body.decode()))
            scopes = tuple(form.get("scope", "").split())
            if form.get("grant_type") == "refresh_token":
                user = self.identity_tokens.get(form.get("refresh_token", ""))
            elif form.get("grant_type") == "password":
                name = form.get("username", "")
                user = name if self.users.get(name) == form.get("password") else None
            else:
                user = None
            return self._answer("POST", user, user is not None, scopes, form.get("service"))
        query = request.query
        scopes = tuple(v for k, v in query if k == "scope")
        service = next((v for k, v in query if k == "service"), None)
        user, ok = self._basic_user(request)
        return self._answer("GET", user, ok, scopes, service)

    def _answer(
        self, method: str, user: str | None, ok: bool, scopes: tuple[str, ...], service: str | None
    ) -> Reply:
        with self._lock:
            self.issued.append(Issued(method, user, scopes, ok))
        if not ok:
            return json_reply(401, {"details": "incorrect username or password"})
        if service != self.service:
            return json_reply(400, {"details": f"unknown service {service!r}"})
        access = []
        for scope in scopes:
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            if kind != "repository" or not name:
                continue
            if user is None and name in self.private:
                continue
            allowed = [a for a in actions.split(",") if a in ("pull", "push")]
            access.append({"type": "repository", "name": name, "actions": allowed})
        now = int(time.time())
        token = self.keys.jwt(
            {
                "iss": self.issuer,
                "sub": user or "",
                "aud": self.service,
                "exp": now + self.expires_in,
                "nbf": now - 10,
                "iat": now,
                "jti": uuid.uuid4().hex,
                "access": access,
            }
        )
        issued_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        doc = {
            "token": token,
            "access_token": token,
            "expires_in": self.expires_in,
            "issued_at": issued_at,
        }
        return json_reply(200, doc)
