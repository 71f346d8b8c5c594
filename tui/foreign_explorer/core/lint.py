"""Lint with proof: URLs a policy admits although its author most likely did not mean them, or
rejects although they did, each one judged by the engine before it is shown.

Each rule reads what a pattern seems to mean from Go's own parse tree (its literal text, its
lone `.`, its anchors), builds candidate URLs from that, and keeps a warning only when the
engine's verdict on the candidate is the one the warning claims. A rule whose candidates do
not verify says nothing: no warning without a URL that proves it.

Everything that depends only on a pattern string is cached, so linting on every keystroke
costs a few regexp matches per pattern plus one RE2 set call per loaded URL.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache

from foreign_explorer.core.evaluate import (
    Check,
    PreparedUrl,
    UrlVerdict,
    judge_url,
    prepare_url,
    registry_checks,
)
from foreign_explorer.core.goregex import GoRegexp, GoRegexpError, SyntaxNode, syntax_tree
from foreign_explorer.core.manifest import Manifest
from foreign_explorer.core.policy import (
    Policy,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    compile_policy,
)
from foreign_explorer.core.profiles import (
    DISTRIBUTION_2_8,
    DISTRIBUTION_3,
    GoVersion,
    Profile,
)

# Rule codes: stable, they are the `code` of check's JSON.
UNANCHORED = "unanchored"
HOST_WILDCARD = "host-wildcard"
UNESCAPED_DOT = "unescaped-dot"
HOST_NOT_CLOSED = "host-not-closed"
PLAIN_HTTP = "plain-http"
DENY_SCHEME_CASE = "deny-dodged-by-scheme-case"
DENY_HOST_CASE = "deny-dodged-by-host-case"
DENY_PORT = "deny-dodged-by-port"
DENY_TRAILING_DOT = "deny-dodged-by-trailing-dot"
DENY_USERINFO = "deny-dodged-by-userinfo"
DENY_PERCENT = "deny-dodged-by-percent-encoding"
DENY_ONLY = "deny-only"
VALIDATION_DISABLED = "validation-disabled"
MATCHES_NONE = "matches-none"
PROFILES_DIFFER = "profiles-differ"
GO_VERSION_ONLY = "go-version-only"

# A few words per rule, for one line under a pattern in the explorer.
TITLES = {
    UNANCHORED: "not anchored",
    HOST_WILDCARD: "host not pinned",
    UNESCAPED_DOT: "unescaped . in the host",
    HOST_NOT_CLOSED: "host not closed by /",
    PLAIN_HTTP: "admits plain http",
    DENY_SCHEME_CASE: "dodged by an upper-case scheme",
    DENY_HOST_CASE: "dodged by an upper-case host",
    DENY_PORT: "dodged by an explicit port",
    DENY_TRAILING_DOT: "dodged by a trailing dot",
    DENY_USERINFO: "dodged by userinfo@",
    DENY_PERCENT: "dodged by %-encoding",
    DENY_ONLY: "deny only, no allow list",
    VALIDATION_DISABLED: "validation disabled",
    MATCHES_NONE: "matches no loaded URL",
    PROFILES_DIFFER: "2.8 and 3.x disagree",
    GO_VERSION_ONLY: "some Go versions reject it",
}

# Hosts nobody owns (RFC 2606/6761): what an attacker's host stands for in examples.
EVIL_HOSTS = ("evil.example", "attacker.example", "evil.invalid")

# The Go versions registries in use are built with, for patterns only some of them accept.
GO_LINES: tuple[tuple[str, str, GoVersion], ...] = (
    ("distribution-2.8", "distribution 2.8 (Go 1.19)", (1, 19, 8)),
    ("distribution-2.8.3", "distribution 2.8.3 (Go 1.20)", (1, 20, 8)),
    ("distribution-3.0", "distribution 3.0 (Go 1.23)", (1, 23, 7)),
    ("distribution-3", "distribution 3.1 (Go 1.25)", (1, 25, 8)),
)

_WITNESS_LIMIT = 8
_DEPTH_LIMIT = 200
# Characters a class stands for in a witness, best first (a host or path character).
_PREFERRED = "abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWXYZ/:@!$&'()*+,;=?"
# Characters a server decodes to themselves (RFC 3986 unreserved): %-encoding them is a dodge.
_HOSTNAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_START = "no-start"


@dataclass(frozen=True)
class Claim:
    """What a registry of one profile does with the example: the part a test can check."""

    profile: str
    outcome: Outcome


@dataclass(frozen=True)
class LintWarning:
    """One finding, with the URL that proves it. `claims[0]` is about the linted profile."""

    code: str
    list_name: str  # "allow", "deny", or "policy" for the policy as a whole
    index: int | None
    pattern: str | None
    message: str
    example: str
    claims: tuple[Claim, ...]
    # A URL judged the other way that the example stands in for (a deny pattern's own match,
    # which the registry rejects while the dodged spelling passes), or None.
    contrast: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the linted profile's registry accepts the example."""
        return self.claims[0].outcome is Outcome.ACCEPTED

    @property
    def title(self) -> str:
        return TITLES[self.code]

    @property
    def where(self) -> str:
        return self.list_name if self.index is None else f"{self.list_name}[{self.index}]"

    @property
    def verdict_text(self) -> str:
        """`passes` / `rejected`, with the other profile's word when that differs."""
        parts = []
        for claim in self.claims:
            word = {
                Outcome.ACCEPTED: "passes",
                Outcome.REJECTED: "rejected",
                Outcome.NO_START: "does not start",
            }[claim.outcome]
            parts.append(word if not parts else f"{word} on {claim.profile}")
        if len(self.claims) > 1:
            parts[0] += f" on {self.claims[0].profile}"
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """The `warnings` entry of check's JSON."""
        return {
            "code": self.code,
            "list": self.list_name,
            "index": self.index,
            "pattern": self.pattern,
            "message": self.message,
            "example": self.example,
        }


# --- what a pattern seems to mean ------------------------------------------------------------


@dataclass(frozen=True)
class _Witness:
    """A text the pattern matches, and where a lone `.` (any character) put a dot in it."""

    text: str
    dots: tuple[int, ...]


@dataclass(frozen=True)
class _Shape:
    anchored: bool
    # The literal text right after the anchor, as written (empty when something else follows).
    prefix: str
    witnesses: tuple[_Witness, ...]


def _class_pick(runes: tuple[int, ...]) -> str | None:
    def member(ch: str) -> bool:
        # runes is Go's sorted [lo, hi, lo, hi, ...]: inside a range after an odd count.
        r = ord(ch)
        at = bisect_right(runes, r)
        return at % 2 == 1 or (at > 0 and runes[at - 1] == r)

    for ch in _PREFERRED:
        if member(ch):
            return ch
    for k in range(0, len(runes), 2):
        r = max(runes[k], 0xA1)
        if r <= runes[k + 1] and not 0xD800 <= r <= 0xDFFF:
            return chr(r)
    return None


def _literal_text(node: SyntaxNode) -> str:
    if not node.fold:
        return "".join(map(chr, node.runes))
    # Go keeps the smallest case fold ('A'); the URL as people write it is lower case.
    return "".join(chr(r).lower() if r < 0x80 else chr(r) for r in node.runes)


def _concat(parts: Iterable[list[_Witness]]) -> list[_Witness]:
    out = [_Witness("", ())]
    for options in parts:
        if not options:
            return []
        out = [
            _Witness(a.text + b.text, a.dots + tuple(len(a.text) + d for d in b.dots))
            for a in out
            for b in options
        ][:_WITNESS_LIMIT]
    return out


def _witnesses(node: SyntaxNode, repeated: bool = False, depth: int = 0) -> list[_Witness]:
    """Texts the node matches, most "meant" first: `?` taken once, `*` never, `+` once."""
    if depth > _DEPTH_LIMIT:
        return []
    op, down = node.op, depth + 1
    if op == "literal":
        return [_Witness(_literal_text(node), ())]
    if op == "class":
        ch = _class_pick(node.runes)
        return [] if ch is None else [_Witness(ch, ())]
    if op in ("any-not-nl", "any"):
        # A lone `.` between letters is usually meant as a dot; under a repeat, a wildcard.
        return [_Witness("a", ())] if repeated else [_Witness(".", (0,))]
    if op == "no-match":
        return []
    if op == "capture":
        return _witnesses(node.subs[0], repeated, down)
    if op == "star":
        return [_Witness("", ())]
    if op == "plus":
        return _witnesses(node.subs[0], True, down)
    if op == "quest":
        return [*_witnesses(node.subs[0], repeated, down), _Witness("", ())][:_WITNESS_LIMIT]
    if op == "repeat":
        if node.min == 0:
            return [_Witness("", ())]
        return _concat([_witnesses(node.subs[0], True, down)] * min(node.min, 64))
    if op == "concat":
        return _concat(_witnesses(sub, repeated, down) for sub in node.subs)
    if op == "alternate":
        out: list[_Witness] = []
        for sub in node.subs:
            out.extend(_witnesses(sub, repeated, down))
        return out[:_WITNESS_LIMIT]
    return [_Witness("", ())]  # empty-width assertions and the empty string


def _anchored(node: SyntaxNode) -> bool:
    if node.op in ("bot", "bol"):
        return True
    if node.op == "concat":
        return bool(node.subs) and _anchored(node.subs[0])
    if node.op == "capture":
        return _anchored(node.subs[0])
    if node.op == "alternate":
        return all(_anchored(sub) for sub in node.subs)
    return False


def _prefix(node: SyntaxNode) -> str:
    subs = node.subs if node.op == "concat" else (node,)
    text = ""
    for sub in subs:
        if sub.op in ("bot", "bol") and not text:
            continue
        if sub.op == "literal" and not sub.fold:
            text += "".join(map(chr, sub.runes))
            continue
        break
    return text


@lru_cache(maxsize=1024)
def _shape(pattern: str, go: GoVersion) -> _Shape | None:
    try:
        tree = syntax_tree(pattern, go)
        regexp = GoRegexp(pattern, go)
        # Only texts the pattern really matches (an inner `$` or `\b` can make one wrong).
        witnesses = tuple(w for w in _witnesses(tree) if regexp.matches(w.text))
    except GoRegexpError:
        return None
    return _Shape(_anchored(tree), _prefix(tree), witnesses)


@lru_cache(maxsize=4096)
def _compile_error(pattern: str, go: GoVersion) -> str | None:
    try:
        syntax_tree(pattern, go)
    except GoRegexpError as exc:
        return exc.message
    return None


# --- URLs taken apart just enough to build variants (the engine judges the result) ------------


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


# --- one lint run ------------------------------------------------------------------------------


class _Run:
    def __init__(self, policy: Policy, urls: tuple[str, ...], other: Policy | None) -> None:
        self.policy = policy
        self.urls = urls
        self.other = other
        self.go = policy.profile.go
        self._verdicts: dict[str, UrlVerdict] = {}
        self.warnings: list[LintWarning] = []

    # -- verdicts --

    def verdict(self, url: str) -> UrlVerdict:
        hit = self._verdicts.get(url)
        if hit is None:
            hit = self._verdicts[url] = judge_url(url, self.policy)
        return hit

    def passes(self, url: str) -> bool:
        return self.verdict(url).ok

    def admits(self, url: str, regexp: GoRegexp) -> bool:
        """The policy accepts the URL, and this allow pattern matches it (it admits it too)."""
        return self.passes(url) and regexp.matches(url)

    def add(
        self,
        code: str,
        list_name: str,
        index: int | None,
        message: str,
        example: str,
        extra: tuple[Claim, ...] = (),
        contrast: str | None = None,
    ) -> None:
        outcome = Outcome.ACCEPTED if self.passes(example) else Outcome.REJECTED
        pattern = None
        if index is not None:
            source = self.policy.source
            pattern = (source.allow if list_name == "allow" else source.deny)[index]
        claims = (Claim(self.policy.profile.name, outcome), *extra)
        self.warnings.append(
            LintWarning(code, list_name, index, pattern, message, example, claims, contrast)
        )

    # -- the loaded URLs: one RE2 set call each, for every rule --

    @cached_property
    def scan(self) -> tuple[tuple[str, PreparedUrl, tuple[int, ...]], ...]:
        """(URL, prepared, indexes of allow then deny patterns it matches) per loaded URL."""
        matcher = self.policy.matcher
        out = []
        for url in self.urls:
            item = prepare_url(url, self.go)
            hits: tuple[int, ...] = ()
            if item.reason is None and matcher is not None:
                hits = tuple(matcher.matching_bytes(item.data))
            out.append((url, item, hits))
        return tuple(out)

    @cached_property
    def _by_pattern(self) -> dict[int, list[str]]:
        index: dict[int, list[str]] = {}
        for url, _item, hits in self.scan:
            for hit in hits:
                index.setdefault(hit, []).append(url)
        return index

    def loaded_matching(self, list_name: str, index: int) -> list[str]:
        """Loaded, well-formed URLs this pattern matches."""
        hit = index if list_name == "allow" else self.policy.allow_count + index
        return self._by_pattern.get(hit, [])

    def allow_coverage(self) -> set[int]:
        """Indexes of allow patterns that match at least one loaded, well-formed URL."""
        split = self.policy.allow_count
        return {hit for hit in self._by_pattern if hit < split}

    @cached_property
    def likely_rejected(self) -> list[str]:
        """Loaded URLs the scan says fail: a quick guess to pick examples from; the engine
        has the last word on each one shown."""
        split = self.policy.allow_count
        has_allow, has_deny = self.policy.allow is not None, self.policy.deny is not None
        out = []
        for url, item, hits in self.scan:
            # hits are sorted: allow indexes first, then deny ones.
            allowed = bool(hits) and hits[0] < split
            denied = bool(hits) and hits[-1] >= split
            if item.reason is not None or (has_allow and not allowed) or (has_deny and denied):
                out.append(url)
        return out


def _fix(url: str | None) -> str:
    """The pattern that admits only the host the author seems to mean, as advice."""
    host = _host_key(url) if url else None
    if not host or not all(label and _HOSTNAME.issuperset(label) for label in host.split(".")):
        return ""
    # suggest verifies its patterns with this module: imported here, not at the top.
    from foreign_explorer.core.suggest import host_pattern

    assert url is not None
    return f"; to admit only {host}, write {host_pattern(url)}"


def _meant(shape: _Shape) -> list[tuple[str, tuple[int, ...], str]]:
    """(URL, its lone dots, its host) for each witness: what the author seems to mean."""
    out = []
    for witness in shape.witnesses:
        url, dots = _as_url(witness)
        host = _host_key(url)
        out.append((url, dots, host or ""))
    return out


# --- allow rules -------------------------------------------------------------------------------


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
        for dot in dots:
            if not parts.host_start <= dot < host_end:
                continue
            candidate = url[:dot] + "-" + url[dot + 1 :]
            new_host = _host_key(candidate)
            if new_host != host and run.admits(candidate, regexp):
                found.append(candidate)
        if found:
            break
    if not found:
        return
    # Prefer a host one could register (mcr-microsoft.com) to a bare label.
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


# --- deny rules --------------------------------------------------------------------------------


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


# --- the policy as a whole ---------------------------------------------------------------------


def _policy_rules(run: _Run) -> None:
    policy = run.policy
    if not policy.enabled:
        code = VALIDATION_DISABLED
        message = (
            "validation is disabled: allow and deny are ignored and any well-formed "
            "http(s) URL passes"
        )
    elif policy.allow is None and policy.deny is not None:
        code = DENY_ONLY
        message = (
            "deny only: with no allow list the registry admits every URL the deny list does "
            "not match (the allow list is absent, not empty); add an allow list"
        )
    else:
        return
    for evil in EVIL_HOSTS:
        url = f"https://{evil}/layer.tar.gz"
        if run.passes(url):
            run.add(code, "policy", None, message, url)
            return


def _matches_none(run: _Run) -> None:
    allow = run.policy.allow
    if allow is None or allow.implicit or not run.urls:
        return
    covered = run.allow_coverage()
    count = len(run.urls)
    noun = "URL" if count == 1 else "URLs"
    for index, regexp in enumerate(allow.patterns):
        if index in covered:
            continue
        shape = _shape(regexp.pattern, run.go)
        host = _meant(shape)[0][2] if shape and shape.witnesses else ""
        example = _rejected_example(run, host)
        if run.passes(example):
            tail = "; every loaded URL passes by another pattern"
        else:
            tail = "; this loaded URL is rejected"
        message = f"matches none of the {count} loaded {noun}{tail}"
        run.add(MATCHES_NONE, "allow", index, message, example)


def _rejected_example(run: _Run, host: str) -> str:
    """A loaded URL the policy rejects, on the pattern's host if one is; else the first."""
    rejected = [url for url in run.likely_rejected[:64] if not run.passes(url)]
    same_host = [url for url in rejected if host and _host_key(url) == host]
    return (same_host or rejected or list(run.urls))[0]


def _probe_urls(run: _Run) -> list[str]:
    """URLs Go 1.19 and Go 1.25 parse differently, shaped like the ones the policy admits."""
    seeds: list[str] = []
    allow = run.policy.allow
    if allow is not None and not allow.implicit:
        for regexp in allow.patterns:
            shape = _shape(regexp.pattern, run.go)
            seeds += [m[0] for m in _meant(shape)] if shape else []
    probes = []
    for seed in seeds:
        parts = _split(seed)
        if parts is None or not parts.host or parts.host.startswith("["):
            continue
        # Go 1.19 does not look inside brackets; Go >= 1.25.2 wants an IP there, and reads
        # the host from the last `[`.
        probes.append(parts.url(host=f"[{parts.host}]"))
        if not parts.port:
            probes.append(parts.url(host=f"{parts.host}[::1]"))
    return probes


def _profiles_differ(run: _Run) -> None:
    other = run.other
    if other is None:
        return
    loaded = list(run.urls)
    candidates = loaded + [p for p in _probe_urls(run) if p not in run.urls]
    seen: set[tuple[str, int | None]] = set()
    for url in candidates:
        mine, theirs = prepare_url(url, run.go), prepare_url(url, other.profile.go)
        # Both policies hold the same patterns, so verdicts can differ only where Go's URL
        # parsers do: skip the rest without matching.
        if (mine.reason is None) == (theirs.reason is None):
            continue
        here, there = run.verdict(url), judge_url(url, other)
        if here.ok == there.ok:
            continue
        admitted_by = here.allowed_by if here.ok else there.allowed_by
        if admitted_by is None and url not in run.urls:
            continue
        key = ("allow", admitted_by) if admitted_by is not None else ("policy", None)
        if key in seen:
            continue
        seen.add(key)
        failing = there if here.ok else here
        mine_word, their_word = ("accepts", "rejects") if here.ok else ("rejects", "accepts")
        message = (
            f"{run.policy.profile.title} {mine_word} this URL and {other.profile.title} "
            f"{their_word} it: {failing.message}"
        )
        other_claim = Claim(other.profile.name, Outcome.ACCEPTED if there.ok else Outcome.REJECTED)
        run.add(PROFILES_DIFFER, key[0], key[1], message, url, (other_claim,))


def _go_versions(run: _Run) -> None:
    source = run.policy.source
    for list_name, patterns in (("allow", source.allow), ("deny", source.deny)):
        if (list_name == "allow" and run.policy.allow is None) or (
            list_name == "deny" and run.policy.deny is None
        ):
            continue
        for index, pattern in enumerate(patterns):
            failing = [
                (name, label, error)
                for name, label, go in GO_LINES
                if go != run.go and (error := _compile_error(pattern, go)) is not None
            ]
            if not failing:
                continue
            example = _example_for(run, list_name, index, pattern)
            if example is None:
                continue
            labels = ", ".join(label for _name, label, _error in failing)
            hint = "; write (?P<name>...) instead" if "(?<" in pattern else ""
            message = (
                f"only some Go versions accept this pattern: {labels} reject it "
                f"({failing[0][2]}), so a registry built with them does not start{hint}"
            )
            extra = tuple(Claim(name, Outcome.NO_START) for name, _label, _error in failing)
            run.add(GO_VERSION_ONLY, list_name, index, message, example, extra)


def _example_for(run: _Run, list_name: str, index: int, pattern: str) -> str | None:
    """A URL that shows the pattern at work: one it admits (allow) or rejects (deny)."""
    lists = {"allow": run.policy.allow, "deny": run.policy.deny}
    compiled = lists[list_name]
    if compiled is None:
        return None
    regexp = compiled.patterns[index]
    shape = _shape(pattern, run.go)
    candidates = [m[0] for m in _meant(shape)] if shape else []
    candidates += run.loaded_matching(list_name, index)[:8]
    for url in candidates:
        if not regexp.matches(url) or prepare_url(url, run.go).reason is not None:
            continue
        if (list_name == "allow") == run.passes(url):
            return url
    return None


# --- entry points ------------------------------------------------------------------------------


_ORDER = {"policy": 0, "allow": 1, "deny": 2}
_CACHE_SIZE = 64
# (source, profile, loaded URLs) -> warnings: the app re-derives its view on every key, and
# most keys (moving, filtering) leave the policy alone.
_results: OrderedDict[tuple[PolicySource, Profile, tuple[str, ...]], tuple[LintWarning, ...]]
_results = OrderedDict()


def lint_policy(
    policy: Policy, urls: Sequence[str] = (), *, other: Policy | None = None
) -> tuple[LintWarning, ...]:
    """Every warning for a compiled policy, each with its verified example.

    `urls` are the loaded images' URL-checked URLs (see `checked_urls`); `other` is the same
    source compiled for the other profile (compiled here when not given; the cross-profile
    rule is skipped when it does not compile: `go-version-only` says why).
    """
    loaded = tuple(dict.fromkeys(urls))
    key = (policy.source, policy.profile, loaded)
    hit = _results.get(key)
    if hit is not None:
        _results.move_to_end(key)
        return hit
    if other is None:
        compiled = _compiled(policy.source, _other_profile(policy.profile))
        other = compiled if isinstance(compiled, Policy) else None
    warnings = _lint(policy, loaded, other)
    _results[key] = warnings
    if len(_results) > _CACHE_SIZE:
        _results.popitem(last=False)
    return warnings


def _lint(policy: Policy, urls: tuple[str, ...], other: Policy | None) -> tuple[LintWarning, ...]:
    run = _Run(policy, urls, other)
    _policy_rules(run)
    allow, deny = policy.allow, policy.deny
    if allow is not None and not allow.implicit:
        for index, regexp in enumerate(allow.patterns):
            shape = _shape(regexp.pattern, run.go)
            if shape is not None:
                _allow_rules(run, index, regexp, shape)
    if deny is not None:
        for index, regexp in enumerate(deny.patterns):
            shape = _shape(regexp.pattern, run.go)
            if shape is not None:
                _deny_rules(run, index, regexp, shape)
    _matches_none(run)
    _profiles_differ(run)
    _go_versions(run)
    ranked = sorted(
        enumerate(run.warnings),
        key=lambda item: (_ORDER[item[1].list_name], item[1].index or 0, item[0]),
    )
    return tuple(w for _, w in ranked)


def lint(
    source: PolicySource, profile: Profile, urls: Sequence[str] = ()
) -> tuple[LintWarning, ...]:
    """Compile `source` for `profile` and lint it; raises PolicyStartupError like the registry."""
    return lint_policy(compile_policy(source, profile), urls)


def _other_profile(profile: Profile) -> Profile:
    return DISTRIBUTION_3 if profile.name == DISTRIBUTION_2_8.name else DISTRIBUTION_2_8


@lru_cache(maxsize=64)
def _compiled(
    source: PolicySource, profile: Profile
) -> Policy | PolicyStartupError | PolicyUnsupported:
    try:
        return compile_policy(source, profile)
    except (PolicyStartupError, PolicyUnsupported) as exc:
        return exc


def checked_urls(manifests: Iterable[Manifest], profile: Profile) -> tuple[str, ...]:
    """Every URL the registry of `profile` checks in these manifests, once, in order."""
    seen: dict[str, None] = {}
    for manifest in manifests:
        for descriptor in manifest.descriptors:
            if descriptor.urls and Check.URLS in registry_checks(
                descriptor, manifest.kind, profile
            ):
                seen.update(dict.fromkeys(descriptor.urls))
    return tuple(seen)
