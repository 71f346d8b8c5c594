"""Digest validation as go-digest does it (the registry runs it before looking a blob up)."""

from __future__ import annotations

# Algorithms the registry binary can compute, with their hex length.
_ALGORITHMS = {"sha256": 64, "sha384": 96, "sha512": 128}
_HEX = frozenset("0123456789abcdef")
_ALNUM_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ENCODED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=_-")

INVALID_FORMAT = "invalid checksum digest format"
INVALID_LENGTH = "invalid checksum digest length"
UNSUPPORTED = "unsupported digest algorithm"


def _well_formed_algorithm(text: str) -> bool:
    """`[a-z0-9]+(?:[.+_-][a-z0-9]+)*`"""
    if not text:
        return False
    for part in _split_separators(text):
        if not part or any(c not in _ALNUM_LOWER for c in part):
            return False
    return True


def _split_separators(text: str) -> list[str]:
    parts, current = [], []
    for ch in text:
        if ch in ".+_-":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def validate_digest(digest: str) -> str | None:
    """None when valid, else go-digest's error text."""
    colon = digest.find(":")
    if colon <= 0 or colon + 1 == len(digest):
        return INVALID_FORMAT
    algorithm, encoded = digest[:colon], digest[colon + 1 :]
    length = _ALGORITHMS.get(algorithm)
    if length is None:
        if not _well_formed_algorithm(algorithm) or any(c not in _ENCODED for c in encoded):
            return INVALID_FORMAT
        return UNSUPPORTED
    if len(encoded.encode()) != length:
        return INVALID_LENGTH
    if any(c not in _HEX for c in encoded):
        return INVALID_FORMAT
    return None
