"""Where a manifest came from (a registry, an OCI layout, a file), for reports and the app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceInfo:
    """The `source` object of check's JSON; registry and repository are None for a file."""

    reference: str
    registry: str | None
    repository: str | None
    digest: str
    media_type: str
    platform: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "reference": self.reference,
            "registry": self.registry,
            "repository": self.repository,
            "digest": self.digest,
            "mediaType": self.media_type,
            "platform": self.platform,
        }
