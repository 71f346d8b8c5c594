"""yaml.v2's decoder walking a node tree into the registry's Go structs: the errors that stop it.

yaml.Unmarshal decodes the whole document into distribution's Configuration, twice (first into
`struct { Version }` to pick the parser, then into the configuration itself), and an
environment variable's value once more into its field. The registry does not start when
either pass fails, whatever the `validation` section says. Two sorts of errors:

- errors that end the decoding where they are met: `document contains excessive aliasing`
  (yaml.v2 counts every decode step, `decodeCount`, and those taken inside an alias,
  `aliasCount`, and stops when more than 100 steps came from aliases, more than 1,000 were
  taken, and their share passes `allowedAliasRatio`: 99% up to 400,000 steps, falling to 10%
  at 4,000,000); `anchor 'a' value contains itself`; `map merge requires map or sequence of
  maps as the value`; `invalid map key`; a scalar's own error (`cannot decode !!str `x` as a
  !!int`, bad `!!binary`); and the errors of the UnmarshalYAML methods' own checks (below);
- type errors, which yaml.v2 collects and reports together when the walk is over:
  `yaml: unmarshal errors:` then one line each, `line N: cannot unmarshal !!int `5` into
  []string` (the node's line; a scalar's text cut at 10 bytes; the type as Go's reflect
  prints it, from core.yamlv2types). Which scalars go into which Go kinds is
  `yamlv2types.scalar_fits`; a collection goes into a struct or map (mapping) or slice
  (sequence), anything into interface{}, null into anything.

The walk follows decode.go step for step: one step per `unmarshal` call (the document, every
node decoded, each alias and then its target), a struct's unknown keys decoded (as strings)
but not their values, a type mismatch ending the descent, a merge key not counted itself,
merged mappings decoded into the same value in yaml.v2's order. An UnmarshalYAML method
decodes its node again through yaml.v2's callback, which hands type errors back to the
method and catches the errors that end a walk (leaving the aliases it was inside open, as Go
does); the methods modelled:

- Version: the text as a string, then `strconv.ParseUint` of the parts before and after the
  first dot (2.8 indexes `strings.Split`'s result, so a version without a dot makes it
  panic, said `panic: ...`; 3.x uses `strings.Cut`); then, outside yaml.v2,
  `unsupported version: "X"` unless it is 0.1;
- Loglevel (log.level, loglevel), Platforms (3.x's indexes.platforms), ClientAuth (3.x's
  http.tls.clientauth): the text, lower-cased for the first two, among the known words;
- Storage and Auth: a map of Parameters and, failing that (type errors or not), a string;
  a map with more than one storage driver (maintenance, cache, delete, redirect and 3.x's
  tag aside), or with more than one auth type, is refused. Go lists them in map order,
  which is random: here in the order written.

After decoding, a driver the last `storage` names must be one the binary was built with
(`StorageDriver not registered: x`).

Not modelled (left to the registry; the engine may say it starts): a config without a
`version` key or without a storage driver (taken as a fragment of a whole config, as
everywhere in this project; the twuni Helm chart names the driver in REGISTRY_STORAGE), and
what the registry checks after decoding (a driver's parameters, 3.x's negative
`tags.maxtags`, TLS files, addresses); of the environment, only the REGISTRY_VALIDATION*
values are decoded (goyaml), so REGISTRY_STORAGE* cannot change the driver here; `invalid
map key`'s value is not printed as Go's `%#v` would print it; Go's `strings.ToLower` is
Python's `lower()`.
"""

from __future__ import annotations

import yaml

from foreign_explorer.core.gostrconv import quote
from foreign_explorer.core.yamlv2 import NULL, Scalar, is_merge_pair, short_tag
from foreign_explorer.core.yamlv2types import (
    CONFIGURATION_2_8,
    CONFIGURATION_3,
    IFACE,
    IFACE_MAP,
    STORAGE_MAP,
    STRING,
    VERSIONED_2_8,
    VERSIONED_3,
    GoType,
    scalar_fits,
)

__all__ = [
    "CONFIGURATION_2_8",
    "CONFIGURATION_3",
    "STRING",
    "TYPE_ERRORS",
    "DecodeFailure",
    "GoType",
    "allowed_alias_ratio",
    "check_config",
    "check_value",
]

_ALIAS_RATIO_LOW = 400_000
_ALIAS_RATIO_HIGH = 4_000_000
_ALIAS_RATIO_RANGE = float(_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)


class DecodeFailure(Exception):
    """yaml.v2 stopped decoding; `message` is its error (`yaml: ...`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- decoding -------------------------------------------------------------------------------

TYPE_ERRORS = "yaml: unmarshal errors:\n  "
_FIRST_PASS = {CONFIGURATION_2_8: VERSIONED_2_8, CONFIGURATION_3: VERSIONED_3}
_SUPPORTED_VERSION = "0.1"


def allowed_alias_ratio(decodes: int) -> float:
    """decode.go's allowedAliasRatio, in the same float64 arithmetic."""
    if decodes <= _ALIAS_RATIO_LOW:
        return 0.99
    if decodes >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (float(decodes - _ALIAS_RATIO_LOW) / _ALIAS_RATIO_RANGE)


def check_config(root: yaml.Node | None, configuration: GoType) -> None:
    """Decode a config.yml's first document as the registry does (both passes, and the
    version check between them); raises DecodeFailure with the registry's error."""
    if root is None:
        return
    first = _Walk()
    first.run(root, _FIRST_PASS.get(configuration, VERSIONED_2_8))
    if first.version is not None and first.version != _SUPPORTED_VERSION:
        raise DecodeFailure(f"unsupported version: {quote(first.version)}")
    second = _Walk()
    second.run(root, configuration)
    if second.storage is not None:  # what the registry does with it after decoding
        method, types = second.storage
        if types and types[0] not in _REGISTERED_DRIVERS[method]:
            raise DecodeFailure(f"StorageDriver not registered: {types[0]}")


def check_value(root: yaml.Node | None, into: GoType | None) -> None:
    """One yaml.Unmarshal of a document into `into`; raises DecodeFailure where it fails."""
    if root is not None and into is not None:
        _Walk().run(root, into)


_DECODE, _LEAVE, _MERGE, _MERGE_ITEM, _FAIL = range(5)
_WANT_MAP = "yaml: map merge requires map or sequence of maps as the value"
# Kinds every non-null scalar goes into (the common case, decided without scalar_fits).
_ANY_SCALAR = frozenset(("string", "iface"))
_STORAGE_EXTRAS = {
    "storage-2.8": frozenset(("maintenance", "cache", "delete", "redirect")),
    "storage-3": frozenset(("maintenance", "cache", "delete", "redirect", "tag")),
}
# The storage drivers each binary was built with (Debian's 2.8.2 has no azure, gcs or oss).
_REGISTERED_DRIVERS = {
    "storage-2.8": frozenset(("filesystem", "inmemory", "s3", "swift")),
    "storage-3": frozenset(("filesystem", "inmemory", "s3", "azure", "gcs")),
}
_LOGLEVELS = ("error", "warn", "info", "debug")
_PLATFORMS = ("all", "none", "list")
_CLIENT_AUTH = (
    "request-client-cert",
    "require-any-client-cert",
    "verify-client-cert-if-given",
    "require-and-verify-client-cert",
)
_SPLIT_PANIC = "panic: runtime error: index out of range [1] with length 1"


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
        self.errors: list[str] = []
        # The text decoded into a Version (None: no version key was decoded).
        self.version: str | None = None
        # The Storage method's name and the drivers the last `storage` named (extras aside).
        self.storage: tuple[str, list[str]] | None = None

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
        self.walk(root, into)
        if self.errors:
            raise DecodeFailure(TYPE_ERRORS + "\n  ".join(self.errors))

    def walk(self, root: yaml.Node, into: GoType) -> None:
        stack: list[tuple] = [(_DECODE, root, into, None)]
        while stack:
            op, *args = stack.pop()
            if op == _DECODE:
                self.decode(*args, stack)
            elif op == _LEAVE:
                self.alias_depth -= 1
                self.active.discard(args[0])
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
            # No UnmarshalYAML for null: the field keeps Go's zero value.
            if into.unmarshal.startswith("version"):
                self.version = "" if node.tag == NULL else node.value
            if into.unmarshal.startswith("storage"):
                self.storage = (into.unmarshal, [])
            self.scalar(node, into)
            return
        if into.unmarshal:
            self.call_unmarshaler(node, into)
        elif isinstance(node, yaml.ScalarNode):
            self.scalar(node, into)
        elif isinstance(node, yaml.MappingNode):
            self.mapping(node, into, stack)
        elif into.kind in ("slice", "iface"):
            elem = into.elem or IFACE
            for index in reversed(range(len(node.value))):
                item, item_via = _child(node, index)
                stack.append((_DECODE, item, elem, item_via))
        else:
            self.type_error(node, into)

    def type_error(self, node: yaml.Node, into: GoType) -> None:
        self.errors.append(
            f"line {node.start_mark.line + 1}: cannot unmarshal {_shown(node)} into {into.name}"
        )

    def scalar(self, node: yaml.ScalarNode, into: GoType) -> None:
        failure = getattr(node, "failure", None)
        if failure:
            raise DecodeFailure(failure)
        if into.kind in _ANY_SCALAR or node.tag == NULL:
            return
        text = getattr(node, "text", node.value)
        if not scalar_fits(node.tag, text, node.value, into):
            self.type_error(node, into)

    def mapping(self, node: yaml.MappingNode, into: GoType, stack: list) -> None:
        if into.kind == "iface":
            into = IFACE_MAP
        if into.kind not in ("struct", "map"):
            self.type_error(node, into)
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

    # -- UnmarshalYAML methods --

    def attempt(self, node: yaml.Node, into: GoType, base: int) -> list[str] | DecodeFailure | None:
        """yaml.v2's callback: decode `node` into `into`; the type errors since `base` are
        handed back (taken off the list), an error that ends a walk is caught and returned
        (the type errors met before it stay, and so do the aliases it was inside)."""
        try:
            self.walk(node, into)
        except DecodeFailure as exc:
            return exc
        if len(self.errors) > base:
            issues = self.errors[base:]
            del self.errors[base:]
            return issues
        return None

    def call_unmarshaler(self, node: yaml.Node, into: GoType) -> None:
        method = into.unmarshal
        base = len(self.errors)
        if method.startswith(("storage", "auth")):
            outcome = self.attempt(node, STORAGE_MAP, base)
            if outcome is None:
                keys = _decoded_keys(node)
                _check_types(method, keys)
                self.note_storage(method, keys)
                return
            outcome = self.attempt(node, STRING, base)
            if outcome is None:
                self.note_storage(method, [node.value])
                return
        else:
            outcome = self.attempt(node, STRING, base)
            if outcome is None:
                text = node.value if isinstance(node, yaml.ScalarNode) else ""
                self.check_text(method, text)
                return
        if isinstance(outcome, DecodeFailure):
            raise outcome
        if outcome:
            self.errors.extend(outcome)

    def note_storage(self, method: str, keys: list[str]) -> None:
        if method != "auth":
            self.storage = (method, [key for key in keys if key not in _STORAGE_EXTRAS[method]])

    def check_text(self, method: str, text: str) -> None:
        if method.startswith("version"):
            if method == "version-2.8":
                parts = text.split(".")
                major, minor = parts[0], parts[1] if len(parts) > 1 else None
            else:
                major, _, minor = text.partition(".")
            _parse_uint(major)
            if minor is None:
                raise DecodeFailure(_SPLIT_PANIC)
            _parse_uint(minor)
            self.version = text
        elif method == "loglevel" and text.lower() not in _LOGLEVELS:
            raise DecodeFailure(
                f"invalid loglevel {text.lower()} Must be one of [{', '.join(_LOGLEVELS)}]"
            )
        elif method == "platforms" and text.lower() not in _PLATFORMS:
            raise DecodeFailure(
                f"invalid platforms option {text.lower()} Must be one of [{', '.join(_PLATFORMS)}]"
            )
        elif method == "clientauth" and text not in _CLIENT_AUTH:
            raise DecodeFailure(
                f"invalid ClientAuth {text} Must be one of: {', '.join(_CLIENT_AUTH)}"
            )


def _parse_uint(text: str) -> None:
    """strconv.ParseUint(text, 10, 0)'s error, raised."""
    if not text or not text.isascii() or not text.isdigit():
        raise DecodeFailure(f"strconv.ParseUint: parsing {quote(text)}: invalid syntax")
    if int(text) >= 1 << 64:
        raise DecodeFailure(f"strconv.ParseUint: parsing {quote(text)}: value out of range")


def _check_types(method: str, keys: list[str]) -> None:
    """Storage's and Auth's refusal of a map naming more than one driver or type."""
    if len(keys) <= 1:
        return
    if method == "auth":
        raise DecodeFailure(f"must provide exactly one type. Provided: [{' '.join(keys)}]")
    types = [key for key in keys if key not in _STORAGE_EXTRAS[method]]
    if len(types) > 1:
        raise DecodeFailure(f"must provide exactly one storage type. Provided: [{' '.join(types)}]")


def _decoded_keys(node: yaml.Node) -> list[str]:
    """The keys of a mapping decoded into a Go map (merges included), each once, in the
    order written."""
    if not isinstance(node, yaml.MappingNode):
        return []
    keys: dict[str, None] = {}
    stack: list[yaml.Node] = [node]
    while stack:
        mapping = stack.pop()
        later: list[yaml.Node] = []
        for index, (key_node, value) in enumerate(mapping.value):
            if is_merge_pair(mapping, index):
                later.extend(value.value if isinstance(value, yaml.SequenceNode) else [value])
            elif isinstance(key_node, yaml.ScalarNode):
                keys[key_node.value if key_node.tag != NULL else ""] = None
        stack.extend(reversed([m for m in later if isinstance(m, yaml.MappingNode)]))
    return list(keys)


def _shown(node: yaml.Node) -> str:
    """A node as yaml.v2's type errors show it: its tag, and a scalar's text cut at 10 bytes."""
    if isinstance(node, yaml.MappingNode):
        return "!!map"
    if isinstance(node, yaml.SequenceNode):
        return "!!seq"
    text = getattr(node, "text", node.value)
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > 10:
        text = data[:7].decode("utf-8", "replace") + "..."
    return f"{short_tag(node.tag)} `{text}`"


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
