"""What lint reports: rule codes and titles, LintWarning, its Claims and their Outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from foreign_explorer.core.profiles import GoVersion

# Rule codes: stable, they are the `code` of check's JSON.
UNANCHORED = "unanchored"
HOST_WILDCARD = "host-wildcard"
UNESCAPED_DOT = "unescaped-dot"
HOST_NOT_CLOSED = "host-not-closed"
PLAIN_HTTP = "plain-http"
DENY_SCHEME_CASE = "deny-dodged-by-scheme-case"
DENY_HOST_CASE = "deny-dodged-by-host-case"
DENY_PORT = "deny-dodged-by-port"
DENY_TRAILING_DOT = "deny-dodged-by-trailing-dot"
DENY_USERINFO = "deny-dodged-by-userinfo"
DENY_PERCENT = "deny-dodged-by-percent-encoding"
DENY_CASE = "deny-dodged-by-case"
SCHEME_CASE_REJECTED = "scheme-case-rejected"
PLACEHOLDER_HOST = "placeholder-host"
IGNORED_KEY = "ignored-key"
FORK_ONLY_KEY = "fork-only-key"
DEPRECATED_KEY = "deprecated-key"
IGNORED_ENV = "ignored-env"
DENY_ONLY = "deny-only"
VALIDATION_DISABLED = "validation-disabled"
MATCHES_NONE = "matches-none"
PROFILES_DIFFER = "profiles-differ"
GO_VERSION_ONLY = "go-version-only"
ENV_INDEXED_NAME = "env-indexed-name"
INDEXES_DIFFER = "indexes-differ"
PLATFORM_LIST_PANIC = "platform-list-panic"

# A few words per rule, for one line under a pattern in the explorer.
TITLES = {
    UNANCHORED: "not anchored",
    HOST_WILDCARD: "host not pinned",
    UNESCAPED_DOT: "unescaped . in the host",
    HOST_NOT_CLOSED: "host not closed by /",
    PLAIN_HTTP: "admits plain http",
    DENY_SCHEME_CASE: "dodged by an upper-case scheme",
    DENY_HOST_CASE: "dodged by an upper-case host",
    DENY_PORT: "dodged by an explicit port",
    DENY_TRAILING_DOT: "dodged by a trailing dot",
    DENY_USERINFO: "dodged by userinfo@",
    DENY_PERCENT: "dodged by %-encoding",
    DENY_CASE: "dodged by mixed case",
    SCHEME_CASE_REJECTED: "rejects an upper-case scheme",
    PLACEHOLDER_HOST: "placeholder host",
    IGNORED_KEY: "key the registry never reads",
    FORK_ONLY_KEY: "key of a fork only",
    DEPRECATED_KEY: "deprecated key",
    IGNORED_ENV: "variable the registry ignores",
    DENY_ONLY: "deny only, no allow list",
    VALIDATION_DISABLED: "validation disabled",
    MATCHES_NONE: "matches no loaded URL",
    PROFILES_DIFFER: "2.8 and 3.x disagree",
    GO_VERSION_ONLY: "some Go versions reject it",
    ENV_INDEXED_NAME: "indexed env name: not what it seems",
    INDEXES_DIFFER: "2.8 and 3.x require other index children",
    PLATFORM_LIST_PANIC: "a child without platform: no response",
}
# The rules about how a registry version reads the configuration (lint/reading_rules.py).
READING_CODES = frozenset({ENV_INDEXED_NAME, INDEXES_DIFFER, PLATFORM_LIST_PANIC})

# Hosts nobody owns (RFC 2606/6761): what an attacker's host stands for in examples.
EVIL_HOSTS = ("evil.example", "attacker.example", "evil.invalid")

# The Go versions registries in use are built with, for patterns only some of them accept.
GO_LINES: tuple[tuple[str, str, GoVersion], ...] = (
    ("distribution-2.8", "distribution 2.8 (Go 1.19)", (1, 19, 8)),
    ("distribution-2.8.3", "distribution 2.8.3 (Go 1.20)", (1, 20, 8)),
    ("distribution-3.0", "distribution 3.0 (Go 1.23)", (1, 23, 7)),
    ("distribution-3", "distribution 3.1 (Go 1.25)", (1, 25, 8)),
)


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_START = "no-start"
    # The registry starts with the configuration (for findings about keys, with no URL).
    STARTS = "starts"


class Severity(StrEnum):
    WARNING = "warning"
    # True and proven, but not a risk: what the policy does that its author may not expect.
    INFO = "info"


@dataclass(frozen=True)
class Claim:
    """What a registry of one profile does with the example: the part a test can check."""

    profile: str
    outcome: Outcome


@dataclass(frozen=True)
class LintWarning:
    """One finding, with the URL that proves it. `claims[0]` is about the linted profile."""

    code: str
    list_name: str  # "allow", "deny", or "policy" for the policy as a whole
    index: int | None
    pattern: str | None
    message: str
    example: str
    claims: tuple[Claim, ...]
    # A URL judged the other way that the example stands in for (a deny pattern's own match,
    # which the registry rejects while the dodged spelling passes), or None.
    contrast: str | None = None
    severity: Severity = Severity.WARNING
    # For findings about the configuration itself: the key's full path (`validation.allow`)
    # or the environment variable's name. Such findings have no pattern, and their example is
    # "" when no URL shows them (their claim is then that the registry starts).
    path: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the linted profile's registry accepts the example."""
        return self.claims[0].outcome is Outcome.ACCEPTED

    @property
    def title(self) -> str:
        return TITLES[self.code]

    @property
    def where(self) -> str:
        if self.path is not None:
            return self.path
        return self.list_name if self.index is None else f"{self.list_name}[{self.index}]"

    @property
    def is_info(self) -> bool:
        return self.severity is Severity.INFO

    @property
    def verdict_text(self) -> str:
        """`passes` / `rejected`, with the other profile's word when that differs."""
        parts = []
        for claim in self.claims:
            word = {
                Outcome.ACCEPTED: "passes",
                Outcome.REJECTED: "rejected",
                Outcome.NO_START: "does not start",
                Outcome.STARTS: "starts",
            }[claim.outcome]
            parts.append(word if not parts else f"{word} on {claim.profile}")
        if len(self.claims) > 1:
            parts[0] += f" on {self.claims[0].profile}"
        return ", ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """The `warnings` entry of check's JSON (`path` only for findings about keys)."""
        out: dict[str, object] = {
            "code": self.code,
            "list": self.list_name,
            "index": self.index,
            "pattern": self.pattern,
            "message": self.message,
            "example": None if self.path is not None and not self.example else self.example,
            "severity": self.severity.value,
        }
        if self.path is not None:
            out["path"] = self.path
        return out
