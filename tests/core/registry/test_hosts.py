"""A registry's own settings from a mirror list: scheme, HTTP fallback, certificates."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.hosts import HostTLS, tls_context
from foreign_explorer.core.registry.transport import Transport, TransportOptions
from tests.servers.certs import KeyPair


def _transport(*hosts: HostTLS) -> Transport:
    return Transport(TransportOptions(hosts=hosts))


def test_a_host_allowed_to_fall_back_tries_https_then_plain_http_once() -> None:
    transport = _transport(HostTLS("r.example:5000", insecure=True, http_fallback=True))
    assert transport.scheme_for("r.example:5000") == "https"
    assert transport.fall_back("r.example:5000")
    assert transport.scheme_for("r.example:5000") == "http"
    assert transport.allows_plain_http("r.example:5000")
    assert not transport.fall_back("r.example:5000")


def test_hosts_without_the_fallback_never_switch_to_plain_http() -> None:
    transport = _transport(HostTLS("r.example:5000", insecure=True, plain_http=False))
    assert not transport.fall_back("r.example:5000")
    assert not transport.fall_back("other.example")
    assert transport.scheme_for("r.example:5000") == "https"
    assert not transport.allows_plain_http("r.example:5000")


def test_loopback_speaks_plain_http_unless_the_list_asks_for_tls() -> None:
    transport = _transport(
        HostTLS("127.0.0.1:5000", insecure=True, http_fallback=True),
        HostTLS("127.0.0.1:6000", plain_http=False),
    )
    assert transport.scheme_for("127.0.0.1:5000") == "http"
    assert not transport.fall_back("127.0.0.1:5000")
    assert transport.scheme_for("127.0.0.1:6000") == "https"


def test_a_client_certificate_from_pem_text_is_loaded_and_not_left_on_disk(
    keys: KeyPair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings = HostTLS(
        "r.example",
        ca_pem=keys.cert_path.read_text(),
        client_cert_pem=keys.cert_path.read_text(),
        client_key_pem=keys.key_path.read_text(),
    )
    context = tls_context(settings, None, trust_env=False)
    assert not isinstance(context, bool)
    assert context.get_ca_certs()
    assert list(tmp_path.iterdir()) == []


def test_a_cert_dir_gives_cas_and_a_client_pair(keys: KeyPair, tmp_path: Path) -> None:
    (tmp_path / "ca.crt").write_bytes(keys.cert_path.read_bytes())
    (tmp_path / "client.cert").write_bytes(keys.cert_path.read_bytes())
    (tmp_path / "client.key").write_bytes(keys.key_path.read_bytes())
    context = tls_context(HostTLS("r.example", cert_dir=str(tmp_path)), None, trust_env=False)
    assert not isinstance(context, bool) and context.get_ca_certs()


def test_a_client_certificate_without_its_key_is_one_line(keys: KeyPair, tmp_path: Path) -> None:
    (tmp_path / "client.cert").write_bytes(keys.cert_path.read_bytes())
    with pytest.raises(e.TLSError, match=r"client\.cert has no client\.key beside it"):
        tls_context(HostTLS("r.example", cert_dir=str(tmp_path)), None, trust_env=False)


def test_an_unreadable_cert_dir_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(e.TLSError, match="cannot read cert-dir"):
        tls_context(HostTLS("r.example", cert_dir=str(missing)), None, trust_env=False)
