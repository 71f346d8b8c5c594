"""URLs taken apart just enough to build variants (the engine judges the result)."""

from __future__ import annotations

from foreign_explorer.core.lint.model import EVIL_HOSTS
from foreign_explorer.core.lint.probes import _Witness
from foreign_explorer.core.urltext import split_url as _split


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
