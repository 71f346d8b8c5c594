"""Mirror lists: what a mirror job (a plain list, `skopeo sync`, `regsync`) would copy.

`read_mirror_list(data)` detects the format from the content and returns a frozen
MirrorList: one MirrorRepository per repository read, with its source registry's
connection settings and either explicit references or the tag filter the tool applies to
the registry's tag list (`MirrorRepository.references_for(tags)`). Pure: no I/O.
"""

from __future__ import annotations

from foreign_explorer.core.mirrorlist.detect import detect
from foreign_explorer.core.mirrorlist.filters import (
    EveryTag,
    RegsyncTags,
    RegsyncTagSet,
    SkopeoSemver,
    SkopeoTagRegex,
    TagFilter,
    TagFilterError,
)
from foreign_explorer.core.mirrorlist.model import (
    FORMATS_UNDERSTOOD,
    Connection,
    ListFormat,
    MirrorList,
    MirrorListError,
    MirrorRepository,
    Tls,
)
from foreign_explorer.core.mirrorlist.plain import read_plain
from foreign_explorer.core.mirrorlist.regsync import read_regsync
from foreign_explorer.core.mirrorlist.skopeo import read_skopeo

__all__ = [
    "FORMATS_UNDERSTOOD",
    "Connection",
    "EveryTag",
    "ListFormat",
    "MirrorList",
    "MirrorListError",
    "MirrorRepository",
    "RegsyncTagSet",
    "RegsyncTags",
    "SkopeoSemver",
    "SkopeoTagRegex",
    "TagFilter",
    "TagFilterError",
    "Tls",
    "read_mirror_list",
]


def read_mirror_list(data: bytes | str) -> MirrorList:
    """Read a mirror list; MirrorListError (one line) when it is none of the formats."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise MirrorListError(
                f"the file is not UTF-8 text (byte {err.start}); expected {FORMATS_UNDERSTOOD}"
            ) from None
    text = data.removeprefix("\ufeff")
    kind, root = detect(text)
    if kind is ListFormat.PLAIN:
        return read_plain(text)
    if kind is ListFormat.SKOPEO_SYNC:
        return read_skopeo(root)  # type: ignore[arg-type]
    return read_regsync(root)  # type: ignore[arg-type]
