"""The effective URL policy, built from config.yml, the environment and flags as distribution does.

A `PolicySource` is what the registry's configuration says; `compile_policy` turns it into the
frozen `Policy` the registry would run with, or raises `PolicyStartupError` with the text the
registry dies with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from foreign_explorer.core.errors import ForeignExplorerError, InputError
from foreign_explorer.core.goregex import (
    EngineLimitError,
    GoRegexp,
    GoRegexpError,
    PatternSet,
    compile_go,
)
from foreign_explorer.core.gostrconv import regexp_quote
from foreign_explorer.core.indexes import IndexesSetting
from foreign_explorer.core.profiles import Profile

if TYPE_CHECKING:
    from foreign_explorer.core.configkeys import ConfigKey

# What distribution installs when both lists are empty: no URL can match it.
DEFAULT_ALLOW = "^$"


@dataclass(frozen=True)
class EnvTrap:
    """An indexed REGISTRY_VALIDATION_MANIFESTS_URLS_<LIST>_<i> variable, read two ways.

    2.8 ignores such names. 3.x walks into the list but never stores the value: when `i`
    equals the list's length it appends "" (a pattern that matches every URL), when it names
    an existing entry nothing happens.
    """

    name: str
    value: str
    list_name: str
    # What 3.x did with it: "appended" (an empty pattern) or "ignored".
    effect: str


@dataclass(frozen=True)
class PolicySource:
    """The validation section as the registry reads it (after file, environment and flags)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    disabled: bool = False
    # The deprecated twin of `disabled`: `enabled: true` wins over `disabled: true`.
    enabled: bool = False
    # validation.manifests.indexes, which only 3.x reads.
    indexes: IndexesSetting = field(default_factory=IndexesSetting)
    # Indexed URL-list variables of the environment this was read from (see EnvTrap).
    env_traps: tuple[EnvTrap, ...] = ()
    # (profile name, yaml.v2's error) for a release line that cannot decode config.yml at all
    # while the other can (core/goyaml); compile_policy raises it for that profile.
    refused_by: tuple[tuple[str, str], ...] = ()
    # The keys the configuration holds, as written (core/configkeys): lint says which the
    # registry never reads. Not part of the policy: equal policies compare equal.
    keys: tuple[ConfigKey, ...] = field(default=(), compare=False)

    @property
    def validation_enabled(self) -> bool:
        return self.enabled or not self.disabled

    def with_flags(
        self,
        allow: Sequence[str] | None = None,
        deny: Sequence[str] | None = None,
        disabled: bool | None = None,
    ) -> PolicySource:
        """Flags that are given replace what the file and environment said."""
        out = self
        if allow is not None:
            out = replace(out, allow=tuple(allow))
        if deny is not None:
            out = replace(out, deny=tuple(deny))
        if disabled is not None:
            out = replace(out, disabled=disabled, enabled=False if disabled else out.enabled)
        return out


class PolicyConfigError(InputError):
    """The configuration cannot be read by the registry at all (it refuses to start)."""

    def __init__(self, message: str, list_name: str | None = None) -> None:
        super().__init__(message)
        self.list_name = list_name

    def as_dict(self) -> dict[str, object]:
        return {"list": self.list_name, "index": None, "pattern": None, "message": self.message}


class PolicyUnsupported(InputError):
    """Go (so the registry) accepts a pattern that RE2 cannot run here: no honest verdict."""

    def __init__(self, list_name: str, index: int, pattern: str) -> None:
        super().__init__(
            f"{list_name}[{index}] is valid Go, but too large for foreign-explorer's regexp "
            "engine to evaluate; the registry would start with it"
        )
        self.list_name = list_name
        self.index = index
        self.pattern = pattern


class PolicyStartupError(ForeignExplorerError):
    """A pattern, or the joined expression, that makes the registry panic at start-up."""

    def __init__(
        self, list_name: str, index: int | None, pattern: str | None, message: str
    ) -> None:
        super().__init__(message)
        self.list_name = list_name
        self.index = index
        self.pattern = pattern

    def as_dict(self) -> dict[str, object]:
        return {
            "list": self.list_name,
            "index": self.index,
            "pattern": self.pattern,
            "message": self.message,
        }


class PolicyUnreadableConfig(PolicyStartupError):
    """This release line's yaml.v2 decoding stops on config.yml (the other one reads it)."""

    def __init__(self, registry_text: str) -> None:
        super().__init__("config", None, None, f"config: {registry_text}")

    def as_dict(self) -> dict[str, object]:
        return {"list": None, "index": None, "pattern": None, "message": self.message}


class PolicyIndexesError(PolicyStartupError):
    """distribution 3.x cannot read validation.manifests.indexes: it refuses to start.

    `registry_text` is what it prints after `configuration error: error parsing <file>: `.
    """

    def __init__(self, registry_text: str, profile: Profile) -> None:
        first = registry_text.replace("yaml: unmarshal errors:\n  ", "").splitlines()[0]
        message = f"{profile.title} cannot read validation.manifests.indexes: {first}"
        super().__init__("indexes", None, None, message)
        self.registry_text = registry_text


def source_from_config(text: str) -> PolicySource:
    """The `validation` section of a registry config.yml (yaml.v2 semantics)."""
    # Imported here: PyYAML is needed only when there is a config or environment to read.
    from foreign_explorer.core.configkeys import config_keys
    from foreign_explorer.core.goyaml import GoYAMLError, decode_validation

    try:
        section = decode_validation(text)
    except GoYAMLError as exc:
        raise PolicyConfigError(f"config: {exc.message}", exc.list_name) from None
    return PolicySource(
        allow=section.allow,
        deny=section.deny,
        disabled=section.disabled,
        enabled=section.enabled,
        indexes=section.indexes,
        refused_by=section.refused_by,
        keys=config_keys(text),
    )


def apply_environment(
    source: PolicySource, env: Mapping[str, str], profile: Profile
) -> PolicySource:
    """REGISTRY_VALIDATION_* overrides, applied in name order as the registry does.

    `validation.manifests.indexes` variables are read as 3.x reads them whatever the profile
    (2.8 ignores the result); a 3.x error there is kept in `indexes.error`, and from then on
    nothing more is read, as 3.x stops at it.
    """
    from foreign_explorer.core.configkeys import env_keys
    from foreign_explorer.core.goyaml import GoYAMLError, ValidationSection, overlay_env_section

    if profile.name in dict(source.refused_by):  # the registry stops at the file first
        return replace(source, keys=source.keys + env_keys(env))
    base = ValidationSection(
        allow=source.allow,
        deny=source.deny,
        disabled=source.disabled,
        enabled=source.enabled,
        indexes=source.indexes,
    )
    try:
        section, traps = overlay_env_section(base, env, indexed_names=profile.env_indexed_names)
    except GoYAMLError as exc:
        raise PolicyConfigError(f"environment: {exc.message}", exc.list_name) from None
    return PolicySource(
        allow=section.allow,
        deny=section.deny,
        disabled=section.disabled,
        enabled=section.enabled,
        indexes=section.indexes,
        env_traps=source.env_traps + traps,
        refused_by=source.refused_by,
        keys=source.keys + env_keys(env),
    )


@dataclass(frozen=True)
class PatternList:
    """One compiled list: its patterns, matched together (the policy's matcher does the work)."""

    name: str
    patterns: tuple[GoRegexp, ...]
    # True for the `^$` the registry installs when both lists are empty.
    implicit: bool = False
    # The joined expression the registry compiles, `(?:p1)|(?:p2)|...`: held so that the
    # same list compiled for another Go version reuses its parse (see goregex.compile_go).
    joined: GoRegexp | None = field(default=None, compare=False, repr=False)

    @cached_property
    def matcher(self) -> PatternSet:
        return PatternSet(self.patterns)

    def matching(self, text: str) -> list[int]:
        return self.matcher.matching(text)


@dataclass(frozen=True)
class Policy:
    """The policy a registry of `profile` runs with. One Policy gives one Evaluation."""

    source: PolicySource
    profile: Profile
    allow: PatternList | None
    deny: PatternList | None
    # allow then deny patterns, matched together: one call per URL answers both lists.
    matcher: PatternSet | None = None

    @property
    def allow_count(self) -> int:
        return len(self.allow.patterns) if self.allow is not None else 0

    @property
    def enabled(self) -> bool:
        return self.source.validation_enabled

    @property
    def allows_nothing(self) -> bool:
        return self.allow is not None and self.allow.implicit

    @property
    def indexes(self) -> IndexesSetting | None:
        """Which index children must exist, for a registry that reads the setting (3.x)."""
        return self.source.indexes if self.profile.reads_index_platforms else None


def compile_policy(source: PolicySource, profile: Profile) -> Policy:
    """Compile like distribution's app start-up; raises PolicyStartupError where it panics
    (PolicyIndexesError when 3.x cannot read validation.manifests.indexes, PolicyUnreadableConfig
    when only this release line cannot decode the file)."""
    refusal = dict(source.refused_by).get(profile.name)
    if refusal is not None:
        raise PolicyUnreadableConfig(refusal)
    if profile.reads_index_platforms and source.indexes.error is not None:
        raise PolicyIndexesError(source.indexes.error, profile)
    if not source.validation_enabled:
        return Policy(source=source, profile=profile, allow=None, deny=None)
    if not source.allow and not source.deny:
        implicit = _compile_list("allow", (DEFAULT_ALLOW,), profile, implicit=True)
        return _with_matcher(Policy(source=source, profile=profile, allow=implicit, deny=None))
    allow = _compile_list("allow", source.allow, profile) if source.allow else None
    deny = _compile_list("deny", source.deny, profile) if source.deny else None
    return _with_matcher(Policy(source=source, profile=profile, allow=allow, deny=deny))


def _with_matcher(policy: Policy) -> Policy:
    patterns = [
        *(policy.allow.patterns if policy.allow else ()),
        *(policy.deny.patterns if policy.deny else ()),
    ]
    if not patterns:
        return policy
    # Each list's joined expression, compiled already, is that list's range of the set.
    joined = [found.joined for found in (policy.allow, policy.deny) if found is not None]
    matcher = PatternSet(patterns, split=policy.allow_count, joined=joined)
    return replace(policy, matcher=matcher)


def _compile_list(
    name: str, patterns: Iterable[str], profile: Profile, *, implicit: bool = False
) -> PatternList:
    compiled: list[GoRegexp] = []
    patterns = tuple(patterns)
    for index, pattern in enumerate(patterns):
        try:
            compiled.append(compile_go(pattern, profile.go))
        except EngineLimitError:
            raise PolicyUnsupported(name, index, pattern) from None
        except GoRegexpError as exc:
            message = f"validation.manifests.urls.{name}: {exc.message}"
            raise PolicyStartupError(name, index, pattern, message) from None
    if len(patterns) == 1 and "\\Q" not in patterns[0]:
        # `(?:p)` parses to p's own tree: only a `\Q` running to the end can break it.
        return PatternList(name=name, patterns=tuple(compiled), implicit=implicit)
    joined = "|".join(f"(?:{p})" for p in patterns)
    try:
        joined_regexp = compile_go(joined, profile.go)
    except EngineLimitError:
        raise PolicyUnsupported(name, 0, patterns[0]) from None
    except GoRegexpError as exc:
        # Each pattern compiled alone, but wrapping broke one (e.g. `\Q` swallows the `)`).
        culprit = _first_unwrappable(patterns, profile)
        message = f"regexp: Compile({regexp_quote(joined)}): {exc.message}"
        pattern = patterns[culprit] if culprit is not None else None
        raise PolicyStartupError(name, culprit, pattern, message) from None
    return PatternList(name=name, patterns=tuple(compiled), implicit=implicit, joined=joined_regexp)


def _first_unwrappable(patterns: Sequence[str], profile: Profile) -> int | None:
    for index, pattern in enumerate(patterns):
        try:
            compile_go(f"(?:{pattern})", profile.go)
        except GoRegexpError:
            return index
    return None
