"""One lint run: the policy, the loaded URLs, cached verdicts and the warnings found."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from foreign_explorer.core.evaluate import (
    PreparedUrl,
    UrlVerdict,
    judge_url,
    prepare_url,
    url_passes,
)
from foreign_explorer.core.goregex import GoRegexp
from foreign_explorer.core.lint.model import Claim, LintWarning, Outcome, Severity
from foreign_explorer.core.lint.urlparts import _as_url, _host_key
from foreign_explorer.core.policy import Policy

if TYPE_CHECKING:
    from foreign_explorer.core.lint.probes import _Shape

# Characters of a plain DNS label: only hosts made of them get a suggested pattern.
_HOSTNAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


class _Run:
    def __init__(self, policy: Policy, urls: tuple[str, ...], other: Policy | None) -> None:
        self.policy = policy
        self.urls = urls
        self.other = other
        self.go = policy.profile.go
        self._verdicts: dict[str, UrlVerdict] = {}
        self._passes: dict[str, bool] = {}
        self.warnings: list[LintWarning] = []

    # -- verdicts --

    def verdict(self, url: str) -> UrlVerdict:
        hit = self._verdicts.get(url)
        if hit is None:
            hit = self._verdicts[url] = judge_url(url, self.policy)
        return hit

    def passes(self, url: str) -> bool:
        # Rules probe every pattern: a yes or no is a search per list, whatever the count.
        hit = self._passes.get(url)
        if hit is None:
            known = self._verdicts.get(url)
            hit = self._passes[url] = known.ok if known else url_passes(url, self.policy)
        return hit

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
        *,
        severity: Severity = Severity.WARNING,
        path: str | None = None,
    ) -> None:
        if example or path is None:
            outcome = Outcome.ACCEPTED if self.passes(example) else Outcome.REJECTED
        else:
            outcome = Outcome.STARTS  # a key finding no URL shows: the registry starts
        pattern = None
        if index is not None:
            source = self.policy.source
            pattern = (source.allow if list_name == "allow" else source.deny)[index]
        claims = (Claim(self.policy.profile.name, outcome), *extra)
        self.warnings.append(
            LintWarning(
                code,
                list_name,
                index,
                pattern,
                message,
                example,
                claims,
                contrast,
                severity=severity,
                path=path,
            )
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
    assert url is not None
    from foreign_explorer.core.hostpattern import host_pattern

    return f"; to admit only {host}, write {host_pattern(url)}"


def _meant(shape: _Shape) -> list[tuple[str, tuple[int, ...], str]]:
    """(URL, its lone dots, its host) for each witness: what the author seems to mean."""
    out = []
    for witness in shape.witnesses:
        url, dots = _as_url(witness)
        host = _host_key(url)
        out.append((url, dots, host or ""))
    return out
