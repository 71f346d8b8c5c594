"""Reading a file or standard input the user named, never more than a cap.

`st_size` is not trusted: `/dev/zero`, a FIFO or a growing file report nothing useful, so at
most `cap + 1` bytes are read and one byte over the cap is enough to refuse.
"""

from __future__ import annotations

import os
import stat
import sys

from foreign_explorer.core.errors import InputError
from foreign_explorer.core.units import iec_size

# distribution refuses a manifest body over 4 MiB; no registry config is anywhere near it.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
_CHUNK = 1 << 16


def read_bounded(
    path: str, what: str, cap: int = MAX_DOCUMENT_BYTES, *, empty_ok: bool = False
) -> bytes:
    """The bytes of `path` (`-` for standard input); InputError when unreadable, empty or big."""
    if path == "-":
        return _checked(_read_stdin(cap, what), "standard input", what, cap, empty_ok)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise InputError(f"cannot read {what} {path}: it is a directory")
        data = _read_fd(fd, cap)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return _checked(data, path, what, cap, empty_ok)


def read_bounded_text(path: str, what: str, cap: int = MAX_DOCUMENT_BYTES) -> str:
    """`read_bounded`, decoded as UTF-8 (configs and env files, which may be empty)."""
    data = read_bounded(path, what, cap, empty_ok=True)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = "standard input" if path == "-" else path
        raise InputError(f"cannot read {what} {name}: not UTF-8 (byte {exc.start})") from None


def read_stdin_line(what: str, cap: int = 64 * 1024) -> str:
    """One line of standard input without its line ending (a password); InputError if none."""
    stream = sys.stdin
    if stream is None or stream.closed:
        raise InputError(f"{what}: standard input is closed")
    try:
        line = stream.buffer.readline(cap + 1)
    except (OSError, ValueError) as exc:
        raise InputError(f"{what}: cannot read standard input: {exc}") from None
    if len(line) > cap:
        raise InputError(f"{what}: the line on standard input is longer than {iec_size(cap)}")
    text = line.decode("utf-8", "surrogateescape").rstrip("\r\n")
    if not text:
        raise InputError(f"{what}: standard input held no password (empty line or no input)")
    return text


def _read_stdin(cap: int, what: str) -> bytes:
    stream = sys.stdin
    if stream is None or stream.closed:
        raise InputError(f"cannot read {what} from standard input: it is closed")
    try:
        return stream.buffer.read(cap + 1)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {what} from standard input: {exc}") from None


def _read_fd(fd: int, cap: int) -> bytes:
    chunks = []
    left = cap + 1
    while left > 0:
        chunk = os.read(fd, min(_CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _checked(data: bytes, name: str, what: str, cap: int, empty_ok: bool) -> bytes:
    if len(data) > cap:
        raise InputError(f"{name}: {what} larger than {iec_size(cap)}; refused")
    if not data and not empty_ok:
        raise InputError(f"{name}: {what} is empty")
    return data
