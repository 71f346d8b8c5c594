"""json.Marshal: no spaces, `<`, `>`, `&`, U+2028 and U+2029 escaped; RawJSON."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from foreign_explorer.core.profiles import DISTRIBUTION_2_8, GoVersion


@dataclass(frozen=True)
class RawJSON:
    """Already-encoded JSON (Go's json.RawMessage): compacted and HTML-escaped on output."""

    data: bytes


def _string_escapes(go: GoVersion) -> dict[int, str]:
    table = {c: f"\\u{c:04x}" for c in range(0x20)}
    table.update({0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})
    table.update({0x3C: "\\u003c", 0x3E: "\\u003e", 0x26: "\\u0026"})
    table.update({0x2028: "\\u2028", 0x2029: "\\u2029"})
    # A lone surrogate is how a Python str can be invalid UTF-8; Go writes \ufffd for it.
    table.update(dict.fromkeys(range(0xD800, 0xE000), "\\ufffd"))
    if go >= (1, 22, 0):
        # Go 1.22 started writing \b and \f as short escapes.
        table.update({0x08: "\\b", 0x0C: "\\f"})
    return table


_ESCAPES_1_19 = _string_escapes((1, 19, 0))
_ESCAPES_1_22 = _string_escapes((1, 22, 0))


def _encode_string(text: str, escapes: dict[int, str]) -> str:
    return '"' + text.translate(escapes) + '"'


def _encode_float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    from decimal import Decimal  # imported here: only floats need it, registry answers have none

    # repr holds the shortest digits that round-trip, as strconv's precision -1 does.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # digits before the decimal point
    prefix = "-" if value < 0 else ""
    if 1e-6 <= abs(value) < 1e21:
        if point <= 0:
            return prefix + "0." + "0" * -point + digits
        if point >= len(digits):
            return prefix + digits + "0" * (point - len(digits))
        return prefix + digits[:point] + "." + digits[point:]
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exp = point - 1
    # Go writes at least two exponent digits, then trims e-07 to e-7 (but keeps e+07).
    exp_text = f"e-{-exp}" if exp < 0 else f"e+{exp:02d}"
    return prefix + mantissa + exp_text


def _compact_raw(raw: bytes) -> str:
    """Go's compact with escaping, for a Marshaler's output: drop spaces, escape <>& U+2028/9."""
    out: list[str] = []
    in_string = False
    escaped = False
    for ch in raw.decode("utf-8"):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in " \t\r\n":
            continue
        out.append(_ESCAPES_1_19.get(ord(ch), ch) if ch in "<>&\u2028\u2029" else ch)
    return "".join(out)


def go_marshal(value: Any, *, go: GoVersion = DISTRIBUTION_2_8.go) -> bytes:
    """json.Marshal of a plain value: None, bool, int, float, str, list/tuple, Mapping, RawJSON.

    Mappings are written in their own key order, as Go writes a struct's fields (Go would
    sort a map's keys; sort them first if that is what is meant).
    """
    escapes = _ESCAPES_1_22 if go >= (1, 22, 0) else _ESCAPES_1_19
    out: list[str] = []
    _encode(value, escapes, out)
    return "".join(out).encode("utf-8")


def _encode(value: Any, escapes: dict[int, str], out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_encode_string(value, escapes))
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        out.append(_encode_float(value))
    elif isinstance(value, RawJSON):
        out.append(_compact_raw(value.data))
    elif isinstance(value, Mapping):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str):
                raise TypeError(f"json: object key {key!r} is not a string")
            if index:
                out.append(",")
            out.append(_encode_string(key, escapes))
            out.append(":")
            _encode(item, escapes, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, escapes, out)
        out.append("]")
    else:
        raise TypeError(f"json: unsupported type: {type(value).__name__}")
