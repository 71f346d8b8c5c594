"""The Go types a document decodes into, and the frozen values a decode returns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class StringType:
    """A Go string kind; `name` is how reflect prints it (`string`, `digest.Digest`)."""

    name: str = "string"


@dataclass(frozen=True)
class IntType:
    """A signed 64-bit Go integer (`int` and `int64` alike on the registry's platforms)."""

    name: str = "int"


@dataclass(frozen=True)
class UintType:
    """An unsigned Go integer of `bits` bits (`uint8`, the element of a []byte)."""

    name: str = "uint8"
    bits: int = 8


@dataclass(frozen=True)
class BoolType:
    """A Go bool."""

    name: str = "bool"


@dataclass(frozen=True)
class AnyType:
    """interface{}: objects, arrays, strings, float64 numbers, bools and nil."""

    name: str = "interface {}"


@dataclass(frozen=True)
class SliceType:
    """[]elem: a JSON array (or, for []byte, a base64 string)."""

    elem: GoType

    @property
    def name(self) -> str:
        return "[]" + self.elem.name

    @property
    def is_bytes(self) -> bool:
        """[]byte: Go decodes a JSON string into it as base64, an array element by element."""
        return isinstance(self.elem, UintType) and self.elem.bits == 8


@dataclass(frozen=True)
class MapType:
    """map[string]elem."""

    elem: GoType

    @property
    def name(self) -> str:
        return "map[string]" + self.elem.name


@dataclass(frozen=True)
class PointerType:
    """*elem: `null` leaves it nil."""

    elem: GoType

    @property
    def name(self) -> str:
        return "*" + self.elem.name


@dataclass(frozen=True)
class Field:
    """One exported struct field: its Go name, its json tag name and its type.

    `embedded` names the embedded structs it is promoted through, outermost first (the
    `Versioned` of `schemaVersion`): Go 1.24 and later put them in a type error's field path.
    """

    go_name: str
    json_name: str
    type: GoType
    embedded: tuple[str, ...] = ()


@dataclass(frozen=True)
class StructType:
    """A Go struct with embedded fields already promoted, in Go's field order.

    `name` is package-qualified as reflect prints it (`distribution.Descriptor`).
    """

    name: str
    fields: tuple[Field, ...]
    # An anonymous struct: `name` is its whole type (`struct { ... }`), errors name no struct.
    anonymous: bool = False
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
        return "" if self.anonymous else self.name.rpartition(".")[2]

    def field_index(self, key: str) -> int | None:
        """The field a key fills: an exact match first, else the first one equal under folding."""
        index = self._exact.get(key)
        if index is None:
            index = self._folded.get(_fold(key))
        return index


GoType = (
    StringType
    | IntType
    | UintType
    | BoolType
    | AnyType
    | SliceType
    | MapType
    | PointerType
    | StructType
)

# Go folds ASCII letters, plus the two non-ASCII runes that fold onto them (ſ→s, K→k).
_FOLD_TABLE = {**{c: c - 32 for c in range(ord("a"), ord("z") + 1)}, 0x17F: "S", 0x212A: "K"}


def _fold(name: str) -> str:
    return name.translate(_FOLD_TABLE)


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

    def get(self, key: str, default: Any = None) -> Any:
        # Mapping.get goes through __getitem__ and KeyError: a million descriptors call this.
        at = self._type._exact.get(key)
        return default if at is None else self._values[at]

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
        case IntType() | UintType():
            return 0
        case BoolType():
            return False
        case StructType():
            return go_type.zero
    return None
