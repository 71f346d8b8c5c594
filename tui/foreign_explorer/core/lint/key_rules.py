"""Keys the registry never reads: what becomes of each key and variable the configuration holds.

The facts about keys are in core/configkeys; here they become findings. A key that holds
patterns (a mis-indented `allow:`) is shown with one URL it seems to be about, judged by the
policy the registry really runs with; other keys have no URL, and their claim is that the
registry starts with them (and reads nothing from them).
"""

from __future__ import annotations

from foreign_explorer.core.configkeys import (
    DEPRECATED_ENABLED,
    Fate,
    KeyFate,
    fates,
    present_paths,
)
from foreign_explorer.core.lint.model import (
    DEPRECATED_KEY,
    EVIL_HOSTS,
    FORK_ONLY_KEY,
    IGNORED_ENV,
    IGNORED_KEY,
)
from foreign_explorer.core.lint.probes import _shape
from foreign_explorer.core.lint.run import _meant, _Run


def _key_rules(run: _Run) -> None:
    keys = run.policy.source.keys
    if not keys:
        return
    profile = run.policy.profile
    for fate in fates(keys, profile):
        code, message = _finding(fate, profile.title)
        items = fate.key.items
        if not items and fate.fate is Fate.INDEXED and fate.key.value:
            items = (fate.key.value,)  # `..._ALLOW_0=<pattern>`: the pattern meant for the list
        example = _example(run, items)
        if example:
            message += _effect(run, example)
        run.add(code, "policy", None, message, example, path=fate.key.path)
    where = present_paths(keys, profile).get(DEPRECATED_ENABLED)
    if where is not None:
        _deprecated_enabled(run, where)


def _finding(fate: KeyFate, title: str) -> tuple[str, str]:
    key = fate.key
    near = f" (did you mean {fate.nearest}?)" if fate.nearest else ""
    inside = f" (in the value of {key.env})" if key.env and not key.is_variable else ""
    if fate.fate is Fate.FORK:
        return FORK_ONLY_KEY, (
            f"{key.path} exists only in {fate.reader}; {title} ignores it without a word, "
            "so it limits nothing here"
        )
    if fate.fate is Fate.OTHER_VERSION and key.is_variable:
        # The env parser finds no such field in this version's structs: it says so.
        return IGNORED_ENV, (
            f"{key.path} exists only in {fate.reader}; {title} has no such setting: it logs "
            '"Ignoring unrecognized environment variable" and goes on without it'
        )
    if fate.fate is Fate.OTHER_VERSION:
        return IGNORED_KEY, (
            f"{key.path}{inside} exists only in {fate.reader}; {title} ignores it without a word"
        )
    if not key.is_variable:
        return IGNORED_KEY, (
            f"{title} never reads {key.path}{inside}: it ignores keys it does not know, "
            f"without a word{near}"
        )
    if fate.fate is Fate.CASE:
        return IGNORED_ENV, (
            f"{title} reads only variables named in upper case from REGISTRY_: it ignores "
            f"{key.path} without a word{near}"
        )
    if fate.fate is Fate.BELOW_SCALAR:
        return IGNORED_ENV, (
            f"{key.path} names something below {fate.nearest}, which holds one value: "
            f"{title} ignores it without a word"
        )
    if fate.fate is Fate.INDEXED:
        return IGNORED_ENV, (
            f"{title} ignores indexed names such as {key.path} without a word; set the whole "
            f"list as YAML in {fate.nearest}"
        )
    return IGNORED_ENV, (
        f'{title} has no setting {key.path}: it logs "Ignoring unrecognized environment '
        f'variable" and goes on without it{near}'
    )


def _example(run: _Run, items: tuple[str, ...]) -> str:
    """A URL the ignored patterns seem to be about (what their author meant to admit or deny)."""
    for item in items[:4]:
        shape = _shape(item, run.go)
        for url, _dots, host in _meant(shape) if shape else []:
            if host:
                return url
    return ""


def _effect(run: _Run, example: str) -> str:
    policy = run.policy
    if not policy.enabled:
        runs = "validation is off"
    elif policy.allows_nothing:
        runs = "both lists are empty, so it admits no URL at all"
    else:
        runs = "its lists are the ones under validation.manifests.urls"
    verdict = "admits" if run.passes(example) else "rejects"
    return f"; the registry runs without it ({runs}) and {verdict} this URL"


def _deprecated_enabled(run: _Run, where: str) -> None:
    source = run.policy.source
    named = f"{DEPRECATED_ENABLED} (from {where})" if where != "config.yml" else DEPRECATED_ENABLED
    path = where if where != "config.yml" else DEPRECATED_ENABLED
    if source.enabled and source.disabled:
        message = (
            f"{named} is deprecated, and true overrides disabled: true: validation stays on; "
            "remove both to keep it on, or enabled to turn it off"
        )
        # A URL validation rejects shows that it is on.
        for evil in EVIL_HOSTS:
            url = f"https://{evil}/layer.tar.gz"
            if not run.passes(url):
                run.add(DEPRECATED_KEY, "policy", None, message, url, path=path)
                return
        run.add(DEPRECATED_KEY, "policy", None, message, "", path=path)
        return
    if source.enabled:
        why = "validation is on unless disabled: true"
    elif source.disabled:
        why = "it can only turn validation on, and disabled: true turns it off"
    else:
        why = "it can only turn validation on, which it is by default"
    message = f"{named} is deprecated and changes nothing here: {why}; remove it"
    run.add(DEPRECATED_KEY, "policy", None, message, "", path=path)
