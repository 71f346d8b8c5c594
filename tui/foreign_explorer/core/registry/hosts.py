"""How to reach one registry when a mirror list says more than the command line does.

skopeo sync (`tls-verify`, `cert-dir`, `credentials`) and regsync (`creds`: `tls`, `regcert`,
`clientCert`/`clientKey`, `hostname`, `pathPrefix`, `user`/`pass`/`token`) set these per
registry. `registry` is the name references use; the TLS part is keyed by the host the
requests go to (`hostname` when set).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foreign_explorer.core.registry import errors as e

if TYPE_CHECKING:
    import ssl


@dataclass(frozen=True)
class HostTLS:
    """TLS and scheme settings for one API host (`host[:port]`)."""

    host: str
    # True: plain HTTP; False: HTTPS even on loopback; None: the general rule.
    plain_http: bool | None = None
    # HTTPS first, plain HTTP when the TLS handshake fails (skopeo `tls-verify: false`).
    http_fallback: bool = False
    insecure: bool = False
    ca_pem: str | None = None
    # A directory of *.crt (CAs) and *.cert/*.key pairs (client certificate), as containers use.
    cert_dir: str | None = None
    client_cert_pem: str | None = None
    client_key_pem: str | None = field(default=None, repr=False)

    @property
    def tls_key(self) -> tuple[object, ...]:
        """What makes two hosts need different TLS contexts."""
        return (
            self.insecure,
            self.ca_pem,
            self.cert_dir,
            self.client_cert_pem,
            self.client_key_pem,
        )

    @property
    def custom_tls(self) -> bool:
        return any(self.tls_key)


@dataclass(frozen=True)
class HostSettings:
    """Everything a list says about one registry."""

    registry: str
    # Connect to this host instead of `registry` (regsync `hostname`).
    hostname: str | None = None
    # Prepended to every repository path (regsync `pathPrefix`).
    path_prefix: str | None = None
    tls: HostTLS | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    identity_token: str | None = field(default=None, repr=False)


def _cert_dir_files(directory: str) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The CA files (*.crt) and client pairs (*.cert with its *.key) of a cert directory."""
    try:
        entries = sorted(Path(directory).iterdir())
    except OSError as exc:
        raise e.TLSError(f"cannot read cert-dir {directory}: {exc.strerror or exc}") from None
    cas = [p for p in entries if p.suffix == ".crt"]
    pairs = []
    for cert in (p for p in entries if p.suffix == ".cert"):
        key = cert.with_suffix(".key")
        if not key.exists():
            raise e.TLSError(f"cert-dir {directory}: {cert.name} has no {key.name} beside it")
        pairs.append((cert, key))
    return cas, pairs


def tls_context(settings: HostTLS, ca_file: str | None, trust_env: bool) -> ssl.SSLContext | bool:
    """The SSL context for a host with its own settings (False: no verification)."""
    import httpx

    context = httpx.create_ssl_context(verify=True, trust_env=trust_env)
    if settings.insecure:
        import ssl

        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        if ca_file:
            context.load_verify_locations(cafile=os.fspath(ca_file))
        if settings.ca_pem:
            context.load_verify_locations(cadata=settings.ca_pem)
        if settings.cert_dir:
            cas, pairs = _cert_dir_files(settings.cert_dir)
            for ca in cas:
                context.load_verify_locations(cafile=str(ca))
            for cert, key in pairs:
                context.load_cert_chain(str(cert), str(key))
        if settings.client_cert_pem and settings.client_key_pem:
            _load_client_pem(context, settings.client_cert_pem, settings.client_key_pem)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
        raise e.TLSError(
            f"cannot use the TLS settings for {settings.host}: {e.one_line(str(reason), 120)}"
        ) from None
    return context


def _load_client_pem(context: ssl.SSLContext, cert: str, key: str) -> None:
    """ssl loads a certificate chain only from files: written private, read, removed."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="foreign-explorer-") as directory:
        cert_path = Path(directory) / "client.cert"
        key_path = Path(directory) / "client.key"
        for path, text in ((cert_path, cert), (key_path, key)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
        context.load_cert_chain(str(cert_path), str(key_path))
