"""Writing to the terminal: colour only on a terminal, outside text never obeyed, one-line errors.

Every command writes through `emit` and `error`. Outside text is escaped where it is put into
a line (`visible`), and `emit` escapes again at the boundary: a control character that is not
one of this module's own colour codes never reaches the terminal raw.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from foreign_explorer.core.visible import visible

_RESET = "0"
# The SGR codes `Style` writes; nothing else passes `emit` unescaped.
_CODES = frozenset({_RESET, "1", "31", "32", "33", "1;31", "1;32", "1;33"})


class Style:
    """ANSI colour only on a terminal, and never with NO_COLOR set."""

    def __init__(self, stream: TextIO) -> None:
        isatty = getattr(stream, "isatty", None)
        self.enabled = bool(isatty and isatty()) and not os.environ.get("NO_COLOR")

    def __call__(self, text: str, code: str) -> str:
        if code not in _CODES:
            raise ValueError(f"unknown colour code {code!r}")
        text = visible(text)
        return f"\x1b[{code}m{text}\x1b[{_RESET}m" if self.enabled else text


def safe_text(text: str, colour: bool) -> str:
    """`text` line by line with every control escaped, keeping `Style`'s codes when `colour`."""
    return "\n".join(_safe_line(line, colour) for line in text.split("\n"))


def _safe_line(line: str, colour: bool) -> str:
    if not colour or "\x1b[" not in line:
        return visible(line)
    pieces = line.split("\x1b[")
    out = [visible(pieces[0])]
    for piece in pieces[1:]:
        code, found, rest = piece.partition("m")
        if found and code in _CODES:
            out.append(f"\x1b[{code}m{visible(rest)}")
        else:
            out.append(visible("\x1b[" + piece))
    return "".join(out)


def emit(text: str, stream: TextIO | None = None, *, style: Style | None = None) -> None:
    """Write `text` and a newline; colour codes survive only when `style` is enabled."""
    stream = sys.stdout if stream is None else stream
    stream.write(safe_text(text, bool(style and style.enabled)) + "\n")


def error(prog: str, message: str) -> None:
    """`prog: message` on standard error, one line, outside text escaped."""
    sys.stderr.write(f"{prog}: {visible(message)}\n")
