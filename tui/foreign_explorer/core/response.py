"""What the registry answers to the manifest PUT: status and body bytes, as Go writes them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from foreign_explorer.core.gojson import go_marshal

# distribution's errcode messages and the HTTP status each code carries.
MESSAGES = {
    "UNKNOWN": "unknown error",
    "MANIFEST_BLOB_UNKNOWN": "blob unknown to registry",
    "MANIFEST_INVALID": "manifest invalid",
    "DIGEST_INVALID": "provided digest did not match uploaded content",
}
STATUS = {
    "UNKNOWN": 500,
    "MANIFEST_BLOB_UNKNOWN": 400,
    "MANIFEST_INVALID": 400,
    "DIGEST_INVALID": 400,
}
REASONS = {201: "Created", 400: "Bad Request", 500: "Internal Server Error"}


@dataclass(frozen=True)
class RegistryError:
    """One entry of the `errors` list; `detail_json` is the detail already encoded, or None."""

    code: str
    detail_json: bytes | None = None

    @property
    def message(self) -> str:
        return MESSAGES[self.code]

    def to_json(self) -> bytes:
        return self._json

    @cached_property
    def _json(self) -> bytes:
        # Errors are shared by the descriptors that read alike: encoded once each.
        head = go_marshal({"code": self.code, "message": self.message})
        if self.detail_json is None:
            return head
        return head[:-1] + b',"detail":' + self.detail_json + b"}"


def detail(value: object) -> bytes:
    """Encode a detail value (a string, or {} for a Go error value) the way Go does."""
    return go_marshal(value)


EMPTY_DETAIL = b"{}"


@dataclass(frozen=True)
class PushResponse:
    """The registry's answer to a manifest PUT: its errors (none: 201 Created)."""

    errors: tuple[RegistryError, ...] = ()
    # Set when the registry answers nothing: its request handler panics and Go's server
    # closes the connection (the client sees it dropped). Says why, in one line.
    dropped: str | None = None

    @property
    def accepted(self) -> bool:
        return not self.errors and self.dropped is None

    @property
    def status(self) -> int | None:
        """The HTTP status; None when the connection is dropped without a response."""
        if self.dropped is not None:
            return None
        # errcode.ServeJSON answers with the status of the first error.
        return STATUS[self.errors[0].code] if self.errors else 201

    @property
    def reason(self) -> str:
        if self.status is None:
            return "no response"
        return REASONS[self.status]

    @property
    def status_line(self) -> str:
        if self.status is None:
            return "no response (connection closed)"
        return f"{self.status} {self.reason}"

    @cached_property
    def body(self) -> bytes:
        """The response body, built once (a huge manifest's can be hundreds of MB)."""
        return b"".join(self.body_pieces())

    def body_pieces(self) -> Iterator[bytes]:
        """The body in pieces that each start and end with an ASCII byte (so each decodes
        alone exactly as within the whole), without building it."""
        if not self.errors or self.dropped is not None:
            return
        yield b'{"errors":['
        first = True
        for error in self.errors:
            yield error.to_json() if first else b"," + error.to_json()
            first = False
        yield b"]}\n"
