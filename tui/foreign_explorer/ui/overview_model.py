"""A mirror list in the explorer: every image x platform under one policy, without Textual.

The overview screen holds one `Overview`: the list's results as they arrive (each image
prepared once per target), and `derive` turns them, the policy the App compiled and the
filter into one `OverviewView`, from one `judge_list` evaluation. The counts and every row
come from that judgement: the table and the header never compute a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.lint import LintWarning, checked_urls, lint_policy
from foreign_explorer.core.listcheck.judge import (
    ImageVerdict,
    ListJudgement,
    PlatformVerdict,
    PreparedImage,
    judge_list,
    prepare_image,
)
from foreign_explorer.core.listcheck.model import (
    ListFailure,
    ListImage,
    ListNote,
    ListResult,
    Origin,
)
from foreign_explorer.core.manifest import ManifestError, parse_manifest
from foreign_explorer.core.policy import Policy
from foreign_explorer.core.profiles import Profile
from foreign_explorer.core.visible import visible
from foreign_explorer.ui.model import (
    Basis,
    EntryStatus,
    ExplorerView,
    ImageEntry,
    LoadedManifest,
    PlatformSlot,
    default_slot,
    refused,
    single,
)
from foreign_explorer.ui.text import FAIL, PASS

NOT_JUDGED = "?"
NO_VERDICT = "–"
NOTE = "·"


class RowState(StrEnum):
    """What a row says, in the order the overview sorts them."""

    BLOCKED = "blocked"
    UNJUDGED = "not judged"
    CLEAN = "clean"
    # No policy the registry starts with has been seen yet: no verdict at all.
    NO_VERDICT = "no verdict"
    # A repository whose tag filter selects nothing, a child that is no image: not counted.
    NOTE = "note"


_RANK = {
    RowState.BLOCKED: 0,
    RowState.UNJUDGED: 1,
    RowState.NO_VERDICT: 2,
    RowState.CLEAN: 2,
    RowState.NOTE: 3,
}


@dataclass(frozen=True)
class OverviewRow:
    """One image x platform (or a failure, a note), its cells already escaped."""

    key: str
    state: RowState
    mark: str
    reference: str
    platform: str
    foreign: str
    reason: str
    # Where it comes from: the image's place among the results, and the platform's in it
    # (-1: the index document itself); None for a failure or a note.
    image: int | None = None
    platform_position: int = -1
    # List order, for a stable sort within a state.
    order: tuple[object, ...] = ()

    @property
    def sort_key(self) -> tuple[object, ...]:
        return (_RANK[self.state], self.order)

    def haystack(self) -> str:
        return " ".join((self.state.value, self.reference, self.platform, self.reason)).casefold()


@dataclass(frozen=True)
class OverviewView:
    """What the overview shows for one policy; its widgets read nothing else."""

    rows: tuple[OverviewRow, ...]
    # Rows before the filter.
    total_rows: int
    # The first line: the counts, or why there are none; its tone: pass, fail, dim, error.
    counts: str
    tone: str
    # The second line: the target, progress while loading, whose verdicts these are.
    status: str
    judgement: ListJudgement | None
    policy: Policy
    basis: Basis
    filter: str = ""
    loading: bool = False
    # Lint of the edited policy over every URL of the list (for the policy pane).
    warnings: tuple[LintWarning, ...] = ()


@dataclass
class Overview:
    """The list's results so far, and the work that does not depend on the policy."""

    # Images and failures in arrival order (rows keep their place by `Origin`).
    images: list[ListImage] = field(default_factory=list)
    failures: list[ListFailure] = field(default_factory=list)
    notes: list[ListNote] = field(default_factory=list)
    planned: int = 0
    done: bool = False
    # What the lists say about themselves (format, settings merged): for the status line.
    description: str = ""
    # What reading the list said (entries skipped, settings merged): rows of their own, so
    # they stay on screen after the notices at start-up are gone.
    list_notices: tuple[str, ...] = ()
    _prepared: dict[str, list[PreparedImage]] = field(default_factory=dict)
    _urls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _last: tuple[object, ...] | None = None
    _last_view: OverviewView | None = None

    def add(self, result: ListResult) -> None:
        if isinstance(result, ListImage):
            self.images.append(result)
        elif isinstance(result, ListFailure):
            self.failures.append(result)
        else:
            self.notes.append(result)
        self._urls.clear()
        self._last = None

    @property
    def fetched(self) -> int:
        return len(self.images) + len(self.failures)

    def prepared(self, profile: Profile) -> list[PreparedImage]:
        """Every image prepared for `profile`, once (a keystroke runs only the patterns)."""
        have = self._prepared.setdefault(profile.name, [])
        for image in self.images[len(have) :]:
            have.append(prepare_image(image, profile))
        return have

    def urls(self, profile: Profile) -> tuple[str, ...]:
        """Every URL the target checks, over every platform of every image."""
        hit = self._urls.get(profile.name)
        if hit is None:
            manifests = [
                p.prepared.manifest
                for image in self.prepared(profile)
                for p in image.platforms
                if p.prepared is not None
            ]
            hit = self._urls[profile.name] = checked_urls(manifests, profile)
        return hit

    def derive(self, view: ExplorerView, needle: str = "") -> OverviewView:
        """The overview under the App's policy: one judgement, its rows sorted and filtered."""
        # The policy by identity: the App compiles one per change, and equal ones judge alike.
        key = (
            id(view.policy),
            view.policy_error,
            view.basis,
            needle,
            view.profile.name,
            self.planned,
            self.done,
        )
        last = self._last_view
        if self._last == key and last is not None and last.policy is view.policy:
            return last
        policy = view.policy
        judgement = None
        if view.basis is not Basis.NONE:
            judgement = judge_list(self.prepared(policy.profile), policy, self.failures)
        rows = self._rows(judgement, policy)
        rows.sort(key=lambda r: r.sort_key)
        folded = needle.casefold()
        shown = tuple(r for r in rows if folded in r.haystack()) if folded else tuple(rows)
        pending = 0 if self.done else max(self.planned - self.fetched, 0)
        counts, tone = _counts(view, judgement, pending)
        warnings: tuple[LintWarning, ...] = ()
        if view.basis is Basis.CURRENT:
            warnings = lint_policy(policy, self.urls(policy.profile))
        elif view.basis is Basis.LAST_STARTABLE:
            found = lint_policy(policy, self.urls(policy.profile))
            warnings = tuple(w for w in found if w.path is not None)
        result = OverviewView(
            rows=shown,
            total_rows=len(rows),
            counts=counts,
            tone=tone,
            status=self._status(view),
            judgement=judgement,
            policy=policy,
            basis=view.basis,
            filter=needle,
            loading=not self.done,
            warnings=warnings,
        )
        self._last, self._last_view = key, result
        return result

    def _status(self, view: ExplorerView) -> str:
        parts = [f"target {view.profile.name}"]
        if not self.done:
            planned = max(self.planned, self.fetched)
            noun = "image" if planned == 1 else "images"
            parts.append(f"fetched {self.fetched} of {planned} {noun}…")
        if view.basis is Basis.LAST_STARTABLE and view.basis_source is not None:
            source = view.basis_source
            allow = ", ".join(visible(p) for p in source.allow) or "(none)"
            deny = ", ".join(visible(p) for p in source.deny) or "(none)"
            parts.append(f"rows: the last policy it started with, allow {allow} deny {deny}")
        elif view.basis is Basis.NONE:
            parts.append("no verdicts: no policy so far starts the registry")
        if self.done and self.description:
            parts.append(visible(self.description))
        return " · ".join(parts)

    def _rows(self, judgement: ListJudgement | None, policy: Policy) -> list[OverviewRow]:
        rows: list[OverviewRow] = []
        if judgement is not None:
            for position, verdict in enumerate(judgement.images):
                rows.extend(_image_rows(position, verdict))
        else:
            for position, image in enumerate(self.images):
                rows.extend(_unjudged_image_rows(position, image))
        for failure in self.failures:
            rows.append(
                OverviewRow(
                    key=f"failure {failure.origin.position}",
                    state=RowState.UNJUDGED,
                    mark=NOT_JUDGED,
                    reference=visible(failure.reference),
                    platform="",
                    foreign="",
                    reason=f"could not be judged: {visible(failure.message)}",
                    order=(failure.origin, 0),
                )
            )
        for number, notice in enumerate(self.list_notices):
            where = Origin((-1, number), "the list")
            rows.append(_note_row(f"list notice {number}", "(the list)", notice, (where, 0)))
        for note in self.notes:
            key = f"note {note.origin.position}"
            rows.append(_note_row(key, visible(note.reference), note.message, (note.origin, 0)))
        return rows

    def entry(self, key: int, row: OverviewRow) -> ImageEntry | None:
        """The row's image as the layer view opens it, its platform chosen (None: no image)."""
        if row.image is None or not 0 <= row.image < len(self.images):
            return None
        return list_entry(key, self.images[row.image], row.platform_position)


def _platform_row(
    position: int, image: ListImage, number: int, verdict: PlatformVerdict, label: str = ""
) -> OverviewRow:
    platform = verdict.platform
    blocked = not verdict.accepted
    return OverviewRow(
        key=f"{image.origin.position} {number}",
        state=RowState.BLOCKED if blocked else RowState.CLEAN,
        mark=FAIL if blocked else PASS,
        reference=visible(image.reference),
        platform=visible(label or (platform.label if platform.platform is not None else "")),
        foreign=str(verdict.foreign),
        reason=visible(verdict.reason),
        image=position,
        platform_position=number,
        order=(image.origin, number),
    )


def _image_rows(position: int, verdict: ImageVerdict) -> list[OverviewRow]:
    image = verdict.image
    rows = [
        _platform_row(position, image, number, platform)
        for number, platform in enumerate(verdict.platforms)
    ]
    index = verdict.index
    if index is not None and (not index.accepted or not verdict.platforms):
        # As check prints it: the index itself, when it is refused or has no image to judge.
        rows.append(_platform_row(position, image, -1, index, "index"))
    return rows + _skipped_rows(position, image)


def _note_row(
    key: str, reference: str, reason: str, order: tuple[object, ...], image: int | None = None
) -> OverviewRow:
    """A row that is no verdict: what reading the list said, or a child that is no image."""
    return OverviewRow(
        key=key,
        state=RowState.NOTE,
        mark=NOTE,
        reference=reference,
        platform="",
        foreign="",
        reason=visible(reason),
        image=image,
        order=order,
    )


def _skipped_rows(position: int, image: ListImage) -> list[OverviewRow]:
    """Children that are no image manifest (a nested index, an artifact): not judged."""
    reference = visible(image.reference)
    return [
        _note_row(
            f"{image.origin.position} skipped {number}",
            reference,
            note,
            (image.origin, 1000 + number),
            image=position,
        )
        for number, note in enumerate(image.skipped)
    ]


def _unjudged_image_rows(position: int, image: ListImage) -> list[OverviewRow]:
    """Rows without a verdict: no policy the registry starts with is known."""
    return [
        OverviewRow(
            key=f"{image.origin.position} {number}",
            state=RowState.NO_VERDICT,
            mark=NO_VERDICT,
            reference=visible(image.reference),
            platform=visible(platform.label if platform.platform is not None else ""),
            foreign="",
            reason="no verdict: the registry would not start with this policy",
            image=position,
            platform_position=number,
            order=(image.origin, number),
        )
        for number, platform in enumerate(image.platforms)
    ] + _skipped_rows(position, image)


def _counts(
    view: ExplorerView, judgement: ListJudgement | None, pending: int = 0
) -> tuple[str, str]:
    """`24 of 30 mirror cleanly · 9 platforms blocked · 2 not judged`, or why no counts.

    While the list loads, `pending` images not fetched yet count in the total (the figure is
    out of every image of the list, as check's is) and are named as still loading."""
    if view.policy_error is not None:
        # Not current: the rows below are the last startable policy's (or none at all).
        return f"{FAIL} {view.no_start_text}", "error"
    assert judgement is not None
    blocked = judgement.blocked_platforms
    summary = f"{judgement.clean} of {judgement.total + pending} mirror cleanly"
    text = f"{summary} · {blocked} platform{'s' if blocked != 1 else ''} blocked"
    if judgement.failures:
        text += f" · {len(judgement.failures)} not judged"
    if pending:
        text += f" · {pending} still loading"
    if not judgement.total or (pending and judgement.accepted):
        return text, "dim"
    return text, "pass" if judgement.accepted else "fail"


def list_entry(key: int, image: ListImage, chosen: int) -> ImageEntry:
    """A fetched image of the list as the layer view shows it (files' and references' way)."""
    name = image.reference
    if image.index is None:
        platform = image.platforms[0]
        try:
            manifest = parse_manifest(platform.data, platform.media_type)
        except ManifestError as exc:
            return refused(key, name, exc)
        digest = platform.source.digest
        return single(key, name, LoadedManifest(name, manifest, digest, platform.source.platform))
    try:
        index = LoadedManifest(
            name, parse_manifest(image.index.data, image.index.media_type), image.source.digest
        )
    except ManifestError as exc:
        return refused(key, name, exc)
    slots = []
    for platform in image.platforms:
        label = platform.label
        try:
            manifest = parse_manifest(platform.data, platform.media_type)
        except ForeignExplorerError as exc:
            slots.append(PlatformSlot(label, None, exc.message))
            continue
        loaded = LoadedManifest(name, manifest, platform.source.digest, label)
        slots.append(PlatformSlot(label, loaded))
    found = tuple(slots)
    if not 0 <= chosen < len(found) or found[chosen].image is None:
        chosen = default_slot(found) if any(s.image is not None for s in found) else -1
    return ImageEntry(key, name, EntryStatus.READY, index, found, chosen)
