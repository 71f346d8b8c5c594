"""Media types the registry and the model care about."""

from __future__ import annotations

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
OCI_NONDIST = "application/vnd.oci.image.layer.nondistributable.v1.tar"
OCI_NONDIST_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
OCI_NONDIST_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

IMAGE_MANIFESTS = frozenset({DOCKER_MANIFEST, OCI_MANIFEST})
INDEXES = frozenset({DOCKER_MANIFEST_LIST, OCI_INDEX})
SCHEMA1 = frozenset({DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED})

# "Foreign": layers whose bytes are not meant to be pushed to a registry.
FOREIGN_TYPES = frozenset({DOCKER_FOREIGN_LAYER, OCI_NONDIST, OCI_NONDIST_GZIP, OCI_NONDIST_ZSTD})

# The OCI layer types whose URLs distribution checks.
OCI_URL_CHECKED = frozenset({OCI_LAYER, OCI_LAYER_GZIP, OCI_NONDIST, OCI_NONDIST_GZIP})
OCI_URL_CHECKED_NONDIST = frozenset({OCI_NONDIST, OCI_NONDIST_GZIP})

_SHORT_PREFIXES = (
    "application/vnd.docker.image.rootfs.",
    "application/vnd.docker.distribution.",
    "application/vnd.docker.",
    "application/vnd.oci.image.",
    "application/vnd.",
    "application/",
)


def short_media_type(media_type: str) -> str:
    """`application/vnd.docker.image.rootfs.foreign.diff.tar.gzip` -> `foreign.diff.tar.gzip`."""
    for prefix in _SHORT_PREFIXES:
        if media_type.startswith(prefix) and len(media_type) > len(prefix):
            return media_type[len(prefix) :]
    return media_type
