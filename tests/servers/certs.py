"""A throw-away RSA key and self-signed certificate (openssl CLI), and RS256 JWTs signed with it.

One pair serves both as a TLS server certificate for 127.0.0.1/localhost and as the token
signer the registry trusts through `auth.token.rootcertbundle` (the JWT carries it in `x5c`).
Signing is plain RSA PKCS#1 v1.5 over SHA-256, done here so no crypto package is needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# DER of the DigestInfo prefix for SHA-256 (RFC 8017, section 9.2, note 1).
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


class CertError(Exception):
    """openssl is missing or failed."""


def _der_integers(der: bytes) -> list[int]:
    """The INTEGERs directly inside the outer SEQUENCE of a PKCS#1 RSAPrivateKey."""

    def length(at: int) -> tuple[int, int]:
        first = der[at]
        if first < 0x80:
            return first, at + 1
        count = first & 0x7F
        return int.from_bytes(der[at + 1 : at + 1 + count], "big"), at + 1 + count

    if der[0] != 0x30:
        raise CertError("not a DER SEQUENCE")
    _, at = length(1)
    values = []
    while at < len(der):
        if der[at] != 0x02:
            raise CertError("expected an INTEGER in the RSA key")
        size, start = length(at + 1)
        values.append(int.from_bytes(der[start : start + size], "big"))
        at = start + size
    return values


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class KeyPair:
    cert_path: Path
    key_path: Path
    cert_der: bytes
    modulus: int
    private_exponent: int

    def sign_rs256(self, message: bytes) -> bytes:
        size = (self.modulus.bit_length() + 7) // 8
        digest_info = _SHA256_PREFIX + hashlib.sha256(message).digest()
        padded = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
        signature = pow(int.from_bytes(padded, "big"), self.private_exponent, self.modulus)
        return signature.to_bytes(size, "big")

    def jwt(self, claims: dict[str, Any]) -> str:
        header = {
            "typ": "JWT",
            "alg": "RS256",
            "x5c": [base64.b64encode(self.cert_der).decode("ascii")],
        }
        signing_input = (
            _b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + _b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        return signing_input + "." + _b64url(self.sign_rs256(signing_input.encode()))


def _openssl(*args: str) -> bytes:
    binary = shutil.which("openssl")
    if binary is None:
        raise CertError("openssl not found on PATH (Debian package: openssl)")
    done = subprocess.run([binary, *args], capture_output=True, check=False)
    if done.returncode != 0:
        raise CertError(f"openssl {args[0]} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def make_key_pair(directory: Path, name: str = "test") -> KeyPair:
    """A 2048-bit RSA key and a self-signed cert for 127.0.0.1, ::1 and localhost."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(key_path),
        "-out",
        str(cert_path),
        "-days",
        "2",
        "-subj",
        f"/CN=foreign-explorer {name}",
        "-addext",
        "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost",
    )
    key_der = _openssl("rsa", "-in", str(key_path), "-outform", "DER", "-traditional")
    cert_der = _openssl("x509", "-in", str(cert_path), "-outform", "DER")
    _version, modulus, _e, private_exponent, *_ = _der_integers(key_der)
    return KeyPair(cert_path, key_path, cert_der, modulus, private_exponent)
