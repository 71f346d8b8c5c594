"""GoJSONError and the texts and detail JSON of the errors Go's encoding/json returns."""

from __future__ import annotations

from typing import Literal

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.gojson.encode import go_marshal
from foreign_explorer.core.gostrconv import quote

ErrorKind = Literal["syntax", "type", "base64", "document"]


class GoJSONError(ForeignExplorerError):
    """What json.Unmarshal (or distribution's checks around it) returned for a document.

    `go_text` is Go's err.Error(), the MANIFEST_INVALID detail a 3.x registry sends (as a JSON
    string); `detail_json` is json.Marshal(err), the detail a 2.8 registry sends. `kind` is
    "syntax" (*json.SyntaxError), "type" (*json.UnmarshalTypeError), "base64" (a []byte
    field's base64.CorruptInputError, only in 3.x documents) or "document" (distribution's own
    checks, detail `{}`).
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


def _base64_error(offset: int, field_path: str) -> GoJSONError:
    # CorruptInputError is an int64: json.Marshal writes the bare offset.
    text = f"illegal base64 data at input byte {offset}"
    return GoJSONError("base64", text, str(offset).encode(), None, field_path)
