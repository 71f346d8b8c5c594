"""regsync configuration files, read as regsync v0.11.5 reads them.

What decides what is copied from where:

* `sync` entries: `type: image` copies `source` (a reference; no tag means `latest`);
  `type: repository` copies the tags of `source` chosen by `tags` and `tagSets` (see
  filters.py); a source with a tag or digest there makes regsync build `repo:tag:tag2`
  references, which fail, so nothing is copied. `type: registry` (every repository, through
  the catalog API) is not supported here and is reported as such.
* `creds` entries, keyed by `registry` exactly as written (`docker.io`,
  `registry-1.docker.io` and `https://index.docker.io/v1/` all mean Docker Hub): `tls`
  (enabled, insecure or disabled, any case), `user`/`pass`/`token`, `regcert`,
  `clientCert`/`clientKey` (PEM text), `hostname`, `pathPrefix`, `repoAuth`. Entries for the
  same registry merge, later non-empty values winning.
* `version` above 1 is refused, as regsync does.

Go templates (`{{ ... }}`) in `source`, `registry`, `user`, `pass` and the certificates are
not expanded (their `env` and `file` functions read this machine's state): such a sync entry
or setting is reported and left out. `platform`, `platforms`, `mirrors` and `credHelper` are
reported as not modelled. regsync also reads ~/.docker/config.json unless
`defaults.skipDockerConfig` is true; the fetching side uses its own credential sources.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

from foreign_explorer.core.gostrconv import quote
from foreign_explorer.core.mirrorlist.filters import RegsyncTags, RegsyncTagSet, TagFilterError
from foreign_explorer.core.mirrorlist.model import (
    Connection,
    ListFormat,
    MirrorList,
    MirrorListError,
    MirrorRepository,
    Tls,
)
from foreign_explorer.core.mirrorlist.yamltree import Decoder, StructReader, is_null, kind, line_of
from foreign_explorer.core.reference import (
    DOCKER_HUB,
    DOCKER_HUB_API,
    DOCKER_HUB_CONFIG_KEY,
    Reference,
    ReferenceError,
    parse_reference,
)

REGSYNC_KEYS = frozenset({"sync", "creds", "defaults"})
_READER = StructReader(Decoder.GOCCY, "regsync")
_TLS = {"": Tls.DEFAULT, "enabled": Tls.VERIFY, "insecure": Tls.SKIP_VERIFY, "disabled": Tls.HTTP}
_HUB_NAMES = frozenset({DOCKER_HUB, DOCKER_HUB_API, DOCKER_HUB_CONFIG_KEY})


def _templated(text: str) -> bool:
    return "{{" in text


def _regclient_reference(text: str) -> Reference:
    """regclient's ref.New for registry references: distribution's grammar, Hub renamed."""
    if "://" in text:
        scheme = text.split("://", 1)[0]
        if scheme in ("ocidir", "ocifile"):
            raise ReferenceError(f"{text!r} is an OCI layout on disk, not a registry")
        raise ReferenceError(f"unknown scheme {quote(scheme)} in {quote(text)}")
    reference = parse_reference(text)
    if reference.registry == DOCKER_HUB_API:
        repository = reference.repository
        if "/" not in repository:
            repository = "library/" + repository
        reference = replace(reference, registry=DOCKER_HUB, repository=repository)
    return reference


def _merge(old: Connection, new: Connection) -> Connection:
    changes: dict[str, object] = {}
    for name in (
        "username",
        "password",
        "identity_token",
        "ca_pem",
        "client_cert_pem",
        "client_key_pem",
        "hostname",
        "path_prefix",
    ):
        if getattr(new, name):
            changes[name] = getattr(new, name)
    if new.tls is not Tls.DEFAULT:
        changes["tls"] = new.tls
    if new.repo_auth:
        changes["repo_auth"] = True
    return replace(old, **changes)  # type: ignore[arg-type]


def _read_creds(root: yaml.Node, notices: list[str]) -> dict[str, Connection]:
    hosts: dict[str, Connection] = {}
    creds = _sequence(_READER.field(root, "creds", "the file"), "creds")
    for index, node in enumerate(creds):
        where = f"creds[{index}]"
        origin = f"line {line_of(node)}"
        text = {
            name: _READER.string(_READER.field(node, name, where), f"{where}.{name}")
            for name in (
                "registry",
                "hostname",
                "user",
                "pass",
                "token",
                "tls",
                "regcert",
                "clientCert",
                "clientKey",
                "pathPrefix",
                "credHelper",
            )
        }
        repo_auth = _READER.boolean(_READER.field(node, "repoAuth", where), f"{where}.repoAuth")
        mirrors = _READER.strings(_READER.field(node, "mirrors", where), f"{where}.mirrors")
        tls_text = text["tls"].lower()
        if tls_text not in _TLS:
            raise _READER.fail(node, f"{where}.tls: unknown TLS value {quote(text['tls'])}")
        for name in ("registry", "user", "pass", "regcert", "clientCert", "clientKey"):
            if _templated(text[name]):
                notices.append(
                    f"{origin}: {where}.{name} is a Go template; templates are not expanded, "
                    "so it is left out"
                )
                text[name] = ""
        name = text["registry"]
        if not name:
            notices.append(f"{origin}: {where} has no registry name; regsync ignores it")
            continue
        if "://" in name and name not in _HUB_NAMES:
            notices.append(
                f"{origin}: {where}.registry {name!r}: regsync keys settings by the name as "
                "written, so these apply to no image (write the bare host; tls: disabled "
                "for plain HTTP)"
            )
            continue
        hostname = text["hostname"]
        if name in _HUB_NAMES:
            name = DOCKER_HUB
            if hostname in ("", DOCKER_HUB, DOCKER_HUB_CONFIG_KEY):
                hostname = DOCKER_HUB_API
        if mirrors:
            notices.append(
                f"{origin}: {where}.mirrors: regsync pulls {name} through {', '.join(mirrors)} "
                f"first; foreign-explorer reads {name} itself"
            )
        if text["credHelper"]:
            notices.append(
                f"{origin}: {where}.credHelper {text['credHelper']!r} is not run; credentials "
                "come from foreign-explorer's own sources"
            )
        entry = Connection(
            registry=name,
            tls=_TLS[tls_text],
            username=text["user"] or None,
            password=text["pass"] or None,
            identity_token=text["token"] or None,
            ca_pem=text["regcert"] or None,
            client_cert_pem=text["clientCert"] or None,
            client_key_pem=text["clientKey"] or None,
            hostname=hostname or None,
            path_prefix=text["pathPrefix"].strip("/") or None,
            repo_auth=bool(repo_auth),
        )
        hosts[name] = _merge(hosts[name], entry) if name in hosts else entry
    return hosts


def _tag_set_fields(node: yaml.Node | None, where: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        _READER.strings(_READER.field(node, name, where), f"{where}.{name}")
        for name in ("allow", "deny", "semverRange")
    )


def _repository_entry(
    source: str, node: yaml.Node, where: str, hosts: dict[str, Connection]
) -> MirrorRepository:
    origin = f"line {line_of(node)}"
    sets_node = _READER.field(node, "tagSets", where)
    raw_sets = [
        _tag_set_fields(item, f"{where}.tagSets[{i}]")
        for i, item in enumerate(_sequence(sets_node, f"{where}.tagSets"))
    ]
    tags = _tag_set_fields(_READER.field(node, "tags", where), f"{where}.tags")
    if any(tags):
        raw_sets.append(tags)
    reference = _regclient_reference(source)
    registry, repository = reference.registry, reference.repository
    connection = hosts.get(registry, Connection(registry))
    problem = None
    if source.rsplit("/", 1)[-1].count(":") or "@" in source:
        problem = (
            f"source {source!r} names an image: regsync appends ':<tag>' to it for every tag, "
            "which is not a valid reference, so nothing is copied"
        )
    try:
        tag_filter = RegsyncTags(tuple(RegsyncTagSet(*fields) for fields in raw_sets))
    except TagFilterError as err:
        tag_filter = RegsyncTags()
        problem = problem or f"{err.message}; regsync copies nothing for this entry"
    return MirrorRepository(
        registry, repository, connection, origin, tag_filter=tag_filter, problem=problem
    )


def _sequence(node: yaml.Node | None, where: str) -> list[yaml.Node]:
    if is_null(node):
        return []
    assert node is not None
    if not isinstance(node, yaml.SequenceNode):
        raise _READER.fail(node, f"{where} must be a list, not {kind(node)}")
    return list(node.value)


def read_regsync(root: yaml.Node) -> MirrorList:
    notices: list[str] = []
    version = _READER.integer(_READER.field(root, "version", "the file"), "version")
    if version is not None and version > 1:
        raise MirrorListError(
            f"version {version} is not a regsync configuration version regsync v0.11.5 reads "
            "(it reads version 1)"
        )
    hosts = _read_creds(root, notices)
    repositories: list[MirrorRepository] = []
    for index, node in enumerate(_sequence(_READER.field(root, "sync", "the file"), "sync")):
        where = f"sync[{index}]"
        origin = f"line {line_of(node)}"
        entry = {
            name: _READER.string(_READER.field(node, name, where), f"{where}.{name}")
            for name in ("source", "type", "platform")
        }
        platforms = _READER.strings(_READER.field(node, "platforms", where), f"{where}.platforms")
        source, entry_type = entry["source"], entry["type"]
        if entry_type == "registry":
            notices.append(
                f"{origin}: {where} copies the whole registry {source!r} (type: registry); "
                "not supported"
            )
            continue
        if entry_type not in ("image", "repository"):
            notices.append(
                f"{origin}: {where} has type {entry_type!r}; regsync refuses it (must be one of: "
                "registry, repository, or image)"
            )
            continue
        if _templated(source):
            notices.append(
                f"{origin}: {where}.source {source!r} is a Go template; templates are not "
                "expanded, so the entry is left out"
            )
            continue
        if entry["platform"] or platforms:
            chosen = entry["platform"] or ", ".join(platforms)
            notices.append(
                f"{origin}: {where} copies only platform {chosen}; every platform is judged"
            )
        try:
            if entry_type == "image":
                reference = _regclient_reference(source)
                connection = hosts.get(reference.registry, Connection(reference.registry))
                repositories.append(
                    MirrorRepository(
                        reference.registry, reference.repository, connection, origin, (reference,)
                    )
                )
            else:
                repositories.append(_repository_entry(source, node, where, hosts))
        except ReferenceError as err:
            notices.append(f"{origin}: {where}.source: {err.message}; regsync skips it")
    return MirrorList(ListFormat.REGSYNC, tuple(repositories), tuple(notices))
