"""Go's net/url.Parse, as the registry runs it: same verdicts, same fields, same error text.

Go works on the UTF-8 bytes of the URL, so this module does too. Three Go lines matter:

- Go 1.19 (and every Go without the fixes below): a host in brackets is not looked inside.
- Go 1.24.8+ within 1.24, and 1.25.2+ (the fix for CVE-2025-47912, GO-2025-4010): the
  bracketed part, found from the last `[` of the host, must be an IPv6 address
  (netip.ParseAddr; IPv4 rejected) and whatever precedes that `[` is ignored.
- Go 1.25.8+ within 1.25, 1.26.1+ within 1.26, and every later minor (the fix for
  CVE-2026-25679, GO-2026-4601, go.dev/issue/77578): as above, but a host whose last `[` is
  not its first byte fails at once with "invalid IP-literal". Go 1.24 got no such release.

Not modelled, on purpose:
- Go 1.26's first-colon port rule for http/https hosts (go.dev/issue/75223).

Decoded fields (host, path, fragment) can hold bytes that are not UTF-8 (from `%ff`); they are
shown the way Go's encoding/json shows them, one U+FFFD per bad byte. That never decides a
verdict. A lone surrogate in the input (Python's json keeps `"\\ud800"`, Go's turns it into
U+FFFD) is read as U+FFFD, the text Go would have parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.gostrconv import quote
from foreign_explorer.core.profiles import GoVersion

__all__ = ["GoURL", "URLParseError", "parse"]


@dataclass(frozen=True)
class GoURL:
    """The fields of Go's url.URL that foreign-explorer shows or reasons about."""

    scheme: str
    opaque: str
    userinfo: str | None
    host: str
    path: str
    raw_query: str
    fragment: str


class URLParseError(ForeignExplorerError):
    """url.Parse failed; `.message` is Go's err.Error() text, verbatim."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"parse {quote(url)}: {reason}")
        # The text Go quotes (unquoted here) and the message after `: `.
        self.url = url
        self.reason = reason


class _Fail(Exception):
    """Internal: a Go error value without the `parse "..."` wrapper."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Modes of Go's unescape that Parse uses (the query is never unescaped by Parse).
_PATH, _FRAGMENT, _USERINFO, _HOST, _ZONE = range(5)

_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# ASCII a host (or zone) may hold unescaped; bytes >= 0x80 are always fine there.
_HOST_ASCII = frozenset(_ALNUM + b"!$&'()*+,;=:[]<>\"-._~")
# Everything but '%' and the ASCII a host may not hold: lets the common host skip the scan.
_HOST_PLAIN = bytes(sorted(_HOST_ASCII)) + bytes(range(0x80, 0x100))
# What a %XX in a zone may decode to: a byte it could hold unescaped (non-ASCII excluded), or space.
_ZONE_ESCAPED = _HOST_ASCII | {0x20}
_USERINFO_CHARS = bytes(_ALNUM + b"-._:~!$&'()*+,;=%@")
_SCHEME_CHARS = _ALNUM + b"+-."
_LETTERS = frozenset(_ALNUM[:52])
_CTL = bytes(range(0x20)) + b"\x7f"
_DIGITS = b"0123456789"
_HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}


def parse(raw: str, go: GoVersion) -> GoURL:
    """Parse like Go's url.Parse under the given Go version; raise URLParseError like it."""
    text = _as_go_text(raw)
    before, _, after = text.partition("#")
    try:
        url = _parse_before_fragment(before.encode(), go)
    except _Fail as fail:
        raise URLParseError(before, fail.reason) from None
    if not after:
        return url
    try:
        fragment = _unescape(after.encode(), _FRAGMENT)
    except _Fail as fail:
        # Go quotes the whole URL when the fragment is what failed.
        raise URLParseError(text, fail.reason) from None
    return replace(url, fragment=_show(fragment))


def _parse_before_fragment(data: bytes, go: GoVersion) -> GoURL:
    if len(data.translate(None, _CTL)) != len(data):
        raise _Fail("net/url: invalid control character in URL")
    scheme, rest = _split_scheme(data)
    # A lone trailing '?' (Go's ForceQuery) and a cut at the first '?' leave the same fields.
    rest, _, raw_query = rest.partition(b"?")
    query = raw_query.decode()
    if not rest.startswith(b"/"):
        if scheme:
            # A rootless path after a scheme is opaque and never looked into.
            return GoURL(scheme.decode(), rest.decode(), None, "", "", query, "")
        if b":" in rest.partition(b"/")[0]:
            raise _Fail("first path segment in URL cannot contain colon")
    userinfo: str | None = None
    host = b""
    # Without a scheme, "///x" is a path, not an empty authority.
    if rest.startswith(b"//") and (scheme or not rest.startswith(b"///")):
        authority, slash, path = rest[2:].partition(b"/")
        rest = slash + path
        userinfo, host = _parse_authority(authority, go)
    path_bytes = _unescape(rest, _PATH)
    return GoURL(scheme.decode(), "", userinfo, _show(host), _show(path_bytes), query, "")


def _split_scheme(data: bytes) -> tuple[bytes, bytes]:
    """Go's getScheme: `[A-Za-z][A-Za-z0-9+.-]*:` or no scheme at all; lower-cased."""
    if not data:
        return b"", data
    if data[0] == 0x3A:
        raise _Fail("missing protocol scheme")
    if data[0] not in _LETTERS:
        return b"", data
    tail = data.lstrip(_SCHEME_CHARS)
    if not tail.startswith(b":"):
        return b"", data
    return data[: len(data) - len(tail)].lower(), tail[1:]


def _parse_authority(authority: bytes, go: GoVersion) -> tuple[str | None, bytes]:
    at = authority.rfind(b"@")
    # Go checks the host before the userinfo, so a bad host wins.
    host = _parse_host(authority[at + 1 :], go)
    if at < 0:
        return None, host
    userinfo = authority[:at]
    if userinfo.translate(None, _USERINFO_CHARS):
        raise _Fail("net/url: invalid userinfo")
    username, colon, password = userinfo.partition(b":")
    _unescape(username, _USERINFO)
    if colon:
        _unescape(password, _USERINFO)
    return userinfo.decode("ascii"), host


def _brackets_hold_ips(go: GoVersion) -> bool:
    """Whether this Go has the CVE-2025-47912 fix (1.24.8+ in 1.24, 1.25.2 and later)."""
    if go[:2] == (1, 24):
        return go[2] >= 8
    return go >= (1, 25, 2)


def _ip_literal_must_lead(go: GoVersion) -> bool:
    """Whether this Go has the CVE-2026-25679 fix (1.25.8+ in 1.25, 1.26.1+ in 1.26, later)."""
    if go[:2] == (1, 25):
        return go[2] >= 8
    if go[:2] == (1, 26):
        return go[2] >= 1
    return go >= (1, 27, 0)


def _parse_host(host: bytes, go: GoVersion) -> bytes:
    if _brackets_hold_ips(go):
        bracket = host.rfind(b"[")
        # Checked before anything else in the host, so it outranks every other host error.
        if bracket > 0 and _ip_literal_must_lead(go):
            raise _Fail("invalid IP-literal")
        if bracket >= 0:
            return _parse_ip_literal(host, bracket)
    elif host.startswith(b"["):
        close = host.rfind(b"]")
        if close < 0:
            raise _Fail("missing ']' in host")
        _check_port(host[close + 1 :])
        zone = host.find(b"%25", 0, close)
        if zone >= 0:
            return (
                _unescape(host[:zone], _HOST)
                + _unescape(host[zone:close], _ZONE)
                + _unescape(host[close:], _HOST)
            )
        return _unescape(host, _HOST)
    colon = host.rfind(b":")
    if colon >= 0:
        _check_port(host[colon:])
    return _unescape(host, _HOST)


def _parse_ip_literal(host: bytes, bracket: int) -> bytes:
    """Go >= 1.25.2: `[IPv6]` and an optional `:port`; text before the `[` (possible only
    without the CVE-2026-25679 fix) is dropped."""
    close = host.rfind(b"]")
    if close < 0:
        raise _Fail("missing ']' in host")
    # A ']' before the '[' leaves the '[' in the "port", so this also covers that order.
    colon_port = host[close + 1 :]
    _check_port(colon_port)
    inside = host[bracket + 1 : close]
    zone = inside.find(b"%25")
    if zone >= 0:
        address = _unescape(inside[:zone], _HOST) + _unescape(inside[zone:], _ZONE)
    else:
        address = _unescape(inside, _HOST)
    try:
        is_ipv4 = _parse_addr(address)
    except _Fail as fail:
        raise _Fail("invalid host: " + fail.reason) from None
    if is_ipv4:
        raise _Fail("invalid IP-literal")
    return b"[" + address + b"]" + colon_port


def _check_port(colon_port: bytes) -> None:
    """Empty, or ':' and ASCII digits; Go never range-checks the number."""
    if colon_port and (colon_port[0] != 0x3A or colon_port[1:].translate(None, _DIGITS)):
        raise _Fail(f"invalid port {_quote_bytes(colon_port)} after host")


def _unescape(s: bytes, mode: int) -> bytes:
    """Go's unescape: validate every %XX (and, in hosts, every byte) left to right, decode."""
    host_like = mode in (_HOST, _ZONE)
    if host_like:
        if not s.translate(None, _HOST_PLAIN):
            return s
    elif 0x25 not in s:
        return s
    i, end = 0, len(s)
    while i < end:
        c = s[i]
        if c == 0x25:
            if i + 2 >= end or s[i + 1] not in _HEX or s[i + 2] not in _HEX:
                raise _escape_error(s[i : i + 3])
            triplet = s[i : i + 3]
            # Hosts may escape only non-ASCII bytes, and %25 (the IPv6 zone marker).
            if mode == _HOST and s[i + 1] < 0x38 and triplet != b"%25":
                raise _escape_error(triplet)
            # A zone may escape only what it could hold unescaped, or a space.
            decoded = _HEX[s[i + 1]] * 16 + _HEX[s[i + 2]]
            if mode == _ZONE and triplet != b"%25" and decoded not in _ZONE_ESCAPED:
                raise _escape_error(triplet)
            i += 3
            continue
        if host_like and c < 0x80 and c not in _HOST_ASCII:
            raise _Fail(f"invalid character {_quote_bytes(s[i : i + 1])} in host name")
        i += 1
    pieces = s.split(b"%")
    out = bytearray(pieces[0])
    for piece in pieces[1:]:
        out.append(_HEX[piece[0]] * 16 + _HEX[piece[1]])
        out += piece[2:]
    return bytes(out)


def _escape_error(text: bytes) -> _Fail:
    return _Fail("invalid URL escape " + _quote_bytes(text))


def _parse_addr(s: bytes) -> bool:
    """Go's netip.ParseAddr, reduced to its verdict: True for IPv4, False for IPv6."""
    for c in s:
        if c == 0x2E:
            _parse_ipv4(s)
            return True
        if c == 0x3A:
            _parse_ipv6(s)
            return False
        if c == 0x25:
            raise _addr_error(s, "missing IPv6 address")
    raise _addr_error(s, "unable to parse IP")


def _addr_error(given: bytes, msg: str, at: bytes = b"") -> _Fail:
    text = f"ParseAddr({_quote_bytes(given)}): {msg}"
    if at:
        text += f" (at {_quote_bytes(at)})"
    return _Fail(text)


def _parse_ipv4(s: bytes) -> None:
    value = fields = digits = 0
    last = len(s) - 1
    for i, c in enumerate(s):
        if 0x30 <= c <= 0x39:
            if digits == 1 and value == 0:
                raise _addr_error(s, "IPv4 field has octet with leading zero")
            value = value * 10 + c - 0x30
            digits += 1
            if value > 255:
                raise _addr_error(s, "IPv4 field has value >255")
        elif c == 0x2E:
            if i == 0 or i == last or s[i - 1] == 0x2E:
                raise _addr_error(s, "IPv4 field must have at least one digit", s[i:])
            if fields == 3:
                raise _addr_error(s, "IPv4 address too long")
            fields += 1
            value = digits = 0
        else:
            raise _addr_error(s, "unexpected character", s[i:])
    if fields < 3:
        raise _addr_error(s, "IPv4 address too short")


def _parse_ipv6(given: bytes) -> None:
    s, percent, zone = given.partition(b"%")
    if percent and not zone:
        raise _addr_error(given, "zone must be a non-empty string")
    ellipsis = -1  # byte offset in the 16-byte address where '::' stands
    if s.startswith(b"::"):
        ellipsis = 0
        s = s[2:]
        if not s:
            return
    filled = 0
    while filled < 16:
        off, acc = 0, 0
        while off < len(s) and s[off] in _HEX:
            acc = acc * 16 + _HEX[s[off]]
            if acc > 0xFFFF:
                raise _addr_error(given, "IPv6 field has value >=2^16", s)
            off += 1
        if off == 0:
            raise _addr_error(given, "each colon-separated field must have at least one digit", s)
        if off < len(s) and s[off] == 0x2E:
            if ellipsis < 0 and filled != 12:
                msg = "embedded IPv4 address must replace the final 2 fields of the address"
                raise _addr_error(given, msg, s)
            if filled + 4 > 16:
                msg = "too many hex fields to fit an embedded IPv4 at the end of the address"
                raise _addr_error(given, msg, s)
            try:
                _parse_ipv4(s)
            except _Fail as fail:
                raise _addr_error(given, fail.reason, s) from None
            s = b""
            filled += 4
            break
        filled += 2
        s = s[off:]
        if not s:
            break
        if s[0] != 0x3A:
            raise _addr_error(given, "unexpected character, want colon", s)
        if len(s) == 1:
            raise _addr_error(given, "colon must be followed by more characters", s)
        s = s[1:]
        if s[0] == 0x3A:
            if ellipsis >= 0:
                raise _addr_error(given, "multiple :: in address", s)
            ellipsis = filled
            s = s[1:]
            if not s:
                break
    if s:
        raise _addr_error(given, "trailing garbage after address", s)
    if filled < 16:
        if ellipsis < 0:
            raise _addr_error(given, "address string too short")
    elif ellipsis >= 0:
        raise _addr_error(given, "the :: must expand to at least one field of zeros")


def _as_go_text(raw: str) -> str:
    """The text Go would hold: lone surrogates (impossible in Go strings) become U+FFFD."""
    try:
        raw.encode()
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in raw)
    return raw


def _show(data: bytes) -> str:
    """Bytes as text, each byte that is not UTF-8 shown as U+FFFD (as Go's encoding/json does)."""
    try:
        return data.decode()
    except UnicodeDecodeError:
        escaped = data.decode("utf-8", "surrogateescape")
        return "".join("\ufffd" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in escaped)


def _quote_bytes(data: bytes) -> str:
    """Go's strconv.Quote of a byte string: bytes that are not UTF-8 become `\\xNN`."""
    try:
        return quote(data.decode())
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    run: list[str] = []
    for ch in data.decode("utf-8", "surrogateescape"):
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            if run:
                out.append(quote("".join(run))[1:-1])
                run.clear()
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        else:
            run.append(ch)
    if run:
        out.append(quote("".join(run))[1:-1])
    return '"' + "".join(out) + '"'
