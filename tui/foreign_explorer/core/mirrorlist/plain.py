"""Plain lists: one image reference per line, as `crane copy` and shell loops consume them.

Blank lines are skipped; `#` starts a comment at the start of a line or after white space
(a reference never holds either). A reference without a tag means `:latest`, as `docker
pull` reads it. Any line that is not a valid reference refuses the whole list, naming it.
References to one repository are grouped in one entry (in order, each kept once).
"""

from __future__ import annotations

from foreign_explorer.core.mirrorlist.model import (
    Connection,
    ListFormat,
    MirrorList,
    MirrorListError,
    MirrorRepository,
)
from foreign_explorer.core.reference import Reference, ReferenceError, parse_reference


def strip_comment(line: str) -> str:
    """The line without its `#` comment and surrounding white space."""
    for index, ch in enumerate(line):
        if ch == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].strip()
    return line.strip()


def read_plain(text: str) -> MirrorList:
    grouped: dict[tuple[str, str], tuple[str, list[Reference]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        entry = strip_comment(line)
        if not entry:
            continue
        try:
            reference = parse_reference(entry)
        except ReferenceError as err:
            raise MirrorListError(f"line {number}: {err.message}") from None
        _, references = grouped.setdefault(
            (reference.registry, reference.repository), (f"line {number}", [])
        )
        if reference not in references:
            references.append(reference)
    return MirrorList(
        ListFormat.PLAIN,
        tuple(
            MirrorRepository(registry, repository, Connection(registry), origin, tuple(refs))
            for (registry, repository), (origin, refs) in grouped.items()
        ),
    )
