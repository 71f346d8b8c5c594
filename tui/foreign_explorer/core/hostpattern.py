"""Pattern text for a URL's host: Go's regexp.QuoteMeta and the anchored host pattern.

Shared by `suggest` (which builds its patterns from them) and the lint (whose advice names
the pattern that admits only the meant host); it depends on neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from foreign_explorer.core.urltext import split_url

# What Go's regexp.QuoteMeta puts a backslash before.
_META = frozenset("\\.+*?()|[]{}^$")


def quote_meta(text: str) -> str:
    """Go's regexp.QuoteMeta: the pattern that matches exactly `text`."""
    return "".join("\\" + ch if ch in _META else ch for ch in text)


@dataclass(frozen=True)
class UrlHead:
    """The parts a pattern pins: `scheme://authority` as written, then the path."""

    head: str  # scheme://authority, exactly as in the URL
    path: str  # from the first `/` to the query or fragment ("" when there is none)
    after: str  # the character that ends the authority: "/", "?", "#" or "" (end)
    host: str = ""


def url_head(url: str) -> UrlHead | None:
    parts = split_url(url)
    if parts is None:
        return None
    rest = parts.rest
    path = ""
    if rest.startswith("/"):
        stop = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
        path = rest[:stop]
    return UrlHead(url[: parts.authority_end], path, rest[:1], parts.host)


def host_pattern(url: str) -> str:
    """`^scheme://authority/` for a URL, quoted: admits that host and nothing longer."""
    head = url_head(url)
    if head is None:
        return ""
    return "^" + quote_meta(head.head) + "/"
