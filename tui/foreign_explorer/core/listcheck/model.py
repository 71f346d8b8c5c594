"""What fetching a list gives: each image with the manifests to judge, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass

from foreign_explorer.core.source import SourceInfo

# A manifest annotated so is an attestation (provenance, SBOM), not a runnable image.
REFERENCE_TYPE = "vnd.docker.reference.type"
ATTESTATION = "attestation-manifest"


@dataclass(frozen=True, order=True)
class Origin:
    """Where an entry comes from, and its place in the list (results are sorted by it)."""

    # Position of the repository in the list, then of the reference in the repository.
    position: tuple[int, int]
    # Where in the file: "mirror.yaml line 12", "argument 2".
    where: str


@dataclass(frozen=True)
class ListPlatform:
    """One manifest to judge: the image itself, or one child of its index."""

    source: SourceInfo
    data: bytes
    media_type: str
    # `linux/amd64`, `unknown/unknown`; None for a reference that names a single manifest.
    platform: str | None = None
    attestation: bool = False

    @property
    def label(self) -> str:
        if self.platform is None:
            return "image"
        return f"{self.platform} (attestation)" if self.attestation else self.platform


@dataclass(frozen=True)
class ListImage:
    """One reference of the list, fetched: its manifest, or its index and every image child."""

    reference: str
    origin: Origin
    # The manifest the reference names (the index, for a multi-arch image).
    source: SourceInfo
    platforms: tuple[ListPlatform, ...]
    # The index document itself, which the mirror pushes last (None for a single manifest).
    index: ListPlatform | None = None
    # Children that are not image manifests (a nested index, an artifact): not judged.
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListFailure:
    """What could not be judged, in one line: a reference, or a repository whose tags failed."""

    reference: str
    origin: Origin
    message: str


@dataclass(frozen=True)
class ListNote:
    """Something to tell about a repository that is no failure (its filter selects no tag)."""

    reference: str
    origin: Origin
    message: str


ListResult = ListImage | ListFailure | ListNote
