"""Profile and Go-version rules: URLs 2.8 and 3.x judge apart, patterns some Go versions reject."""

from __future__ import annotations

from foreign_explorer.core.evaluate import judge_url, prepare_url
from foreign_explorer.core.lint.model import (
    GO_LINES,
    GO_VERSION_ONLY,
    PROFILES_DIFFER,
    Claim,
    Outcome,
)
from foreign_explorer.core.lint.run import _meant, _Run
from foreign_explorer.core.urltext import split_url as _split


def _probe_urls(run: _Run) -> list[str]:
    """URLs Go 1.19 and Go 1.25 parse differently, shaped like the ones the policy admits."""
    seeds: list[str] = []
    allow = run.policy.allow
    if allow is not None and not allow.implicit:
        from foreign_explorer.core.lint.probes import _shape

        for regexp in allow.patterns:
            shape = _shape(regexp.pattern, run.go)
            seeds += [m[0] for m in _meant(shape)] if shape else []
    probes = []
    for seed in seeds:
        parts = _split(seed)
        if parts is None or not parts.host or parts.host.startswith("["):
            continue
        # Go 1.19 does not look inside brackets; Go >= 1.25.2 wants an IP there. (Text
        # before a `[`, which 1.25.2-1.25.7 dropped, is rejected by both targets since 1.25.8.)
        probes.append(parts.url(host=f"[{parts.host}]"))
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
            from foreign_explorer.core.lint.probes import _compile_error

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
    from foreign_explorer.core.lint.probes import _shape

    shape = _shape(pattern, run.go)
    candidates = [m[0] for m in _meant(shape)] if shape else []
    candidates += run.loaded_matching(list_name, index)[:8]
    for url in candidates:
        if not regexp.matches(url) or prepare_url(url, run.go).reason is not None:
            continue
        if (list_name == "allow") == run.passes(url):
            return url
    return None
