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

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from foreign_explorer.core.evaluate import Check, registry_checks
from foreign_explorer.core.lint.model import (
    DENY_CASE,
    DENY_HOST_CASE,
    DENY_ONLY,
    DENY_PERCENT,
    DENY_PORT,
    DENY_SCHEME_CASE,
    DENY_TRAILING_DOT,
    DENY_USERINFO,
    DEPRECATED_KEY,
    EVIL_HOSTS,
    FORK_ONLY_KEY,
    GO_LINES,
    GO_VERSION_ONLY,
    HOST_NOT_CLOSED,
    HOST_WILDCARD,
    IGNORED_ENV,
    IGNORED_KEY,
    MATCHES_NONE,
    PLACEHOLDER_HOST,
    PLAIN_HTTP,
    PROFILES_DIFFER,
    READING_CODES,
    SCHEME_CASE_REJECTED,
    TITLES,
    UNANCHORED,
    UNESCAPED_DOT,
    VALIDATION_DISABLED,
    Claim,
    LintWarning,
    Outcome,
    Severity,
)
from foreign_explorer.core.manifest import Manifest
from foreign_explorer.core.policy import (
    Policy,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    compile_policy,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile

__all__ = [
    "DENY_CASE",
    "DENY_HOST_CASE",
    "DENY_ONLY",
    "DENY_PERCENT",
    "DENY_PORT",
    "DENY_SCHEME_CASE",
    "DENY_TRAILING_DOT",
    "DENY_USERINFO",
    "DEPRECATED_KEY",
    "EVIL_HOSTS",
    "FORK_ONLY_KEY",
    "GO_LINES",
    "GO_VERSION_ONLY",
    "HOST_NOT_CLOSED",
    "HOST_WILDCARD",
    "IGNORED_ENV",
    "IGNORED_KEY",
    "MATCHES_NONE",
    "PLACEHOLDER_HOST",
    "PLAIN_HTTP",
    "PROFILES_DIFFER",
    "READING_CODES",
    "SCHEME_CASE_REJECTED",
    "TITLES",
    "UNANCHORED",
    "UNESCAPED_DOT",
    "VALIDATION_DISABLED",
    "Claim",
    "LintWarning",
    "Outcome",
    "Severity",
    "checked_urls",
    "config_key_findings",
    "lint",
    "lint_policy",
]


_ORDER = {"policy": 0, "allow": 1, "deny": 2}
_CACHE_SIZE = 64
# (source, profile, loaded URLs) -> warnings: the app re-derives its view on every key, and
# most keys (moving, filtering) leave the policy alone.
_Key = tuple[PolicySource, tuple[object, ...], Profile, tuple[str, ...]]
_results: OrderedDict[_Key, tuple[LintWarning, ...]] = OrderedDict()


def lint_policy(
    policy: Policy, urls: Sequence[str] = (), *, other: Policy | None = None
) -> tuple[LintWarning, ...]:
    """Every warning for a compiled policy, each with its verified example.

    `urls` are the loaded images' URL-checked URLs (see `checked_urls`); `other` is the same
    source compiled for the other profile (compiled here when not given; the cross-profile
    rule is skipped when it does not compile: `go-version-only` says why).
    """
    loaded = tuple(dict.fromkeys(urls))
    # The keys the configuration holds are not part of the source's identity: added here.
    key = (policy.source, policy.source.keys, policy.profile, loaded)
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
    # The rules are imported when a policy has what they read (patterns, config keys): a
    # `check` without either pays nothing for them at start-up.
    from foreign_explorer.core.lint.policy_rules import _matches_none, _policy_rules
    from foreign_explorer.core.lint.profile_rules import _go_versions, _profiles_differ
    from foreign_explorer.core.lint.reading_rules import _reading_rules
    from foreign_explorer.core.lint.run import _Run

    run = _Run(policy, urls, other)
    _policy_rules(run)
    if policy.source.keys:
        from foreign_explorer.core.lint.key_rules import _key_rules

        _key_rules(run)
    allow, deny = policy.allow, policy.deny
    has_allow = allow is not None and not allow.implicit
    if has_allow or deny is not None:
        from foreign_explorer.core.lint.allow_rules import _allow_rules
        from foreign_explorer.core.lint.deny_rules import _deny_rules
        from foreign_explorer.core.lint.placeholder_rules import _placeholders
        from foreign_explorer.core.lint.probes import _shape

        if allow is not None and has_allow:
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
    if has_allow or deny is not None:
        _placeholders(run)
    _profiles_differ(run)
    _go_versions(run)
    _reading_rules(run)
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


def config_key_findings(text: str, profile: Profile) -> tuple[LintWarning, ...]:
    """The findings about the keys of a config.yml (`path` set), for the policy the registry
    of `profile` runs from that text; () when it would not start (other messages say why)."""
    from foreign_explorer.core.errors import ForeignExplorerError
    from foreign_explorer.core.policy import source_from_config

    try:
        policy = compile_policy(source_from_config(text), profile)
    except (ForeignExplorerError, RecursionError):
        return ()
    return tuple(w for w in lint_policy(policy) if w.path is not None)


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
