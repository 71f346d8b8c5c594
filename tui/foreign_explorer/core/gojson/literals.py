"""JSON string and number literals read as Go reads them (runes, escapes, int64, float64)."""

from __future__ import annotations

import codecs

_REPLACE_BYTE = "foreign_explorer.gojson.replace_byte"


def _replace_one_byte(exc: UnicodeError) -> tuple[str, int]:
    # Go's utf8.DecodeRune gives up on one byte at a time; Python would skip the maximal subpart.
    if isinstance(exc, UnicodeDecodeError):
        return "\ufffd", exc.start + 1
    raise exc


codecs.register_error(_REPLACE_BYTE, _replace_one_byte)

_ESCAPED = {
    0x62: "\b",
    0x66: "\f",
    0x6E: "\n",
    0x72: "\r",
    0x74: "\t",
    0x5C: "\\",
    0x2F: "/",
    0x22: '"',
}


def go_utf8(raw: bytes) -> str:
    """Bytes as Go sees them as a string's runes: each byte of a bad sequence is U+FFFD."""
    return raw.decode("utf-8", _REPLACE_BYTE)


def _unquote(raw: bytes) -> str:
    """The contents of a syntax-checked JSON string literal (without its quotes)."""
    if 0x5C not in raw:
        return go_utf8(raw)
    out: list[str] = []
    i = 0
    while True:
        b = raw.find(b"\\", i)
        if b == -1:
            out.append(go_utf8(raw[i:]))
            return "".join(out)
        if b > i:
            out.append(go_utf8(raw[i:b]))
        escape = raw[b + 1]
        if escape != 0x75:
            out.append(_ESCAPED[escape])
            i = b + 2
            continue
        rune = int(raw[b + 2 : b + 6], 16)
        i = b + 6
        if 0xD800 <= rune < 0xE000:
            # Only a high surrogate directly followed by an escaped low one makes a pair.
            if rune < 0xDC00 and raw[i : i + 2] == b"\\u":
                low = int(raw[i + 2 : i + 6], 16)
                if 0xDC00 <= low < 0xE000:
                    out.append(chr(0x10000 + ((rune - 0xD800) << 10) + (low - 0xDC00)))
                    i += 6
                    continue
            rune = 0xFFFD
        out.append(chr(rune))


def _fix_surrogates(text: str) -> str:
    """Python's json leaves lone \\uD8xx escapes as surrogates; Go makes each one U+FFFD."""
    if text.isascii():
        return text
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def _parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64) for a JSON number literal, or None if Go refuses it."""
    digits = text[1:] if text.startswith("-") else text
    if not digits.isdigit() or not digits.isascii() or len(digits) > 19:
        return None
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def _parse_uint(text: str, bits: int) -> int | None:
    """strconv.ParseUint(text, 10, 64) that must also fit `bits`, or None if Go refuses it."""
    if not text.isdigit() or not text.isascii() or len(text) > 20:
        return None
    value = int(text)
    return value if value < (1 << bits) else None


def _parse_float64(text: str) -> float | None:
    """strconv.ParseFloat(text, 64) for a JSON number literal, or None when it overflows."""
    value = float(text)
    return None if value in (float("inf"), float("-inf")) else value
