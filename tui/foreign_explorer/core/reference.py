"""Image references, parsed and normalised the way distribution's reference package does.

`alpine` is `docker.io/library/alpine:latest`; `localhost:5000/a/b@sha256:...` keeps its host.
Each way a reference can be invalid gets its own one-line message saying what is wrong,
where distribution only says "invalid reference format".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foreign_explorer.core.errors import ForeignExplorerError

DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
# Docker's config files key Docker Hub credentials by this URL, for historical reasons.
DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/"
DEFAULT_TAG = "latest"
NAME_MAX = 255
MAX_PORT = 65535

# The grammar of distribution/reference (regexp.go); only shapes, never a verdict.
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_DOMAIN_COMPONENT = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?")
_IPV6 = re.compile(r"\[[a-fA-F0-9:]+\]")
_PORT = re.compile(r"[0-9]+")
_TAG = re.compile(r"[\w][\w.-]{0,127}", re.ASCII)
_DIGEST_ALGORITHM = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*")
_HEX64 = re.compile(r"[a-f0-9]{64}")
# go-digest's registered algorithms and their hex lengths.
_DIGEST_HEX_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}
_LOWER_HEX = frozenset("0123456789abcdef")


# Shadows the builtin of the same name on purpose: it is the name the project's API uses.
class ReferenceError(ForeignExplorerError):
    """An image reference that distribution would refuse to parse."""


InvalidReference = ReferenceError


@dataclass(frozen=True)
class Reference:
    """A normalised reference. `tag` is None only when a digest is given without a tag."""

    registry: str
    repository: str
    tag: str | None = DEFAULT_TAG
    digest: str | None = None

    def api_host(self) -> str:
        """Host (and port) that serves the registry API: Docker Hub's differs from its name."""
        return DOCKER_HUB_API if self.registry == DOCKER_HUB else self.registry

    @property
    def object(self) -> str:
        """What to ask /v2/<name>/manifests/ for: the digest wins over the tag."""
        if self.digest is not None:
            return self.digest
        return self.tag if self.tag is not None else DEFAULT_TAG

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    def with_digest(self, digest: str) -> Reference:
        """The same repository, pinned to `digest` (a child of an index, say)."""
        return Reference(self.registry, self.repository, None, digest)

    def familiar(self) -> str:
        """The short form docker prints: `alpine:latest`, `user/app`, `host:5000/x:1`."""
        name = self.repository
        if self.registry == DOCKER_HUB:
            name = name.removeprefix("library/") if name.count("/") == 1 else name
        else:
            name = f"{self.registry}/{name}"
        return _with_suffixes(name, self.tag, self.digest)

    def __str__(self) -> str:
        return _with_suffixes(self.name, self.tag, self.digest)


def _with_suffixes(name: str, tag: str | None, digest: str | None) -> str:
    text = name if tag is None else f"{name}:{tag}"
    return text if digest is None else f"{text}@{digest}"


def _fail(text: str, why: str) -> ReferenceError:
    return ReferenceError(f"invalid reference {text!r}: {why}")


def validate_digest(digest: str) -> str | None:
    """Why `digest` is not a valid `algorithm:hex` digest, or None when it is."""
    algorithm, sep, encoded = digest.partition(":")
    if not sep:
        return "a digest needs the form algorithm:hex (e.g. sha256:<64 hex digits>)"
    if not algorithm or not _DIGEST_ALGORITHM.fullmatch(algorithm):
        return f"digest algorithm {algorithm!r} is malformed"
    want = _DIGEST_HEX_LENGTHS.get(algorithm)
    if want is None:
        known = ", ".join(_DIGEST_HEX_LENGTHS)
        return f"digest algorithm {algorithm!r} is not supported (use {known})"
    if not encoded or any(c not in _LOWER_HEX for c in encoded):
        return f"{algorithm} digest must be lower-case hex digits"
    if len(encoded) != want:
        return f"{algorithm} digest needs {want} hex digits, got {len(encoded)}"
    return None


def _check_domain(domain: str) -> str | None:
    host, port = domain, None
    if domain.startswith("["):
        end = domain.find("]")
        if end < 0:
            return f"registry host {domain!r} has an unclosed '['"
        host, rest = domain[: end + 1], domain[end + 1 :]
        if not _IPV6.fullmatch(host):
            return f"registry host {host!r} is not an IPv6 address"
        if rest:
            if not rest.startswith(":"):
                return f"registry host {domain!r} has text after ']'"
            port = rest[1:]
    else:
        host, sep, port_text = domain.partition(":")
        port = port_text if sep else None
        if not host:
            return f"registry {domain!r} has an empty host name"
        for label in host.split("."):
            if not label:
                return f"registry host {host!r} has an empty label"
            if not _DOMAIN_COMPONENT.fullmatch(label):
                return (
                    f"registry host {host!r}: {label!r} may only hold letters, digits and inner '-'"
                )
    if port is not None and not _PORT.fullmatch(port):
        return f"registry port {port!r} must be digits"
    # distribution's grammar takes any digits; Go's dialer then fails ("address 99999: invalid
    # port"), so an out-of-range port is refused here, before any request.
    if port is not None and not 0 < (int(port) if len(port) <= 5 else MAX_PORT + 1) <= MAX_PORT:
        return f"registry port {port!r} is not a TCP port (1-{MAX_PORT})"
    return None


def _check_path(remainder: str) -> str | None:
    if remainder != remainder.lower():
        return f"repository name {remainder!r} must be lowercase"
    for component in remainder.split("/"):
        if not component:
            return f"repository name {remainder!r} has an empty path component"
        if not _PATH_COMPONENT.fullmatch(component):
            return (
                f"repository path component {component!r} may only hold a-z, 0-9 and single "
                "'.', '_', '__' or '-' runs between them"
            )
    return None


def _split_domain(name: str) -> tuple[str, str]:
    """distribution's splitDockerDomain: is the first component a host?"""
    first, sep, rest = name.partition("/")
    looks_like_host = any(c in first for c in ".:") or first == "localhost"
    if not sep or (not looks_like_host and first == first.lower()):
        domain, remainder = DOCKER_HUB, name
    else:
        domain, remainder = first, rest
    if domain == "index.docker.io":
        domain = DOCKER_HUB
    if domain == DOCKER_HUB and "/" not in remainder:
        remainder = "library/" + remainder
    return domain, remainder


def parse_reference(text: str) -> Reference:
    """Parse `text` like `docker pull` would; raise ReferenceError saying what is wrong."""
    if text == "":
        raise _fail(text, "it is empty")
    if text != text.strip() or any(c.isspace() or not c.isprintable() for c in text):
        raise _fail(text, "it contains white space or control characters")
    if _HEX64.fullmatch(text):
        raise _fail(text, "a bare 64-hex string is an image ID, not a repository name")
    rest, at, digest = text.partition("@")
    if at:
        if "@" in digest:
            raise _fail(text, "more than one '@'")
        if why := validate_digest(digest):
            raise _fail(text, why)
    digest_or_none = digest if at else None
    colon = rest.rfind(":")
    tag: str | None = None
    name = rest
    if colon >= 0 and "/" not in rest[colon + 1 :]:
        name, tag = rest[:colon], rest[colon + 1 :]
        if not tag:
            raise _fail(text, "the tag after ':' is empty")
        if not _TAG.fullmatch(tag):
            raise _fail(
                text,
                f"tag {tag!r} may only hold letters, digits, '_', '.' and '-', must not start "
                "with '.' or '-', and has at most 128 characters",
            )
    if not name:
        raise _fail(text, "the repository name is empty")
    domain, remainder = _split_domain(name)
    if not remainder:
        raise _fail(text, "the repository name is empty")
    if domain != DOCKER_HUB and (why := _check_domain(domain)):
        raise _fail(text, why)
    if why := _check_path(remainder):
        raise _fail(text, why)
    if len(domain) + 1 + len(remainder) > NAME_MAX:
        raise _fail(text, f"the full name is longer than {NAME_MAX} characters")
    if tag is None and digest_or_none is None:
        tag = DEFAULT_TAG
    return Reference(domain, remainder, tag, digest_or_none)
