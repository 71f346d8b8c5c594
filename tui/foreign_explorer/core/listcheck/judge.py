"""Every image x platform of a list under one Policy, and the counts.

`prepare_image` parses and prepares each manifest once per profile (what does not depend on
the patterns); `judge_list` then runs only the patterns, so a keystroke in the explorer
re-judges a whole list in a few milliseconds. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.evaluate import (
    Evaluation,
    PreparedManifest,
    evaluate,
    invalid_manifest_response,
    prepare,
)
from foreign_explorer.core.listcheck.model import ListFailure, ListImage, ListPlatform
from foreign_explorer.core.manifest import ManifestInvalid, parse_manifest
from foreign_explorer.core.policy import Policy
from foreign_explorer.core.profiles import Profile


@dataclass(frozen=True)
class PreparedPlatform:
    """One manifest, parsed and prepared for a profile; or why every registry refuses it."""

    platform: ListPlatform
    profile: Profile
    prepared: PreparedManifest | None
    # Refused whatever the policy: not JSON a registry decodes, or no manifest at all.
    refused: ForeignExplorerError | None = None


@dataclass(frozen=True)
class PreparedImage:
    image: ListImage
    profile: Profile
    platforms: tuple[PreparedPlatform, ...]
    index: PreparedPlatform | None = None


def _prepare_platform(platform: ListPlatform, profile: Profile) -> PreparedPlatform:
    try:
        manifest = parse_manifest(platform.data, platform.media_type)
    except ForeignExplorerError as exc:
        return PreparedPlatform(platform, profile, None, exc)
    return PreparedPlatform(platform, profile, prepare(manifest, profile))


def prepare_image(image: ListImage, profile: Profile) -> PreparedImage:
    """The policy-independent work for one image, once per profile."""
    platforms = tuple(_prepare_platform(p, profile) for p in image.platforms)
    index = _prepare_platform(image.index, profile) if image.index is not None else None
    return PreparedImage(image, profile, platforms, index)


@dataclass(frozen=True)
class PlatformVerdict:
    """The push of one manifest under the policy: accepted or not, and the first reason."""

    prepared: PreparedPlatform
    evaluation: Evaluation | None
    accepted: bool
    # The push's HTTP status; None when there is no one answer (the registry drops the
    # connection, or the document is no manifest and the answer depends on its Content-Type).
    status: int | None

    @property
    def platform(self) -> ListPlatform:
        return self.prepared.platform

    @cached_property
    def foreign(self) -> int:
        """Foreign layers in the manifest."""
        if self.evaluation is None:
            return 0
        return sum(1 for d in self.evaluation.manifest.descriptors if d.foreign)

    @cached_property
    def reason(self) -> str:
        """`accepted`, or the registry's first reason with the first rejected URL's verdict."""
        if self.evaluation is None:
            refused = self.prepared.refused
            if isinstance(refused, ManifestInvalid):
                return f"manifest invalid: {refused.refusal(self.prepared.profile).message}"
            return str(refused)
        summary = self.evaluation.summary
        if self.accepted:
            return summary
        for verdict in self.evaluation.failing:
            bad = next((u for u in verdict.urls if not u.ok), None)
            if bad is not None:
                return f"{summary}: {bad.url}: {bad.message}"
            return f"{summary}: {verdict.message}"
        return summary


def _judge_platform(item: PreparedPlatform, policy: Policy) -> PlatformVerdict:
    if item.prepared is None:
        status = None
        if isinstance(item.refused, ManifestInvalid):
            status = invalid_manifest_response(item.refused, policy.profile).status
        return PlatformVerdict(item, None, False, status)
    evaluation = evaluate(item.prepared, policy)
    response = evaluation.response
    status = None if response.dropped is not None else response.status
    return PlatformVerdict(item, evaluation, response.accepted, status)


@dataclass(frozen=True)
class ImageVerdict:
    prepared: PreparedImage
    platforms: tuple[PlatformVerdict, ...]
    index: PlatformVerdict | None

    @property
    def image(self) -> ListImage:
        return self.prepared.image

    @property
    def accepted(self) -> bool:
        """The mirror copies it: every platform and the index itself are accepted."""
        index_ok = self.index is None or self.index.accepted
        return index_ok and all(p.accepted for p in self.platforms)

    @property
    def blocked(self) -> tuple[PlatformVerdict, ...]:
        return tuple(p for p in self.platforms if not p.accepted)


@dataclass(frozen=True)
class ListJudgement:
    """Every image x platform of a list under one policy, and what could not be judged."""

    images: tuple[ImageVerdict, ...]
    failures: tuple[ListFailure, ...] = ()

    @property
    def total(self) -> int:
        """Images in the list: judged, and not judged (each failure counts one)."""
        return len(self.images) + len(self.failures)

    @property
    def clean(self) -> int:
        return sum(1 for image in self.images if image.accepted)

    @property
    def platforms(self) -> int:
        return sum(len(image.platforms) for image in self.images)

    @property
    def blocked_platforms(self) -> int:
        return sum(len(image.blocked) for image in self.images)

    @property
    def accepted(self) -> bool:
        """Everything was judged, and the registry accepts all of it."""
        return not self.failures and self.clean == len(self.images)

    def summary(self) -> str:
        """`24 of 30 mirror cleanly`."""
        return f"{self.clean} of {self.total} mirror cleanly"


def judge_image(image: PreparedImage, policy: Policy) -> ImageVerdict:
    platforms = tuple(_judge_platform(p, policy) for p in image.platforms)
    index = _judge_platform(image.index, policy) if image.index is not None else None
    return ImageVerdict(image, platforms, index)


def judge_list(
    images: Sequence[PreparedImage], policy: Policy, failures: Iterable[ListFailure] = ()
) -> ListJudgement:
    """Judge every image x platform under `policy` (re-preparing only for another profile)."""
    judged = []
    for image in images:
        if image.profile != policy.profile:
            image = prepare_image(image.image, policy.profile)
        judged.append(judge_image(image, policy))
    return ListJudgement(tuple(judged), tuple(failures))
