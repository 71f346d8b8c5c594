"""Go's base64.StdEncoding.Decode, as encoding/json runs it for a []byte field.

Padding is required, `\\r` and `\\n` are skipped anywhere, and the first bad byte is reported
as Go's CorruptInputError: `illegal base64 data at input byte N`.
"""

from __future__ import annotations

_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_VALUES = {c: i for i, c in enumerate(_ALPHABET)}
_NEWLINES = frozenset(b"\r\n")
_PAD = 0x3D


class CorruptInput(Exception):
    """base64.CorruptInputError: the offset Go reports."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"illegal base64 data at input byte {offset}")
        self.offset = offset


def decoded_capacity(length: int) -> int:
    """base64.StdEncoding.DecodedLen: the buffer Go decodes into (its capacity stays)."""
    return length // 4 * 3


def _skip_newlines(src: bytes, i: int) -> int:
    while i < len(src) and src[i] in _NEWLINES:
        i += 1
    return i


def std_decode(src: bytes) -> bytes:
    """The decoded bytes, or CorruptInput where Go's decoder stops."""
    out = bytearray()
    i, n = 0, len(src)
    while i < n:
        quantum: list[int] = []
        while len(quantum) < 4:
            if i == n:
                if not quantum:
                    return bytes(out)
                raise CorruptInput(i - len(quantum))  # a partial quantum needs its padding
            c = src[i]
            i += 1
            value = _VALUES.get(c)
            if value is not None:
                quantum.append(value)
                continue
            if c in _NEWLINES:
                continue
            if c != _PAD or len(quantum) < 2:
                raise CorruptInput(i - 1)
            if len(quantum) == 2:  # a second `=` must follow, newlines aside
                i = _skip_newlines(src, i)
                if i == n:
                    raise CorruptInput(n)
                if src[i] != _PAD:
                    raise CorruptInput(i - 1)
                i += 1
            i = _skip_newlines(src, i)
            if i < n:
                raise CorruptInput(i)  # something after the padding
            break
        bits = 0
        for value in quantum:
            bits = bits << 6 | value
        bits <<= 6 * (4 - len(quantum))
        out += bits.to_bytes(3, "big")[: len(quantum) - 1]
    return bytes(out)
