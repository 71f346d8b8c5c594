"""The registry's `validation` section read the way its Go YAML decoder and env parser read it.

Only what decides a verdict: the two URL lists, the enabled/disabled flags and (3.x)
`manifests.indexes`. The text is read by `core.yamlv2` (yaml.v2's scanner rules, first
document only, scalars keeping their text, as yaml.v2 stores `- 123` as the pattern "123" and a
null item as ""), and decoded first by `core.yamlv2decode` into each release line's whole
Configuration, which finds the errors that stop yaml.v2 anywhere in the file (excessive
aliasing, a merge of something not a mapping...). A file only one release line refuses that
way is read all the same, its refusal kept as `ValidationSection.refused_by`.

The indexes section is read as distribution 3.x reads it (2.8 has no such field and ignores
it): what 3.x cannot read is kept as `IndexesSetting.error`, in its words, not raised, since
a 2.8 registry starts with the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import yaml

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.indexes import PLATFORMS_OPTIONS, IndexesSetting, PlatformRef
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.yamlv2 import (
    BOOL,
    MAP,
    STR,
    TRUE_WORDS,
    YAMLv2Error,
    go_parse_int,
    is_merge_pair,
    is_null,
    merge_sources,
    read_document,
    short_tag,
)
from foreign_explorer.core.yamlv2decode import (
    CONFIGURATION_2_8,
    CONFIGURATION_3,
    STRING,
    TYPE_ERRORS,
    DecodeFailure,
    GoType,
    check_config,
    check_value,
)

if TYPE_CHECKING:
    from foreign_explorer.core.policy import EnvTrap

_CONFIGURATIONS = (
    (DISTRIBUTION_2_8.name, CONFIGURATION_2_8),
    (DISTRIBUTION_3.name, CONFIGURATION_3),
)


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
    # (profile name, yaml.v2's error) for each release line that cannot decode the file at
    # all while the other one can (a refusal both share is raised as GoYAMLError).
    refused_by: tuple[tuple[str, str], ...] = ()


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


def _read(text: str, where: str, into: GoType | None = None) -> yaml.Node | None:
    """The first document's root, decoded into `into` first when given (a variable's field)."""
    try:
        root = read_document(text)
        if into is not None:
            check_value(root, into)
    except (YAMLv2Error, DecodeFailure) as exc:
        raise GoYAMLError(f"{where}: {exc.message}" if where else exc.message) from None
    return root


def _describe(node: yaml.Node) -> str:
    """A node as yaml.v2's type errors show it: its tag, and a scalar's text cut at 10 bytes."""
    if not isinstance(node, yaml.ScalarNode):
        return short_tag(node.tag)
    text = getattr(node, "text", node.value)
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > 10:
        text = data[:7].decode("utf-8", "replace") + "..."
    return f"{short_tag(node.tag)} `{text}`"


def _line(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}: "


_is_null = is_null


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
    if isinstance(node, yaml.ScalarNode) and node.tag == BOOL:
        return node.value in TRUE_WORDS
    raise GoYAMLError(f"{_line(node)}cannot unmarshal {_describe(node)} into bool")


def _merged(mapping: yaml.MappingNode, index: int) -> list[yaml.MappingNode]:
    sources = merge_sources(mapping, index)
    if sources is None:  # core.yamlv2decode finds it first
        raise GoYAMLError("yaml: map merge requires map or sequence of maps as the value")
    return sources


class _Expanded(yaml.MappingNode):
    """Pairs already taken through `_entries`: no merge is left in them (a `<<` key among them
    came through an alias, and is a plain key)."""


def _entries(node: yaml.MappingNode) -> list[tuple[Any, Any]]:
    """The mapping's (key, value) pairs in the order yaml.v2 applies them to a struct.

    A merge key (`<<: *base`) applies the merged mapping's pairs where it stands, so pairs
    after it win. Walked with a stack (merge chains may be deep): a frame is a mapping being
    read or the mappings one merge key brings in. A mapping that merges itself is refused as
    yaml.v2 refuses it (core.yamlv2decode has said so before this is reached).
    """
    if isinstance(node, _Expanded):
        return list(node.value)
    out: list[tuple[Any, Any]] = []
    stack: list[tuple[Any, int]] = [(node, 0)]
    while stack:
        frame, at = stack.pop()
        if isinstance(frame, list):  # mappings a merge key brings in, in order
            if at < len(frame):
                source = frame[at]
                if any(open_ is source for open_, _ in stack if not isinstance(open_, list)):
                    raise GoYAMLError("yaml: anchor value contains itself")
                stack += [(frame, at + 1), (source, 0)]
            continue
        if at >= len(frame.value):
            continue
        stack.append((frame, at + 1))
        if is_merge_pair(frame, at):
            stack.append((_merged(frame, at), 0))
        else:
            out.append(frame.value[at])
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
    return True, _Expanded(MAP, combined, last.start_mark)


def _decode_section(
    node: yaml.Node | None, base: ValidationSection, *, read_indexes: bool = True
) -> ValidationSection:
    """Decode a `validation:` mapping into `base`, field by field, like yaml.v2 into a struct.
    `indexes` is read only when 3.x can decode the text at all."""
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
        has, value = _struct_get(manifests, "indexes") if read_indexes else (False, None)
        if has:
            indexes = _indexes(value, indexes)
    return ValidationSection(
        allow=allow,
        deny=deny,
        disabled=disabled,
        enabled=enabled,
        indexes=indexes,
        refused_by=base.refused_by,
    )


def decode_validation(text: str) -> ValidationSection:
    """The validation section of a whole config.yml (its first document).

    Raises GoYAMLError when neither release line can read the file; one that only one line
    refuses is read for the other, its refusal kept in `refused_by`.
    """
    root = _read(text, "")
    refusals: list[tuple[str, str]] = []
    for name, configuration in _CONFIGURATIONS:
        try:
            check_config(root, configuration)
        except DecodeFailure as exc:
            refusals.append((name, exc.message))
    if len(refusals) == len(_CONFIGURATIONS):
        messages = list(dict.fromkeys(message for _, message in refusals))
        typed = all(message.startswith(TYPE_ERRORS) for message in messages)
        raise GoYAMLError(
            messages[0]
            if len(messages) == 1
            else "; ".join(f"{message} ({name})" for name, message in refusals),
            _list_at_fault(_struct_get(root, "validation")[1]) if typed else None,
        )
    _, section = _struct_get(root, "validation")
    refused = dict(refusals)
    three = refused.get(DISTRIBUTION_3.name)
    if three is not None and three.startswith((TYPE_ERRORS, "invalid platforms option")):
        # 3.x refusing for its indexes section alone: said as an indexes error (same words).
        # (Type errors are only reported by a walk that finished: the section is no bomb.)
        read = _decode_section(section, ValidationSection())
        if read.indexes.error == three:
            return replace(read, refused_by=())
    base = ValidationSection(refused_by=tuple(refusals))
    return _decode_section(section, base, read_indexes=DISTRIBUTION_3.name not in refused)


def _list_at_fault(section: yaml.Node | None) -> str | None:
    """The URL list the registry cannot read, when that is why it refuses the file."""
    try:
        _decode_section(section, ValidationSection(), read_indexes=False)
    except GoYAMLError as exc:
        return exc.list_name
    return None


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
    # The registry decodes the value into the variable's field: its own structs' shapes.
    configuration = CONFIGURATION_3 if indexed_names else CONFIGURATION_2_8
    if not path:
        node, unreadable = _read_env(payload, where, configuration, "validation")
        fresh = _decode_section(node, ValidationSection(), read_indexes=unreadable is None)
        fresh = _indexes_unreadable(fresh, unreadable)
        return _keep_indexes_error(section, fresh, where)
    head, rest = path[0], path[1:]
    if head in ("ENABLED", "DISABLED") and not rest:
        into = configuration.field_type("validation", head.lower())
        value = _bool(_read(payload, where, into), False)
        field = "enabled" if head == "ENABLED" else "disabled"
        return _with(section, **{field: value})
    if head != "MANIFESTS":
        return section
    if not rest:
        node, unreadable = _read_env(payload, where, configuration, "validation", "manifests")
        _, urls = _struct_get(node, "urls")
        fresh = _decode_section(_wrap_urls(urls), ValidationSection())
        if unreadable is None:
            _, indexes = _struct_get(node, "indexes")
            fresh = replace(fresh, indexes=_indexes(indexes, IndexesSetting()))
        fresh = _indexes_unreadable(fresh, unreadable)
        section = _keep_indexes_error(section, fresh, where)
        return _with(section, allow=fresh.allow, deny=fresh.deny)
    if rest[0] == "INDEXES":
        return _with(section, indexes=_overlay_indexes(section.indexes, rest[1:], payload, where))
    if rest[0] != "URLS":
        return section
    rest = rest[1:]
    if not rest:
        into = configuration.field_type("validation", "manifests", "urls")
        fresh = _decode_section(_wrap_urls(_read(payload, where, into)), ValidationSection())
        return _with(section, allow=fresh.allow, deny=fresh.deny)
    if rest[0] not in ("ALLOW", "DENY"):
        return section
    list_name = rest[0].lower()
    current: tuple[str, ...] = getattr(section, list_name)
    if len(rest) == 1:
        into = configuration.field_type("validation", "manifests", "urls", list_name)
        try:
            items = _string_list(_read(payload, where, into), list_name)
        except GoYAMLError as exc:
            message = exc.message if exc.message.startswith(where) else f"{where}: {exc.message}"
            raise GoYAMLError(message, list_name) from None
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


def _read_env(
    payload: str, where: str, configuration: GoType, *keys: str
) -> tuple[yaml.Node | None, str | None]:
    """A variable's value decoded into its field; and, when that field holds `indexes` that
    this release line does not read (2.8), why 3.x could not decode it (None if it can)."""
    if configuration is CONFIGURATION_3:
        try:
            return _read(payload, where, CONFIGURATION_3.field_type(*keys)), None
        except GoYAMLError as exc:
            refusal = exc
        try:  # 2.8's shape has no indexes: when it reads the value, they alone are at fault
            node = _read(payload, where, CONFIGURATION_2_8.field_type(*keys))
        except GoYAMLError:
            raise refusal from None
        words = refusal.message.removeprefix(f"{where}: ")
        if not words.startswith((TYPE_ERRORS, "invalid platforms option")):
            raise refusal
        return node, words
    node = _read(payload, where, configuration.field_type(*keys))
    try:
        check_value(node, CONFIGURATION_3.field_type(*keys))
    except DecodeFailure as exc:
        return node, exc.message
    return node, None


def _indexes_unreadable(fresh: ValidationSection, unreadable: str | None) -> ValidationSection:
    if unreadable is None:
        return fresh
    return replace(fresh, indexes=IndexesSetting(error=unreadable))


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


_SLICE_PANIC = "reflect: slice index out of range"


def _overlay_indexes(
    current: IndexesSetting, path: list[str], payload: str, where: str
) -> IndexesSetting:
    """REGISTRY_VALIDATION_MANIFESTS_INDEXES[_...] as 3.x's environment parser applies it."""
    if current.error is not None:
        return current  # 3.x stopped at an earlier error
    indexes = CONFIGURATION_3.field_type("validation", "manifests", "indexes")
    assert indexes is not None
    try:
        if not path:
            node = _compose_env(payload, indexes)
            return _indexes(node, IndexesSetting(), raise_errors=True)
        head, rest = path[0], path[1:]
        if head == "PLATFORMS":
            if rest:
                return current  # a string has no fields: the parser does nothing
            node = _compose_env(payload, indexes.field_type("platforms"))
            return replace(current, platforms=_platforms(node))
        if head != "PLATFORMLIST":
            return current  # "Ignoring unrecognized environment variable"
        if not rest:
            node = _compose_env(payload, indexes.field_type("platformlist"))
            return replace(current, platformlist=_platform_list(node))
        items = list(current.platformlist)
        index = go_parse_int(rest[0])  # strconv.Atoi
        if index is None:
            raise _IndexesError(f"non-numeric index: {rest[0]}")
        if index > len(items):
            raise _IndexesError(f"undefined index: {rest[0]}")
        if not items or index == len(items):
            items.append(PlatformRef())
        if index < 0:
            raise _IndexesError(_SLICE_PANIC, panic=True)
        if len(rest) == 1:
            # The parser walks into the struct with no field name left: Go panics.
            raise _IndexesError("runtime error: index out of range [0] with length 0", panic=True)
        fields = {"OS": "os", "ARCHITECTURE": "architecture"}
        if rest[1] in fields and len(rest) == 2:
            value = _scalar_text(_compose_env(payload, STRING))
            items[index] = replace(items[index], **{fields[rest[1]]: value})
        return replace(current, platformlist=tuple(items))
    except _IndexesError as exc:
        return replace(current, error=exc.text if exc.panic else f"{where}: {exc.text}")


def _compose_env(payload: str, into: GoType | None) -> yaml.Node | None:
    """A variable's value as 3.x decodes it into its field (of type `into`)."""
    try:
        root = read_document(payload)
        if into is not None:
            check_value(root, into)
    except (YAMLv2Error, DecodeFailure) as exc:
        raise _IndexesError(exc.message) from None
    return root


def _indexed(current: tuple[str, ...], index_text: str, where: str, list_name: str):
    """3.x walks into the list but never stores the value: it can only append "". A negative
    index makes Go panic (reflect's Index), an index strconv.Atoi cannot read is refused."""
    index = go_parse_int(index_text)
    if index is None:
        raise GoYAMLError(f"{where}: non-numeric index: {index_text}", list_name)
    if index > len(current):
        raise GoYAMLError(f"{where}: undefined index: {index_text}", list_name)
    if index < 0:
        raise GoYAMLError(f"{where}: the registry panics: {_SLICE_PANIC}", list_name)
    if index == len(current):
        return (*current, "")
    return current


def _wrap_urls(node: yaml.Node | None) -> yaml.Node:
    """Place a `urls` mapping where _decode_section expects it."""
    urls_key = yaml.ScalarNode(STR, "urls")
    manifests_key = yaml.ScalarNode(STR, "manifests")
    inner = yaml.MappingNode(MAP, [(urls_key, node)] if node else [])
    return yaml.MappingNode(MAP, [(manifests_key, inner)])


def _with(section: ValidationSection, **changes: object) -> ValidationSection:
    return replace(section, **changes)  # type: ignore[arg-type]
