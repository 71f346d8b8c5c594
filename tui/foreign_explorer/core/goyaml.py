"""The registry's `validation` section read the way its Go YAML decoder and env parser read it.

Only what decides a verdict: the two URL lists, the enabled/disabled flags and (3.x)
`manifests.indexes`. pyyaml's node tree is used (not its Python objects) so that scalars keep
their text, as yaml.v2 stores `- 123` as the pattern "123" and a null item as "".

The indexes section is read as distribution 3.x reads it (2.8 has no such field and ignores
it): what 3.x cannot read is kept as `IndexesSetting.error`, in its words, not raised, since
a 2.8 registry starts with the same file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import yaml

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.indexes import PLATFORMS_OPTIONS, IndexesSetting, PlatformRef

if TYPE_CHECKING:
    from foreign_explorer.core.policy import EnvTrap

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_FALSE = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
_SHORT_TAGS = {
    "tag:yaml.org,2002:str": "!!str",
    "tag:yaml.org,2002:int": "!!int",
    "tag:yaml.org,2002:float": "!!float",
    _BOOL: "!!bool",
    _NULL: "!!null",
    "tag:yaml.org,2002:map": "!!map",
    "tag:yaml.org,2002:seq": "!!seq",
}


class GoYAMLError(ForeignExplorerError):
    def __init__(self, message: str, list_name: str | None = None) -> None:
        super().__init__(message)
        self.list_name = list_name


@dataclass(frozen=True)
class ValidationSection:
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    disabled: bool = False
    enabled: bool = False
    indexes: IndexesSetting = field(default_factory=IndexesSetting)


class _IndexesError(Exception):
    """What 3.x says when it cannot read the indexes section (kept, never raised to callers).

    `panic` marks a Go runtime panic, which the registry prints without the variable's name.
    """

    def __init__(self, text: str, *, panic: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.panic = panic


def _type_errors(node: yaml.Node, what: str) -> _IndexesError:
    # yaml.v2 collects type errors and reports them together under this heading.
    return _IndexesError(f"yaml: unmarshal errors:\n  {_line(node)}cannot unmarshal {what}")


def _scalar_text(node: yaml.Node | None, into: str = "string") -> str:
    """A scalar as yaml.v2 decodes it into a Go string (its text); null leaves ""."""
    if _is_null(node):
        return ""
    assert node is not None
    if not isinstance(node, yaml.ScalarNode):
        raise _type_errors(node, f"{_describe(node)} into {into}")
    return node.value


def _platforms(node: yaml.Node | None) -> str:
    """configuration.Platforms.UnmarshalYAML: lower-cased, one of all, none, list.

    `all` is kept as "" (unset): the registry treats them alike.
    """
    if _is_null(node):
        return ""  # yaml.v2 never calls the unmarshaler for null
    value = _scalar_text(node).lower()
    if value not in PLATFORMS_OPTIONS:
        raise _IndexesError(f"invalid platforms option {value} Must be one of [all, none, list]")
    return "" if value == "all" else value


def _platform(node: yaml.Node | None) -> PlatformRef:
    if _is_null(node):
        return PlatformRef()
    assert node is not None
    if not isinstance(node, yaml.MappingNode):
        raise _type_errors(node, f"{_describe(node)} into configuration.Platform")
    _, os_node = _mapping_get(node, "os")
    _, arch_node = _mapping_get(node, "architecture")
    return PlatformRef(os=_scalar_text(os_node), architecture=_scalar_text(arch_node))


def _platform_list(node: yaml.Node | None) -> tuple[PlatformRef, ...]:
    if _is_null(node):
        return ()
    assert node is not None
    if not isinstance(node, yaml.SequenceNode):
        raise _type_errors(node, f"{_describe(node)} into []configuration.Platform")
    return tuple(_platform(item) for item in node.value)


def _indexes(
    node: yaml.Node | None, base: IndexesSetting, *, raise_errors: bool = False
) -> IndexesSetting:
    """A ValidationIndexes mapping decoded into `base`, or base with the error 3.x gives."""
    if base.error is not None:
        return base  # 3.x already stopped at an earlier error
    try:
        if _is_null(node):
            return base
        assert node is not None
        if not isinstance(node, yaml.MappingNode):
            raise _type_errors(node, f"{_describe(node)} into configuration.ValidationIndexes")
        out = base
        has, value = _mapping_get(node, "platforms")
        if has and not _is_null(value):
            out = replace(out, platforms=_platforms(value))
        has, value = _mapping_get(node, "platformlist")
        if has:
            out = replace(out, platformlist=_platform_list(value))
        return out
    except _IndexesError as exc:
        if raise_errors:
            raise
        return replace(base, error=exc.text)


def _compose(text: str, where: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        first = " ".join(str(exc).split())
        raise GoYAMLError(f"{where}: not valid YAML: {first}") from None


def _tag(node: yaml.Node) -> str:
    return _SHORT_TAGS.get(node.tag, node.tag)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return f"{_tag(node)} `{node.value}`"
    return _tag(node)


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}: "


def _is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL)


def _string_list(node: yaml.Node | None, name: str) -> tuple[str, ...]:
    if _is_null(node):
        return ()
    assert node is not None
    if not isinstance(node, yaml.SequenceNode):
        raise GoYAMLError(f"{_line(node)}cannot unmarshal {_describe(node)} into []string", name)
    items: list[str] = []
    for item in node.value:
        if _is_null(item):
            items.append("")
        elif isinstance(item, yaml.ScalarNode):
            items.append(item.value)
        else:
            raise GoYAMLError(f"{_line(item)}cannot unmarshal {_describe(item)} into string", name)
    return tuple(items)


def _bool(node: yaml.Node | None, current: bool) -> bool:
    if _is_null(node):
        return False
    assert node is not None
    if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
        return node.value in _TRUE
    raise GoYAMLError(f"{_line(node)}cannot unmarshal {_describe(node)} into bool")


_MERGE = "tag:yaml.org,2002:merge"
# Entries a merge may bring in before it is taken for an alias bomb (yaml.v2 refuses those
# as "excessive aliasing"; no real config comes near).
_MERGE_BUDGET = 10_000


def _entries(node: yaml.MappingNode, budget: list[int] | None = None) -> list[tuple[Any, Any]]:
    """The mapping's (key, value) pairs in the order yaml.v2 applies them to a struct.

    A merge key (`<<: *base`) applies the merged mapping's pairs where it stands, so pairs
    after it win; a list of mappings is applied last to first, so the first one wins.
    """
    budget = [_MERGE_BUDGET] if budget is None else budget
    out: list[tuple[Any, Any]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            out.append((key_node, value_node))
            continue
        if isinstance(value_node, yaml.MappingNode):
            merged = [value_node]
        elif isinstance(value_node, yaml.SequenceNode) and all(
            isinstance(item, yaml.MappingNode) for item in value_node.value
        ):
            merged = list(reversed(value_node.value))
        else:
            raise GoYAMLError("map merge requires map or sequence of maps as the value")
        for mapping in merged:
            pairs = _entries(mapping, budget)
            budget[0] -= len(pairs)
            if budget[0] < 0:
                raise GoYAMLError("document contains excessive aliasing")
            out.extend(pairs)
    return out


def _checked_mapping(node: yaml.Node | None) -> yaml.MappingNode | None:
    if _is_null(node):
        return None
    assert node is not None
    if not isinstance(node, yaml.MappingNode):
        raise GoYAMLError(f"{_line(node)}cannot unmarshal {_describe(node)} into a mapping")
    return node


def _mapping_get(node: yaml.Node | None, key: str) -> tuple[bool, yaml.Node | None]:
    """(present, value) for a plain field: the last occurrence wins, merges included."""
    mapping = _checked_mapping(node)
    if mapping is None:
        return False, None
    found: tuple[bool, yaml.Node | None] = (False, None)
    for key_node, value_node in _entries(mapping):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = (True, value_node)
    return found


def _struct_get(node: yaml.Node | None, key: str) -> tuple[bool, yaml.Node | None]:
    """(present, value) for a struct field: yaml.v2 decodes every occurrence into the same
    struct, so `manifests:` twice (or once directly and once through a merge) combine field
    by field, and a null occurrence zeroes what came before it."""
    mapping = _checked_mapping(node)
    if mapping is None:
        return False, None
    occurrences = [
        value_node
        for key_node, value_node in _entries(mapping)
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key
    ]
    if not occurrences:
        return False, None
    combined: list[tuple[Any, Any]] = []
    for value_node in occurrences:
        if _is_null(value_node):
            combined = []
        elif isinstance(value_node, yaml.MappingNode):
            combined.extend(_entries(value_node))
        else:
            return True, value_node  # not a mapping: the caller reports the type error
    last = occurrences[-1]
    if _is_null(last) and not combined:
        return True, last
    return True, yaml.MappingNode("tag:yaml.org,2002:map", combined, last.start_mark)


def _decode_section(node: yaml.Node | None, base: ValidationSection) -> ValidationSection:
    """Decode a `validation:` mapping into `base`, field by field, like yaml.v2 into a struct."""
    allow, deny = base.allow, base.deny
    disabled, enabled = base.disabled, base.enabled
    has, value = _mapping_get(node, "enabled")
    if has:
        enabled = _bool(value, enabled)
    has, value = _mapping_get(node, "disabled")
    if has:
        disabled = _bool(value, disabled)
    indexes = base.indexes
    has, manifests = _struct_get(node, "manifests")
    if has:
        has, urls = _struct_get(manifests, "urls")
        if has:
            has, value = _mapping_get(urls, "allow")
            if has:
                allow = _string_list(value, "allow")
            has, value = _mapping_get(urls, "deny")
            if has:
                deny = _string_list(value, "deny")
        has, value = _struct_get(manifests, "indexes")
        if has:
            indexes = _indexes(value, indexes)
    return ValidationSection(
        allow=allow, deny=deny, disabled=disabled, enabled=enabled, indexes=indexes
    )


def decode_validation(text: str) -> ValidationSection:
    """The validation section of a whole config.yml."""
    root = _compose(text, "config")
    _, section = _struct_get(root, "validation")
    return _decode_section(section, ValidationSection())


# REGISTRY_<PATH> names the registry's env parser understands here, by upper-cased Go field
# name. Anything else below REGISTRY_VALIDATION is ignored with a warning by the registry.
_PREFIX = "REGISTRY_VALIDATION"


def overlay_env(
    *,
    allow: tuple[str, ...],
    deny: tuple[str, ...],
    disabled: bool,
    enabled: bool,
    env: Mapping[str, str],
    indexed_names: bool,
) -> ValidationSection:
    """Apply REGISTRY_VALIDATION* variables in name order (the registry sorts them)."""
    base = ValidationSection(allow=allow, deny=deny, disabled=disabled, enabled=enabled)
    return overlay_env_section(base, env, indexed_names=indexed_names)[0]


def overlay_env_section(
    section: ValidationSection, env: Mapping[str, str], *, indexed_names: bool
) -> tuple[ValidationSection, tuple[EnvTrap, ...]]:
    """Apply REGISTRY_VALIDATION* variables in name order; also the indexed URL-list names
    met on the way (`EnvTrap`), whichever way `indexed_names` reads them."""
    traps: list[EnvTrap] = []
    for name in sorted(env):
        if name == _PREFIX or name.startswith(_PREFIX + "_"):
            section = _overlay_one(section, name, env[name], indexed_names, traps)
    return section, tuple(traps)


def _overlay_one(
    section: ValidationSection,
    name: str,
    payload: str,
    indexed_names: bool,
    traps: list[EnvTrap],
) -> ValidationSection:
    path = name.split("_")[2:]
    where = f"parsing environment variable {name}"
    if not path:
        fresh = _decode_section(_compose(payload, where), ValidationSection())
        return _keep_indexes_error(section, fresh, where)
    head, rest = path[0], path[1:]
    if head in ("ENABLED", "DISABLED") and not rest:
        value = _bool(_compose(payload, where), False)
        field = "enabled" if head == "ENABLED" else "disabled"
        return _with(section, **{field: value})
    if head != "MANIFESTS":
        return section
    if not rest:
        node = _compose(payload, where)
        _, urls = _struct_get(node, "urls")
        fresh = _decode_section(_wrap_urls(urls), ValidationSection())
        _, indexes = _struct_get(node, "indexes")
        fresh = replace(fresh, indexes=_indexes(indexes, IndexesSetting()))
        section = _keep_indexes_error(section, fresh, where)
        return _with(section, allow=fresh.allow, deny=fresh.deny)
    if rest[0] == "INDEXES":
        return _with(section, indexes=_overlay_indexes(section.indexes, rest[1:], payload, where))
    if rest[0] != "URLS":
        return section
    rest = rest[1:]
    if not rest:
        fresh = _decode_section(_wrap_urls(_compose(payload, where)), ValidationSection())
        return _with(section, allow=fresh.allow, deny=fresh.deny)
    if rest[0] not in ("ALLOW", "DENY"):
        return section
    list_name = rest[0].lower()
    current: tuple[str, ...] = getattr(section, list_name)
    if len(rest) == 1:
        try:
            items = _string_list(_compose(payload, where), list_name)
        except GoYAMLError as exc:
            raise GoYAMLError(f"{where}: {exc.message}", list_name) from None
        return _with(section, **{list_name: items})
    try:
        trapped = _indexed(current, rest[1], where, list_name)
    except GoYAMLError:
        if indexed_names:
            raise
        return section  # 2.8 ignores the name (3.x would not start: linted elsewhere)
    effect = "appended" if len(trapped) > len(current) else "ignored"
    traps.append(_env_trap(name, payload, list_name, effect))
    if not indexed_names:
        return section
    return _with(section, **{list_name: trapped})


def _env_trap(name: str, value: str, list_name: str, effect: str) -> EnvTrap:
    from foreign_explorer.core.policy import EnvTrap

    return EnvTrap(name=name, value=value, list_name=list_name, effect=effect)


def _keep_indexes_error(
    section: ValidationSection, fresh: ValidationSection, where: str
) -> ValidationSection:
    """`fresh` replaces the section, but an error 3.x stopped at stays the first one."""
    if section.indexes.error is not None:
        return replace(fresh, indexes=section.indexes)
    if fresh.indexes.error is not None:
        error = f"{where}: {fresh.indexes.error}"
        return replace(fresh, indexes=replace(fresh.indexes, error=error))
    return fresh


_ATOI = re.compile(r"[+-]?[0-9]+")


def _overlay_indexes(
    current: IndexesSetting, path: list[str], payload: str, where: str
) -> IndexesSetting:
    """REGISTRY_VALIDATION_MANIFESTS_INDEXES[_...] as 3.x's environment parser applies it."""
    if current.error is not None:
        return current  # 3.x stopped at an earlier error
    try:
        if not path:
            return _indexes(_compose_env(payload, where), IndexesSetting(), raise_errors=True)
        head, rest = path[0], path[1:]
        if head == "PLATFORMS":
            if rest:
                return current  # a string has no fields: the parser does nothing
            return replace(current, platforms=_platforms(_compose_env(payload, where)))
        if head != "PLATFORMLIST":
            return current  # "Ignoring unrecognized environment variable"
        if not rest:
            return replace(current, platformlist=_platform_list(_compose_env(payload, where)))
        items = list(current.platformlist)
        if not _ATOI.fullmatch(rest[0]):
            raise _IndexesError(f"non-numeric index: {rest[0]}")
        index = int(rest[0])
        if index > len(items):
            raise _IndexesError(f"undefined index: {rest[0]}")
        if index == len(items):
            items.append(PlatformRef())
        if len(rest) == 1:
            # The parser walks into the struct with no field name left: Go panics.
            raise _IndexesError("runtime error: index out of range [0] with length 0", panic=True)
        fields = {"OS": "os", "ARCHITECTURE": "architecture"}
        if rest[1] in fields and len(rest) == 2:
            value = _scalar_text(_compose_env(payload, where))
            items[index] = replace(items[index], **{fields[rest[1]]: value})
        return replace(current, platformlist=tuple(items))
    except _IndexesError as exc:
        return replace(current, error=exc.text if exc.panic else f"{where}: {exc.text}")


def _compose_env(payload: str, where: str) -> yaml.Node | None:
    try:
        return yaml.compose(payload, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        first = " ".join(str(exc).split())
        raise _IndexesError(f"yaml: {first}") from None


def _indexed(current: tuple[str, ...], index_text: str, where: str, list_name: str):
    """3.x walks into the list but never stores the value: it can only append ""."""
    try:
        index = int(index_text)
    except ValueError:
        raise GoYAMLError(f"{where}: non-numeric index: {index_text}", list_name) from None
    if index > len(current):
        raise GoYAMLError(f"{where}: undefined index: {index_text}", list_name)
    if index == len(current):
        return (*current, "")
    return current


def _wrap_urls(node: yaml.Node | None) -> yaml.Node:
    """Place a `urls` mapping where _decode_section expects it."""
    urls_key = yaml.ScalarNode("tag:yaml.org,2002:str", "urls")
    manifests_key = yaml.ScalarNode("tag:yaml.org,2002:str", "manifests")
    inner = yaml.MappingNode("tag:yaml.org,2002:map", [(urls_key, node)] if node else [])
    return yaml.MappingNode("tag:yaml.org,2002:map", [(manifests_key, inner)])


def _with(section: ValidationSection, **changes: object) -> ValidationSection:
    return replace(section, **changes)  # type: ignore[arg-type]
