"""Policy-wide rules: validation disabled, deny only, allow patterns that match no loaded URL."""

from __future__ import annotations

from foreign_explorer.core.lint.model import (
    DENY_ONLY,
    EVIL_HOSTS,
    MATCHES_NONE,
    VALIDATION_DISABLED,
)
from foreign_explorer.core.lint.run import _meant, _Run
from foreign_explorer.core.lint.urlparts import _host_key


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
    from foreign_explorer.core.lint.probes import _shape

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
