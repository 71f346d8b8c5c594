"""The registry's `validation` section read the way its Go YAML decoder and env parser read it.

Only what decides a verdict: the two URL lists and the enabled/disabled flags. pyyaml's node
tree is used (not its Python objects) so that scalars keep their text, as yaml.v2 stores
`- 123` as the pattern "123" and a null item as "".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from foreign_explorer.core.errors import ForeignExplorerError

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


def _mapping_get(node: yaml.Node | None, key: str) -> tuple[bool, yaml.Node | None]:
    """(present, value) for `key` in a YAML mapping; the last duplicate wins, as in yaml.v2."""
    if _is_null(node):
        return False, None
    assert node is not None
    if not isinstance(node, yaml.MappingNode):
        raise GoYAMLError(f"{_line(node)}cannot unmarshal {_describe(node)} into a mapping")
    found: tuple[bool, yaml.Node | None] = (False, None)
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = (True, value_node)
    return found


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
    has, manifests = _mapping_get(node, "manifests")
    if has:
        has, urls = _mapping_get(manifests, "urls")
        if has:
            has, value = _mapping_get(urls, "allow")
            if has:
                allow = _string_list(value, "allow")
            has, value = _mapping_get(urls, "deny")
            if has:
                deny = _string_list(value, "deny")
    return ValidationSection(allow=allow, deny=deny, disabled=disabled, enabled=enabled)


def decode_validation(text: str) -> ValidationSection:
    """The validation section of a whole config.yml."""
    root = _compose(text, "config")
    _, section = _mapping_get(root, "validation")
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
    section = ValidationSection(allow=allow, deny=deny, disabled=disabled, enabled=enabled)
    for name in sorted(env):
        if name == _PREFIX or name.startswith(_PREFIX + "_"):
            section = _overlay_one(section, name, env[name], indexed_names)
    return section


def _overlay_one(
    section: ValidationSection, name: str, payload: str, indexed_names: bool
) -> ValidationSection:
    path = name.split("_")[2:]
    where = f"parsing environment variable {name}"
    if not path:
        return _decode_section(_compose(payload, where), ValidationSection())
    head, rest = path[0], path[1:]
    if head in ("ENABLED", "DISABLED") and not rest:
        value = _bool(_compose(payload, where), False)
        field = "enabled" if head == "ENABLED" else "disabled"
        return _with(section, **{field: value})
    if head != "MANIFESTS":
        return section
    if not rest:
        node = _compose(payload, where)
        _, urls = _mapping_get(node, "urls")
        fresh = _decode_section(_wrap_urls(urls), ValidationSection())
        return _with(section, allow=fresh.allow, deny=fresh.deny)
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
    if not indexed_names:
        return section
    return _with(section, **{list_name: _indexed(current, rest[1], where, list_name)})


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
    from dataclasses import replace

    return replace(section, **changes)  # type: ignore[arg-type]
