"""The full decoder (Go's semantics for any syntax-checked input) and go_unmarshal."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from foreign_explorer.core.gojson.errors import GoJSONError, _base64_error, _type_error
from foreign_explorer.core.gojson.fastpath import _fast_unmarshal
from foreign_explorer.core.gojson.literals import (
    _parse_float64,
    _parse_int64,
    _parse_uint,
    _unquote,
)
from foreign_explorer.core.gojson.scan import _skip_space, check_syntax
from foreign_explorer.core.gojson.stdbase64 import CorruptInput, decoded_capacity, std_decode
from foreign_explorer.core.gojson.types import (
    AnyType,
    BoolType,
    GoType,
    IntType,
    MapType,
    PointerType,
    SliceType,
    StringType,
    StructType,
    StructValue,
    UintType,
    zero_value,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, GoVersion

# Go 1.24 started naming the embedded structs a promoted field goes through in a type
# error's field path (`Manifest.Versioned.schemaVersion`).
_EMBEDDED_IN_PATH = (1, 24, 0)


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
            items = (_freeze(go_type.elem, value.backing[i]) for i in range(value.length))
            return bytes(items) if go_type.is_bytes else tuple(items)
        case MapType() if value is not None:
            return MappingProxyType({k: _freeze(go_type.elem, v) for k, v in value.items()})
        case PointerType() if value is not None:
            return _freeze(go_type.elem, value.target)
    return value


_LITERAL_END = frozenset(b" \t\r\n,]}")


class _Decoder:
    """Decodes syntax-checked bytes; keeps the first type error, as Go's decodeState does."""

    def __init__(self, data: bytes, go: GoVersion) -> None:
        self.data = data
        self.pos = 0
        self.error: GoJSONError | None = None
        self.struct_name = ""
        self.field_path: list[str] = []
        self.embedded_in_path = go >= _EMBEDDED_IN_PATH

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
            if isinstance(go_type, SliceType) and go_type.is_bytes:
                return self.base64(_unquote(data[start + 1 : end - 1]), current)
            self.save_type_error("string", go_type.name, end)
            return current
        end = self.literal_end(start)
        self.pos = end
        if c == 0x74 or c == 0x66:
            if isinstance(go_type, BoolType):
                return c == 0x74
            self.save_type_error("bool", go_type.name, end)
            return current
        if isinstance(go_type, IntType | UintType):
            text = data[start:end].decode("ascii")
            if isinstance(go_type, IntType):
                number = _parse_int64(text)
            else:
                number = _parse_uint(text, go_type.bits)
            if number is None:
                self.save_type_error("number " + text, go_type.name, end)
                return current
            return number
        self.save_type_error("number", go_type.name, end)
        return current

    def base64(self, text: str, current: Any) -> Any:
        """A string into []byte: Go's StdEncoding, the first bad byte an error of its own."""
        raw = text.encode("utf-8", "surrogatepass")
        try:
            decoded = std_decode(raw)
        except CorruptInput as exc:
            if self.error is None:
                self.error = _base64_error(exc.offset, ".".join(self.field_path))
            return current
        # Go keeps the whole decode buffer as the slice's capacity.
        capacity = max(decoded_capacity(len(raw)), len(decoded))
        return _Slice(list(decoded) + [0] * (capacity - len(decoded)), len(decoded))

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
                    if self.embedded_in_path:
                        self.field_path.extend(f.embedded)
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


def go_unmarshal(data: bytes, go_type: GoType, *, go: GoVersion = DISTRIBUTION_2_8.go) -> Any:
    """json.Unmarshal(data, &v) for a fresh v of go_type, as that Go version does it.

    Returns the frozen value; raises GoJSONError (kind "syntax", "type" or "base64") where Go
    errs. The Go version only changes how a type error names its field.
    """
    data = bytes(data)
    done, value = _fast_unmarshal(data, go_type)
    if done:
        return value
    return go_unmarshal_full(data, go_type, go=go)


def go_unmarshal_full(data: bytes, go_type: GoType, *, go: GoVersion = DISTRIBUTION_2_8.go) -> Any:
    """go_unmarshal without the fast path (the reference the fast path is tested against)."""
    data = bytes(data)
    check_syntax(data)
    return _Decoder(data, go).run(go_type)
