"""Go's strconv quoting, as used in Go error texts (`parse "..."`, regexp.Compile(`...`))."""

from __future__ import annotations

import unicodedata

_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def is_print(ch: str) -> bool:
    """Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space."""
    cp = ord(ch)
    if cp <= 0xFF:
        return 0x20 <= cp <= 0x7E or (0xA1 <= cp <= 0xFF and cp != 0xAD)
    return unicodedata.category(ch)[0] in "LMNPS"


def quote(text: str) -> str:
    """Go's strconv.Quote for a valid Unicode string."""
    out = ['"']
    for ch in text:
        cp = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif is_print(ch):
            out.append(ch)
        elif ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif cp < 0x20 or cp == 0x7F:
            out.append(f"\\x{cp:02x}")
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\\ufffd")
        elif cp < 0x10000:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


def can_backquote(text: str) -> bool:
    """Go's strconv.CanBackquote: the text fits in a raw string literal unchanged."""
    for ch in text:
        cp = ord(ch)
        if cp > 0x7F:
            if ch == "\ufeff":
                return False
            continue
        if (cp < 0x20 and ch != "\t") or ch == "`" or cp == 0x7F:
            return False
    return True


def regexp_quote(text: str) -> str:
    """How Go's regexp package quotes a pattern in MustCompile's panic."""
    return f"`{text}`" if can_backquote(text) else quote(text)
