"""The explorer's state and the view derived from it, without Textual.

The App owns one `ExplorerState`; every change makes a new state, and `Explorer.derive` turns
it into one `ExplorerView`: the policy compiled once per target, one Evaluation per manifest.
Widgets render that view and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from foreign_explorer.core.evaluate import Evaluation, PreparedManifest, evaluate, prepare
from foreign_explorer.core.lint import LintWarning, checked_urls, lint_policy
from foreign_explorer.core.manifest import Manifest
from foreign_explorer.core.policy import (
    Policy,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    compile_policy,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from foreign_explorer.core.suggest import Suggestion, suggest


class EntryStatus(StrEnum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True, eq=False)
class LoadedManifest:
    """One image manifest (or index) as loaded, with what the header says about it."""

    title: str
    manifest: Manifest
    digest: str
    platform: str | None = None
    # Each layer's `created_by`, once the image config was fetched.
    history: tuple[str | None, ...] | None = None
    # The fetched image (registry or OCI layout), to fetch its config later; None for files.
    fetched: Any = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class PlatformSlot:
    """One child of an index: its platform, and its manifest or why it could not be fetched."""

    platform: str
    image: LoadedManifest | None
    error: str | None = None

    @property
    def is_attestation(self) -> bool:
        return self.platform.startswith("unknown/unknown")


@dataclass(frozen=True, eq=False)
class ImageEntry:
    """One reference or file the user opened: a manifest, or an index and its children."""

    key: int
    name: str
    status: EntryStatus = EntryStatus.LOADING
    # The index itself when `name` names one.
    index: LoadedManifest | None = None
    slots: tuple[PlatformSlot, ...] = ()
    chosen: int = 0
    error: str | None = None
    details: str | None = None
    # Something worth telling once loaded (a --platform that matched no child).
    notice: str | None = None

    @property
    def current(self) -> LoadedManifest | None:
        """The manifest shown: the chosen child, or the index itself when none is chosen."""
        if 0 <= self.chosen < len(self.slots):
            return self.slots[self.chosen].image
        return self.index

    @property
    def slot(self) -> PlatformSlot | None:
        return self.slots[self.chosen] if 0 <= self.chosen < len(self.slots) else None

    @property
    def is_index(self) -> bool:
        return self.index is not None


def single(key: int, name: str, image: LoadedManifest) -> ImageEntry:
    """An entry for a manifest that is not an index."""
    return ImageEntry(key, name, EntryStatus.READY, None, (PlatformSlot("", image),))


def default_slot(slots: tuple[PlatformSlot, ...]) -> int:
    """The child to show first: one with foreign layers, else the first real platform."""
    for position, slot in enumerate(slots):
        if slot.image is not None and slot.image.manifest.foreign_count:
            return position
    for position, slot in enumerate(slots):
        if slot.image is not None and not slot.is_attestation:
            return position
    return 0


@dataclass(frozen=True)
class ExplorerState:
    """Everything the user has chosen. Frozen: each change is a new state."""

    entries: tuple[ImageEntry, ...] = ()
    current: int = 0
    source: PolicySource = PolicySource()
    profile: Profile = DISTRIBUTION_2_8
    # Position in the current evaluation's descriptors (config first, then layers).
    selected: int | None = None
    filter: str = ""

    @property
    def entry(self) -> ImageEntry | None:
        return self.entries[self.current] if 0 <= self.current < len(self.entries) else None

    @property
    def other_profile(self) -> Profile:
        return DISTRIBUTION_3 if self.profile == DISTRIBUTION_2_8 else DISTRIBUTION_2_8

    def with_entry(self, entry: ImageEntry) -> ExplorerState:
        """Replace the entry with the same key, or append it."""
        entries = list(self.entries)
        for position, existing in enumerate(entries):
            if existing.key == entry.key:
                entries[position] = entry
                return replace(self, entries=tuple(entries))
        return replace(self, entries=(*entries, entry))


@dataclass(frozen=True)
class EntrySummary:
    """One line per opened image: name and whether it would push (mirror) cleanly."""

    key: int
    name: str
    status: EntryStatus
    accepted: bool | None
    text: str


@dataclass(frozen=True)
class PlatformRow:
    position: int
    platform: str
    foreign_count: int | None
    evaluation: Evaluation | None
    error: str | None


@dataclass(frozen=True)
class ExplorerView:
    """What the screen shows, derived from one state. Widgets read nothing else."""

    state: ExplorerState
    profile: Profile
    other_profile: Profile
    # The policy the evaluation was made with, and why the edited one could not be used.
    policy: Policy
    policy_error: PolicyStartupError | PolicyUnsupported | None
    other_error: PolicyStartupError | PolicyUnsupported | None
    entry: ImageEntry | None
    image: LoadedManifest | None
    evaluation: Evaluation | None
    other: Evaluation | None
    # Positions whose verdict differs on the other target.
    differs: frozenset[int]
    selected: int | None
    summaries: tuple[EntrySummary, ...]
    mirrors_cleanly: bool | None = None
    # Lint of the edited policy against every open image's checked URLs (none while it
    # does not compile): each warning carries a URL the engine has judged.
    warnings: tuple[LintWarning, ...] = ()

    @property
    def source(self) -> PolicySource:
        return self.state.source


def verdict_key(evaluation: Evaluation, position: int) -> tuple[str, bool]:
    verdict = evaluation.descriptors[position]
    return verdict.verdict.value, verdict.ok


def differing_positions(current: Evaluation, other: Evaluation) -> frozenset[int]:
    count = min(len(current.descriptors), len(other.descriptors))
    return frozenset(p for p in range(count) if verdict_key(current, p) != verdict_key(other, p))


class Explorer:
    """Compiles and evaluates: prepared manifests are cached per target, policies remembered."""

    def __init__(self) -> None:
        # id(manifest) -> (manifest, prepared); the manifest is kept so the id stays unique.
        self._prepared: dict[tuple[int, str], tuple[Manifest, PreparedManifest]] = {}
        self._last_good: dict[str, PolicySource] = {}
        # Evaluations of the current derive, so a manifest is evaluated once per policy.
        self._memo: dict[tuple[int, int], Evaluation] = {}
        # The open images' checked URLs, per target, for the manifests they came from.
        self._urls: tuple[tuple[int, ...], str, tuple[Manifest, ...], tuple[str, ...]] | None = None

    def prepared(self, manifest: Manifest, profile: Profile) -> PreparedManifest:
        key = (id(manifest), profile.name)
        hit = self._prepared.get(key)
        if hit is None:
            hit = self._prepared[key] = (manifest, prepare(manifest, profile))
        return hit[1]

    def evaluate(self, manifest: Manifest, policy: Policy) -> Evaluation:
        key = (id(manifest), id(policy))
        hit = self._memo.get(key)
        if hit is None or hit.manifest is not manifest or hit.policy is not policy:
            hit = self._memo[key] = evaluate(self.prepared(manifest, policy.profile), policy)
        return hit

    def forget(self, manifests: list[Manifest]) -> None:
        ids = {id(m) for m in manifests}
        self._prepared = {k: v for k, v in self._prepared.items() if k[0] not in ids}

    def compile(
        self, source: PolicySource, profile: Profile
    ) -> tuple[Policy, PolicyStartupError | PolicyUnsupported | None]:
        """The policy for `source`; when it cannot compile, the last one that did."""
        try:
            policy = compile_policy(source, profile)
        except (PolicyStartupError, PolicyUnsupported) as exc:
            fallback = self._last_good.get(profile.name, PolicySource())
            try:
                return compile_policy(fallback, profile), exc
            except (PolicyStartupError, PolicyUnsupported):
                return compile_policy(PolicySource(), profile), exc
        self._last_good[profile.name] = source
        return policy, None

    def loaded_urls(self, state: ExplorerState) -> tuple[str, ...]:
        """Every URL the target's registry checks in the open images (all fetched platforms)."""
        manifests = tuple(
            slot.image.manifest
            for entry in state.entries
            if entry.status is EntryStatus.READY
            for slot in entry.slots
            if slot.image is not None
        )
        key = tuple(id(m) for m in manifests)
        cached = self._urls
        if cached is None or cached[0] != key or cached[1] != state.profile.name:
            cached = self._urls = (
                key,
                state.profile.name,
                manifests,
                checked_urls(manifests, state.profile),
            )
        return cached[3]

    def suggest(self, state: ExplorerState) -> Suggestion:
        """Allow patterns for the open images' URLs, verified with the current deny list."""
        return suggest(self.loaded_urls(state), state.profile, deny=state.source.deny)

    def derive(self, state: ExplorerState) -> ExplorerView:
        self._memo.clear()
        policy, error = self.compile(state.source, state.profile)
        other_policy, other_error = self.compile(state.source, state.other_profile)
        warnings: tuple[LintWarning, ...] = ()
        if error is None:
            other = other_policy if other_error is None else None
            warnings = lint_policy(policy, self.loaded_urls(state), other=other)
        entry = state.entry
        image = entry.current if entry is not None else None
        evaluation = other = None
        differs: frozenset[int] = frozenset()
        selected = state.selected
        if image is not None:
            evaluation = self.evaluate(image.manifest, policy)
            if other_error is None:
                other = self.evaluate(image.manifest, other_policy)
                differs = differing_positions(evaluation, other)
            selected = _clamp_selection(selected, evaluation)
        summaries = tuple(self.summary(e, policy) for e in state.entries)
        mirrors = None
        if entry is not None and entry.is_index:
            mirrors = _mirrors_cleanly(self.platform_rows(entry, policy))
        return ExplorerView(
            state=state,
            profile=state.profile,
            other_profile=state.other_profile,
            policy=policy,
            policy_error=error,
            other_error=other_error,
            entry=entry,
            image=image,
            evaluation=evaluation,
            other=other,
            differs=differs,
            selected=selected,
            summaries=summaries,
            mirrors_cleanly=mirrors,
            warnings=warnings,
        )

    def platform_rows(self, entry: ImageEntry, policy: Policy) -> tuple[PlatformRow, ...]:
        rows = []
        for position, slot in enumerate(entry.slots):
            if slot.image is None:
                rows.append(PlatformRow(position, slot.platform, None, None, slot.error))
                continue
            manifest = slot.image.manifest
            evaluation = self.evaluate(manifest, policy)
            rows.append(
                PlatformRow(position, slot.platform, manifest.foreign_count, evaluation, None)
            )
        return tuple(rows)

    def summary(self, entry: ImageEntry, policy: Policy) -> EntrySummary:
        if entry.status is EntryStatus.LOADING:
            return EntrySummary(entry.key, entry.name, entry.status, None, "loading…")
        if entry.status is EntryStatus.FAILED:
            return EntrySummary(entry.key, entry.name, entry.status, None, entry.error or "failed")
        if entry.is_index:
            rows = self.platform_rows(entry, policy)
            mirrors = _mirrors_cleanly(rows)
            blocked = sum(1 for r in rows if r.evaluation is not None and not r.evaluation.accepted)
            if mirrors:
                text = f"mirrors cleanly ({len(rows)} platforms)"
            elif mirrors is None:
                text = "mirrors cleanly: unknown (a platform could not be fetched)"
            else:
                text = f"{blocked} of {len(rows)} platforms blocked"
            return EntrySummary(entry.key, entry.name, entry.status, mirrors, text)
        image = entry.current
        assert image is not None
        evaluation = self.evaluate(image.manifest, policy)
        text = evaluation.response.status_line
        if not evaluation.accepted:
            text += f": {evaluation.summary}"
        return EntrySummary(entry.key, entry.name, entry.status, evaluation.accepted, text)


def _mirrors_cleanly(rows: tuple[PlatformRow, ...]) -> bool | None:
    if any(r.evaluation is not None and not r.evaluation.accepted for r in rows):
        return False
    if any(r.evaluation is None for r in rows):
        return None
    return True


def _clamp_selection(selected: int | None, evaluation: Evaluation) -> int | None:
    count = len(evaluation.descriptors)
    if count == 0:
        return None
    if selected is None or not 0 <= selected < count:
        failing = [p for p, d in enumerate(evaluation.descriptors) if not d.ok]
        if failing:
            return failing[0]
        return 1 if count > 1 and evaluation.manifest.config is not None else 0
    return selected
