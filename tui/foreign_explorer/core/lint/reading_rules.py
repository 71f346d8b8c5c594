"""Where distribution 2.8 and 3.x read the same configuration differently, and where the
registry's own reading is a trap.

- `env-indexed-name`: REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0 (and _DENY_<i>) looks like
  it sets one pattern. 2.8 ignores the name; 3.x (3.0 and 3.1 alike) walks into the list but
  never stores the value: an index equal to the list's length appends "", a pattern that
  matches every URL (allow-all, or deny-all), any other index does nothing.
- `indexes-differ`: which children of a pushed index must already be in the repository.
  2.8 requires every child, validation on or off (it has no `indexes` setting); 3.x follows
  validation.manifests.indexes, and looks no child up while validation is disabled.
- `platform-list-panic`: with `platforms: list` and a non-empty list, 3.1.1 dereferences the
  platform of every OCI index child; a child without one makes the request handler panic and
  the push gets no response at all.

The URL examples are judged by the engine like every lint example; the index examples are
descriptions of an index, whose claims the differential suite proves on both registries.
"""

from __future__ import annotations

from foreign_explorer.core.lint.model import (
    ENV_INDEXED_NAME,
    EVIL_HOSTS,
    INDEXES_DIFFER,
    PLATFORM_LIST_PANIC,
    Claim,
    LintWarning,
    Outcome,
)
from foreign_explorer.core.lint.run import _meant, _Run
from foreign_explorer.core.policy import EnvTrap
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

_MISSING_CHILD = "an index whose {} child is not in the repository"
_NO_PLATFORM = "an OCI index with a child that has no platform"


def _reading_rules(run: _Run) -> None:
    for trap in run.policy.source.env_traps:
        _env_trap(run, trap)
    _indexes(run)


def _whole_list(trap: EnvTrap) -> str:
    return trap.name.rsplit("_", 1)[0]


def _env_trap(run: _Run, trap: EnvTrap) -> None:
    profile = run.policy.profile
    whole = _whole_list(trap)
    advice = f"set the whole list instead: {whole}='[...]' (YAML)"
    if profile.env_indexed_names and trap.effect == "appended":
        # The list holds "" now: it matches every URL.
        example = f"https://{EVIL_HOSTS[0]}/layer.tar.gz"
        everything = "admits every URL" if trap.list_name == "allow" else "rejects every URL"
        message = (
            f"{trap.name} does not set a pattern: distribution 3 appends an empty pattern "
            f"instead, which {everything}, and drops the value (2.8 ignores the variable); "
            f"{advice}"
        )
        if run.passes(example) == (trap.list_name == "allow"):
            _add_url(run, trap.list_name, message, example)
        return
    # The value is ignored (2.8 always; 3.x when the index names an existing entry).
    who = profile.title
    message = (
        f"{trap.name} is ignored by {who}: its value never reaches the {trap.list_name} "
        f"list; {advice}"
    )
    example = _meant_by(run, trap.value)
    if example is None:
        return
    # What the value was for: an allow pattern's URL is rejected, a deny pattern's admitted.
    if run.passes(example) == (trap.list_name == "deny"):
        _add_url(run, trap.list_name, message, example)


def _add_url(run: _Run, list_name: str, message: str, example: str) -> None:
    """A warning whose example URL the engine has judged (the claim is that verdict)."""
    outcome = Outcome.ACCEPTED if run.passes(example) else Outcome.REJECTED
    claims = (Claim(run.policy.profile.name, outcome),)
    warning = LintWarning(ENV_INDEXED_NAME, list_name, None, None, message, example, claims)
    run.warnings.append(warning)


def _meant_by(run: _Run, pattern: str) -> str | None:
    from foreign_explorer.core.lint.probes import _shape  # only for an indexed variable

    shape = _shape(pattern, run.go)
    if shape is None:
        return None
    for url, _dots, _host in _meant(shape):
        if url.startswith(("http://", "https://")):
            return url
    return None


def _indexes(run: _Run) -> None:
    policy = run.policy
    source = policy.source
    setting = source.indexes
    if setting.error is not None:
        return  # 3.x does not start: compiling the policy says so
    if policy.profile.name == DISTRIBUTION_2_8.name and not setting.is_set:
        return
    listed = {(p.os, p.architecture) for p in setting.platformlist}
    unlisted = next(
        f"{os}/{arch}"
        for os, arch in (("windows", "amd64"), ("linux", "arm64"), ("linux", "s390x"))
        if setting.effective != "list" or (os, arch) not in listed
    )
    example = _MISSING_CHILD.format(unlisted)
    if not source.validation_enabled or setting.effective != "all":
        if not source.validation_enabled:
            why = "with validation disabled, distribution 3 looks up no child of an index"
        elif setting.effective == "none":
            why = "with platforms: none, distribution 3 looks up no child of an index"
        else:
            only = ", ".join(str(p) for p in setting.platformlist)
            why = f"with platforms: list, distribution 3 looks up only the children for {only}"
        message = (
            f"{why}, while 2.8 (which has no validation.manifests.indexes) requires every "
            "child: the same configuration accepts an incomplete index on one and refuses it "
            "on the other"
        )
        _add(run, INDEXES_DIFFER, message, example, three=True, two=False)
    elif setting.platforms == "list":
        message = (
            "platforms: list with an empty platformlist makes distribution 3 require every "
            "child, as all does (and 2.8 always does); list the os/architecture pairs that "
            "must exist"
        )
        _add(run, INDEXES_DIFFER, message, example, three=False, two=False)
    elif setting.platformlist:
        message = (
            "platformlist is set but platforms is not list: distribution 3 ignores the list "
            "and requires every child, as 2.8 does; add platforms: list"
        )
        _add(run, INDEXES_DIFFER, message, example, three=False, two=False)
    if setting.effective == "list" and source.validation_enabled:
        message = (
            "with platforms: list, distribution 3.1.1 reads the platform of every OCI index "
            "child: one without a platform makes its request handler panic, and the push gets "
            "no response at all (the connection is closed); 2.8 accepts such an index"
        )
        _add(run, PLATFORM_LIST_PANIC, message, _NO_PLATFORM, three=False, two=True)


def _add(run: _Run, code: str, message: str, example: str, *, three: bool, two: bool) -> None:
    """A warning about index children: its claims come from the rule, not from a URL verdict."""
    by_profile = {DISTRIBUTION_3.name: three, DISTRIBUTION_2_8.name: two}
    mine = run.policy.profile.name
    order = [mine, *(name for name in by_profile if name != mine)]
    claims = tuple(
        Claim(name, Outcome.ACCEPTED if by_profile[name] else Outcome.REJECTED) for name in order
    )
    run.warnings.append(LintWarning(code, "policy", None, None, message, example, claims))
