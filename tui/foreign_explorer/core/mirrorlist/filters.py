"""Which tags of a repository a mirror tool copies, given the tag list the registry returns.

Both tools are Go programs: their patterns are Go regular expressions (RE2 syntax, matched
with core/goregex), compiled by a current Go (1.25). They differ in anchoring:

* skopeo sync v1.22.2, `images-by-tag-regex`: `regexp.MatchString`, an unanchored search.
  `1\\.2` also copies `11.22-alpine`; anchor with `^...$` to mean the whole tag.
* regsync v0.11.5, `tags.allow` / `tags.deny`: each pattern is compiled as `^` + pattern +
  `$`, so it must match the whole tag; an alternation binds the anchors to its ends only
  (`a|b` becomes `^a|b$`: any tag starting with `a`, or ending with `b`). A tag is kept when
  it passes the semverRange (if any), then matches some allow pattern (if any), then no deny
  pattern. `tagSets` and `tags` each select tags that way, and the job copies the union.

Tags keep the registry's order (regsync: set by set).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.goregex import GoRegexp, GoRegexpError, compile_go
from foreign_explorer.core.gostrconv import quote
from foreign_explorer.core.mirrorlist import semver_masterminds, semver_regsync
from foreign_explorer.core.profiles import GoVersion

# The Go both tools' current releases are built with; only the regexp package matters here.
TOOLS_GO: GoVersion = (1, 25, 8)


class TagFilterError(ForeignExplorerError):
    """A filter the mirror tool cannot compile; the message is the tool's."""


class TagFilter(ABC):
    """A rule picking tags out of a repository's tag list."""

    @abstractmethod
    def select(self, tags: Sequence[str]) -> tuple[str, ...]:
        """The tags it picks, in the list's order."""

    @abstractmethod
    def describe(self) -> str:
        """The rule in the mirror tool's words."""


@dataclass(frozen=True)
class EveryTag(TagFilter):
    """skopeo `images: {repo: []}`: every tag the registry lists."""

    def select(self, tags: Sequence[str]) -> tuple[str, ...]:
        return tuple(tags)

    def describe(self) -> str:
        return "every tag"


def _compile(pattern: str) -> GoRegexp:
    try:
        return compile_go(pattern, TOOLS_GO)
    except GoRegexpError as err:
        raise TagFilterError(err.message) from None


@dataclass(frozen=True)
class SkopeoTagRegex(TagFilter):
    """skopeo `images-by-tag-regex`: tags in which the pattern matches somewhere."""

    pattern: str
    _regex: GoRegexp = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", _compile(self.pattern))

    def select(self, tags: Sequence[str]) -> tuple[str, ...]:
        return tuple(tag for tag in tags if self._regex.matches(tag))

    def describe(self) -> str:
        return f"tags matching {self.pattern!r} anywhere"


@dataclass(frozen=True)
class SkopeoSemver(TagFilter):
    """skopeo `images-by-semver`: tags that are versions satisfying the constraint."""

    constraint: str
    _parsed: semver_masterminds.Constraints = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            parsed = semver_masterminds.parse_constraints(self.constraint)
        except semver_masterminds.SemverConstraintError as err:
            raise TagFilterError(err.message) from None
        object.__setattr__(self, "_parsed", parsed)

    def select(self, tags: Sequence[str]) -> tuple[str, ...]:
        return tuple(tag for tag in tags if self._parsed.admits_tag(tag))

    def describe(self) -> str:
        return f"tags satisfying {self.constraint!r} (Masterminds semver)"


@dataclass(frozen=True)
class RegsyncTagSet:
    """One `tags` (or `tagSets` item) of a regsync sync entry."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    semver_range: tuple[str, ...] = ()
    _ranges: tuple[semver_regsync.Range, ...] = field(init=False, repr=False, compare=False)
    _allow: tuple[GoRegexp, ...] = field(init=False, repr=False, compare=False)
    _deny: tuple[GoRegexp, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ranges = []
        for text in self.semver_range:
            if text == "":
                continue
            try:
                ranges.append(semver_regsync.parse_range(text))
            except semver_regsync.SemverRangeError as err:
                raise TagFilterError(f"invalid semver range {quote(text)}: {err.message}") from None
        object.__setattr__(self, "_ranges", tuple(ranges))
        for kind in ("allow", "deny"):
            compiled = []
            for pattern in getattr(self, kind):
                try:
                    compiled.append(compile_go("^" + pattern + "$", TOOLS_GO))
                except GoRegexpError as err:
                    raise TagFilterError(
                        f"invalid {kind} pattern {quote(pattern)}: {err.message}"
                    ) from None
            object.__setattr__(self, f"_{kind}", tuple(compiled))

    @property
    def is_empty(self) -> bool:
        return not (self.allow or self.deny or self.semver_range)

    def select(self, tags: Sequence[str]) -> list[str]:
        chosen = list(tags)
        if self._ranges:
            chosen = [tag for tag in chosen if self._in_ranges(tag)]
        if self._allow:
            chosen = [tag for tag in chosen if any(r.matches(tag) for r in self._allow)]
        return [tag for tag in chosen if not any(r.matches(tag) for r in self._deny)]

    def _in_ranges(self, tag: str) -> bool:
        version = semver_regsync.parse_version(tag)
        return version is not None and any(r.check(version) for r in self._ranges)

    def describe(self) -> str:
        parts = []
        if self.semver_range:
            parts.append("semverRange " + " or ".join(repr(r) for r in self.semver_range))
        if self.allow:
            parts.append("allow " + " or ".join(repr(p) for p in self.allow))
        if self.deny:
            parts.append("deny " + " or ".join(repr(p) for p in self.deny))
        return ", ".join(parts) or "every tag"


@dataclass(frozen=True)
class RegsyncTags(TagFilter):
    """The tag sets of a regsync `type: repository` entry; no set at all copies every tag."""

    sets: tuple[RegsyncTagSet, ...] = ()

    def select(self, tags: Sequence[str]) -> tuple[str, ...]:
        if not self.sets:
            return tuple(tags)
        chosen: dict[str, None] = {}
        for tag_set in self.sets:
            chosen.update(dict.fromkeys(tag_set.select(tags)))
        return tuple(chosen)

    def describe(self) -> str:
        if not self.sets:
            return "every tag"
        return "; or ".join(f"tags whole-matching {s.describe()}" for s in self.sets)
