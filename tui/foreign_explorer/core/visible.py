"""Text from outside the program is shown, never obeyed.

Manifest fields, index platforms, registry and credential-helper messages, file names,
references and patterns were written by someone else. Before any of it reaches a terminal,
a JSON document or a screen, the characters a terminal acts on are replaced by a visible
escape, and the rest of the text is kept as it is:

- C0 controls, DEL and C1 controls (`ESC`, `BEL`, the 8-bit CSI `U+009B`) as `\\x1b`
  (tab, newline and carriage return as `\\t`, `\\n`, `\\r`);
- the bidirectional controls that reorder what is shown (`U+202A`-`U+202E`,
  `U+2066`-`U+2069`, and the marks `U+200E`, `U+200F`, `U+061C`) as `\\u202e`;
- lone surrogates, which cannot be written at all: those that `os.fsdecode` made from
  undecodable bytes (`U+DC80`-`U+DCFF`) as the byte they stand for (`\\xff`), others as
  `\\ud800`.

Escaping is idempotent: the escapes are printable ASCII, so escaping twice changes nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))


@cache
def _terminal_table() -> dict[int, str]:
    """Built on first use: most text is printable ASCII and never needs it."""
    table = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
    table.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
    table.update({code: f"\\u{code:04x}" for code in _BIDI})
    table.update({code: f"\\u{code:04x}" for code in range(0xD800, 0xDC80)})
    table.update({code: f"\\x{code - 0xDC00:02x}" for code in range(0xDC80, 0xDD00)})
    table.update({code: f"\\u{code:04x}" for code in range(0xDD00, 0xE000)})
    return table


@cache
def _json_table() -> dict[int, str]:
    # json.dumps writes C0 as \u00XX already; it leaves DEL, C1, bidi and surrogates raw.
    return {code: f"\\u{code:04x}" for code in _terminal_table() if code >= 0x7F}


@cache
def _unsafe() -> frozenset[str]:
    return frozenset(chr(code) for code in _terminal_table())


def visible(text: str) -> str:
    """`text` with every control, bidi and lone-surrogate character escaped visibly."""
    if text.isprintable() and text.isascii():
        return text
    return text.translate(_terminal_table())


def is_visible(text: str) -> bool:
    """True when `text` holds nothing `visible` would escape."""
    return _unsafe().isdisjoint(text)


def dumps(document: Any, **options: Any) -> str:
    """`json.dumps` whose output holds no raw control, bidi or surrogate character.

    Non-ASCII text stays readable (`ensure_ascii=False`); the characters a terminal would act
    on are `\\u`-escaped inside their strings, so the document decodes to the same values.
    """
    import json

    return json.dumps(document, ensure_ascii=False, **options).translate(_json_table())
