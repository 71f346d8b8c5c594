"""The explorer's state and the view derived from it, without Textual.

The App owns one `ExplorerState`; every change makes a new state, and `Explorer.derive` turns
it into one `ExplorerView`: the policy compiled once per target, one Evaluation per manifest.
Widgets render that view and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from foreign_explorer.core.evaluate import (
    Evaluation,
    PreparedManifest,
    Verdict,
    evaluate,
    invalid_manifest_response,
    prepare,
)
from foreign_explorer.core.lint import LintWarning, checked_urls, lint_policy
from foreign_explorer.core.manifest import (
    Descriptor,
    Manifest,
    ManifestError,
    ManifestInvalid,
    NotAManifest,
)
from foreign_explorer.core.policy import (
    Policy,
    PolicyIndexesError,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    compile_policy,
)
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile
from foreign_explorer.core.response import PushResponse
from foreign_explorer.core.suggest import Suggestion, suggest
from foreign_explorer.ui.text import VERDICT_WORDS, badges, mark


class EntryStatus(StrEnum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"
    # Loaded, but the registry refuses the document itself (a ManifestError): no layers.
    REFUSED = "refused"


class Basis(StrEnum):
    """Which policy the layer verdicts on screen belong to."""

    # The policy being edited: the registry starts with it, and the push verdict is shown.
    CURRENT = "current"
    # The edited policy would not start the registry (or cannot be evaluated): the verdicts
    # are those of the last policy that did, marked as such; no push verdict anywhere.
    LAST_STARTABLE = "last-startable"
    # No policy so far could start the registry: no verdict at all.
    NONE = "none"


@dataclass(frozen=True)
class RefusalAnswer:
    """One answer to a refused document: for which Content-Type, the response, and why."""

    # `as a Docker manifest`, …; None when the Content-Type does not matter.
    label: str | None
    response: PushResponse
    # The registry's own words for the refusal (as `check` prints them); None: in `message`.
    reason: str | None = None


@dataclass(frozen=True)
class Refusal:
    """What the registry answers to a document it refuses before looking at any layer."""

    message: str
    responses: tuple[RefusalAnswer, ...]


def refusal_of(error: ManifestError, profile: Profile) -> Refusal:
    """The registry's answer to `error`, for `profile`'s registry, as `check` gives it.

    A ManifestInvalid is the decoder's 400 MANIFEST_INVALID; a NotAManifest has one answer per
    Content-Type a push may claim; any other ManifestError says only its message.
    """
    if isinstance(error, ManifestInvalid):
        response = invalid_manifest_response(error, profile)
        message = f"manifest invalid: {error.refusal(profile).message}"
        return Refusal(message, (RefusalAnswer(None, response),))
    if isinstance(error, NotAManifest):
        answers = error.answers.get(profile.name, ())
        return Refusal(
            error.message, tuple(RefusalAnswer(a.label, a.response, a.reason) for a in answers)
        )
    return Refusal(error.message, ())


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
    # Why the registry refuses the document (status REFUSED).
    refused: ManifestError | None = None
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


def refused(key: int, name: str, error: ManifestError) -> ImageEntry:
    """An entry for a document the registry refuses as a whole."""
    return ImageEntry(key, name, EntryStatus.REFUSED, error=error.message, refused=error)


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
    # None when the child could not be fetched, or when no push verdict can be given.
    evaluation: Evaluation | None
    error: str | None


@dataclass(frozen=True)
class ExplorerView:
    """What the screen shows, derived from one state. Widgets read nothing else."""

    state: ExplorerState
    profile: Profile
    other_profile: Profile
    # The policy the layer verdicts were made with, and why the edited one could not be used.
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
    # Lint of the edited policy against every open image's checked URLs: each warning carries
    # a URL the engine has judged, or names a configuration key. While the edited policy does
    # not compile, only the findings about keys (from the last policy that did).
    warnings: tuple[LintWarning, ...] = ()
    # Which policy the layer verdicts belong to; with LAST_STARTABLE, that policy's lists.
    basis: Basis = Basis.CURRENT
    basis_source: PolicySource | None = None
    # The registry's answer to a document it refuses as a whole (entry status REFUSED).
    refusal: Refusal | None = None
    # Positions (in the evaluation's descriptors) that the filter lets through, in order.
    visible: tuple[int, ...] = ()

    @property
    def source(self) -> PolicySource:
        return self.state.source

    @property
    def push_known(self) -> bool:
        """Whether a push verdict may be shown: the registry starts with the edited policy."""
        return self.basis is Basis.CURRENT

    @property
    def verdicts_shown(self) -> bool:
        """Whether layer verdicts are shown at all (perhaps marked as the last startable's)."""
        return self.basis is not Basis.NONE

    @property
    def no_start_text(self) -> str:
        """`the registry would not start: allow[0] `(?<x>y)`: <Go's error>`, as check says it."""
        error = self.policy_error
        if error is None:
            return ""
        if isinstance(error, PolicyUnsupported):
            return f"no verdict: {error.message}"
        if isinstance(error, PolicyIndexesError):
            # Its message names validation.manifests.indexes already, as check prints it.
            return f"the registry would not start: {error.message}"
        where = error.list_name if error.index is None else f"{error.list_name}[{error.index}]"
        if error.pattern is not None:
            where += f" `{error.pattern}`"
        return f"the registry would not start: {where}: {error.message}"


def descriptor_haystack(d: Descriptor) -> str:
    """What the filter searches that no policy changes: label, badges, media type, digest, URLs."""
    return " ".join((d.label, badges(d), d.media_type, d.digest, *(d.urls or ()))).casefold()


def verdict_words(evaluation: Evaluation, position: int) -> str:
    """What the table's check and verdict cells say (from the kinds: no detail objects)."""
    kind = evaluation.kinds[position]
    checks = "+".join(c.value for c in evaluation.checks(position))
    return f"{checks or 'none'} {mark(kind is Verdict.OK)} {VERDICT_WORDS[kind]}"


def differing_positions(current: Evaluation, other: Evaluation) -> frozenset[int]:
    # The kinds are computed eagerly; the per-descriptor detail objects are not needed here.
    return frozenset(
        p for p, (a, b) in enumerate(zip(current.kinds, other.kinds, strict=False)) if a is not b
    )


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
        self._haystacks: tuple[Manifest, tuple[str, ...]] | None = None

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
    ) -> tuple[Policy, PolicyStartupError | PolicyUnsupported | None, PolicySource | None]:
        """The policy for `source`, no error, and `source`.

        When it cannot start the registry (or cannot be evaluated): the last one that did, the
        error, and that one's source; with none so far, the empty policy and None (the
        verdicts it gives must not be shown: they would be a guess).
        """
        try:
            policy = compile_policy(source, profile)
        except (PolicyStartupError, PolicyUnsupported) as exc:
            fallback = self._last_good.get(profile.name)
            if fallback is not None:
                try:
                    return compile_policy(fallback, profile), exc, fallback
                except (PolicyStartupError, PolicyUnsupported):
                    pass
            return compile_policy(PolicySource(), profile), exc, None
        self._last_good[profile.name] = source
        return policy, None, source

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

    def haystacks(self, manifest: Manifest) -> tuple[str, ...]:
        cached = self._haystacks
        if cached is None or cached[0] is not manifest:
            cached = self._haystacks = (
                manifest,
                tuple(descriptor_haystack(d) for d in manifest.descriptors),
            )
        return cached[1]

    def visible(self, evaluation: Evaluation, needle: str, with_verdicts: bool) -> tuple[int, ...]:
        """Positions whose row text, full digest or URLs contain `needle` (case-insensitive)."""
        count = len(evaluation.prepared.descriptors)
        if not needle:
            return tuple(range(count))
        folded = needle.casefold()
        haystacks = self.haystacks(evaluation.manifest)
        return tuple(
            p
            for p in range(count)
            if folded in haystacks[p]
            or (with_verdicts and folded in verdict_words(evaluation, p).casefold())
        )

    def derive(self, state: ExplorerState) -> ExplorerView:
        self._memo.clear()
        policy, error, basis_source = self.compile(state.source, state.profile)
        other_policy, other_error, _ = self.compile(state.source, state.other_profile)
        if error is None:
            basis = Basis.CURRENT
        else:
            basis = Basis.LAST_STARTABLE if basis_source is not None else Basis.NONE
        warnings: tuple[LintWarning, ...] = ()
        if error is None:
            other = other_policy if other_error is None else None
            warnings = lint_policy(policy, self.loaded_urls(state), other=other)
        elif basis is Basis.LAST_STARTABLE:
            # What the configuration's own keys and variables are (never read, fork-only,
            # deprecated) does not depend on the pattern being typed: those findings stay,
            # from the last policy the registry started with, which holds the same keys.
            found = lint_policy(policy, self.loaded_urls(state))
            warnings = tuple(w for w in found if w.path is not None)
        entry = state.entry
        image = entry.current if entry is not None else None
        evaluation = other = None
        differs: frozenset[int] = frozenset()
        selected = state.selected
        visible: tuple[int, ...] = ()
        refusal = None
        if entry is not None and entry.refused is not None:
            refusal = refusal_of(entry.refused, state.profile)
        if image is not None:
            evaluation = self.evaluate(image.manifest, policy)
            if other_error is None and error is None:
                other = self.evaluate(image.manifest, other_policy)
                differs = differing_positions(evaluation, other)
            visible = self.visible(evaluation, state.filter, basis is not Basis.NONE)
            selected = _clamp_selection(selected, evaluation, visible)
        else:
            selected = None
        known = error is None
        no_verdict = None
        if isinstance(error, PolicyStartupError):
            no_verdict = "no verdict: the registry would not start with this policy"
        elif error is not None:
            no_verdict = "no verdict: this policy cannot be evaluated here"
        summaries = tuple(self.summary(e, policy, no_verdict) for e in state.entries)
        mirrors = None
        if entry is not None and entry.is_index and known:
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
            basis=basis,
            basis_source=basis_source if error is not None else None,
            refusal=refusal,
            visible=visible,
        )

    def platform_rows(
        self, entry: ImageEntry, policy: Policy, known: bool = True
    ) -> tuple[PlatformRow, ...]:
        """One row per child; without `known` (no policy the registry starts with), no verdict."""
        rows = []
        for position, slot in enumerate(entry.slots):
            if slot.image is None:
                rows.append(PlatformRow(position, slot.platform, None, None, slot.error))
                continue
            manifest = slot.image.manifest
            evaluation = self.evaluate(manifest, policy) if known else None
            rows.append(
                PlatformRow(position, slot.platform, manifest.foreign_count, evaluation, None)
            )
        return tuple(rows)

    def summary(
        self, entry: ImageEntry, policy: Policy, no_verdict: str | None = None
    ) -> EntrySummary:
        if entry.status is EntryStatus.LOADING:
            return EntrySummary(entry.key, entry.name, entry.status, None, "loading…")
        if entry.status is EntryStatus.FAILED:
            return EntrySummary(entry.key, entry.name, entry.status, None, entry.error or "failed")
        if no_verdict is not None:
            return EntrySummary(entry.key, entry.name, entry.status, None, no_verdict)
        if entry.status is EntryStatus.REFUSED and entry.refused is not None:
            refusal = refusal_of(entry.refused, policy.profile)
            if len(refusal.responses) == 1:
                text = f"{refusal.responses[0].response.status_line}: {refusal.message}"
            else:
                text = refusal.message
            return EntrySummary(entry.key, entry.name, entry.status, False, text)
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


def _clamp_selection(
    selected: int | None, evaluation: Evaluation, visible: tuple[int, ...]
) -> int | None:
    """The selection if its row is shown; else the first shown failing row, else the first
    shown layer; None when the filter shows nothing."""
    if not visible:
        return None
    if selected in visible:
        return selected
    kinds = evaluation.kinds
    failing = [p for p in visible if kinds[p] is not Verdict.OK]
    if failing:
        return failing[0]
    config = evaluation.manifest.config is not None
    layers = [p for p in visible if not (config and p == 0)]
    return (layers or list(visible))[0]
