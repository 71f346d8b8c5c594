"""The registry versions foreign-explorer predicts, and what differs between them, as data."""

from __future__ import annotations

from dataclasses import dataclass

GoVersion = tuple[int, int, int]


@dataclass(frozen=True)
class Profile:
    """One target registry: the distribution release line and the Go it is built with."""

    name: str
    title: str
    go: GoVersion
    # Descriptors of a type the URL rules do not cover, but carrying urls: 2.8 skips them
    # entirely, 3.x looks the blob up.
    blob_check_on_unlisted_urls: bool
    # OCI layer.v1.tar(+gzip) with urls: 2.8 checks only the URLs, 3.x also the blob.
    blob_check_on_oci_layer_urls: bool
    # 3.x validates every descriptor's digest before anything else.
    validates_digests: bool
    # The detail of the second UNKNOWN error: {} in 2.8, the error text in 3.x.
    error_detail_is_text: bool
    # 3.x's config parser walks into lists for REGISTRY_..._ALLOW_<i>; 2.8 ignores such names.
    env_indexed_names: bool
    # 3.x looks an index's children up only while validation is enabled; 2.8 always does.
    checks_children_when_disabled: bool
    # What the registry says of an index whose schemaVersion is not 2 (%d: the version).
    list_schema_error: str
    # 3.x reads validation.manifests.indexes (which index children must exist); 2.8 has no
    # such setting and ignores the section.
    reads_index_platforms: bool
    # The distribution release whose source the profile follows, for messages.
    release: str

    @property
    def go_label(self) -> str:
        return "go" + ".".join(str(part) for part in self.go)


DISTRIBUTION_2_8 = Profile(
    name="distribution-2.8",
    title="distribution 2.8",
    go=(1, 19, 8),
    blob_check_on_unlisted_urls=False,
    blob_check_on_oci_layer_urls=False,
    validates_digests=False,
    error_detail_is_text=False,
    env_indexed_names=False,
    checks_children_when_disabled=True,
    list_schema_error="unrecognized manifest list schema version %d",
    reads_index_platforms=False,
    release="2.8.2",
)

DISTRIBUTION_3 = Profile(
    name="distribution-3",
    title="distribution 3.1",
    go=(1, 25, 8),
    blob_check_on_unlisted_urls=True,
    blob_check_on_oci_layer_urls=True,
    validates_digests=True,
    error_detail_is_text=True,
    env_indexed_names=True,
    checks_children_when_disabled=False,
    list_schema_error="unrecognized manifest list schema version %d, expected 2",
    reads_index_platforms=True,
    release="3.1.1",
)

PROFILES: dict[str, Profile] = {p.name: p for p in (DISTRIBUTION_2_8, DISTRIBUTION_3)}
DEFAULT_PROFILE = DISTRIBUTION_2_8


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise ValueError(f"unknown target {name!r} (known: {known})") from None
