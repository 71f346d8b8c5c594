"""URLs taken apart just enough to build variants (the engine judges the result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foreign_explorer.core.gourl import URLParseError
from foreign_explorer.core.gourl import parse as go_parse
from foreign_explorer.core.lint.model import EVIL_HOSTS
from foreign_explorer.core.profiles import GoVersion
from foreign_explorer.core.urltext import split_url as _split

if TYPE_CHECKING:
    from foreign_explorer.core.lint.probes import _Witness


def _host_key(url: str) -> str | None:
    parts = _split(url)
    return None if parts is None else parts.host.lower().rstrip(".")


def go_host(url: str, go: GoVersion) -> str | None:
    """The host name Go's url.Parse reads from `url` (port and brackets off), None if it fails."""
    try:
        host = go_parse(url, go).host
    except URLParseError:
        return None
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    colon = host.rfind(":")
    if colon >= 0 and (host[colon + 1 :].isdigit() or colon == len(host) - 1):
        host = host[:colon]
    return host


def _evil_hosts(host: str) -> tuple[str, ...]:
    """Attacker hosts under another top-level name than `host`: a pattern that admits any
    label under the same one (`[a-z]+\\.example`) means to, and proves nothing."""
    tld = host.rsplit(".", 1)[-1]
    return tuple(h for h in EVIL_HOSTS if not tld or h.rsplit(".", 1)[-1] != tld)


def _as_url(witness: _Witness) -> tuple[str, tuple[int, ...]]:
    """The witness as a whole URL (an https:// in front of a bare host), and its dots."""
    url, shift = _url_shift(witness)
    return url, tuple(d + shift for d in witness.dots)


def _url_shift(witness: _Witness) -> tuple[str, int]:
    """The witness as a whole URL, and how far its characters moved in it."""
    text = witness.text
    if _split(text) is not None or not text or text[0] in "/?#:[":
        return text, 0
    return "https://" + text + ("" if "/" in text else "/"), 8
