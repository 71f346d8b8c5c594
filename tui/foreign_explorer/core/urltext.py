"""URLs taken apart as text, to build variants and patterns (never to judge: gourl does that)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class UrlParts:
    """A URL cut where the registry's URL parser reads its scheme, userinfo, host and port."""

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


def split_url(url: str) -> UrlParts | None:
    """scheme, userinfo, host, port and the rest, as written; None without `scheme://`."""
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
    return UrlParts(url[:sep], userinfo if at else None, host, port, url[end:], host_start, end)
