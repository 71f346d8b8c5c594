"""A JSON document from a registry or a layout, read with one set of one-line errors."""

from __future__ import annotations

import json

from foreign_explorer.core.registry.errors import MalformedResponse


def read_json(body: bytes, where: str) -> object:
    """The decoded document; MalformedResponse naming `where` when it cannot be read."""
    try:
        return json.loads(body.decode("utf-8", errors="replace"))
    except RecursionError:
        raise MalformedResponse(f"{where} is nested too deeply to read") from None
    except ValueError as exc:
        raise MalformedResponse(f"{where} is not valid JSON ({exc})") from None


def read_object(body: bytes, where: str) -> dict[str, object]:
    """The decoded document, which must be a JSON object."""
    doc = read_json(body, where)
    if not isinstance(doc, dict):
        raise MalformedResponse(f"{where} is JSON but not an object")
    return doc
