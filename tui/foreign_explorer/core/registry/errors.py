"""Every way talking to a registry can fail, as one typed exception with a one-line message.

Messages never carry a credential, a token or a header value: only hosts, repositories,
digests, media types, statuses and the registry's own (sanitised) error code and text.
"""

from __future__ import annotations

from foreign_explorer.core.errors import ForeignExplorerError

_MAX_QUOTED = 200


def one_line(text: str, limit: int = _MAX_QUOTED) -> str:
    """Server-provided text made safe for a one-line message: no control characters, bounded."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class RegistryError(ForeignExplorerError):
    """Base for every failure while fetching an image (registry, network or local layout)."""


# --- network --------------------------------------------------------------------------------


class NetworkError(RegistryError):
    """The request never got an HTTP answer."""


class DNSError(NetworkError):
    """The registry's host name does not resolve."""


class ConnectionRefused(NetworkError):
    """Nothing listens on the registry's port (or a firewall resets the connection)."""


class TLSError(NetworkError):
    """The TLS handshake failed, most often because the certificate is not trusted."""


class RegistryTimeout(NetworkError):
    """Connecting or reading took longer than the configured timeout."""


class DeadlineExceeded(RegistryTimeout):
    """The whole fetch (tokens, manifests, children, retries) outlasted `--timeout`."""


class TruncatedResponse(NetworkError):
    """The connection closed before the whole body arrived."""


# --- HTTP answers -----------------------------------------------------------------------------


class HTTPStatusError(RegistryError):
    """The registry answered with an error status this client does not otherwise type."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class AuthenticationRequired(HTTPStatusError):
    """401: no credentials were available, or the registry wants some we do not have."""


class CredentialsRejected(HTTPStatusError):
    """401 although credentials were sent (wrong password, expired token)."""


class AccessDenied(HTTPStatusError):
    """403: authenticated, but not allowed to pull this repository."""


class NotFound(HTTPStatusError):
    """404 without a registry error code that says more."""


class RepositoryNotFound(NotFound):
    """404 NAME_UNKNOWN: the repository does not exist on this registry."""


class ManifestNotFound(NotFound):
    """404 MANIFEST_UNKNOWN: the repository exists (or may), the tag or digest does not."""


class BlobNotFound(NotFound):
    """404 BLOB_UNKNOWN, e.g. for an image config."""


class RateLimited(HTTPStatusError):
    """429 for longer than the retry budget allows."""

    def __init__(self, message: str, status: int, retry_at: float | None) -> None:
        super().__init__(message, status)
        # Unix time after which the registry said to try again, when it said.
        self.retry_at = retry_at


class ServerError(HTTPStatusError):
    """5xx that did not go away within the retry budget."""


# --- what came back ---------------------------------------------------------------------------


class ProtocolError(RegistryError):
    """An answer arrived but is not what a registry sends."""


class HTMLResponse(ProtocolError):
    """An HTML page (a proxy, a portal, a web UI) where the registry API should answer."""


class MalformedResponse(ProtocolError):
    """JSON that does not parse, or lacks a field the protocol requires."""


class UnsupportedMediaType(ProtocolError):
    """A manifest type this tool does not read (schema1, artifacts, anything unknown)."""

    def __init__(self, message: str, media_type: str) -> None:
        super().__init__(message)
        self.media_type = media_type


class DigestMismatch(ProtocolError):
    """The bytes' digest differs from the one asked for (or the one the registry announced)."""

    def __init__(self, message: str, expected: str, actual: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual


class ManifestTooLarge(ProtocolError):
    """The manifest is bigger than the cap; we stopped reading it."""


class TagListTooLong(ProtocolError):
    """A tag list past the caps (pages, bytes, tags), or pages that lead in a circle."""


class RedirectRefused(ProtocolError):
    """A request carrying a credential was redirected to another origin; it stays home."""


# --- local inputs -----------------------------------------------------------------------------


class CredentialError(RegistryError):
    """A credential source is broken (unreadable config, failing credential helper)."""


class PlatformError(RegistryError):
    """A platform string that does not parse, or no child of an index matches it."""


class OCILayoutError(RegistryError):
    """An OCI image layout directory that is missing, malformed or lacks the tag asked for."""
