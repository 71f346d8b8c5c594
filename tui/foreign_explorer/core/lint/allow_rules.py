"""Allow rules: URLs an allow pattern admits although its author most likely did not mean them."""

from __future__ import annotations

from foreign_explorer.core.goregex import GoRegexp
from foreign_explorer.core.hostpattern import quote_meta
from foreign_explorer.core.lint.model import (
    HOST_NOT_CLOSED,
    HOST_WILDCARD,
    PLAIN_HTTP,
    SCHEME_CASE_REJECTED,
    UNANCHORED,
    UNESCAPED_DOT,
    Severity,
)
from foreign_explorer.core.lint.probes import Free, _Shape
from foreign_explorer.core.lint.run import _fix, _meant, _Run
from foreign_explorer.core.lint.urlparts import _evil_hosts, _host_key, _url_shift, go_host
from foreign_explorer.core.urltext import UrlParts as _Parts
from foreign_explorer.core.urltext import split_url as _split

_DOT_TRIES = 4


def _allow_rules(run: _Run, index: int, regexp: GoRegexp, shape: _Shape) -> None:
    meant = _meant(shape)
    first = meant[0] if meant else None
    fix = _fix(first[0] if first and first[2] else None)
    escaped = False
    if not shape.anchored:
        _unanchored(run, index, regexp, shape, meant, fix)
    else:
        escaped = _host_escape(run, index, regexp, shape, meant)
    _unescaped_dot(run, index, regexp, meant, fix)
    if shape.anchored and not escaped:
        _host_not_closed(run, index, regexp, meant, fix)
    if not shape.prefix.startswith("http://"):
        _plain_http(run, index, regexp, meant)
    if shape.anchored and shape.prefix[:1].islower():
        _scheme_case(run, index, regexp, meant)


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


def _host_escape(run: _Run, index: int, regexp: GoRegexp, shape: _Shape, meant: list) -> bool:
    """A URL the pattern admits whose host, as Go parses it, is not one the pattern names.

    Searched on Go's parse tree: each class or `.` that stands inside the authority and can be
    a character that ends a host (`?`, `/`, `#`, `@`) is made to spell an attacker's host and
    that character; gourl says which host Go reads, and the engine whether the URL passes.
    """
    meant_hosts = {host for _url, _dots, host in meant if host}
    budget = _ESCAPE_TRIES
    for witness in shape.expanded:
        url, shift = _url_shift(witness)
        parts = _split(url)
        if parts is None:
            continue
        start, end = len(parts.scheme) + 3, parts.authority_end
        named, subdomains = _named_host(url, parts, {at + shift for at, _free in witness.free})
        if not named:
            continue  # the pattern names no host here: nothing to escape from
        slots = [
            (at + shift, free)
            for at, free in witness.free
            if start <= at + shift < end and any(free.admits(ch) for ch in _HOST_ENDS)
        ]
        evils = _evil_hosts(named)
        for at, free in slots[:_SLOT_TRIES]:
            for text in _escape_texts(free, named, lead=at > start):
                candidate = url[:at] + text + url[at + 1 :]
                host = (go_host(candidate, run.go) or "").lower().rstrip(".")
                # The attacker's host must be the one Go reads (not `mcr` from `mcr?x.com`).
                if not host.endswith(evils) or _is_named(host, named, meant_hosts):
                    continue
                budget -= 1
                if budget < 0:
                    return False  # enough tried: the lint's work stays bounded
                if run.admits(candidate, regexp):
                    ender = next(ch for ch in text if ch in _HOST_ENDS)
                    message = (
                        f"the host is not pinned: Go's url.Parse reads the host of this URL as "
                        f"{host}, not {named}: {_WHY[ender]}{_escape_fix(url, named, subdomains)}"
                    )
                    run.add(HOST_WILDCARD, "allow", index, message, candidate)
                    return True
    return False


# The characters that end a host in Go's url.Parse, tried in this order (a `\\` ends it for
# most clients, but Go refuses it in a host: no registry admits such a URL).
_HOST_ENDS = "?/#@"
_SLOT_TRIES = 8
# Candidate URLs judged per pattern at most (each slot and attacker host gives a few).
_ESCAPE_TRIES = 24


_WHY = {
    "?": "the pattern lets a `?` stand in the host, and Go reads what follows as the query",
    "/": "the pattern lets a `/` stand in the host, and Go reads what follows as the path",
    "#": "the pattern lets a `#` stand in the host, and Go reads what follows as the fragment",
    "@": "the pattern lets an `@` stand in the host, and Go reads what precedes it as a user",
}


def _escape_texts(free: Free, named: str, lead: bool) -> list[str]:
    """What one class or `.` in the authority could spell to put an attacker's host first;
    after some host text (`lead`), an `@` makes that text a user name."""
    out = []
    for evil in _evil_hosts(named):
        first = [evil + ch for ch in "?/#"]
        at = ["@" + evil, *("@" + evil + ch for ch in "?/")]
        out += at + first if lead else first + at
    return [text for text in out if free.admits(text)]


def _named_host(url: str, parts: _Parts, free: set[int]) -> tuple[str, bool]:
    """The host text the pattern writes out: the longest run of literal characters in the
    host, a suffix if there is one (`([^/]+\\.)*example\\.com` names example.com); and
    whether a wildcard comes before it (the author means subdomains too)."""
    begin = parts.host_start
    host_end = begin + len(parts.host)
    runs: list[tuple[int, int]] = []
    at = begin
    while at < host_end:
        if at in free:
            at += 1
            continue
        first = at
        while at < host_end and at not in free:
            at += 1
        runs.append((first, at))
    if not runs:
        return "", False
    first, last = runs[-1] if runs[-1][1] == host_end else max(runs, key=lambda r: r[1] - r[0])
    return url[first:last].lower().strip("."), first > begin


def _is_named(host: str, named: str, meant: set[str]) -> bool:
    return host in meant or host == named or host.endswith("." + named)


def _escape_fix(meant_url: str, named: str, subdomains: bool) -> str:
    """The anchored patterns that admit the named host only, and with its subdomains."""
    parts = _split(meant_url)
    if parts is None or not all(
        label and _HOST_LABEL.issuperset(label) for label in named.split(".")
    ):
        return ""
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme
    exact = f"^{scheme}://{quote_meta(named)}/"
    wider = f"^{scheme}://([a-z0-9-]+\\.)*{quote_meta(named)}/"
    fix = f"; to admit only {named}, write {exact}"
    return f"{fix}; with its subdomains, {wider}" if subdomains else fix


_HOST_LABEL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


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


def _scheme_case(run: _Run, index: int, regexp: GoRegexp, meant: list) -> None:
    """Information: URLs written with an upper-case scheme, which the registry's own scheme
    check takes, are rejected by this case-sensitive pattern. Shown where it matters: for a
    pattern that names no host (`^https://`), or when a loaded URL is written that way."""
    candidates = []
    for item in run.urls:
        parts = _split(item)
        if parts is not None and parts.scheme != parts.scheme.lower():
            candidates.append((item, parts.url(scheme=parts.scheme.lower())))
    if not any(host for _url, _dots, host in meant):
        heads = [*run.loaded_matching("allow", index)[:4]]
        heads += [url for url, _dots, _host in meant]
        for url in heads:
            parts = _split(url)
            if parts is None:
                continue
            if not parts.host:
                parts = _split(parts.url(host="mirror.example", rest=parts.rest or "/"))
                assert parts is not None
            lower = parts.url(scheme=parts.scheme.lower())
            candidates.append((parts.url(scheme=parts.scheme.upper()), lower))
    for upper, lower in candidates[:8]:
        if not run.passes(upper) and run.admits(lower, regexp):
            pattern = run.policy.source.allow[index]
            fix = ""
            parts = _split(lower)
            if parts is not None and pattern.startswith(f"^{parts.scheme}://"):
                rest = pattern[len(parts.scheme) + 4 :]
                fix = f"; to admit them too, write ^(?i:{parts.scheme})://{rest}"
            message = (
                "the registry's scheme check takes an upper-case scheme (it lower-cases it), but "
                "this pattern is case-sensitive, so URLs written that way are rejected" + fix
            )
            run.add(
                SCHEME_CASE_REJECTED,
                "allow",
                index,
                message,
                upper,
                contrast=lower,
                severity=Severity.INFO,
            )
            return
