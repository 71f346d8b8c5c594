"""An Input that draws the characters a terminal acts on as visible stand-ins.

The value is kept as it is (a pattern from a config file is what the registry reads); only
the drawing changes. One stand-in character per character, so that the cursor, the selection
and horizontal scrolling stay where Textual computes them: C0 controls as their Unicode
control pictures (ESC as ␛), DEL as ␡, and C1, bidi and surrogate characters as �. The field's
note shows the same text with `visible()`'s escapes (`\\x1b`).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from foreign_explorer.core.visible import is_visible


def _picture(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def drawable(value: str) -> str:
    """`value` with one visible stand-in per character a terminal would act on."""
    if is_visible(value):
        return value
    return "".join(char if is_visible(char) else _picture(char) for char in value)


class VisibleInput(Input):
    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(drawable(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text
