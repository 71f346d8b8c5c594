"""The fast path: Python's json parser, used only when a document has none of Go's quirks."""

from __future__ import annotations

import json
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from foreign_explorer.core.gojson.literals import _fix_surrogates, _parse_float64, _parse_int64
from foreign_explorer.core.gojson.stdbase64 import CorruptInput, std_decode
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
    zero_value,
)


class _Bail(Exception):
    """The document needs the full decoder."""


class _Number(str):
    """A number literal's text, kept as written."""


def _reject_constant(name: str) -> None:
    raise ValueError(name)


_NOT_PARSED = object()


@lru_cache(maxsize=4)
def fast_tree(data: bytes) -> Any:
    """Python's parse of `data`, or _NOT_PARSED; cached, as one manifest is decoded as
    several Go types in a row (its probe, then each registry version's document)."""
    # Strict UTF-8 without BOM, and Python's strict parser accepting it, means Go's scanner
    # does too (the converse does not hold: invalid UTF-8 and deep nesting are Go's JSON).
    if data.startswith(b"\xef\xbb\xbf"):
        return _NOT_PARSED
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=tuple,
            parse_int=_Number,
            parse_float=_Number,
            parse_constant=_reject_constant,
        )
    except (ValueError, RecursionError):
        return _NOT_PARSED


def is_parsed(tree: Any) -> bool:
    return tree is not _NOT_PARSED


def _fast_unmarshal(data: bytes, go_type: GoType) -> tuple[bool, Any]:
    # The conversion bails on anything Go would treat differently from Python.
    tree = fast_tree(data)
    if tree is _NOT_PARSED:
        return False, None
    try:
        return True, _fast_value(go_type, tree)
    except (RecursionError, _Bail):
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
        case SliceType() if go_type.is_bytes:
            if kind is str:
                try:
                    return std_decode(_fix_surrogates(value).encode("utf-8"))
                except CorruptInput:
                    pass  # the full decoder reports it in Go's order
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
