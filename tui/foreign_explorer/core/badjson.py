"""Plain words for a manifest that is not valid JSON: a byte-order mark, data after the
document, a document cut short, or any other syntax error Go's decoder stops at.

The registry refuses all of them with 400 MANIFEST_INVALID before it reads any descriptor;
these words say why, and what usually wrote such a file.
"""

from __future__ import annotations

from foreign_explorer.core.gojson import GoJSONError
from foreign_explorer.core.visible import visible

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SPACE = b" \t\r\n"
_SHOWN = 24  # bytes of trailing data quoted in the message


def _quoted(data: bytes) -> str:
    text = data[:_SHOWN].decode("utf-8", "replace")
    more = "…" if len(data) > _SHOWN else ""
    return f"“{visible(text)}{more}”"


def _looks_like_utf16(data: bytes) -> bool:
    """ASCII text in UTF-16 without a BOM: every other byte of the first four is zero."""
    head = data[:4]
    if len(head) < 4:
        return False
    little = head[1] == head[3] == 0 and head[0] != 0 and head[2] != 0
    big = head[0] == head[2] == 0 and head[1] != 0 and head[3] != 0
    return little or big


def explain_syntax_error(data: bytes, error: GoJSONError) -> str:
    """One line: what is wrong with the bytes, in words a user can act on."""
    if data.startswith(UTF8_BOM):
        return (
            "not valid JSON: the file starts with a UTF-8 byte-order mark (bytes EF BB BF), "
            "which Go's JSON decoder refuses; Windows PowerShell 5.1 writes one "
            "(Set-Content or Out-File -Encoding UTF8), as do some Windows editors: save the "
            "file as UTF-8 without a BOM"
        )
    if data.startswith(UTF16_BOMS) or _looks_like_utf16(data):
        return (
            "not valid JSON: the file is UTF-16 text (Windows PowerShell 5.1's > and Out-File "
            "write UTF-16 by default), and the registry reads only UTF-8: save the file as "
            "UTF-8 without a BOM"
        )
    offset = error.offset if error.offset is not None else len(data)
    if error.go_text.endswith("after top-level value"):
        start = offset - 1  # the first byte after the document (and its trailing spaces)
        end = start
        while end > 0 and data[end - 1] in _SPACE:
            end -= 1
        return (
            f"not valid JSON: the document ends after byte {end} but more data follows "
            f"({_quoted(data[start:])}, {len(data) - start} bytes); the registry refuses "
            "anything after the document but spaces and line breaks (two documents pasted "
            "together, or a stray character)"
        )
    if error.go_text == "unexpected end of JSON input":
        return (
            f"not valid JSON: the document is cut short after {len(data)} bytes (unexpected "
            "end of JSON input): the file is truncated, or a closing bracket or quote is "
            "missing"
        )
    return f"not valid JSON: {error.message} (at byte {offset})"
