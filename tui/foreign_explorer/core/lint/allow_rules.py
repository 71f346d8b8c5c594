"""Allow rules: URLs an allow pattern admits although its author most likely did not mean them."""

from __future__ import annotations

from foreign_explorer.core.goregex import GoRegexp
from foreign_explorer.core.lint.model import (
    HOST_NOT_CLOSED,
    HOST_WILDCARD,
    PLAIN_HTTP,
    UNANCHORED,
    UNESCAPED_DOT,
)
from foreign_explorer.core.lint.probes import _Shape
from foreign_explorer.core.lint.run import _fix, _meant, _Run
from foreign_explorer.core.lint.urlparts import _evil_hosts, _host_key
from foreign_explorer.core.urltext import split_url as _split

_DOT_TRIES = 4


def _allow_rules(run: _Run, index: int, regexp: GoRegexp, shape: _Shape) -> None:
    meant = _meant(shape)
    first = meant[0] if meant else None
    fix = _fix(first[0] if first and first[2] else None)
    if not shape.anchored:
        _unanchored(run, index, regexp, shape, meant, fix)
    elif first is not None and first[2]:
        _host_wildcard(run, index, regexp, meant, fix)
    _unescaped_dot(run, index, regexp, meant, fix)
    if shape.anchored:
        _host_not_closed(run, index, regexp, meant, fix)
    if not shape.prefix.startswith("http://"):
        _plain_http(run, index, regexp, meant)


def _unanchored(
    run: _Run, index: int, regexp: GoRegexp, shape: _Shape, meant: list, fix: str
) -> None:
    host = meant[0][2] if meant else ""
    for witness in shape.witnesses:
        for evil in _evil_hosts(host):
            for url in (f"https://{evil}/?{witness.text}", f"https://{evil}/{witness.text}"):
                if _host_key(url) != host and run.admits(url, regexp):
                    message = (
                        "not anchored: the pattern may match anywhere in a URL, so a URL on "
                        f"another host passes as soon as it contains the text{fix}"
                    )
                    run.add(UNANCHORED, "allow", index, message, url)
                    return


def _host_wildcard(run: _Run, index: int, regexp: GoRegexp, meant: list, fix: str) -> None:
    for url, _dots, host in meant:
        parts = _split(url)
        if parts is None or not host:
            continue
        tail = url[len(parts.scheme) + 3 :]
        for evil in _evil_hosts(host):
            # After `/?` or a bare `?` the rest is a query, which Go never looks into.
            for candidate in (
                f"{parts.scheme}://{evil}/?{tail}",
                f"{parts.scheme}://{evil}?{tail}",
                f"{parts.scheme}://{evil}/?{url}",
            ):
                if _host_key(candidate) != host and run.admits(candidate, regexp):
                    message = (
                        f"the host is not pinned: the pattern seems to mean {host}, but a "
                        f"wildcard lets a URL on another host through{fix}"
                    )
                    run.add(HOST_WILDCARD, "allow", index, message, candidate)
                    return


def _unescaped_dot(run: _Run, index: int, regexp: GoRegexp, meant: list, fix: str) -> None:
    found: list[str] = []
    for url, dots, host in meant:
        parts = _split(url)
        if parts is None or not dots:
            continue
        host_end = parts.host_start + len(parts.host)
        # A few dots prove it as well as all of them: the work stays bounded.
        for dot in [d for d in dots if parts.host_start <= d < host_end][:_DOT_TRIES]:
            candidate = url[:dot] + "-" + url[dot + 1 :]
            new_host = _host_key(candidate)
            if new_host != host and run.admits(candidate, regexp):
                found.append(candidate)
                # A host one could register (mcr-microsoft.com) beats a bare label.
                if "." in (new_host or ""):
                    break
        if found:
            break
    if not found:
        return
    best = next((u for u in found if "." in (_host_key(u) or "")), found[0])
    message = (
        "an unescaped `.` in the host matches any character, so a different host passes; "
        f"write `\\.`{fix}"
    )
    run.add(UNESCAPED_DOT, "allow", index, message, best)


def _host_not_closed(run: _Run, index: int, regexp: GoRegexp, meant: list, fix: str) -> None:
    for url, _dots, host in meant:
        parts = _split(url)
        if parts is None or not host:
            continue
        head, tail = url[: parts.authority_end], url[parts.authority_end :]
        for evil in _evil_hosts(host):
            verified = []
            for inject in ("." + evil, "@" + evil):
                candidate = head + inject + (tail or "/")
                if _host_key(candidate) != host and run.admits(candidate, regexp):
                    verified.append(inject)
            if not verified:
                continue
            example = head + verified[0] + (tail or "/")
            forms = " or ".join(f"{host}{inject}" for inject in verified)
            message = (
                f"the host is not closed by `/`: {forms} names another host, and it passes{fix}"
            )
            run.add(HOST_NOT_CLOSED, "allow", index, message, example)
            return


def _plain_http(run: _Run, index: int, regexp: GoRegexp, meant: list) -> None:
    candidates = []
    for url, _dots, _host in meant:
        parts = _split(url)
        if parts is not None:
            candidates.append(parts.url(scheme="http"))
            if not parts.host:
                candidates.append(parts.url(scheme="http", host="mirror.example", rest="/"))
    for item in run.loaded_matching("allow", index)[:4]:
        parts = _split(item)
        if parts is not None and parts.scheme.lower() == "https":
            candidates.append(parts.url(scheme="http"))
    # An example with a host reads better than `http://`.
    candidates.sort(key=lambda url: not _host_key(url))
    for candidate in candidates:
        if run.admits(candidate, regexp):
            message = (
                "admits plain http: the layer could be fetched without TLS, and anyone on the "
                "path can answer instead of the host; anchor the scheme as ^https://"
            )
            run.add(PLAIN_HTTP, "allow", index, message, candidate)
            return
