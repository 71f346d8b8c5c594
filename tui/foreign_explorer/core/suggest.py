"""Suggest: the narrowest sensible allow patterns for the URLs an image's layers carry.

One pattern per scheme and host as written: anchored, every metacharacter quoted the way Go's
regexp.QuoteMeta does, and ending at a path boundary (`^https://mcr\\.microsoft\\.com/`), or
narrowed to a path prefix. A URL no pattern can make safe (plain http, user information
before the host) gets none, and the reason. Nothing is trusted by construction: the patterns
are compiled and every URL judged by the engine, and the policy they form is linted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from foreign_explorer.core.errors import InputError
from foreign_explorer.core.evaluate import judge_url, prepare_url
from foreign_explorer.core.hostpattern import UrlHead, host_pattern, quote_meta, url_head
from foreign_explorer.core.lint import PROFILES_DIFFER, LintWarning, lint_policy
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import Profile
from foreign_explorer.core.urltext import split_url

__all__ = [
    "PLAIN_HTTP_REASON",
    "USERINFO_REASON",
    "SuggestError",
    "Suggestion",
    "host_pattern",
    "quote_meta",
    "suggest",
]


# The longest DNS name, in characters (RFC 1035: 255 octets on the wire).
_LONGEST_HOST = 253


class SuggestError(InputError):
    """The suggestion cannot be made as asked (a path prefix some URL does not have)."""


def _boundary(head: UrlHead) -> str:
    # A URL with no path cannot be matched up to a `/`; pin what really ends its authority.
    if head.after == "/":
        return "/"
    return "\\?" if head.after == "?" else "$"


def _common_directory(paths: Sequence[str]) -> str:
    first, last = min(paths), max(paths)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    common = first[:size]
    return common[: common.rfind("/") + 1] or "/"


@dataclass(frozen=True)
class Suggestion:
    """Suggested allow patterns, and what the engine says about them."""

    profile: Profile
    patterns: tuple[str, ...]
    # The policy the suggestion was verified with (allow = patterns, the given deny list).
    source: PolicySource
    # (URL, index of the pattern that admits it) for every URL an allow pattern can fix.
    admitted: tuple[tuple[str, int], ...]
    # (URL, why) for URLs no allow pattern can make pass (Go cannot parse them, a deny...).
    unfixable: tuple[tuple[str, str], ...]
    # The suggested policy's own lint (empty for ordinary https URLs).
    warnings: tuple[LintWarning, ...]

    @property
    def verified(self) -> bool:
        return bool(self.patterns) and not self.unfixable


def suggest(
    urls: Sequence[str],
    profile: Profile,
    *,
    narrow: bool = False,
    path_prefix: str | None = None,
    deny: Sequence[str] = (),
) -> Suggestion:
    """Allow patterns for `urls` (the loaded layers' URL-checked URLs), verified by the engine.

    `narrow` pins each host's longest common directory; `path_prefix` pins the given one
    (every URL of a host must start with it). `deny` is kept, and its effect reported.
    """
    if path_prefix is not None and not path_prefix.startswith("/"):
        raise SuggestError(f"path prefix {path_prefix!r} must start with /")
    unfixable: list[tuple[str, str]] = []
    groups: dict[tuple[str, str], list[UrlHead]] = {}
    fixable: list[str] = []
    for url in dict.fromkeys(urls):
        prepared = prepare_url(url, profile.go)
        head = url_head(url)
        if prepared.reason is not None or head is None:
            unfixable.append((url, prepared.message or "not an http(s) URL"))
            continue
        if why := _unsafe(url) or _too_long(head):
            unfixable.append((url, why))
            continue
        fixable.append(url)
        groups.setdefault((head.head, _boundary(head)), []).append(head)
    patterns = [_group_pattern(key, heads, narrow, path_prefix) for key, heads in groups.items()]
    source = PolicySource(allow=tuple(dict.fromkeys(patterns)), deny=tuple(deny))
    if not source.allow:
        return Suggestion(profile, (), source, (), tuple(unfixable), ())
    policy = compile_policy(source, profile)
    warnings = lint_policy(policy, fixable)
    # The self-check: a pattern the lint warns about is never suggested (by construction none
    # is; this keeps it true). Its URLs are reported as unfixable, with the warning.
    withdrawn = {w.index: w for w in warnings if _warns_about_suggested(w)}
    if withdrawn:
        kept = tuple(p for i, p in enumerate(source.allow) if i not in withdrawn)
        source = PolicySource(allow=kept, deny=source.deny)
        if not kept:
            dropped = [(url, next(iter(withdrawn.values())).message) for url in fixable]
            return Suggestion(profile, (), source, (), (*unfixable, *dropped), ())
        policy = compile_policy(source, profile)
        warnings = lint_policy(policy, fixable)
    admitted: list[tuple[str, int]] = []
    for url in fixable:
        verdict = judge_url(url, policy)
        if verdict.ok and verdict.allowed_by is not None:
            admitted.append((url, verdict.allowed_by))
        else:
            unfixable.append((url, verdict.message))
    return Suggestion(
        profile, source.allow, source, tuple(admitted), tuple(unfixable), tuple(warnings)
    )


PLAIN_HTTP_REASON = (
    "plain http: anyone on the way can swap the layer's bytes for their own, so no allow "
    "pattern is suggested for it; ask the image's publisher for an https URL (or allow "
    "^http://... yourself, knowing that)"
)
USERINFO_REASON = (
    "it carries user information (user[:password]@) before its host: a pattern for it "
    "would copy that credential into the registry's configuration, and the same text "
    "before `@` is how a URL names another host; no allow pattern is suggested for it"
)


def _too_long(head: UrlHead) -> str | None:
    """Go parses such a host, but no DNS name is that long: nothing serves it, and pinning it
    would cost a pattern as long as the host (one RE2 program per character)."""
    if len(head.host) <= _LONGEST_HOST:
        return None
    return f"its host is {len(head.host)} characters long: no DNS name is longer than 253"


def _unsafe(url: str) -> str | None:
    """Why no pattern should admit `url`, even one the registry would accept."""
    parts = split_url(url)
    if parts is None:
        return None
    if parts.scheme.lower() == "http":
        return PLAIN_HTTP_REASON
    if parts.userinfo is not None:
        return USERINFO_REASON
    return None


def _warns_about_suggested(warning: LintWarning) -> bool:
    """A warning against a suggested allow pattern itself. `profiles-differ` is about a URL
    the other registry version parses differently, not about the pattern: it stays a note."""
    return (
        warning.list_name == "allow"
        and warning.index is not None
        and not warning.is_info
        and warning.code != PROFILES_DIFFER
    )


def _group_pattern(
    key: tuple[str, str], heads: list[UrlHead], narrow: bool, path_prefix: str | None
) -> str:
    head, boundary = key
    base = "^" + quote_meta(head)
    if boundary != "/":
        return base + boundary
    if path_prefix is not None:
        missing = [h for h in heads if not h.path.startswith(path_prefix)]
        if missing:
            raise SuggestError(
                f"{missing[0].head}{missing[0].path} does not start with the path prefix "
                f"{path_prefix}"
            )
        return base + quote_meta(path_prefix)
    if narrow:
        return base + quote_meta(_common_directory([h.path for h in heads]))
    return base + "/"
