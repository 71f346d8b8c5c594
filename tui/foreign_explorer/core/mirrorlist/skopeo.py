"""`skopeo sync --src yaml` source files, read as skopeo v1.22.2 reads them.

The file maps each registry (the key may carry a namespace: `quay.io/coreos`) to:

* `images`: repository -> list of tags and digests; an empty list (or none) means every tag
  the registry lists. An item that parses as a digest is a digest, anything else must be a
  valid tag. Each repository is `<key>/<name>`, normalised like `docker pull` does
  (`docker.io` + `busybox` is `docker.io/library/busybox`; a key without a dot, colon or
  `localhost` is a Docker Hub namespace).
* `images-by-tag-regex`: repository -> Go regexp searched (unanchored) in every tag.
* `images-by-semver`: repository -> Masterminds/semver constraint; tags that are not
  versions are skipped.
* `credentials` (`username`, `password`, `identitytoken`), `tls-verify` (absent: skopeo's
  default; false: HTTPS without verification, falling back to HTTP) and `cert-dir`.

Like skopeo, a malformed file (a tag list given as a string, `tls-verify: "true"`, a key
written twice) is refused whole, while a bad repository name, tag or digest only skips that
entry, and one bad pattern skips every `images-by-tag-regex` (or `-semver`) entry of its
registry. skopeo iterates registries and repositories in Go map order (random); they are
kept here in file order.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

from foreign_explorer.core.mirrorlist.filters import (
    EveryTag,
    SkopeoSemver,
    SkopeoTagRegex,
    TagFilter,
    TagFilterError,
)
from foreign_explorer.core.mirrorlist.model import (
    Connection,
    ListFormat,
    MirrorList,
    MirrorRepository,
    Tls,
)
from foreign_explorer.core.mirrorlist.yamltree import Decoder, StructReader, line_of
from foreign_explorer.core.reference import (
    Reference,
    ReferenceError,
    parse_reference,
    validate_digest,
)

SKOPEO_KEYS = frozenset(
    {"images", "images-by-tag-regex", "images-by-semver", "credentials", "tls-verify", "cert-dir"}
)
_READER = StructReader(Decoder.YAML_V3, "skopeo sync")


def parse_repository(name: str) -> tuple[str, str]:
    """(registry, repository) of a name that must not carry a tag or digest."""
    if "@" in name or ":" in name.rsplit("/", 1)[-1]:
        raise ReferenceError(f"{name!r} names an image, not a repository")
    reference = parse_reference(name)
    return reference.registry, reference.repository


def _connection(key: str, node: yaml.Node) -> Connection:
    where = f"registry {key!r}"
    credentials = _READER.field(node, "credentials", where)
    fields = {
        name: _READER.string(_READER.field(credentials, name, f"{where} credentials"), name)
        for name in ("username", "password", "identitytoken")
    }
    verify = _READER.boolean(_READER.field(node, "tls-verify", where), f"{where} tls-verify")
    cert_dir = _READER.string(_READER.field(node, "cert-dir", where), f"{where} cert-dir")
    tls = Tls.DEFAULT if verify is None else Tls.VERIFY if verify else Tls.SKIP_VERIFY_OR_HTTP
    return Connection(
        registry=key,
        tls=tls,
        username=fields["username"] or None,
        password=fields["password"] or None,
        identity_token=fields["identitytoken"] or None,
        cert_dir=cert_dir or None,
    )


def _explicit_references(
    registry: str, repository: str, items: tuple[str, ...], origin: str, notices: list[str]
) -> tuple[Reference, ...]:
    references = []
    for item in items:
        if ":" in item and validate_digest(item) is None:
            references.append(Reference(registry, repository, None, item))
            continue
        try:
            parsed = parse_reference(f"{registry}/{repository}:{item}")
        except ReferenceError:
            notices.append(
                f"{origin}: {registry}/{repository}: {item!r} is neither a digest nor a valid "
                "tag; skopeo skips it"
            )
            continue
        references.append(parsed)
    return tuple(references)


def _filtered(
    key: str,
    section: str,
    entries: list[tuple[str, yaml.Node]],
    make: Callable[[str], TagFilter],
    connection: Connection,
    notices: list[str],
) -> list[MirrorRepository]:
    """One images-by-* section: one bad pattern stops the whole section for this registry."""
    patterns = {name: _READER.string(node, f"{section} {name!r}") for name, node in entries}
    filters: dict[str, TagFilter] = {}
    failure: str | None = None
    for name, node in entries:
        try:
            filters[name] = make(patterns[name])
        except TagFilterError as err:
            failure = failure or (
                f"line {line_of(node)}: {section} {name!r}: {err.message}; skopeo skips every "
                f"{section} entry of {key!r}"
            )
    repositories = []
    for name, node in entries:
        origin = f"line {line_of(node)}"
        try:
            registry, repository = parse_repository(f"{key}/{name}")
        except ReferenceError as err:
            notices.append(f"{origin}: {err.message}; skopeo skips it")
            continue
        repositories.append(
            MirrorRepository(
                registry,
                repository,
                connection,
                origin,
                tag_filter=filters.get(name, EveryTag()),
                problem=failure,
            )
        )
    return repositories


def read_skopeo(root: yaml.Node) -> MirrorList:
    notices: list[str] = []
    repositories: list[MirrorRepository] = []
    for key, node in _READER.entries(root, "the file"):
        where = f"registry {key!r}"
        connection = _connection(key, node)
        images = _READER.entries(_READER.field(node, "images", where), f"{where} images")
        by_regex = _READER.entries(
            _READER.field(node, "images-by-tag-regex", where), f"{where} images-by-tag-regex"
        )
        by_semver = _READER.entries(
            _READER.field(node, "images-by-semver", where), f"{where} images-by-semver"
        )
        if not (images or by_regex or by_semver):
            line = f"line {line_of(node)}: " if node is not None else ""
            notices.append(f"{line}{where} lists no images; skopeo copies nothing from it")
            continue
        listed = [
            (name, _READER.strings(items, f"{where} images {name!r}")) for name, items in images
        ]
        for (name, items), (_, node_items) in zip(listed, images, strict=True):
            origin = f"line {line_of(node_items)}"
            try:
                registry, repository = parse_repository(f"{key}/{name}")
            except ReferenceError as err:
                notices.append(f"{origin}: {err.message}; skopeo skips it")
                continue
            if not items:
                repositories.append(
                    MirrorRepository(
                        registry, repository, connection, origin, tag_filter=EveryTag()
                    )
                )
                continue
            references = _explicit_references(registry, repository, items, origin, notices)
            if references:
                repositories.append(
                    MirrorRepository(registry, repository, connection, origin, references)
                )
        repositories += _filtered(
            key, "images-by-tag-regex", by_regex, SkopeoTagRegex, connection, notices
        )
        repositories += _filtered(
            key, "images-by-semver", by_semver, SkopeoSemver, connection, notices
        )
    return MirrorList(ListFormat.SKOPEO_SYNC, tuple(repositories), tuple(notices))
