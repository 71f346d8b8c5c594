"""Which kind of mirror list a file is, from its content alone.

A file is YAML when its first meaningful line is YAML structure (`key:`, `key: value`,
`- item`, `---`, `{`); a reference never holds `: ` or ends with `:`, and never starts with
`- `. YAML with a top-level `sync`, `creds` or `defaults` is a regsync configuration; YAML
whose top-level values are mappings using skopeo's keys (`images`, `images-by-tag-regex`,
`images-by-semver`, `credentials`, `tls-verify`, `cert-dir`) is a skopeo sync file.
Anything else is refused, naming the formats understood.
"""

from __future__ import annotations

import yaml

from foreign_explorer.core.mirrorlist.model import FORMATS_UNDERSTOOD, ListFormat, MirrorListError
from foreign_explorer.core.mirrorlist.plain import strip_comment
from foreign_explorer.core.mirrorlist.regsync import REGSYNC_KEYS
from foreign_explorer.core.mirrorlist.skopeo import SKOPEO_KEYS
from foreign_explorer.core.mirrorlist.yamltree import compose


def _first_entry(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip().startswith("%") or strip_comment(line):
            return line.rstrip()
    return None


def looks_like_yaml(first: str) -> bool:
    entry = strip_comment(first)
    return (
        first.startswith(("---", "%", "{", "- ", "? "))
        or entry == "-"
        or entry.endswith(":")
        or ": " in entry
        or ":\t" in entry
    )


def _scalar_keys(node: yaml.Node) -> set[str]:
    if not isinstance(node, yaml.MappingNode):
        return set()
    return {key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)}


def detect(text: str) -> tuple[ListFormat, yaml.Node | None]:
    """The format, and for YAML formats the composed root node."""
    first = _first_entry(text)
    if first is None:
        raise MirrorListError(
            "the list names no image (only blank lines and comments); "
            f"expected {FORMATS_UNDERSTOOD}"
        )
    if not looks_like_yaml(first):
        return ListFormat.PLAIN, None
    root = compose(text)
    keys = _scalar_keys(root) if root is not None else set()
    if keys & REGSYNC_KEYS:
        return ListFormat.REGSYNC, root
    if isinstance(root, yaml.MappingNode) and any(
        _scalar_keys(value) & SKOPEO_KEYS for _, value in root.value
    ):
        return ListFormat.SKOPEO_SYNC, root
    what = "a mapping" if isinstance(root, yaml.MappingNode) else "YAML"
    raise MirrorListError(
        f"the file is {what} but neither a skopeo sync file (registry: images: ...) nor a "
        f"regsync configuration (sync: ...); expected {FORMATS_UNDERSTOOD}"
    )
