"""KEY=VALUE files as docker compose reads a `.env` file."""

from __future__ import annotations

from foreign_explorer.core.errors import InputError


class EnvFileError(InputError):
    pass


def parse_env_file(text: str, source: str = "env file") -> dict[str, str]:
    """Blank lines and `#` comments skipped, `export ` allowed, quotes as compose treats them.

    Single quotes keep the text literally. Double quotes turn `\\n`/`\\r` into line breaks and
    drop the backslash of any other escape (so `"\\\\."` gives `\\.`). Unquoted values end
    at ` #`.
    """
    env: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        number = i + 1
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key or any(c.isspace() for c in key):
            raise EnvFileError(f"{source}: line {number}: expected KEY=VALUE, got {line!r}")
        value = value.lstrip()
        if value[:1] in ("'", '"'):
            quote = value[0]
            body = value[1:]
            # A quoted value may span lines until its closing quote.
            while _closing(body, quote) < 0 and i < len(lines):
                body += "\n" + lines[i]
                i += 1
            end = _closing(body, quote)
            if end < 0:
                raise EnvFileError(f"{source}: line {number}: unterminated {quote} quote")
            inner = body[:end]
            env[key] = inner if quote == "'" else _unescape_double(inner)
        else:
            comment = value.find(" #")
            if comment >= 0:
                value = value[:comment]
            env[key] = value.rstrip()
    return env


def _closing(body: str, quote: str) -> int:
    escaped = False
    for pos, ch in enumerate(body):
        if quote == '"' and ch == "\\" and not escaped:
            escaped = True
            continue
        if ch == quote and not escaped:
            return pos
        escaped = False
    return -1


def _unescape_double(text: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and pos + 1 < len(text):
            nxt = text[pos + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt == "r":
                out.append("\r")
            elif nxt == "$":
                out.append("\\$")
            else:
                out.append(nxt)
            pos += 2
            continue
        out.append(ch)
        pos += 1
    return "".join(out)
