"""What a mirror job would copy: formats, per-registry connection settings, repositories."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from foreign_explorer.core.errors import InputError
from foreign_explorer.core.mirrorlist.filters import TagFilter
from foreign_explorer.core.reference import Reference, ReferenceError, parse_reference

FORMATS_UNDERSTOOD = (
    "a plain list (one reference per line), a skopeo sync YAML source file (--src yaml) "
    "or a regsync configuration"
)


class MirrorListError(InputError):
    """A mirror list that cannot be read; one line, naming the line of the file at fault."""


class ListFormat(Enum):
    PLAIN = "plain list"
    SKOPEO_SYNC = "skopeo sync YAML"
    REGSYNC = "regsync configuration"


class Tls(Enum):
    """How the mirror tool talks to a source registry."""

    # Not said in the file: the tool's default (skopeo: registries.conf and its flags,
    # which verify unless told otherwise; regsync: verified HTTPS).
    DEFAULT = "default"
    VERIFY = "https, certificate verified"
    # skopeo `tls-verify: false`: HTTPS without verification, then plain HTTP if that fails.
    SKIP_VERIFY_OR_HTTP = "https without verification, falling back to http"
    # regsync `tls: insecure`.
    SKIP_VERIFY = "https without verification"
    # regsync `tls: disabled`.
    HTTP = "plain http"


@dataclass(frozen=True)
class Connection:
    """Settings of one source registry that change how its images are fetched.

    Only what the file says; anything left empty is the tool's default (its own credential
    store, the system's certificate authorities).
    """

    registry: str
    tls: Tls = Tls.DEFAULT
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    identity_token: str | None = field(default=None, repr=False)
    # skopeo `cert-dir`: a directory of *.crt (CAs), *.cert and *.key (client certificate).
    cert_dir: str | None = None
    # regsync `regcert`, `clientCert`, `clientKey`: PEM text in the file itself.
    ca_pem: str | None = None
    client_cert_pem: str | None = None
    client_key_pem: str | None = field(default=None, repr=False)
    # regsync `hostname` (connect there instead) and `pathPrefix` (prepended to repositories).
    hostname: str | None = None
    path_prefix: str | None = None
    # regsync `repoAuth`: one token per repository instead of one per registry.
    repo_auth: bool = False


@dataclass(frozen=True)
class MirrorRepository:
    """One repository the job reads, with the references it would copy from it.

    Either `references` lists them (tags and digests written in the file), or `tag_filter`
    says which tags of the registry's tag list the tool would copy. `problem`, when set, is
    the one-line reason the tool would copy nothing from here (it logs it and goes on).
    """

    registry: str
    repository: str
    connection: Connection
    origin: str  # where in the file: "line 12"
    references: tuple[Reference, ...] = ()
    tag_filter: TagFilter | None = None
    problem: str | None = None

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    @property
    def needs_tag_list(self) -> bool:
        return self.tag_filter is not None and self.problem is None

    def references_for(self, tags: list[str] | tuple[str, ...]) -> tuple[Reference, ...]:
        """The references the tool would copy, given the repository's full tag list."""
        if self.tag_filter is None or self.problem is not None:
            return self.references
        chosen = self.tag_filter.select(tags)
        return tuple(
            Reference(self.registry, self.repository, tag, None)
            for tag in chosen
            if self._valid_tag(tag)
        )

    def _valid_tag(self, tag: str) -> bool:
        # A listed tag the reference grammar refuses is skipped (both tools log and go on).
        try:
            parse_reference(f"{self.name}:{tag}")
        except ReferenceError:
            return False
        return True


@dataclass(frozen=True)
class MirrorList:
    """A mirror list read from a file: its format, repositories, and what was not modelled."""

    format: ListFormat
    repositories: tuple[MirrorRepository, ...]
    # One line each: settings the file uses that foreign-explorer does not model, and
    # entries the tool itself would skip with an error. Shown to the user, never fatal.
    notices: tuple[str, ...] = ()

    @property
    def connections(self) -> tuple[Connection, ...]:
        seen: dict[str, Connection] = {}
        for repo in self.repositories:
            seen.setdefault(repo.connection.registry, repo.connection)
        return tuple(seen.values())
