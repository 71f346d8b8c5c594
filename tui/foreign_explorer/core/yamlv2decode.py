"""yaml.v2's decoder walking a node tree into the registry's Go structs: the errors that stop it.

yaml.Unmarshal decodes the whole document into distribution's Configuration, twice (first into
`struct{Version}` to pick the parser, then into the configuration itself), and an environment
variable's value once more into its field. Some errors end the decoding wherever they are met,
whatever the `validation` section says, and the registry does not start:

- `document contains excessive aliasing`: yaml.v2 counts every decode step (`decodeCount`) and
  those taken inside an alias (`aliasCount`), and stops when more than 100 steps came from
  aliases, more than 1,000 were taken, and their share passes `allowedAliasRatio` (99% up to
  400,000 steps, falling to 10% at 4,000,000);
- `anchor 'a' value contains itself` (an alias decoded inside the node it names);
- `map merge requires map or sequence of maps as the value`;
- `invalid map key` (a mapping or sequence as a key where Go holds `interface{}` values);
- a decoded scalar's own error (`cannot decode !!str x as a !!int`, bad `!!binary`).

The walk follows decode.go step for step: one step per `unmarshal` call (the document, every
node decoded, each alias and then its target), a struct's unknown keys decoded (as strings)
but not their values, a type mismatch ending the descent, a merge key not counted itself,
merged mappings decoded into the same value in yaml.v2's order, and an UnmarshalYAML method
decoding its node again (`Storage` and `Auth` a second time, as a string, when the first try
as a map had type errors). Which values are decoded, and into what, comes from the
Configuration structs of distribution 2.8.2 and 3.1.1, below.

Approximated: what a Go type does beyond its YAML shape is not modelled. The UnmarshalYAML
methods' own checks (a version, log level or storage driver they refuse), type errors (a
number that does not fit, a bad duration) and everything decided after decoding are left to
the readers of the `validation` section; only the errors listed above are raised here (so
where one of those checks would stop the registry first, the words may differ, the refusal
not), and `invalid map key`'s value is not printed as Go's `%#v` would print it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from foreign_explorer.core.yamlv2 import NULL, Scalar, is_merge_pair

_ALIAS_RATIO_LOW = 400_000
_ALIAS_RATIO_HIGH = 4_000_000
_ALIAS_RATIO_RANGE = float(_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)


class DecodeFailure(Exception):
    """yaml.v2 stopped decoding; `message` is its error (`yaml: ...`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, eq=False)
class GoType:
    """A Go type as yaml.v2 walks into it.

    `kind` is "struct" (`fields` by YAML key), "map" (`key`, `elem`), "slice" (`elem`),
    "iface" (interface{}), "string", or "scalar" (bool, numbers, durations). `unmarshal` names
    an UnmarshalYAML method: "string" decodes the node as a string, "map-or-string" as a map of
    Parameters and, failing that, as a string (Storage, Auth).
    """

    kind: str
    fields: Mapping[str, GoType] = field(default_factory=dict)
    key: GoType | None = None
    elem: GoType | None = None
    unmarshal: str = ""

    def field_type(self, *keys: str) -> GoType | None:
        """The type at a path of YAML keys below this struct (None where there is none)."""
        current: GoType | None = self
        for key in keys:
            if current is None or current.kind != "struct":
                return None
            current = current.fields.get(key)
        return current


def _struct(**fields: GoType) -> GoType:
    return GoType("struct", fields=fields)


def _map(elem: GoType) -> GoType:
    return GoType("map", key=STRING, elem=elem)


def _slice(elem: GoType) -> GoType:
    return GoType("slice", elem=elem)


STRING = GoType("string")
SCALAR = GoType("scalar")
IFACE = GoType("iface")
_IFACE_MAP = GoType("map", key=IFACE, elem=IFACE)
_STRING_UNMARSHALER = GoType("string", unmarshal="string")
_PARAMETERS = _map(IFACE)
_DRIVERS = GoType("map", key=STRING, elem=_PARAMETERS)
_MAP_OR_STRING = GoType("map", key=STRING, elem=_PARAMETERS, unmarshal="map-or-string")


# --- decoding -------------------------------------------------------------------------------


def allowed_alias_ratio(decodes: int) -> float:
    """decode.go's allowedAliasRatio, in the same float64 arithmetic."""
    if decodes <= _ALIAS_RATIO_LOW:
        return 0.99
    if decodes >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (float(decodes - _ALIAS_RATIO_LOW) / _ALIAS_RATIO_RANGE)


def check_config(root: yaml.Node | None, configuration: GoType) -> None:
    """Decode a config.yml's first document as the registry does (both passes)."""
    check_value(root, VERSIONED)
    check_value(root, configuration)


def check_value(root: yaml.Node | None, into: GoType) -> None:
    """One yaml.Unmarshal of a document into `into`; raises DecodeFailure where it stops."""
    if root is not None:
        _Walk().run(root, into)


_DECODE, _LEAVE, _RETRY, _MERGE, _MERGE_ITEM, _FAIL = range(6)
_WANT_MAP = "yaml: map merge requires map or sequence of maps as the value"


def _child(container: yaml.Node, slot: int) -> tuple[yaml.Node, tuple | None]:
    """A collection's child at `slot` (see yamlv2.Mapping) and, for an alias, what names it."""
    if isinstance(container, yaml.MappingNode):
        node = container.value[slot // 2][slot % 2]
    else:
        node = container.value[slot]
    name = getattr(container, "aliases", {}).get(slot)
    return node, None if name is None else ((id(container), slot), name)


class _Walk:
    def __init__(self) -> None:
        self.decodes = 0
        self.aliased = 0
        self.alias_depth = 0
        self.active: set[tuple[int, int]] = set()
        self.type_errors = 0

    def step(self) -> None:
        self.decodes += 1
        if self.alias_depth:
            self.aliased += 1
        if (
            self.aliased > 100
            and self.decodes > 1000
            and self.aliased / self.decodes > allowed_alias_ratio(self.decodes)
        ):
            raise DecodeFailure("yaml: document contains excessive aliasing")

    def run(self, root: yaml.Node, into: GoType) -> None:
        self.step()  # the document node
        stack: list[tuple] = [(_DECODE, root, into, None)]
        while stack:
            op, *args = stack.pop()
            if op == _DECODE:
                self.decode(*args, stack)
            elif op == _LEAVE:
                self.alias_depth -= 1
                self.active.discard(args[0])
            elif op == _RETRY:
                node, baseline = args
                if self.type_errors > baseline:  # the map try failed: try a string
                    self.type_errors = baseline
                    stack.append((_DECODE, node, STRING, None))
            elif op == _MERGE:
                self.merge(*args, stack)
            elif op == _MERGE_ITEM:
                sequence, index, into_type = args
                item, via = _child(sequence, index)
                if not isinstance(item, yaml.MappingNode):
                    raise DecodeFailure(_WANT_MAP)
                stack.append((_DECODE, item, into_type, via))
            else:
                raise DecodeFailure(args[0])

    def decode(self, node: yaml.Node, into: GoType, via: tuple | None, stack: list) -> None:
        self.step()
        if via is not None:
            key, name = via
            if key in self.active:
                raise DecodeFailure(f"yaml: anchor '{name}' value contains itself")
            self.active.add(key)
            self.alias_depth += 1
            stack.append((_LEAVE, key))
            stack.append((_DECODE, node, into, None))
            return
        if isinstance(node, Scalar) and _prepared_null(node):
            self.scalar(node, into)
            return
        if into.unmarshal == "string":
            stack.append((_DECODE, node, STRING, None))
            return
        if into.unmarshal == "map-or-string":
            stack.append((_RETRY, node, self.type_errors))
            stack.append((_DECODE, node, _DRIVERS, None))
            return
        if isinstance(node, yaml.ScalarNode):
            self.scalar(node, into)
        elif isinstance(node, yaml.MappingNode):
            self.mapping(node, into, stack)
        elif into.kind in ("slice", "iface"):
            elem = into.elem or IFACE
            for index in reversed(range(len(node.value))):
                item, item_via = _child(node, index)
                stack.append((_DECODE, item, elem, item_via))
        else:
            self.type_errors += 1

    def scalar(self, node: yaml.ScalarNode, into: GoType) -> None:
        failure = getattr(node, "failure", None)
        if failure:
            raise DecodeFailure(failure)
        if node.tag != NULL and into.kind in ("struct", "map", "slice"):
            self.type_errors += 1

    def mapping(self, node: yaml.MappingNode, into: GoType, stack: list) -> None:
        if into.kind == "iface":
            into = _IFACE_MAP
        if into.kind not in ("struct", "map"):
            self.type_errors += 1
            return
        work: list[tuple] = []
        for index in range(len(node.value)):
            value, value_via = _child(node, 2 * index + 1)
            key_node, key_via = _child(node, 2 * index)
            if is_merge_pair(node, index):
                work.append((_MERGE, value, into, value_via))
                continue
            key_type = into.key if into.kind == "map" else STRING
            assert key_type is not None
            work.append((_DECODE, key_node, key_type, key_via))
            if key_type is IFACE and isinstance(key_node, yaml.CollectionNode):
                work.append((_FAIL, f"yaml: invalid map key: {_go_kind(key_node)}"))
            elif not isinstance(key_node, yaml.ScalarNode):
                continue  # a type error: the value is not decoded
            elif into.kind == "map":
                assert into.elem is not None
                work.append((_DECODE, value, into.elem, value_via))
            else:
                name = "" if key_node.tag == NULL else key_node.value
                if name in into.fields:
                    work.append((_DECODE, value, into.fields[name], value_via))
        stack.extend(reversed(work))

    def merge(self, value: yaml.Node, into: GoType, via: tuple | None, stack: list) -> None:
        if isinstance(value, yaml.MappingNode):
            stack.append((_DECODE, value, into, via))
        elif via is None and isinstance(value, yaml.SequenceNode):
            # Earlier mappings win: decode the last one first.
            stack.extend((_MERGE_ITEM, value, index, into) for index in range(len(value.value)))
        else:
            raise DecodeFailure(_WANT_MAP)


def _prepared_null(node: Scalar) -> bool:
    """decode.go's prepare(): null by its explicit tag or its very text (quoted too)."""
    explicit = getattr(node, "explicit", "")
    if explicit == NULL:
        return True
    if explicit:
        return False
    return node.text in ("null", "~") or (node.text == "" and node.style is None)


def _go_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "map[interface {}]interface {}{...}"
    return "[]interface {}{...}"


# --- distribution's structs (configuration/configuration.go) --------------------------------
# Only the shape matters: every bool, number and duration is a SCALAR. A field without a yaml
# tag is keyed by its lower-cased Go name (HTTPChecker.StatusCode).

_HEADERS = _map(_slice(STRING))  # http.Header
_MAIL = _struct(
    smtp=_struct(addr=STRING, username=STRING, password=STRING, insecure=SCALAR),
    **{"from": STRING},
    to=_slice(STRING),
)
_LOG_HOOK = _struct(disabled=SCALAR, type=STRING, levels=_slice(STRING), options=_MAIL)
_LOG = {
    "accesslog": _struct(disabled=SCALAR),
    "level": _STRING_UNMARSHALER,
    "formatter": STRING,
    "fields": _map(IFACE),
    "hooks": _slice(_LOG_HOOK),
}
_MIDDLEWARE = _map(_slice(_struct(name=STRING, disabled=SCALAR, options=_PARAMETERS)))
_ENDPOINT = _struct(
    name=STRING,
    disabled=SCALAR,
    url=STRING,
    headers=_HEADERS,
    timeout=SCALAR,
    threshold=SCALAR,
    backoff=SCALAR,
    ignoredmediatypes=_slice(STRING),
    ignore=_struct(mediatypes=_slice(STRING), actions=_slice(STRING)),
)
_NOTIFICATIONS = _struct(events=_struct(includereferences=SCALAR), endpoints=_slice(_ENDPOINT))
_HEALTH = _struct(
    file=_slice(_struct(interval=SCALAR, file=STRING, threshold=SCALAR)),
    http=_slice(
        _struct(
            timeout=SCALAR,
            statuscode=SCALAR,
            interval=SCALAR,
            uri=STRING,
            headers=_HEADERS,
            threshold=SCALAR,
        )
    ),
    tcp=_slice(_struct(timeout=SCALAR, interval=SCALAR, addr=STRING, threshold=SCALAR)),
    storagedriver=_struct(enabled=SCALAR, interval=SCALAR, threshold=SCALAR),
)
_HTTP = {
    "addr": STRING,
    "net": STRING,
    "host": STRING,
    "prefix": STRING,
    "secret": STRING,
    "relativeurls": SCALAR,
    "draintimeout": SCALAR,
    "headers": _HEADERS,
    "debug": _struct(addr=STRING, prometheus=_struct(enabled=SCALAR, path=STRING)),
    "http2": _struct(disabled=SCALAR),
}
_TLS = {
    "certificate": STRING,
    "key": STRING,
    "clientcas": _slice(STRING),
    "minimumtls": STRING,
    "ciphersuites": _slice(STRING),
}
_LETSENCRYPT = {"cachefile": STRING, "email": STRING, "hosts": _slice(STRING)}
_URLS = _struct(allow=_slice(STRING), deny=_slice(STRING))
_COMMON = {
    "version": _STRING_UNMARSHALER,
    "loglevel": _STRING_UNMARSHALER,
    "storage": _MAP_OR_STRING,
    "auth": _MAP_OR_STRING,
    "middleware": _MIDDLEWARE,
    "notifications": _NOTIFICATIONS,
    "health": _HEALTH,
    "catalog": _struct(maxentries=SCALAR),
    "policy": _struct(repository=_struct(classes=_slice(STRING))),
}

# `struct { Version Version }`: the first pass, which picks the parser by version.
VERSIONED = _struct(version=_STRING_UNMARSHALER)

CONFIGURATION_2_8 = _struct(
    **_COMMON,
    log=_struct(**_LOG),
    reporting=_struct(
        bugsnag=_struct(apikey=STRING, releasestage=STRING, endpoint=STRING),
        newrelic=_struct(licensekey=STRING, name=STRING, verbose=SCALAR),
    ),
    http=_struct(**_HTTP, tls=_struct(**_TLS, letsencrypt=_struct(**_LETSENCRYPT))),
    redis=_struct(
        addr=STRING,
        password=STRING,
        db=SCALAR,
        dialtimeout=SCALAR,
        readtimeout=SCALAR,
        writetimeout=SCALAR,
        pool=_struct(maxidle=SCALAR, maxactive=SCALAR, idletimeout=SCALAR),
    ),
    proxy=_struct(remoteurl=STRING, username=STRING, password=STRING),
    compatibility=_struct(schema1=_struct(signingkeyfile=STRING, enabled=SCALAR)),
    validation=_struct(enabled=SCALAR, disabled=SCALAR, manifests=_struct(urls=_URLS)),
)

_REDIS_OPTIONS_3 = {  # RedisOptions, inlined into Redis
    **dict.fromkeys(
        (
            "clientname",
            "username",
            "password",
            "sentinelusername",
            "sentinelpassword",
            "mastername",
            "identitysuffix",
        ),
        STRING,
    ),
    **dict.fromkeys(
        (
            "db",
            "protocol",
            "maxretries",
            "minretrybackoff",
            "maxretrybackoff",
            "dialtimeout",
            "readtimeout",
            "writetimeout",
            "contexttimeoutenabled",
            "poolfifo",
            "poolsize",
            "pooltimeout",
            "minidleconns",
            "maxidleconns",
            "maxactiveconns",
            "connmaxidletime",
            "connmaxlifetime",
            "maxredirects",
            "readonly",
            "routebylatency",
            "routerandomly",
            "disableidentity",
            "unstableresp3",
        ),
        SCALAR,
    ),
    "addrs": _slice(STRING),
}

CONFIGURATION_3 = _struct(
    **_COMMON,
    log=_struct(**_LOG, reportcaller=SCALAR),
    http=_struct(
        **_HTTP,
        h2c=_struct(enabled=SCALAR),
        tls=_struct(
            **_TLS,
            clientauth=_STRING_UNMARSHALER,
            letsencrypt=_struct(**_LETSENCRYPT, directoryurl=STRING),
        ),
    ),
    redis=_struct(
        **_REDIS_OPTIONS_3,
        tls=_struct(certificate=STRING, key=STRING, rootcas=_slice(STRING)),
    ),
    tags=_struct(maxtags=SCALAR),
    proxy=_struct(
        remoteurl=STRING,
        username=STRING,
        password=STRING,
        exec=_struct(command=STRING, lifetime=SCALAR),
        ttl=SCALAR,
        cachewritetimeout=SCALAR,
    ),
    validation=_struct(
        enabled=SCALAR,
        disabled=SCALAR,
        manifests=_struct(
            urls=_URLS,
            indexes=_struct(
                platforms=_STRING_UNMARSHALER,
                platformlist=_slice(_struct(architecture=STRING, os=STRING)),
            ),
        ),
    ),
)
