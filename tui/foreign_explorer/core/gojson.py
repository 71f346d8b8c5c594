"""Go's encoding/json as distribution 2.8 runs it (Go 1.19): decoding manifests, encoding bodies.

Decoding follows json.Unmarshal into Go structs: a full syntax check first, then a decode that
matches keys case-insensitively (Go's folding, `urlſ` is `urls`), lets the last duplicate key
decode again into the same value (slices refilled in place, stale elements included), ignores
`null` for structs and scalars, turns invalid UTF-8 into U+FFFD byte by byte, and keeps going
after a type error to report the first one. Values come back frozen: `StructValue` for structs,
tuples for slices (None for a nil slice), read-only mappings for maps.

Encoding follows json.Marshal: no spaces, `<`, `>`, `&`, U+2028 and U+2029 escaped.
"""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.gostrconv import quote
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, GoVersion

# --------------------------------------------------------------------------------------------
# Schema: the Go types a document decodes into.


@dataclass(frozen=True)
class StringType:
    """A Go string kind; `name` is how reflect prints it (`string`, `digest.Digest`)."""

    name: str = "string"


@dataclass(frozen=True)
class IntType:
    """A signed 64-bit Go integer (`int` and `int64` alike on the registry's platforms)."""

    name: str = "int"


@dataclass(frozen=True)
class BoolType:
    name: str = "bool"


@dataclass(frozen=True)
class AnyType:
    """interface{}: objects, arrays, strings, float64 numbers, bools and nil."""

    name: str = "interface {}"


@dataclass(frozen=True)
class SliceType:
    elem: GoType

    @property
    def name(self) -> str:
        return "[]" + self.elem.name


@dataclass(frozen=True)
class MapType:
    """map[string]elem."""

    elem: GoType

    @property
    def name(self) -> str:
        return "map[string]" + self.elem.name


@dataclass(frozen=True)
class PointerType:
    elem: GoType

    @property
    def name(self) -> str:
        return "*" + self.elem.name


@dataclass(frozen=True)
class Field:
    """One exported struct field: its Go name, its json tag name and its type."""

    go_name: str
    json_name: str
    type: GoType


@dataclass(frozen=True)
class StructType:
    """A Go struct with embedded fields already promoted, in Go's field order.

    `name` is package-qualified as reflect prints it (`distribution.Descriptor`).
    """

    name: str
    fields: tuple[Field, ...]
    _exact: Mapping[str, int] = field(init=False, repr=False, compare=False)
    _folded: Mapping[str, int] = field(init=False, repr=False, compare=False)
    zero: StructValue = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, int] = {}
        folded: dict[str, int] = {}
        for index, f in enumerate(self.fields):
            if not f.json_name.isascii():
                raise ValueError(f"field name {f.json_name!r}: only ASCII names are supported")
            exact.setdefault(f.json_name, index)
            folded.setdefault(_fold(f.json_name), index)
        object.__setattr__(self, "_exact", MappingProxyType(exact))
        object.__setattr__(self, "_folded", MappingProxyType(folded))
        zeros = tuple(zero_value(f.type) for f in self.fields)
        object.__setattr__(self, "zero", StructValue(self, zeros))

    @property
    def short_name(self) -> str:
        """The name without its package, as Go error texts name the struct of a field."""
        return self.name.rpartition(".")[2]

    def field_index(self, key: str) -> int | None:
        """The field a key fills: an exact match first, else the first one equal under folding."""
        index = self._exact.get(key)
        if index is None:
            index = self._folded.get(_fold(key))
        return index


GoType = StringType | IntType | BoolType | AnyType | SliceType | MapType | PointerType | StructType

# Go folds ASCII letters, plus the two non-ASCII runes that fold onto them (ſ→s, K→k).
_FOLD_TABLE = {**{c: c - 32 for c in range(ord("a"), ord("z") + 1)}, 0x17F: "S", 0x212A: "K"}


def _fold(name: str) -> str:
    return name.translate(_FOLD_TABLE)


# --------------------------------------------------------------------------------------------
# Values: what a decode returns.


class StructValue(Mapping[str, Any]):
    """A decoded Go struct: read-only, keyed by json field name, every field present."""

    __slots__ = ("_type", "_values")

    def __init__(self, go_type: StructType, values: tuple[Any, ...]) -> None:
        object.__setattr__(self, "_type", go_type)
        object.__setattr__(self, "_values", values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("StructValue is read-only")

    @property
    def go_type(self) -> StructType:
        return self._type

    def __getitem__(self, key: str) -> Any:
        return self._values[self._type._exact[key]]

    def __iter__(self) -> Iterator[str]:
        return (f.json_name for f in self._type.fields)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(self, self._values, strict=True))
        return f"{self._type.short_name}({inner})"


def zero_value(go_type: GoType) -> Any:
    """Go's zero value of a type, frozen."""
    match go_type:
        case StringType():
            return ""
        case IntType():
            return 0
        case BoolType():
            return False
        case StructType():
            return go_type.zero
    return None


# --------------------------------------------------------------------------------------------
# Errors.

ErrorKind = Literal["syntax", "type", "document"]


class GoJSONError(ForeignExplorerError):
    """What json.Unmarshal (or distribution's checks around it) returned for a document.

    `go_text` is Go's err.Error(); `detail_json` is json.Marshal(err), the MANIFEST_INVALID
    detail a 2.8 registry sends. `kind` is "syntax" (*json.SyntaxError), "type"
    (*json.UnmarshalTypeError) or "document" (distribution's own checks, detail `{}`).
    """

    def __init__(
        self,
        kind: ErrorKind,
        go_text: str,
        detail_json: bytes,
        offset: int | None = None,
        field: str = "",
    ) -> None:
        super().__init__(_one_line(go_text))
        self.kind: ErrorKind = kind
        self.go_text = go_text
        self.detail_json = detail_json
        # Bytes read before the error (Go's Offset); None for document errors.
        self.offset = offset
        # The json field path of a type error ("layers.urls"), else "".
        self.field = field


def _one_line(text: str) -> str:
    # Document errors quote user strings, which may hold line breaks.
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else quote(ch)[1:-1] for ch in text)


def _syntax_error(message: str, offset: int) -> GoJSONError:
    return GoJSONError("syntax", message, go_marshal({"Offset": offset}), offset)


def _quote_byte(c: int) -> str:
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    return "'" + quote(chr(c))[1:-1] + "'"


def _invalid_char(c: int, context: str, offset: int) -> GoJSONError:
    return _syntax_error(f"invalid character {_quote_byte(c)} {context}", offset)


def _type_error(
    value: str, type_name: str, offset: int, struct: str, field_path: str
) -> GoJSONError:
    target = f"Go struct field {struct}.{field_path}" if struct or field_path else "Go value"
    text = f"json: cannot unmarshal {value} into {target} of type {type_name}"
    detail = go_marshal(
        {"Value": value, "Type": {}, "Offset": offset, "Struct": struct, "Field": field_path}
    )
    return GoJSONError("type", text, detail, offset, field_path)


# --------------------------------------------------------------------------------------------
# Syntax check: Go rejects a malformed document before decoding any of it.

_MAX_DEPTH = 10000
_SPACE = frozenset(b" \t\r\n")
_DIGITS = frozenset(b"0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_SIMPLE_ESCAPES = frozenset(b'bfnrt\\/"')
_CONTROL = bytes(range(0x20))


def _skip_space(data: bytes, i: int) -> int:
    n = len(data)
    while i < n and data[i] in _SPACE:
        i += 1
    return i


def _end_of_input(data: bytes) -> GoJSONError:
    return _syntax_error("unexpected end of JSON input", len(data))


def _at_end(data: bytes, context: str) -> GoJSONError:
    # At the end of input Go feeds one more space, so half a token fails on ' '.
    return _invalid_char(0x20, context, len(data))


def _check_string(data: bytes, i: int) -> int:
    """Validate the string starting at data[i] == '"'; return the index after it."""
    n = len(data)
    j = i + 1
    close = data.find(b'"', j)
    while True:
        if close != -1 and close < j:
            close = data.find(b'"', j)
        stop = data.find(b"\\", j, close if close != -1 else n)
        if stop == -1:
            stop = close
        segment_end = stop if stop != -1 else n
        if len(data[j:segment_end].translate(None, _CONTROL)) != segment_end - j:
            k = j
            while data[k] >= 0x20:
                k += 1
            raise _invalid_char(data[k], "in string literal", k + 1)
        if stop == -1:
            raise _end_of_input(data)
        if stop == close:
            return close + 1
        if stop + 1 >= n:
            raise _at_end(data, "in string escape code")
        escape = data[stop + 1]
        if escape in _SIMPLE_ESCAPES:
            j = stop + 2
            continue
        if escape != 0x75:
            raise _invalid_char(escape, "in string escape code", stop + 2)
        for k in range(stop + 2, stop + 6):
            if k >= n:
                raise _at_end(data, "in \\u hexadecimal character escape")
            if data[k] not in _HEX:
                raise _invalid_char(data[k], "in \\u hexadecimal character escape", k + 1)
        j = stop + 6


def _check_number(data: bytes, i: int) -> int:
    n = len(data)
    j = i
    if data[j] == 0x2D:
        j += 1
        if j >= n:
            raise _at_end(data, "in numeric literal")
        if data[j] not in _DIGITS:
            raise _invalid_char(data[j], "in numeric literal", j + 1)
    if data[j] == 0x30:
        j += 1
    else:
        while j < n and data[j] in _DIGITS:
            j += 1
    if j < n and data[j] == 0x2E:
        j += 1
        if j >= n:
            raise _at_end(data, "after decimal point in numeric literal")
        if data[j] not in _DIGITS:
            raise _invalid_char(data[j], "after decimal point in numeric literal", j + 1)
        while j < n and data[j] in _DIGITS:
            j += 1
    if j < n and data[j] in b"eE":
        j += 1
        if j < n and data[j] in b"+-":
            j += 1
        if j >= n:
            raise _at_end(data, "in exponent of numeric literal")
        if data[j] not in _DIGITS:
            raise _invalid_char(data[j], "in exponent of numeric literal", j + 1)
        while j < n and data[j] in _DIGITS:
            j += 1
    return j


def _check_word(data: bytes, i: int, word: bytes) -> int:
    n = len(data)
    for k in range(1, len(word)):
        context = f"in literal {word.decode()} (expecting {_quote_byte(word[k])})"
        if i + k >= n:
            raise _at_end(data, context)
        if data[i + k] != word[k]:
            raise _invalid_char(data[i + k], context, i + k + 1)
    return i + len(word)


_WORDS = {0x74: b"true", 0x66: b"false", 0x6E: b"null"}


def check_syntax(data: bytes) -> None:
    """Raise Go's *json.SyntaxError (as GoJSONError) if data is not one well-formed value."""
    n = len(data)
    open_containers = bytearray()
    i = _skip_space(data, 0)
    want_value = True
    while True:
        if want_value:
            if i >= n:
                raise _end_of_input(data)
            c = data[i]
            if c == 0x7B or c == 0x5B:
                if len(open_containers) >= _MAX_DEPTH:
                    raise _invalid_char(c, "exceeded max depth", i + 1)
                open_containers.append(c)
                i = _skip_space(data, i + 1)
                if i < n and data[i] == c + 2:
                    open_containers.pop()
                    i += 1
                elif c == 0x7B:
                    i = _check_key(data, i)
                    continue
                else:
                    continue
            elif c == 0x22:
                i = _check_string(data, i)
            elif c == 0x2D or c in _DIGITS:
                i = _check_number(data, i)
            elif c in _WORDS:
                i = _check_word(data, i, _WORDS[c])
            else:
                raise _invalid_char(c, "looking for beginning of value", i + 1)
        # A value just ended: what may follow depends on the innermost container.
        i = _skip_space(data, i)
        if not open_containers:
            if i < n:
                raise _invalid_char(data[i], "after top-level value", i + 1)
            return
        if i >= n:
            raise _end_of_input(data)
        c = data[i]
        inner = open_containers[-1]
        if c == 0x2C:
            i = _skip_space(data, i + 1)
            if inner == 0x7B:
                i = _check_key(data, i)
            want_value = True
        elif c == inner + 2:
            open_containers.pop()
            i += 1
            want_value = False
        elif inner == 0x5B:
            raise _invalid_char(c, "after array element", i + 1)
        else:
            raise _invalid_char(c, "after object key:value pair", i + 1)


def _check_key(data: bytes, i: int) -> int:
    """Validate `"key" :` at data[i]; return where the value starts."""
    n = len(data)
    if i >= n:
        raise _end_of_input(data)
    if data[i] != 0x22:
        raise _invalid_char(data[i], "looking for beginning of object key string", i + 1)
    i = _skip_space(data, _check_string(data, i))
    if i >= n:
        raise _end_of_input(data)
    if data[i] != 0x3A:
        raise _invalid_char(data[i], "after object key", i + 1)
    return _skip_space(data, i + 1)


# --------------------------------------------------------------------------------------------
# Strings.

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


def _parse_float64(text: str) -> float | None:
    """strconv.ParseFloat(text, 64) for a JSON number literal, or None when it overflows."""
    value = float(text)
    return None if value in (float("inf"), float("-inf")) else value


# --------------------------------------------------------------------------------------------
# The full decoder: Go's semantics for any input that passed the syntax check.


class _Slice:
    """A Go slice while decoding: its backing array (len == cap) and its length."""

    __slots__ = ("backing", "length")

    def __init__(self, backing: list[Any], length: int) -> None:
        self.backing = backing
        self.length = length


class _Pointer:
    __slots__ = ("target",)

    def __init__(self, target: Any) -> None:
        self.target = target


def _zero_mutable(go_type: GoType) -> Any:
    if isinstance(go_type, StructType):
        return [_zero_mutable(f.type) for f in go_type.fields]
    return zero_value(go_type)


def _freeze(go_type: GoType, value: Any) -> Any:
    match go_type:
        case StructType():
            return StructValue(
                go_type,
                tuple(_freeze(f.type, v) for f, v in zip(go_type.fields, value, strict=True)),
            )
        case SliceType() if value is not None:
            return tuple(_freeze(go_type.elem, value.backing[i]) for i in range(value.length))
        case MapType() if value is not None:
            return MappingProxyType({k: _freeze(go_type.elem, v) for k, v in value.items()})
        case PointerType() if value is not None:
            return _freeze(go_type.elem, value.target)
    return value


_LITERAL_END = frozenset(b" \t\r\n,]}")


class _Decoder:
    """Decodes syntax-checked bytes; keeps the first type error, as Go's decodeState does."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.error: GoJSONError | None = None
        self.struct_name = ""
        self.field_path: list[str] = []

    def run(self, go_type: GoType) -> Any:
        self.skip_space()
        value = self.value(go_type, _zero_mutable(go_type))
        if self.error is not None:
            raise self.error
        return _freeze(go_type, value)

    def skip_space(self) -> None:
        self.pos = _skip_space(self.data, self.pos)

    def save_type_error(self, value: str, type_name: str, offset: int) -> None:
        if self.error is None:
            self.error = _type_error(
                value, type_name, offset, self.struct_name, ".".join(self.field_path)
            )

    def value(self, go_type: GoType, current: Any) -> Any:
        """Decode the value at pos into `current` (Go's existing value); return the result."""
        c = self.data[self.pos]
        if c == 0x6E:  # null: nils what can be nil, leaves everything else as it was
            self.pos += 4
            if isinstance(go_type, SliceType | MapType | PointerType | AnyType):
                return None
            return current
        if isinstance(go_type, PointerType):
            pointer = current if current is not None else _Pointer(_zero_mutable(go_type.elem))
            pointer.target = self.value(go_type.elem, pointer.target)
            return pointer
        if isinstance(go_type, AnyType):
            return self.any_value()
        if c == 0x7B:
            return self.object(go_type, current)
        if c == 0x5B:
            return self.array(go_type, current)
        return self.literal(go_type, current)

    def literal(self, go_type: GoType, current: Any) -> Any:
        data, start = self.data, self.pos
        c = data[start]
        if c == 0x22:
            end = self.string_end(start)
            self.pos = end
            if isinstance(go_type, StringType):
                return _unquote(data[start + 1 : end - 1])
            self.save_type_error("string", go_type.name, end)
            return current
        end = self.literal_end(start)
        self.pos = end
        if c == 0x74 or c == 0x66:
            if isinstance(go_type, BoolType):
                return c == 0x74
            self.save_type_error("bool", go_type.name, end)
            return current
        if isinstance(go_type, IntType):
            text = data[start:end].decode("ascii")
            number = _parse_int64(text)
            if number is None:
                self.save_type_error("number " + text, go_type.name, end)
                return current
            return number
        self.save_type_error("number", go_type.name, end)
        return current

    def array(self, go_type: GoType, current: Any) -> Any:
        data = self.data
        start = self.pos
        if not isinstance(go_type, SliceType):
            self.save_type_error("array", go_type.name, start + 1)
            self.skip()
            return current
        self.pos += 1
        self.skip_space()
        if data[self.pos] == 0x5D:
            self.pos += 1
            return _Slice([], 0)
        elem = go_type.elem
        # A second array for the same field reuses the slice: elements merge, and growing
        # within capacity uncovers elements an earlier, longer array left behind.
        slice_ = current if current is not None else _Slice([], 0)
        i = 0
        while True:
            capacity = len(slice_.backing)
            if i >= capacity:
                grown = max(capacity + capacity // 2, 4)
                slice_.backing = slice_.backing[: slice_.length] + [
                    _zero_mutable(elem) for _ in range(grown - slice_.length)
                ]
            if i >= slice_.length:
                slice_.length = i + 1
            slice_.backing[i] = self.value(elem, slice_.backing[i])
            i += 1
            self.skip_space()
            c = data[self.pos]
            self.pos += 1
            if c == 0x5D:
                break
            self.skip_space()
        slice_.length = min(slice_.length, i)
        return slice_

    def object(self, go_type: GoType, current: Any) -> Any:
        data = self.data
        start = self.pos
        if not isinstance(go_type, StructType | MapType):
            self.save_type_error("object", go_type.name, start + 1)
            self.skip()
            return current
        if isinstance(go_type, MapType) and current is None:
            current = {}
        self.pos += 1
        self.skip_space()
        if data[self.pos] == 0x7D:
            self.pos += 1
            return current
        while True:
            key = self.key()
            if isinstance(go_type, MapType):
                # Each map entry starts from a fresh zero value, so null leaves "" behind.
                current[key] = self.value(go_type.elem, _zero_mutable(go_type.elem))
            else:
                index = go_type.field_index(key)
                if index is None:
                    self.skip()
                else:
                    f = go_type.fields[index]
                    outer_struct, depth = self.struct_name, len(self.field_path)
                    self.struct_name = go_type.short_name
                    self.field_path.append(f.json_name)
                    current[index] = self.value(f.type, current[index])
                    self.struct_name = outer_struct
                    del self.field_path[depth:]
            self.skip_space()
            c = data[self.pos]
            self.pos += 1
            if c == 0x7D:
                return current
            self.skip_space()

    def key(self) -> str:
        """Read `"key" :` and the space after it."""
        start = self.pos
        end = self.string_end(start)
        self.pos = end
        self.skip_space()
        self.pos += 1
        self.skip_space()
        return _unquote(self.data[start + 1 : end - 1])

    def any_value(self) -> Any:
        """Decode an interface{} value, without recursion (nesting may be 10000 deep)."""
        data = self.data
        # Open containers: a list, or a dict with the key its next value goes under.
        stack: list[tuple[list[Any] | dict[str, Any], str]] = []
        while True:
            c = data[self.pos]
            if c == 0x5B or c == 0x7B:
                self.pos += 1
                self.skip_space()
                if data[self.pos] == c + 2:
                    self.pos += 1
                    value: Any = () if c == 0x5B else MappingProxyType({})
                else:
                    stack.append(([], "") if c == 0x5B else ({}, self.key()))
                    continue
            else:
                value = self.any_literal()
            while True:
                if not stack:
                    return value
                container, key = stack[-1]
                if isinstance(container, list):
                    container.append(value)
                else:
                    container[key] = value
                self.skip_space()
                c = data[self.pos]
                self.pos += 1
                self.skip_space()
                if c == 0x2C:
                    if isinstance(container, dict):
                        stack[-1] = (container, self.key())
                    break
                stack.pop()
                value = (
                    tuple(container) if isinstance(container, list) else MappingProxyType(container)
                )

    def any_literal(self) -> Any:
        data, start = self.data, self.pos
        c = data[start]
        if c == 0x22:
            self.pos = self.string_end(start)
            return _unquote(data[start + 1 : self.pos - 1])
        self.pos = self.literal_end(start)
        if c == 0x74:
            return True
        if c == 0x66:
            return False
        if c == 0x6E:
            return None
        text = data[start : self.pos].decode("ascii")
        number = _parse_float64(text)
        if number is None:
            # Go reports this one a byte further on than other literal errors.
            self.save_type_error("number " + text, "float64", self.pos + 1)
        return number

    def string_end(self, start: int) -> int:
        data = self.data
        j = start + 1
        while True:
            close = data.find(b'"', j)
            k = close - 1
            while data[k] == 0x5C:
                k -= 1
            if (close - 1 - k) % 2 == 0:
                return close + 1
            j = close + 1

    def literal_end(self, start: int) -> int:
        data, n = self.data, len(self.data)
        j = start + 1
        while j < n and data[j] not in _LITERAL_END:
            j += 1
        return j

    def skip(self) -> None:
        """Step over one value without decoding it."""
        data = self.data
        c = data[self.pos]
        if c == 0x22:
            self.pos = self.string_end(self.pos)
            return
        if c != 0x5B and c != 0x7B:
            self.pos = self.literal_end(self.pos)
            return
        depth = 0
        j = self.pos
        while True:
            c = data[j]
            if c == 0x22:
                j = self.string_end(j)
                continue
            if c == 0x5B or c == 0x7B:
                depth += 1
            elif c == 0x5D or c == 0x7D:
                depth -= 1
                if depth == 0:
                    self.pos = j + 1
                    return
            j += 1


# --------------------------------------------------------------------------------------------
# The fast path: Python's json parser, used only when the document has none of Go's quirks.


class _Bail(Exception):
    """The document needs the full decoder."""


class _Number(str):
    """A number literal's text, kept as written."""


def _reject_constant(name: str) -> None:
    raise ValueError(name)


def _fast_unmarshal(data: bytes, go_type: GoType) -> tuple[bool, Any]:
    # Strict UTF-8 without BOM, and Python's strict parser accepting it, means Go's scanner
    # does too; the conversion below then bails on anything Go would treat differently.
    if data.startswith(b"\xef\xbb\xbf"):
        return False, None
    try:
        text = data.decode("utf-8")
        tree = json.loads(
            text,
            object_pairs_hook=tuple,
            parse_int=_Number,
            parse_float=_Number,
            parse_constant=_reject_constant,
        )
        return True, _fast_value(go_type, tree)
    except (ValueError, RecursionError, _Bail):
        return False, None


def _fast_value(go_type: GoType, value: Any) -> Any:
    if value is None:
        return zero_value(go_type)
    kind = type(value)
    match go_type:
        case StringType() if kind is str:
            return _fix_surrogates(value)
        case IntType() if kind is _Number:
            number = _parse_int64(value)
            if number is not None:
                return number
        case BoolType() if kind is bool:
            return value
        case SliceType() if kind is list:
            return tuple(_fast_value(go_type.elem, v) for v in value)
        case MapType() if kind is tuple:
            return MappingProxyType(
                {_fix_surrogates(k): _fast_value(go_type.elem, v) for k, v in value}
            )
        case PointerType():
            return _fast_value(go_type.elem, value)
        case AnyType():
            return _fast_any(value)
        case StructType() if kind is tuple:
            return _fast_struct(go_type, value)
    raise _Bail


def _fast_struct(go_type: StructType, pairs: tuple[tuple[str, Any], ...]) -> StructValue:
    values = list(go_type.zero._values)
    seen: set[int] = set()
    for key, value in pairs:
        index = go_type._exact.get(key)
        if index is None:
            if go_type.field_index(key) is not None:
                raise _Bail  # a case-folded key
            continue
        if index in seen:
            raise _Bail  # a duplicate key decodes into the earlier value
        seen.add(index)
        values[index] = _fast_value(go_type.fields[index].type, value)
    return StructValue(go_type, tuple(values))


def _fast_any(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return _fix_surrogates(value)
    if kind is _Number:
        number = _parse_float64(value)
        if number is None:
            raise _Bail
        return number
    if kind is list:
        return tuple(_fast_any(v) for v in value)
    if kind is tuple:
        return MappingProxyType({_fix_surrogates(k): _fast_any(v) for k, v in value})
    return value  # None, True, False


# --------------------------------------------------------------------------------------------
# Public decoding API.


def go_unmarshal(data: bytes, go_type: GoType) -> Any:
    """json.Unmarshal(data, &v) for a fresh v of go_type, as Go 1.19 does it.

    Returns the frozen value; raises GoJSONError (kind "syntax" or "type") where Go errs.
    """
    data = bytes(data)
    done, value = _fast_unmarshal(data, go_type)
    if done:
        return value
    return go_unmarshal_full(data, go_type)


def go_unmarshal_full(data: bytes, go_type: GoType) -> Any:
    """go_unmarshal without the fast path (the reference the fast path is tested against)."""
    data = bytes(data)
    check_syntax(data)
    return _Decoder(data).run(go_type)


@dataclass(frozen=True)
class DocumentSchema:
    """How distribution 2.8 decodes one manifest media type.

    `probe`, when set, is decoded first (distribution's validateManifest/validateIndex); any
    non-nil probe field fails with `probe_message`. After the main decode, the document's
    mediaType must equal `media_type` (or, if `media_type_optional`, may also be empty).
    """

    media_type: str
    struct: StructType
    media_type_message: str
    media_type_optional: bool = False
    probe: StructType | None = None
    probe_message: str = ""


def _document_error(text: str) -> GoJSONError:
    # distribution's errors are plain Go errors: json.Marshal gives {}.
    return GoJSONError("document", text, b"{}")


def decode_document(data: bytes, schema: DocumentSchema | StructType) -> StructValue:
    """What distribution 2.8's unmarshal function for schema's media type makes of data.

    Raises GoJSONError for everything the registry answers with MANIFEST_INVALID there. A bare
    StructType is only decoded, without distribution's checks.
    """
    if isinstance(schema, StructType):
        return go_unmarshal(data, schema)
    if schema.probe is not None:
        probe = go_unmarshal(data, schema.probe)
        if any(value is not None for value in probe.values()):
            raise _document_error(schema.probe_message)
    document = go_unmarshal(data, schema.struct)
    media_type = document["mediaType"]
    if media_type != schema.media_type and not (schema.media_type_optional and media_type == ""):
        raise _document_error(schema.media_type_message % (schema.media_type, media_type))
    return document


# --------------------------------------------------------------------------------------------
# distribution v2.8.2's document types (embedded structs promoted; the shallower of two
# same-named fields wins, as in Go).

DIGEST = StringType("digest.Digest")
STRINGS = SliceType(StringType())
ANNOTATIONS = MapType(StringType())

# image-spec v1.0.2 specs-go/v1.Platform
PLATFORM = StructType(
    "v1.Platform",
    (
        Field("Architecture", "architecture", StringType()),
        Field("OS", "os", StringType()),
        Field("OSVersion", "os.version", StringType()),
        Field("OSFeatures", "os.features", STRINGS),
        Field("Variant", "variant", StringType()),
    ),
)

_DESCRIPTOR_FIELDS = (
    Field("MediaType", "mediaType", StringType()),
    Field("Size", "size", IntType("int64")),
    Field("Digest", "digest", DIGEST),
    Field("URLs", "urls", STRINGS),
    Field("Annotations", "annotations", ANNOTATIONS),
)

# distribution.Descriptor (blobs.go)
DESCRIPTOR = StructType(
    "distribution.Descriptor",
    (*_DESCRIPTOR_FIELDS, Field("Platform", "platform", PointerType(PLATFORM))),
)

# manifestlist.PlatformSpec
PLATFORM_SPEC = StructType(
    "manifestlist.PlatformSpec",
    (
        Field("Architecture", "architecture", StringType()),
        Field("OS", "os", StringType()),
        Field("OSVersion", "os.version", StringType()),
        Field("OSFeatures", "os.features", STRINGS),
        Field("Variant", "variant", StringType()),
        Field("Features", "features", STRINGS),
    ),
)

# manifestlist.ManifestDescriptor: its own Platform hides the embedded Descriptor's.
MANIFEST_DESCRIPTOR = StructType(
    "manifestlist.ManifestDescriptor",
    (*_DESCRIPTOR_FIELDS, Field("Platform", "platform", PLATFORM_SPEC)),
)

# manifest.Versioned, embedded in every document
_VERSIONED_FIELDS = (
    Field("SchemaVersion", "schemaVersion", IntType("int")),
    Field("MediaType", "mediaType", StringType()),
)

SCHEMA2_MANIFEST_STRUCT = StructType(
    "schema2.Manifest",
    (
        *_VERSIONED_FIELDS,
        Field("Config", "config", DESCRIPTOR),
        Field("Layers", "layers", SliceType(DESCRIPTOR)),
    ),
)

OCI_MANIFEST_STRUCT = StructType(
    "ocischema.Manifest",
    (
        *_VERSIONED_FIELDS,
        Field("Config", "config", DESCRIPTOR),
        Field("Layers", "layers", SliceType(DESCRIPTOR)),
        Field("Annotations", "annotations", ANNOTATIONS),
    ),
)

# manifestlist.ManifestList: 2.8 decodes OCI indexes into it too.
MANIFEST_LIST_STRUCT = StructType(
    "manifestlist.ManifestList",
    (*_VERSIONED_FIELDS, Field("Manifests", "manifests", SliceType(MANIFEST_DESCRIPTOR))),
)

# ocischema's validateManifest document
OCI_MANIFEST_PROBE = StructType(
    "ocischema.unknownDocument", (Field("Manifests", "manifests", AnyType()),)
)

# manifestlist's validateIndex document
OCI_INDEX_PROBE = StructType(
    "manifestlist.unknownDocument",
    (Field("Config", "config", AnyType()), Field("Layers", "layers", AnyType())),
)

# What a document says about itself, to guess its type when no Content-Type says it.
VERSIONED_PROBE = StructType(
    "manifest.Versioned", (*_VERSIONED_FIELDS, Field("Manifests", "manifests", AnyType()))
)

MEDIA_TYPE_SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json"
MEDIA_TYPE_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MEDIA_TYPE_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_TYPE_OCI_INDEX = "application/vnd.oci.image.index.v1+json"

SCHEMA2_MANIFEST = DocumentSchema(
    media_type=MEDIA_TYPE_SCHEMA2,
    struct=SCHEMA2_MANIFEST_STRUCT,
    media_type_message="mediaType in manifest should be '%s' not '%s'",
)

OCI_MANIFEST = DocumentSchema(
    media_type=MEDIA_TYPE_OCI_MANIFEST,
    struct=OCI_MANIFEST_STRUCT,
    media_type_message="if present, mediaType in manifest should be '%s' not '%s'",
    media_type_optional=True,
    probe=OCI_MANIFEST_PROBE,
    probe_message="ocimanifest: expected manifest but found index",
)

MANIFEST_LIST = DocumentSchema(
    media_type=MEDIA_TYPE_MANIFEST_LIST,
    struct=MANIFEST_LIST_STRUCT,
    media_type_message="mediaType in manifest list should be '%s' not '%s'",
)

OCI_INDEX = DocumentSchema(
    media_type=MEDIA_TYPE_OCI_INDEX,
    struct=MANIFEST_LIST_STRUCT,
    media_type_message="if present, mediaType in image index should be '%s' not '%s'",
    media_type_optional=True,
    probe=OCI_INDEX_PROBE,
    probe_message="index: expected index but found manifest",
)


# --------------------------------------------------------------------------------------------
# Encoding: json.Marshal.


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
