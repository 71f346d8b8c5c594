"""The keys under `validation:` each registry reads, and the ones it silently ignores.

distribution decodes config.yml with yaml.v2 into Go structs, non-strictly: a key no struct
field is tagged with is dropped without a word. Environment variables are matched against the
upper-cased Go field names, one `_`-separated part per level; a part no field has is logged
("Ignoring unrecognized environment variable") and dropped, and so, silently, is anything
below a scalar, or (2.8) an indexed name below a list. This module holds which paths each
release line reads, finds the keys a configuration holds, and says what becomes of each one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from foreign_explorer.core.profiles import DISTRIBUTION_2_8, Profile

if TYPE_CHECKING:
    import yaml

ROOT = "validation"
ENV_PREFIX = "REGISTRY_VALIDATION"


@dataclass(frozen=True)
class _Field:
    """One Go struct field: its YAML key, its Go name, and what is below it."""

    key: str
    go_name: str
    # "scalar", "list" (of scalars), "struct", or "struct-list" (a list of structs).
    kind: str
    fields: tuple[_Field, ...] = ()


def _scalar(key: str, go_name: str) -> _Field:
    return _Field(key, go_name, "scalar")


_URLS = _Field(
    "urls", "URLs", "struct", (_Field("allow", "Allow", "list"), _Field("deny", "Deny", "list"))
)
_INDEXES = _Field(
    "indexes",
    "Indexes",
    "struct",
    (
        _scalar("platforms", "Platforms"),
        _Field(
            "platformlist",
            "PlatformList",
            "struct-list",
            (_scalar("architecture", "Architecture"), _scalar("os", "OS")),
        ),
    ),
)
# configuration.Validation of distribution v2.8.x and v3.x (v3 adds manifests.indexes).
_VALIDATION_2_8 = _Field(
    ROOT,
    "Validation",
    "struct",
    (
        _scalar("enabled", "Enabled"),
        _scalar("disabled", "Disabled"),
        _Field("manifests", "Manifests", "struct", (_URLS,)),
    ),
)
_VALIDATION_3 = _Field(
    ROOT,
    "Validation",
    "struct",
    (
        _scalar("enabled", "Enabled"),
        _scalar("disabled", "Disabled"),
        _Field("manifests", "Manifests", "struct", (_URLS, _INDEXES)),
    ),
)
_SCHEMAS = {DISTRIBUTION_2_8.name: _VALIDATION_2_8, "distribution-3": _VALIDATION_3}

# Keys only GitLab's fork of the registry (the GitLab container registry) reads.
FORK_KEYS = {
    "validation.manifests.referencelimit": "GitLab's fork of the registry",
    "validation.manifests.payloadsizelimit": "GitLab's fork of the registry",
}
DEPRECATED_ENABLED = "validation.enabled"


@dataclass(frozen=True)
class ConfigKey:
    """A key found in the configuration, as written, before any registry reads it.

    `path` is the dotted YAML path (`validation.allow`; list items as `[0]`) of a key in
    config.yml or inside an environment variable's YAML value, or the name of an environment
    variable itself. `env` names the variable that carried it (None for config.yml), `value`
    is a variable's own value, and `items` the string items of a list value (its patterns).
    """

    path: str
    env: str | None = None
    value: str | None = None
    items: tuple[str, ...] = ()

    @property
    def is_variable(self) -> bool:
        return self.env is not None and self.path == self.env


class Fate(StrEnum):
    READ = "read"
    UNKNOWN = "unknown"  # no such key (or variable) in this release line
    OTHER_VERSION = "other-version"  # read by the other release line only
    FORK = "fork"  # read by a fork only
    BELOW_SCALAR = "below-scalar"  # an environment variable below a scalar field
    INDEXED = "indexed"  # an indexed variable below a list, which 2.8 ignores
    CASE = "case"  # an environment variable whose name is not upper case


@dataclass(frozen=True)
class KeyFate:
    """What a registry of one profile does with one key or variable."""

    key: ConfigKey
    fate: Fate
    # The nearest path this registry reads (`validation.manifests.urls.allow`), or the
    # variable name that sets it; "" when nothing is near.
    nearest: str = ""
    # For OTHER_VERSION and FORK: who reads it ("distribution 3.1", "GitLab's fork ...").
    reader: str = ""


# --- finding the keys -----------------------------------------------------------------------


def _read(text: str) -> yaml.Node | None:
    """The first document as the registry's yaml.v2 reads it; None when it cannot (the policy
    reader reports that error: there is nothing to say about keys)."""
    from foreign_explorer.core.yamlv2 import YAMLv2Error, read_document

    try:
        return read_document(text)
    except YAMLv2Error:
        return None


def config_keys(text: str) -> tuple[ConfigKey, ...]:
    """Every key under `validation:` in a config.yml, and top-level near-misses of it."""
    import yaml  # only when there is a config to read

    root = _read(text)
    if not isinstance(root, yaml.MappingNode):
        return ()
    found: list[ConfigKey] = []
    for key, value in _pairs(root):
        if key == ROOT:
            found += _walk(value, ROOT, None)
        elif key != ROOT and _near_root(key):
            found.append(ConfigKey(key, items=_items(value)))
    return tuple(found)


def env_keys(env: Mapping[str, str]) -> tuple[ConfigKey, ...]:
    """The REGISTRY_VALIDATION* variables (any case) and the keys inside their YAML values."""
    found: list[ConfigKey] = []
    for name in sorted(env):
        if not name.upper().startswith(ENV_PREFIX):
            continue
        value = env[name]
        found.append(ConfigKey(name, env=name, value=value, items=_yaml_items(value)))
    return tuple(found)


def _pairs(node: yaml.Node, merged: set[int] | None = None) -> Iterator[tuple[str, yaml.Node]]:
    """A mapping's keys as yaml.v2 decodes them, in text order: a merge key (`<<: *base`)
    brings in the keys of the mapping, or of each mapping in the list, that it names; `<<`
    itself is no key (unless written through an alias). Each mapping is merged once per walk
    (`merged` holds those already brought in), so a merge bomb costs what its text costs."""
    import yaml

    from foreign_explorer.core.yamlv2 import is_merge_pair, merge_sources

    merged = set() if merged is None else merged
    work: list[tuple[yaml.MappingNode, int]] = [(node, 0)]
    while work:
        mapping, index = work.pop()
        if index >= len(mapping.value):
            continue
        work.append((mapping, index + 1))
        key_node, value_node = mapping.value[index]
        if not is_merge_pair(mapping, index):
            if isinstance(key_node, yaml.ScalarNode):
                yield key_node.value, value_node
            continue
        # None: the registry refuses the merge, and the policy reader says so.
        for source in reversed(merge_sources(mapping, index) or []):
            if id(source) not in merged:
                merged.add(id(source))
                work.append((source, 0))


def _walk(node: yaml.Node | None, path: str, env: str | None) -> list[ConfigKey]:
    """Every key below `node`, each node visited once: an alias names a node already seen
    (its keys are listed where it was anchored), so an alias bomb costs what its text costs."""
    import yaml

    out: list[ConfigKey] = []
    seen: set[int] = set()
    merged: set[int] = set()
    work: list[tuple[yaml.Node | None, str]] = [(node, path)]
    while work:
        item, at = work.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yaml.MappingNode):
            below = []
            for key, value in _pairs(item, merged):
                child = f"{at}.{key}"
                out.append(ConfigKey(child, env=env, items=_items(value)))
                below.append((value, child))
            work.extend(reversed(below))
        elif isinstance(item, yaml.SequenceNode):
            work.extend(reversed([(sub, f"{at}[{n}]") for n, sub in enumerate(item.value)]))
    return out


def _items(node: yaml.Node | None) -> tuple[str, ...]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        return ()
    return tuple(item.value for item in node.value if isinstance(item, yaml.ScalarNode))


def _yaml_items(text: str) -> tuple[str, ...]:
    return _items(_read(text))


def _near_root(key: str) -> bool:
    low = key.lower()
    return low == ROOT or (abs(len(low) - len(ROOT)) <= 2 and _distance(low, ROOT) <= 2)


# --- what each registry does with them ------------------------------------------------------


def schema(profile: Profile) -> _Field:
    return _SCHEMAS.get(profile.name, _VALIDATION_2_8)


def read_paths(profile: Profile) -> tuple[str, ...]:
    """Every YAML path under `validation` this profile's registry reads (lists as `[]`)."""
    return tuple(_paths(schema(profile), ROOT))


def _paths(field: _Field, path: str) -> Iterator[str]:
    for sub in field.fields:
        child = f"{path}.{sub.key}" if field.kind == "struct" else f"{path}[].{sub.key}"
        yield child
        yield from _paths(sub, child)


def fates(keys: tuple[ConfigKey, ...], profile: Profile) -> tuple[KeyFate, ...]:
    """What the registry of `profile` does with each key that it does not simply read.

    A key below one it ignores is not listed again: the outermost ignored key says it all;
    nor is a key written twice in one place (directly and through a merge key).
    """
    read = set(read_paths(profile))
    others = {
        name: set(_paths(field, ROOT)) for name, field in _SCHEMAS.items() if name != profile.name
    }
    out: list[KeyFate] = []
    ignored: set[str] = set()
    listed: set[tuple[str, str | None]] = set()
    for key in keys:
        if key.is_variable:
            out += _variable_fates(key, profile, read)
            continue
        general = _general(key.path)
        if general in read or key.path == ROOT or (key.path, key.env) in listed:
            continue
        listed.add((key.path, key.env))
        ancestors = (general[:at] for at, ch in enumerate(general) if ch in ".[")
        if any(above in ignored for above in ancestors):
            continue
        ignored.add(general)
        out.append(_key_fate(key, general, read, others))
    return tuple(out)


def _general(path: str) -> str:
    """`a.b[3].c` as `a.b[].c`: list items share their schema."""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
            out.append("[")
        elif ch == "]":
            depth -= 1
            out.append("]")
        elif not depth:
            out.append(ch)
    return "".join(out)


def _key_fate(key: ConfigKey, general: str, read: set[str], others: dict) -> KeyFate:
    if "." not in general:
        return KeyFate(key, Fate.UNKNOWN, nearest=ROOT)  # `Validation:`, `validations:`
    if general in FORK_KEYS:
        return KeyFate(key, Fate.FORK, reader=FORK_KEYS[general])
    for name, paths in others.items():
        if general in paths:
            title = "distribution 3" if name == "distribution-3" else "distribution 2.8"
            return KeyFate(key, Fate.OTHER_VERSION, reader=title)
    return KeyFate(key, Fate.UNKNOWN, nearest=nearest_path(general, read))


def nearest_path(path: str, read: set[str]) -> str:
    """The read path that `path` most likely meant: the same last key (any case) elsewhere,
    else the closest spelling of the last key; the one sharing most of `path` first."""
    parent, _, last = path.rpartition(".")
    low = last.lower()

    def shared(candidate: str) -> int:
        return -len(_common_prefix(candidate, path))

    same = [p for p in read if p.rpartition(".")[2].lower() == low and "[]" not in p]
    if same:
        return min(same, key=lambda p: (shared(p), len(p)))
    scored = []
    for candidate in read:
        if "[]" in candidate:
            continue
        leaf = candidate.rpartition(".")[2]
        distance = _distance(low, leaf)
        if distance <= max(1, len(leaf) // 3):
            sibling = candidate.rpartition(".")[0] == parent
            scored.append((distance, not sibling, shared(candidate), candidate))
    return min(scored)[3] if scored else ""


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of two neighbours counted as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


# --- environment variables ------------------------------------------------------------------


def env_name(path: str, profile: Profile) -> str:
    """The variable that sets a YAML path (`validation.manifests.urls.allow`), by Go names."""
    parts = ["REGISTRY"]
    field = schema(profile)
    names = path.split(".")
    if names[0] != ROOT:
        return ""
    parts.append(field.go_name.upper())
    for name in names[1:]:
        field = next((f for f in field.fields if f.key == name), None)  # type: ignore[assignment]
        if field is None:
            return ""
        parts.append(field.go_name.upper())
    return "_".join(parts)


def _variable_fates(key: ConfigKey, profile: Profile, read: set[str]) -> list[KeyFate]:
    """Resolve REGISTRY_VALIDATION_... the way distribution's env parser walks the structs."""
    name = key.path
    if not name.startswith("REGISTRY_"):
        upper = name.upper()
        return [KeyFate(key, Fate.CASE, nearest=upper if variable_path(upper, profile) else "")]
    parts = name.split("_")[1:]
    field = _Field("", "", "struct", (schema(profile),))
    path = ""
    depth = 0
    while depth < len(parts):
        part = parts[depth]
        if field.kind == "scalar":
            return [KeyFate(key, Fate.BELOW_SCALAR, nearest="_".join(["REGISTRY", *parts[:depth]]))]
        if field.kind in ("list", "struct-list"):
            if not profile.env_indexed_names:
                whole = "_".join(["REGISTRY", *parts[:depth]])
                return [KeyFate(key, Fate.INDEXED, nearest=whole)]
            if field.kind == "list" or not (part.isascii() and part.isdigit()):
                # An indexed URL list is issue 10's rule (env-indexed-name); a bad index
                # stops 3.x, and the policy reader says so.
                return []
            # 3.x walks into the item (appending one when the index is the list's length),
            # then on into its fields.
            field = _Field(field.key, field.go_name, "struct", field.fields)
            path = f"{path}[{part}]"
            depth += 1
            continue
        sub = next((f for f in field.fields if f.go_name.upper() == part), None)
        if sub is None:
            for other in _SCHEMAS:
                if other != profile.name and _variable_path(name, _SCHEMAS[other]):
                    reader = "distribution 3" if other == "distribution-3" else "distribution 2.8"
                    return [KeyFate(key, Fate.OTHER_VERSION, reader=reader)]
            if variable_path(name.upper(), profile):
                # A part in lower case: the parser compares upper-cased Go names.
                return [KeyFate(key, Fate.UNKNOWN, nearest=name.upper())]
            guess = nearest_path(f"{path}.{part.lower()}" if path else part.lower(), read)
            return [KeyFate(key, Fate.UNKNOWN, nearest=env_name(guess, profile) if guess else "")]
        field = sub
        path = f"{path}.{sub.key}" if path else sub.key
        depth += 1
    # The variable sets `path` with its YAML value: keys inside that value are read like the
    # file's, below that path.
    out: list[KeyFate] = []
    if field.kind in ("struct", "struct-list"):
        node = _read(key.value or "")  # None: the policy reader reports a bad value
        inner = tuple(_walk(node, path, name))
        out += fates(inner, profile)
    return out


def variable_path(name: str, profile: Profile) -> str:
    """The YAML path an environment variable sets, or "" when it sets none."""
    return _variable_path(name, schema(profile))


def _variable_path(name: str, root: _Field) -> str:
    if not name.startswith("REGISTRY_"):
        return ""
    field = _Field("", "", "struct", (root,))
    path = ""
    for part in name.split("_")[1:]:
        if field.kind != "struct":
            return ""
        sub = next((f for f in field.fields if f.go_name.upper() == part), None)
        if sub is None:
            return ""
        field = sub
        path = f"{path}.{sub.key}" if path else sub.key
    return path


def present_paths(keys: tuple[ConfigKey, ...], profile: Profile) -> dict[str, str]:
    """Read paths the configuration sets, each with where (`config.yml` or a variable)."""
    read = set(read_paths(profile))
    out: dict[str, str] = {}
    for key in keys:
        if key.is_variable:
            path = variable_path(key.path, profile)
            if path:
                out[path] = key.path
                if key.value:
                    for inner in _inner_keys(key.value, path, key.path):
                        if _general(inner.path) in read:
                            out[inner.path] = key.path
        elif _general(key.path) in read:
            out.setdefault(key.path, key.env or "config.yml")
    return out


def _inner_keys(value: str, path: str, env: str) -> list[ConfigKey]:
    return _walk(_read(value), path, env)
