"""validation.manifests.indexes: which children of a pushed index must already exist.

distribution 3.x reads it; 2.8 has no such setting (it ignores the section) and always
requires every child. In 3.x, while validation is enabled:

- `platforms: all` (the default, also when unset or null): every child must exist;
- `platforms: none`: no child is looked up;
- `platforms: list`: only children whose platform's os and architecture equal (exactly, case
  and all) an entry of `platformlist`; an empty or missing `platformlist` means every child,
  as `all` does. An OCI index child with no platform at all makes 3.1.1 dereference a nil
  pointer: its request handler panics and the push gets no response.

The value is lower-cased (`List` is `list`); anything else stops the registry at start-up
with `invalid platforms option X Must be one of [all, none, list]`.
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORMS_OPTIONS = ("all", "none", "list")


@dataclass(frozen=True)
class PlatformRef:
    """One `platformlist` entry: the os and architecture a child must match exactly."""

    os: str = ""
    architecture: str = ""

    def __str__(self) -> str:
        return f"{self.os or '(no os)'}/{self.architecture or '(no architecture)'}"


@dataclass(frozen=True)
class IndexesSetting:
    """The section as the registry read it (config, then environment)."""

    # "" for all (also when unset: the registry's zero value), else none or list.
    platforms: str = ""
    platformlist: tuple[PlatformRef, ...] = ()
    # distribution 3.x's own words when it cannot read the section, as it prints them after
    # `error parsing <config file>: `; it then refuses to start. None when it can.
    error: str | None = None

    @property
    def is_set(self) -> bool:
        """Whether the configuration says anything here (2.8 and 3.x read it differently)."""
        return bool(self.platforms or self.platformlist or self.error)

    @property
    def effective(self) -> str:
        """all, none or list (list only with a non-empty platformlist): what 3.x applies."""
        if self.platforms == "none":
            return "none"
        if self.platforms == "list" and self.platformlist:
            return "list"
        return "all"

    def describe(self) -> str:
        """One line for check's text output."""
        if self.error is not None:
            return f"unreadable by distribution 3 ({self.error})"
        effective = self.effective
        if effective == "none":
            return "platforms none: no child of an index is looked up"
        if effective == "list":
            listed = ", ".join(str(p) for p in self.platformlist)
            return f"platforms list: only children for {listed} must exist"
        if self.platforms == "list":
            return "platforms list with an empty platformlist: every child must exist"
        return "platforms all: every child of an index must exist"

    def as_dict(self) -> dict[str, object]:
        return {
            "platforms": self.platforms or None,
            "platformlist": [
                {"os": p.os, "architecture": p.architecture} for p in self.platformlist
            ],
            "effective": None if self.error is not None else self.effective,
        }


def must_exist(setting: IndexesSetting, os: str, architecture: str) -> bool:
    """Whether 3.x looks up a child of this platform (validation enabled)."""
    effective = setting.effective
    if effective == "none":
        return False
    if effective == "all":
        return True
    return any(p.os == os and p.architecture == architecture for p in setting.platformlist)
