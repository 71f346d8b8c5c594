"""Deny rules: spellings of a denied URL that the registry lets through."""

from __future__ import annotations

from foreign_explorer.core.evaluate import prepare_url
from foreign_explorer.core.goregex import GoRegexp
from foreign_explorer.core.lint.model import (
    DENY_CASE,
    DENY_HOST_CASE,
    DENY_PERCENT,
    DENY_PORT,
    DENY_SCHEME_CASE,
    DENY_TRAILING_DOT,
    DENY_USERINFO,
)
from foreign_explorer.core.lint.probes import _Shape, _shape
from foreign_explorer.core.lint.run import _meant, _Run
from foreign_explorer.core.lint.urlparts import _as_url
from foreign_explorer.core.urltext import UrlParts as _Parts
from foreign_explorer.core.urltext import split_url as _split

# Characters a server decodes to themselves (RFC 3986 unreserved): %-encoding them is a dodge.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _dodges(parts: _Parts) -> list[tuple[str, str, str | None]]:
    """(code, what it changes, the variant URL) for one URL a deny pattern matches."""
    scheme = parts.scheme.upper() if parts.scheme != parts.scheme.upper() else parts.scheme.lower()
    host = parts.host
    default_port = ":443" if parts.scheme.lower() == "https" else ":80"
    return [
        (DENY_SCHEME_CASE, f"the scheme written as {scheme}://", parts.url(scheme=scheme)),
        (
            DENY_HOST_CASE,
            "the host in upper case",
            parts.url(host=host.upper()) if host.upper() != host else None,
        ),
        (
            DENY_PORT,
            f"the default port written out ({default_port})",
            parts.url(port=default_port) if not parts.port else None,
        ),
        (
            DENY_TRAILING_DOT,
            "a trailing dot on the host",
            parts.url(host=host + ".") if host and not host.endswith(".") else None,
        ),
        (
            DENY_USERINFO,
            "a userinfo@ before the host",
            parts.url(userinfo="u") if parts.userinfo is None else None,
        ),
    ]


_CASE_TRIES = 8
_CASE_BASES = 3


def _mixed_case(parts: _Parts) -> list[tuple[str, str]]:
    """(what changes, the URL) with one label of the host, then one letter, in upper case."""
    host = parts.host
    labels = host.split(".")
    out: list[tuple[str, str]] = []
    for k, label in enumerate(labels):
        if label.upper() != label and len(labels) > 1:
            changed = ".".join(label.upper() if i == k else x for i, x in enumerate(labels))
            out.append((f"{label.upper()} in upper case in the host", parts.url(host=changed)))
    for k, ch in enumerate(host):
        if ch.upper() != ch and ch.isascii():
            changed = host[:k] + ch.upper() + host[k + 1 :]
            out.append(("one letter of the host in upper case", parts.url(host=changed)))
    return out[:_CASE_TRIES]


def _percent_variants(url: str, parts: _Parts, span: tuple[int, int]) -> list[str]:
    """The URL with one unreserved character after the host %-encoded (the span's first)."""
    start = parts.authority_end
    stop = url.find("#", start)
    stop = len(url) if stop < 0 else stop
    order = [*range(max(span[0], start), min(span[1], stop)), *range(start, stop)]
    seen, out = set(), []
    for k in order:
        if k in seen or url[k] not in _UNRESERVED:
            continue
        seen.add(k)
        out.append(f"{url[:k]}%{ord(url[k]):02X}{url[k + 1 :]}")
        if len(out) >= 12:
            break
    return out


def _deny_rules(run: _Run, index: int, regexp: GoRegexp, shape: _Shape) -> None:
    bases: list[str] = []
    # Where the allow list lets URLs through: a deny dodged elsewhere proves nothing.
    allowed = [f"{url.rstrip('/')}/" for url in _allowed_heads(run)] or ["https://x.example/"]
    for witness in shape.witnesses:
        url, _ = _as_url(witness)
        bases.append(url)
        if _split(witness.text) is None:
            bases += [head + witness.text.lstrip("/") for head in allowed]
    bases += run.loaded_matching("deny", index)[:4]
    usable = []
    for base in dict.fromkeys(bases):
        prepared = prepare_url(base, run.go)
        parts = _split(base)
        # The base must really be rejected, and by this pattern.
        if (
            prepared.reason is None
            and parts is not None
            and regexp.matches(base)
            and not run.passes(base)
        ):
            usable.append((base, parts))
    done: set[str] = set()
    for base, parts in usable:
        for code, how, variant in _dodges(parts):
            if code in done or variant is None or not run.passes(variant):
                continue
            done.add(code)
            run.add(code, "deny", index, _dodge_message(how, base), variant, contrast=base)
    for base, parts in usable[:_CASE_BASES]:
        if DENY_HOST_CASE in done or DENY_CASE in done:
            break
        # The whole host in upper case may fail the allow list too (it is case-sensitive):
        # one label, or one letter, in upper case can still dodge the deny and pass.
        for how, variant in _mixed_case(parts):
            if run.passes(variant):
                done.add(DENY_CASE)
                message = _dodge_message(how, base)
                run.add(DENY_CASE, "deny", index, message, variant, contrast=base)
                break
    for base, parts in usable:
        if DENY_PERCENT in done:
            break
        span = regexp.search(base) or (0, 0)
        for variant in _percent_variants(base, parts, span):
            if run.passes(variant):
                done.add(DENY_PERCENT)
                how = "a %-encoded character after the host"
                message = _dodge_message(how, base)
                run.add(DENY_PERCENT, "deny", index, message, variant, contrast=base)
                break


def _allowed_heads(run: _Run) -> list[str]:
    """What each allow pattern seems to mean, as URLs (for bases of deny dodges)."""
    allow = run.policy.allow
    if allow is None or allow.implicit:
        return []
    heads = []
    for regexp in allow.patterns:
        shape = _shape(regexp.pattern, run.go)
        heads += [url for url, _dots, host in (_meant(shape) if shape else []) if host]
    return heads[:4]


def _dodge_message(how: str, base: str) -> str:
    return (
        f"dodged by {how}: the registry rejects {base} with this pattern, but the same URL "
        "spelled this way passes; prefer an allow list of what you trust"
    )
