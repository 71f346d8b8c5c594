"""The syntax check: Go rejects a malformed document before decoding any of it."""

from __future__ import annotations

from foreign_explorer.core.gojson.errors import (
    GoJSONError,
    _invalid_char,
    _quote_byte,
    _syntax_error,
)

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
