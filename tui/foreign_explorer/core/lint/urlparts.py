"""URLs taken apart just enough to build variants (the engine judges the result)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from foreign_explorer.core.lint.model import EVIL_HOSTS
from foreign_explorer.core.lint.probes import _Witness


@dataclass(frozen=True)
class _Parts:
    scheme: str
    userinfo: str | None
    host: str
    port: str  # with its ':' ("" when absent)
    rest: str  # path, query and fragment
    host_start: int
    authority_end: int

    def url(self, **changes: str | None) -> str:
        p = replace(self, **changes)  # type: ignore[arg-type]
        user = "" if p.userinfo is None else p.userinfo + "@"
        return f"{p.scheme}://{user}{p.host}{p.port}{p.rest}"


def _split(url: str) -> _Parts | None:
    sep = url.find("://")
    if sep <= 0 or not url[:sep].isascii() or not url[:sep].isalpha():
        return None
    start = sep + 3
    end = len(url)
    for stop in "/?#":
        at = url.find(stop, start)
        if 0 <= at < end:
            end = at
    userinfo, at, hostport = url[start:end].rpartition("@")
    host_start = start + (len(userinfo) + 1 if at else 0)
    if hostport.startswith("[") and "]" in hostport:
        close = hostport.index("]") + 1
        host, port = hostport[:close], hostport[close:]
    else:
        colon = hostport.rfind(":")
        host, port = (hostport[:colon], hostport[colon:]) if colon >= 0 else (hostport, "")
    return _Parts(url[:sep], userinfo if at else None, host, port, url[end:], host_start, end)


def _host_key(url: str) -> str | None:
    parts = _split(url)
    return None if parts is None else parts.host.lower().rstrip(".")


def _evil_hosts(host: str) -> tuple[str, ...]:
    """Attacker hosts under another top-level name than `host`: a pattern that admits any
    label under the same one (`[a-z]+\\.example`) means to, and proves nothing."""
    tld = host.rsplit(".", 1)[-1]
    return tuple(h for h in EVIL_HOSTS if not tld or h.rsplit(".", 1)[-1] != tld)


def _as_url(witness: _Witness) -> tuple[str, tuple[int, ...]]:
    """The witness as a whole URL (an https:// in front of a bare host), and its dots."""
    text = witness.text
    if _split(text) is not None or not text or text[0] in "/?#:[":
        return text, witness.dots
    url = "https://" + text + ("" if "/" in text else "/")
    return url, tuple(d + 8 for d in witness.dots)
