"""Display helpers shared by the CLI and the app."""

from __future__ import annotations

_UNITS = ("KiB", "MiB", "GiB", "TiB", "PiB")


def iec_size(size: int) -> str:
    """831 -> '831 B', 101340070 -> '96.6 MiB'."""
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def short_digest(digest: str, length: int = 12) -> str:
    """sha256:62239e9aa1a352a2... -> 62239e9aa1a3 (the docker CLI's short form)."""
    _, _, encoded = digest.partition(":")
    return (encoded or digest)[:length]
