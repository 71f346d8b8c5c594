"""Placeholder hosts: patterns copied from documentation that still name its example host."""

from __future__ import annotations

from foreign_explorer.core.lint.model import PLACEHOLDER_HOST
from foreign_explorer.core.lint.probes import _Shape, _shape
from foreign_explorer.core.lint.run import _Run
from foreign_explorer.core.lint.urlparts import _as_url, _host_key

# Names reserved for documentation and tests (RFC 2606, RFC 6761): nobody serves layers there.
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
_RESERVED_TLDS = frozenset({"example", "invalid", "test"})
# Words documentation puts where the reader's own name goes (`your.fancy.domain.internal`).
_PLACEHOLDER_LABELS = frozenset(
    {
        "your",
        "yours",
        "fancy",
        "yourdomain",
        "mydomain",
        "yourcompany",
        "mycompany",
        "yourregistry",
        "placeholder",
        "changeme",
        "domain",
    }
)


def placeholder_reason(host: str) -> str | None:
    """Why `host` is a placeholder, or None for a host that could be real."""
    host = host.lower().rstrip(".")
    labels = host.split(".")
    for domain in _RESERVED_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return f"{domain} is reserved for documentation (RFC 2606)"
    if len(labels) > 1 and labels[-1] in _RESERVED_TLDS:
        return f".{labels[-1]} is a reserved name that never resolves on the internet (RFC 2606)"
    if labels[-1] == "tld" or _PLACEHOLDER_LABELS.intersection(labels):
        return "it reads like documentation's stand-in for your own host name"
    return None


def _placeholders(run: _Run) -> None:
    loaded_hosts = {_host_key(url) for url in run.urls}
    for list_name, compiled in (("allow", run.policy.allow), ("deny", run.policy.deny)):
        if compiled is None or compiled.implicit:
            continue
        for index, regexp in enumerate(compiled.patterns):
            shape = _shape(regexp.pattern, run.go)
            for url, host in _hosts(shape):
                reason = placeholder_reason(host)
                # A loaded layer really on that host means the author meant it.
                if reason is None or host in loaded_hosts:
                    continue
                effect = (
                    "it admits no real layer"
                    if list_name == "allow"
                    else "it denies nothing a real layer is served from"
                )
                message = (
                    f"{host} is a placeholder ({reason}): this pattern looks copied from an "
                    f"example, and {effect}; write the host your layers come from"
                )
                run.add(PLACEHOLDER_HOST, list_name, index, message, url)
                break


def _hosts(shape: _Shape | None) -> list[tuple[str, str]]:
    """(URL, host) the pattern means, a whole host first (`[^/]*\\.example` means a.example
    better than .example)."""
    if shape is None:
        return []
    out = []
    for witness in (*shape.witnesses, *shape.expanded):
        url, _dots = _as_url(witness)
        host = _host_key(url)
        if host and not host.startswith("."):
            out.append((url, host))
    return out
