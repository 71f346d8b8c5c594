"""Write a policy into an existing config.yml by editing its text, so nothing else changes.

Only the parts of the policy the file does not carry yet are rewritten: the allow list, the
deny list (each on its own, in the list's own block or flow style), and `validation.disabled`
/ the deprecated `enabled` when the switch must change. A list that stays the same is kept
byte for byte; so is every other key, its formatting, anchors and aliases, line endings and
comments. Comments inside a rewritten block list follow their pattern when the new list
keeps it. A comment that would have nowhere to go is reported before anything is written
(`MergeWouldLoseComments`) unless the caller passes `force`.

Positions come from pyyaml's event and token marks (character offsets), not from its Python
objects, which keep neither comments nor aliases. Every merge is proven before it is returned:
the new text parses, decodes (as the registry does) to exactly the policy, and its node graph
is the old one with only the written keys changed. Nothing here expands an alias: nodes are
compared pair by pair, once per pair, so an alias bomb costs what its text costs.

The file itself is read and written by `core.safefile` (regular files only, symlinks written
through, owner, group and mode kept, atomic), after a numbered backup.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from foreign_explorer.core.goyaml import GoYAMLError, ValidationSection, decode_validation
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.profiles import PROFILES
from foreign_explorer.core.safefile import (
    NotARegularFile,
    SaveError,
    SaveTargetExists,
    UserFile,
    create_bytes,
    read_user_file,
    replace_bytes,
)
from foreign_explorer.core.yamlv2decode import TYPE_ERRORS

URLS_PATH = "validation.manifests.urls"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Line breaks pyyaml (YAML 1.1) honours that line-based editing would not see.
_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")
_MAX_BACKUPS = 1000
# Far beyond any registry config, well within Python's recursion limit for the node walks.
_MAX_DEPTH = 200


class MergeError(SaveError):
    """The file cannot be merged into (unreadable, invalid YAML, a shape we must not edit).

    `written` is false when the file was left as it was (every refusal before the write).
    """

    def __init__(self, message: str, *, written: bool = False) -> None:
        super().__init__(message)
        self.written = written


class MergeWouldLoseComments(MergeError):
    """Merging would drop comments the user wrote; nothing was written."""

    def __init__(self, name: str, lines: tuple[int, ...], where: str) -> None:
        noun = "comment" if len(lines) == 1 else "comments"
        plural = "s" if len(lines) > 1 else ""
        numbers = ", ".join(map(str, lines))
        super().__init__(
            f"{name}: merging would drop the {noun} on line{plural} {numbers} ({where})"
        )
        self.lines = lines
        self.where = where


@dataclass(frozen=True)
class MergeResult:
    """The merged text, the keys rewritten, comments dropped (only ever with `force`), and
    the policy before (None: the registry could not read it) and after."""

    text: str
    changed: tuple[str, ...]
    dropped_comment_lines: tuple[int, ...] = ()
    before: PolicySource | None = None
    after: PolicySource | None = None

    @property
    def unchanged(self) -> bool:
        return not self.changed

    def replaced(self, part: str) -> bool:
        """Whether `allow`, `deny` or `validation` (the on/off switch) now reads otherwise."""
        if self.after is None:
            return False
        if self.before is None:
            return True
        if part == "validation":
            return self.before.validation_enabled != self.after.validation_enabled
        return getattr(self.before, part) != getattr(self.after, part)


@dataclass(frozen=True)
class MergedFile:
    path: Path
    # None when the file already carried the policy and was left untouched.
    backup: Path | None
    result: MergeResult


@dataclass(frozen=True)
class _Leaf:
    """A value written as a whole (as opposed to a mapping to descend into)."""

    value: Any


Patch = dict[str, "_Leaf | Patch"]


@dataclass
class _Node:
    kind: str  # "scalar", "seq", "map" or "alias"
    start: int
    end: int
    flow: bool = False
    anchor: str | None = None
    value: str = ""  # scalar text, or the anchor an alias names
    plain: bool = False
    items: list[_Node] = field(default_factory=list)
    pairs: list[tuple[_Node, _Node]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.kind == "scalar" and self.start == self.end

    @property
    def null(self) -> bool:
        return self.kind == "scalar" and self.plain and self.value in _NULLS

    def walk(self) -> Iterator[_Node]:
        yield self
        for item in self.items:
            yield from item.walk()
        for key, value in self.pairs:
            yield from key.walk()
            yield from value.walk()


# --- reading ----------------------------------------------------------------------------------


def _registry_words(message: str) -> str:
    """The registry's error in one line: yaml.v2's type errors joined by "; "."""
    return message.replace(TYPE_ERRORS, "yaml: unmarshal errors: ").replace("\n  ", "; ")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _tree(text: str, name: str) -> _Node | None:
    """The document's nodes with their marks; aliases stay alias nodes at their own place."""
    try:
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise MergeError(f"{name}: not valid YAML: {_one_line(exc)}") from None
    if max(_depths(events), default=0) > _MAX_DEPTH:
        raise MergeError(f"{name}: nested more than {_MAX_DEPTH} levels deep; not a config.yml")
    documents = sum(isinstance(e, yaml.DocumentStartEvent) for e in events)
    if documents > 1:
        raise MergeError(f"{name}: holds {documents} YAML documents; a config.yml has one")
    stream = iter(events)
    for event in stream:
        if isinstance(event, yaml.DocumentStartEvent):
            return _build(next(stream), stream)
    return None


def _depths(events: list[yaml.Event]) -> Iterator[int]:
    depth = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            yield depth
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _build(event: yaml.Event, stream: Iterator[yaml.Event]) -> _Node:
    start, end = event.start_mark.index, event.end_mark.index
    if isinstance(event, yaml.AliasEvent):
        return _Node("alias", start, end, value=event.anchor)
    if isinstance(event, yaml.ScalarEvent):
        plain = event.style is None and event.tag is None
        return _Node("scalar", start, end, anchor=event.anchor, value=event.value, plain=plain)
    flow = bool(event.flow_style)
    if isinstance(event, yaml.SequenceStartEvent):
        node = _Node("seq", start, end, flow=flow, anchor=event.anchor)
        for child in stream:
            if isinstance(child, yaml.SequenceEndEvent):
                node.end = child.end_mark.index
                return node
            node.items.append(_build(child, stream))
    elif isinstance(event, yaml.MappingStartEvent):
        node = _Node("map", start, end, flow=flow, anchor=event.anchor)
        for child in stream:
            if isinstance(child, yaml.MappingEndEvent):
                node.end = child.end_mark.index
                return node
            node.pairs.append((_build(child, stream), _build(next(stream), stream)))
    raise MergeError(f"unexpected YAML event {type(event).__name__}")


def _comment_starts(text: str) -> list[int]:
    """Where each comment's `#` is: comments live in the gaps between tokens."""
    starts: list[int] = []
    previous = 0
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        gap_end = token.start_mark.index
        pos = previous
        while pos < gap_end:
            if text[pos] == "#":
                starts.append(pos)
                newline = text.find("\n", pos, gap_end)
                pos = gap_end if newline < 0 else newline
            pos += 1
        previous = max(previous, token.end_mark.index)
    return starts


# --- the edit ---------------------------------------------------------------------------------


@dataclass
class _Comment:
    pos: int
    text: str  # from `#` to the end of the line
    lead: str  # the blanks before it on its line
    own_line: bool


@dataclass
class _Owner:
    """What a comment in the old urls block belongs to: a list key or a pattern."""

    list_name: str | None
    pattern: str | None  # None for the key itself
    first_line: int
    last_line: int
    above: list[_Comment] = field(default_factory=list)
    trailing: _Comment | None = None
    used: bool = False


class _Editor:
    def __init__(self, text: str, root: _Node | None, name: str) -> None:
        self.text = text
        self.name = name
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.root = root
        self.edits: list[tuple[int, int, str]] = []
        self.dropped: list[int] = []
        self.where = URLS_PATH
        self.comments = _comment_starts(text)
        nodes = list(root.walk()) if root is not None else []
        self.aliases = [(n.value, n.start) for n in nodes if n.kind == "alias"]
        self.step = _indent_step(root, self) if root is not None else 2

    # -- positions --

    def line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def line_end(self, pos: int) -> int:
        """Where the line holding `pos` ends, before its line break."""
        newline = self.text.find("\n", pos)
        if newline < 0:
            return len(self.text)
        return newline - 1 if newline > 0 and self.text[newline - 1] == "\r" else newline

    def column(self, pos: int) -> int:
        start = self.line_start(pos)
        # A byte order mark is no indentation.
        if start == 0 and self.text.startswith("\ufeff"):
            start = 1
        return pos - start

    def line_no(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def after_line(self, pos: int) -> tuple[int, str]:
        """Where a new line goes after the line holding `pos`, and a break to add first."""
        if pos > 0 and self.text[pos - 1] == "\n" and pos == self.line_start(pos):
            return pos, ""
        newline = self.text.find("\n", pos)
        if newline < 0:
            return len(self.text), self.newline
        return newline + 1, ""

    def colon(self, key: _Node) -> int | None:
        pos = key.end
        while pos < len(self.text) and self.text[pos] in " \t":
            pos += 1
        return pos if pos < len(self.text) and self.text[pos] == ":" else None

    def content_end(self, node: _Node) -> int:
        """The end of the node's own text (a block collection's end mark lies past comments)."""
        if node.kind in ("scalar", "alias") or node.flow:
            return node.end
        if node.kind == "seq":
            return self.content_end(node.items[-1]) if node.items else node.end
        if not node.pairs:
            return node.end
        return self.entry_end(*node.pairs[-1])

    def entry_end(self, key: _Node, value: _Node) -> int:
        if not value.empty:
            return self.content_end(value)
        colon = self.colon(key)
        return colon + 1 if colon is not None else key.end

    def comments_in(self, start: int, end: int) -> list[_Comment]:
        found = []
        for pos in self.comments:
            if start <= pos < end:
                line_start = self.line_start(pos)
                before = self.text[line_start:pos]
                lead = before[len(before.rstrip(" \t")) :]
                text = self.text[pos : self.line_end(pos)].rstrip(" \t")
                found.append(_Comment(pos, text, lead, own_line=not before.strip()))
        return found

    # -- checks --

    def refuse_shared(self, node: _Node, dotted: str) -> None:
        """A node aliased elsewhere cannot be edited without changing the other place."""
        if node.kind == "alias":
            raise MergeError(
                f"{self.name}: {dotted} is an alias (*{node.value}); editing it would change "
                f"&{node.value} too: edit by hand"
            )
        if node.anchor is not None and any(name == node.anchor for name, _ in self.aliases):
            raise MergeError(
                f"{self.name}: {dotted} carries the anchor &{node.anchor}, used elsewhere; "
                "editing it would change that place too: edit by hand"
            )

    def refuse_merge_keys(self, node: _Node, path: str) -> None:
        """A `<<` key brings in values the registry reads but an edit cannot see."""
        for key, _ in node.pairs:
            if key.kind == "scalar" and key.plain and key.value == "<<":
                where = path or "the top level"
                raise MergeError(
                    f"{self.name}: {where} holds a `<<` merge key (line "
                    f"{self.line_no(key.start)}); merging could change the values it brings in: "
                    "edit by hand"
                )

    def refuse_anchors_used_outside(self, node: _Node, start: int, end: int, dotted: str) -> None:
        defined = {n.anchor for n in node.walk() if n.anchor is not None}
        for name, pos in self.aliases:
            if name in defined and not start <= pos < end:
                raise MergeError(
                    f"{self.name}: {dotted} defines the anchor &{name}, used at line "
                    f"{self.line_no(pos)}; replacing it would break that alias: edit by hand"
                )

    # -- edits --

    def replace(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, text))

    def result(self) -> str:
        out = self.text
        last = len(out) + 1
        # From the end backwards; at one position the edit made first (the deeper mapping's)
        # must end up first in the text, so it is applied last.
        order = sorted(range(len(self.edits)), key=lambda i: (*self.edits[i][:2], i), reverse=True)
        for start, end, text in (self.edits[i] for i in order):
            if end > last:
                raise MergeError(f"{self.name}: overlapping edits (internal error)")
            out = out[:start] + text + out[end:]
            last = start
        return out

    # -- the walk --

    def patch_root(self, patch: Patch) -> None:
        root = self.root
        if root is None or root.null:
            pos, prefix = self.after_line(len(self.text)) if self.text else (0, "")
            self.replace(pos, pos, prefix + self.block_text(_plain(patch), 0, self.newline))
            return
        if root.kind != "map":
            raise MergeError(f"{self.name}: the top level is not a mapping; not a registry config")
        self.patch_mapping(root, patch, "")

    def patch_mapping(self, node: _Node, patch: Patch, path: str) -> None:
        self.refuse_merge_keys(node, path)
        missing: dict[str, Any] = {}
        for key, change in patch.items():
            dotted = f"{path}.{key}" if path else key
            entry = self.find(node, key, dotted)
            if entry is None:
                missing[key] = _plain(change)
                continue
            key_node, value = entry
            if isinstance(change, _Leaf):
                self.replace_value(node, key_node, value, change.value, dotted)
            elif value.kind == "map":
                self.refuse_shared(value, dotted)
                self.patch_mapping(value, change, dotted)
            elif value.kind == "alias":
                self.refuse_shared(value, dotted)
            elif value.null:
                self.replace_value(node, key_node, value, _plain(change), dotted)
            else:
                raise MergeError(
                    f"{self.name}: {dotted} (line {self.line_no(value.start)}) is not a mapping; "
                    "the registry cannot read it either: fix it by hand"
                )
        if missing:
            self.insert(node, missing)

    def find(self, node: _Node, key: str, dotted: str) -> tuple[_Node, _Node] | None:
        found = [(k, v) for k, v in node.pairs if k.kind == "scalar" and k.value == key]
        if len(found) > 1:
            lines = " and ".join(str(self.line_no(k.start)) for k, _ in found[:2])
            raise MergeError(f"{self.name}: {dotted} appears twice (lines {lines}): fix it by hand")
        return found[0] if found else None

    def insert(self, mapping: _Node, values: dict[str, Any]) -> None:
        if mapping.flow:
            if mapping.pairs:
                pos, lead = self.entry_end(*mapping.pairs[-1]), ", "
            else:
                pos, lead = self.text.index("{", mapping.start) + 1, ""
            entries = ", ".join(f"{k}: {_flow(v)}" for k, v in values.items())
            self.replace(pos, pos, lead + entries)
            return
        column = self.column(mapping.pairs[0][0].start)
        pos, prefix = self.after_line(self.content_end(mapping))
        self.replace(pos, pos, prefix + self.block_text(values, column, self.newline))

    def replace_value(self, parent: _Node, key: _Node, old: _Node, new: Any, dotted: str) -> None:
        colon = self.colon(key)
        old_end = self.content_end(old) if not old.empty else None
        if parent.flow:
            start, end = (old.start, old_end) if old_end is not None else (old.start, old.start)
            self.refuse_anchors_used_outside(old, start, end, dotted)
            self.drop(self.comments_in(start, end), dotted)
            text = _flow(new)
            if old_end is None:
                text = (" " if colon is not None else ": ") + text
            self.replace(start, end, text)
            return
        if colon is None:
            raise MergeError(
                f"{self.name}: {dotted} (line {self.line_no(key.start)}) uses a complex-key "
                "form this merge does not edit: fix it by hand"
            )
        if isinstance(new, list):
            self.replace_list(key, old, old_end, colon, new, dotted)
            return
        if not isinstance(new, dict):
            self.replace_scalar(key, old, old_end, colon, new, dotted)
            return
        # From just after `key:` to the end of the old value's last line.
        start = colon + 1
        end = self.line_end(max(old_end or start, start))
        self.refuse_anchors_used_outside(old, start, end, dotted)
        head, rest = self.split_key_line(colon, start, end)
        self.drop(rest, dotted)
        key_line = self.line_no(colon)
        column = self.column(key.start) + self.step
        if old.kind == "map" and not old.flow and self.line_no(old.pairs[0][0].start) != key_line:
            # Keep the indentation the file already uses for this block.
            column = self.column(old.pairs[0][0].start)
        body = self.block_text(new, column, "\n").rstrip("\n").split("\n")
        self.replace(start, end, head + self.newline + self.newline.join(body))

    def split_key_line(self, colon: int, start: int, end: int) -> tuple[str, list[_Comment]]:
        """The comments between `start` and `end`: those on the key's line as text to keep
        there, and the others."""
        comments = self.comments_in(start, end)
        key_line = self.line_no(colon)
        head = "".join(c.lead + c.text for c in comments if self.line_no(c.pos) == key_line)
        return head, [c for c in comments if self.line_no(c.pos) != key_line]

    def replace_list(
        self, key: _Node, old: _Node, old_end: int | None, colon: int, new: list[str], dotted: str
    ) -> None:
        """A pattern list, in the old list's style; a comment stays with its pattern."""
        if old.kind == "seq" and old.flow and old.items:
            self.replace_scalar(key, old, old_end, colon, new, dotted)
            return
        start = colon + 1
        end = self.line_end(max(old_end or start, start))
        self.refuse_anchors_used_outside(old, start, end, dotted)
        head, rest = self.split_key_line(colon, start, end)
        name = dotted.rsplit(".", 1)[-1]
        owners = self.item_owners(old, name)
        self.drop(_attach(rest, owners, self.line_no), dotted)
        if not new:
            self.drop([c for o in owners for c in _owned(o)], dotted)
            self.replace(start, end, " []" + head)
            return
        column = self.column(key.start) + self.step
        if old.kind == "seq" and not old.flow and old.items:
            # Keep the indentation the list already has (an indentless list included).
            first = old.items[0].start
            column = self.column(self.text.rfind("-", self.line_start(first), first))
        lines: list[str] = []
        for pattern in new:
            item = f"- {_block_item(pattern)}"
            lines.extend(_with_comments(item, column, _claim(owners, name, pattern)))
        self.drop([c for o in owners if not o.used for c in _owned(o)], dotted)
        self.replace(start, end, head + self.newline + self.newline.join(lines))

    def item_owners(self, old: _Node, name: str) -> list[_Owner]:
        """One owner per item of a block list: the comments above it and after it."""
        if old.kind != "seq" or old.flow:
            return []
        owners = []
        for item in old.items:
            pattern = None
            if item.kind == "scalar":
                pattern = "" if item.null else item.value
            first = self.line_no(item.start)
            last = self.line_no(self.content_end(item))
            owners.append(_Owner(name if pattern is not None else None, pattern, first, last))
        return owners

    def replace_scalar(
        self, key: _Node, old: _Node, old_end: int | None, colon: int, new: Any, dotted: str
    ) -> None:
        text = _flow(new)
        if old_end is None:
            self.replace(colon + 1, colon + 1, " " + text)
            return
        if old.kind not in ("scalar", "alias") and not old.flow:
            raise MergeError(
                f"{self.name}: {dotted} (line {self.line_no(old.start)}) is a block "
                f"{'list' if old.kind == 'seq' else 'mapping'}, not a boolean: fix it by hand"
            )
        self.refuse_anchors_used_outside(old, old.start, old_end, dotted)
        self.drop(self.comments_in(old.start, old_end), dotted)
        self.replace(old.start, old_end, text)

    def drop(self, comments: list[_Comment], dotted: str) -> None:
        if comments and not self.dropped:
            self.where = dotted
        self.dropped.extend(self.line_no(c.pos) for c in comments)

    def block_text(self, values: dict[str, Any], column: int, newline: str) -> str:
        lines: list[str] = []
        _block_lines(values, column, self.step, lines)
        return "".join(line + newline for line in lines)


def _indent_step(root: _Node, editor: _Editor) -> int:
    """The file's own indentation step, from its first nested block mapping."""
    for node in root.walk():
        if node.kind != "map" or node.flow:
            continue
        for key, value in node.pairs:
            if value.kind == "map" and not value.flow and value.pairs:
                step = editor.column(value.pairs[0][0].start) - editor.column(key.start)
                if step > 0:
                    return step
    return 2


def _attach(comments: list[_Comment], owners: list[_Owner], line_no: Any) -> list[_Comment]:
    """Give each comment to the key or pattern it describes; return those left over."""
    orphans: list[_Comment] = []
    for comment in comments:
        line = line_no(comment.pos)
        if comment.own_line:
            following = [o for o in owners if o.first_line > line]
            if following:
                following[0].above.append(comment)
                continue
        else:
            ending = [o for o in owners if o.last_line == line]
            if ending and ending[-1].trailing is None:
                ending[-1].trailing = comment
                continue
        orphans.append(comment)
    return orphans


def _owned(owner: _Owner) -> list[_Comment]:
    return [*owner.above, *([owner.trailing] if owner.trailing else [])]


def _claim(owners: list[_Owner], name: str, pattern: str | None) -> _Owner | None:
    for owner in owners:
        if not owner.used and owner.list_name == name and owner.pattern == pattern:
            if pattern is None and owner.list_name is None:
                continue
            owner.used = True
            return owner
    return None


def _with_comments(text: str, column: int, owner: _Owner | None) -> list[str]:
    pad = " " * column
    if owner is None:
        return [pad + text]
    lines = [pad + c.text for c in owner.above]
    trailing = owner.trailing
    lines.append(pad + text + ((trailing.lead or " ") + trailing.text if trailing else ""))
    return lines


# --- rendering values -------------------------------------------------------------------------


def _plain(change: _Leaf | Patch) -> Any:
    if isinstance(change, _Leaf):
        return change.value
    return {key: _plain(value) for key, value in change.items()}


def _dump(value: Any, **options: Any) -> str:
    return yaml.dump(value, Dumper=yaml.SafeDumper, sort_keys=False, width=1 << 16, **options)


def _flow(value: Any) -> str:
    """One-line flow YAML for `value` that reads back as exactly `value`."""
    for options in ({"allow_unicode": True}, {"allow_unicode": False}, {"default_style": '"'}):
        text = _dump([value], default_flow_style=True, **options).strip()
        if "\n" not in text and yaml.safe_load(text) == [value]:
            return text[1:-1]
    raise MergeError(f"cannot write {value!r} as one line of YAML")


def _block_item(pattern: str) -> str:
    """A pattern as one block-sequence item's text (after `- `)."""
    for options in ({"allow_unicode": True}, {"allow_unicode": False}, {"default_style": '"'}):
        text = _dump([pattern], default_flow_style=False, **options)
        body = text[2:].rstrip("\n")
        if text.startswith("- ") and "\n" not in body and yaml.safe_load(text) == [pattern]:
            return body
    raise MergeError(f"cannot write the pattern {pattern!r} as one line of YAML")


def _block_lines(values: dict[str, Any], column: int, step: int, lines: list[str]) -> None:
    pad = " " * column
    for key, value in values.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _block_lines(value, column + step, step, lines)
        elif isinstance(value, list) and value:
            lines.append(f"{pad}{key}:")
            lines.extend(f"{pad}{' ' * step}- {_block_item(item)}" for item in value)
        else:
            lines.append(f"{pad}{key}: {_flow(value)}")


# --- the merge --------------------------------------------------------------------------------


_LISTS = ("allow", "deny")


def _patch(source: PolicySource, before: PolicySource | None, urls: _Node | None) -> Patch:
    """What to write: only the parts of `source` the file does not carry yet.

    `before` is the file's own policy (None when the registry could not read it: then every
    part is written); `urls` the file's existing `urls` mapping, edited list by list.
    """
    validation: Patch = {}
    if not source.validation_enabled and (before is None or before.validation_enabled):
        validation["disabled"] = _Leaf(True)
    lists = [n for n in _LISTS if before is None or getattr(before, n) != getattr(source, n)]
    if urls is not None and urls.kind == "map":
        if lists:
            edits: Patch = {n: _Leaf(list(getattr(source, n))) for n in lists}
            validation["manifests"] = {"urls": edits}
    elif lists:
        whole = {n: list(getattr(source, n)) for n in _LISTS}
        validation["manifests"] = {"urls": _Leaf(whole)}
    return {"validation": validation} if validation else {}


def _dotted(patch: Patch, path: str = "") -> list[str]:
    out: list[str] = []
    for key, value in patch.items():
        dotted = f"{path}.{key}" if path else key
        out.extend([dotted] if isinstance(value, _Leaf) else _dotted(value, dotted))
    return out


def _with_switch(patch: Patch, key: str, value: bool) -> Patch:
    validation = dict(patch.get("validation", {}))  # type: ignore[arg-type]
    validation[key] = _Leaf(value)
    return {**patch, "validation": validation}


def _urls_mapping(root: _Node | None) -> _Node | None:
    """The file's `validation.manifests.urls` node, when each step is a plain mapping key."""
    node = root
    for key in ("validation", "manifests", "urls"):
        if node is None or node.kind != "map":
            return None
        found = [v for k, v in node.pairs if k.kind == "scalar" and k.value == key]
        if len(found) != 1:
            return None
        node = found[0]
    return node


def _policy_of(section: ValidationSection) -> PolicySource:
    return PolicySource(
        allow=section.allow, deny=section.deny, disabled=section.disabled, enabled=section.enabled
    )


def carries_policy(text: str, source: PolicySource) -> bool:
    """Whether the registry reading `text` runs exactly `source`'s lists and on/off switch."""
    try:
        section = decode_validation(text)
    except (GoYAMLError, RecursionError):
        return False
    enabled = section.enabled or not section.disabled
    return (section.allow, section.deny, enabled) == (
        source.allow,
        source.deny,
        source.validation_enabled,
    )


def file_policy(text: str, name: str = "config") -> PolicySource:
    """The policy a registry reads from this config text, for a merge to start from.

    Raises MergeError in one line when the text is no YAML or the registry could not read its
    validation section (a merge would have no lists to keep).
    """
    _tree(text, name)
    try:
        return _policy_of(decode_validation(text))
    except GoYAMLError as exc:
        message = _registry_words(exc.message.removeprefix("config: "))
        raise MergeError(
            f"{name}: the registry cannot read its validation section ({message}): fix it by hand"
        ) from None
    except RecursionError:
        raise MergeError(f"{name}: nested too deeply to read") from None


def merge_policy(
    text: str, source: PolicySource, *, force: bool = False, name: str = "config"
) -> MergeResult:
    """`text` carrying `source`, with only the parts that differ rewritten.

    An allow list, a deny list or the on/off switch that the file already carries is kept
    exactly as written, comments included. Raises MergeError (nothing to write) when it
    cannot, MergeWouldLoseComments unless `force` when a comment would be dropped.
    """
    if "\r" in text.replace("\r\n", ""):
        raise MergeError(f"{name}: uses bare CR line breaks; convert it to LF or CRLF first")
    if any(ch in text for ch in _UNICODE_BREAKS):
        raise MergeError(f"{name}: holds NEL/LS/PS characters, which YAML reads as line breaks")
    root = _tree(text, name)
    old_root = _compose(text, name)
    try:
        before: PolicySource | None = _policy_of(decode_validation(text))
    except GoYAMLError:
        before = None
    except RecursionError:
        raise MergeError(f"{name}: nested too deeply to read") from None
    patch = _patch(source, before, _urls_mapping(root))
    # The file's own switch may still win: then set `disabled`, or the deprecated twin.
    attempts = [patch, _with_switch(patch, *_switch_for(source))]
    for attempt in attempts:
        if not attempt:
            return MergeResult(text, (), (), before, source)
        editor = _Editor(text, root, name)
        editor.patch_root(attempt)
        if editor.dropped and not force:
            lines = tuple(sorted(set(editor.dropped)))
            raise MergeWouldLoseComments(name, lines, f"inside {editor.where}")
        merged = editor.result()
        _prove(old_root, merged, attempt, name)
        if carries_policy(merged, source):
            changed = tuple(_dotted(attempt)) if merged != text else ()
            dropped = tuple(sorted(set(editor.dropped)))
            return MergeResult(merged, changed, dropped, before, source)
    raise MergeError(f"{name}: after merging, the registry would still not run this policy")


def _switch_for(source: PolicySource) -> tuple[str, bool]:
    return ("disabled", False) if source.validation_enabled else ("enabled", False)


# --- the proof --------------------------------------------------------------------------------

_MERGE_TAG = "tag:yaml.org,2002:merge"


def _compose(text: str, name: str, what: str = "not valid YAML") -> yaml.Node | None:
    """The node graph: an alias is the node it names, never a copy, so an alias bomb costs
    what its text costs."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise MergeError(f"{name}: {what}: {_one_line(exc)}") from None
    except RecursionError:
        raise MergeError(f"{name}: nested too deeply to edit") from None


def _prove(old_root: yaml.Node | None, merged: str, patch: Patch, name: str) -> None:
    """The merged text reads as the old document with only the patched keys changed, and the
    registry can read it."""
    new_root = _compose(merged, name, "the merged text would not parse")
    if not _patched_only(old_root, new_root, patch):
        raise MergeError(f"{name}: merging would change other values too: edit by hand")
    try:
        section = decode_validation(merged)
    except GoYAMLError as exc:
        words = _registry_words(exc.message)
        message = f"{name}: after merging the registry could not read it: {words}"
        raise MergeError(message) from None
    for line, words in section.refused_by:  # a registry of this release line would not start
        title = PROFILES[line].title
        words = _registry_words(words)
        raise MergeError(f"{name}: after merging, {title} could not read it: {words}")


def _is_null(node: yaml.Node | None) -> bool:
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"))


def _patched_only(old: yaml.Node | None, new: yaml.Node | None, patch: Patch) -> bool:
    if not isinstance(new, yaml.MappingNode):
        return False
    if isinstance(old, yaml.MappingNode):
        old_pairs = old.value
    elif _is_null(old):
        old_pairs = []
    else:
        return False

    def named(key: yaml.Node) -> str | None:
        return key.value if isinstance(key, yaml.ScalarNode) and key.value in patch else None

    kept_old = [(k, v) for k, v in old_pairs if named(k) is None]
    kept_new = [(k, v) for k, v in new.value if named(k) is None]
    if not _same_graph(kept_old, kept_new):
        return False
    for key, change in patch.items():
        news = [v for k, v in new.value if named(k) == key]
        olds = [v for k, v in old_pairs if named(k) == key]
        if len(news) != 1 or len(olds) > 1:
            return False
        if isinstance(change, _Leaf):
            if _leaf_value(news[0]) != change.value:
                return False
        elif not _patched_only(olds[0] if olds else None, news[0], change):
            return False
    return True


def _leaf_value(node: yaml.Node) -> Any:
    """A value this merge wrote (a few lists of patterns, a boolean), as Python data."""
    return yaml.constructor.SafeConstructor().construct_document(node)


def _same_graph(a: list[tuple[yaml.Node, yaml.Node]], b: list[tuple[yaml.Node, yaml.Node]]):
    """Whether two lists of key/value nodes hold the same data.

    Each pair of nodes is compared once, so shared nodes (aliases) cost nothing more: linear
    in the text, however many times an alias bomb would repeat its values.
    """
    if len(a) != len(b):
        return False
    todo = [pair for (ka, va), (kb, vb) in zip(a, b, strict=True) for pair in ((ka, kb), (va, vb))]
    seen: set[tuple[int, int]] = set()
    while todo:
        x, y = todo.pop()
        if (id(x), id(y)) in seen:
            continue
        seen.add((id(x), id(y)))
        if type(x) is not type(y) or x.tag != y.tag:
            return False
        if isinstance(x, yaml.ScalarNode):
            if x.value != y.value:
                return False
        elif isinstance(x, yaml.SequenceNode):
            if len(x.value) != len(y.value):
                return False
            todo.extend(zip(x.value, y.value, strict=True))
        else:
            if len(x.value) != len(y.value):
                return False
            for (kx, vx), (ky, vy) in zip(x.value, y.value, strict=True):
                todo.extend(((kx, ky), (vx, vy)))
    return True


# --- the file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigFile:
    """A config.yml as read: where it lives (symlinks followed), its stat and its text."""

    file: UserFile
    data: bytes
    text: str

    @property
    def name(self) -> str:
        return str(self.file.given)


def read_config(path: str | os.PathLike[str]) -> ConfigFile:
    """The config at `path`: a regular file (never opened if it is not), decoded as UTF-8."""
    try:
        file, data = read_user_file(path)
    except NotARegularFile:
        raise
    except SaveError as exc:
        raise MergeError(exc.message) from None
    name = str(file.given)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MergeError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    return ConfigFile(file, data, text)


def backup_candidates(path: Path) -> Iterator[Path]:
    """CONFIG.yml.bak, then CONFIG.yml.bak.1, .bak.2, ...: an old backup is never replaced."""
    yield path.with_name(path.name + ".bak")
    for number in range(1, _MAX_BACKUPS):
        yield path.with_name(f"{path.name}.bak.{number}")


def write_backup(config: ConfigFile) -> Path:
    """The config's bytes beside it, with its owner, group and mode; never over a file."""
    for candidate in backup_candidates(config.file.path):
        try:
            return create_bytes(candidate, config.data, like=config.file.stat)
        except SaveTargetExists:
            continue
        except SaveError as exc:
            raise MergeError(f"cannot write a backup of {config.name}: {exc.message}") from None
    raise MergeError(f"{config.name}: {_MAX_BACKUPS} backups exist already; remove some first")


def merge_into(config: ConfigFile, source: PolicySource, *, force: bool = False) -> MergedFile:
    """Merge into a config as read: backup first, then an atomic write, then a re-read.

    Nothing is written when merging fails or would drop comments (unless `force`). A file that
    already carries the policy is left untouched (no backup). The config and its backup keep
    the original's owner, group and mode; a symlinked config is edited where it lives.
    """
    name = config.name
    result = merge_policy(config.text, source, force=force, name=name)
    if result.unchanged:
        return MergedFile(config.file.given, None, result)
    backup = write_backup(config)
    try:
        replace_bytes(config.file, result.text.encode("utf-8"))
    except SaveError as exc:
        # The write is atomic: the config is still the old one, so its copy is not needed and
        # no file but the target is left touched.
        with contextlib.suppress(OSError):
            backup.unlink()
        raise MergeError(exc.message) from None
    _prove_written(config, result.text, source, backup)
    return MergedFile(config.file.given, backup, result)


def merge_into_file(
    path: str | os.PathLike[str], source: PolicySource, *, force: bool = False
) -> MergedFile:
    """`read_config` then `merge_into`."""
    return merge_into(read_config(path), source, force=force)


def _prove_written(config: ConfigFile, expected: str, source: PolicySource, backup: Path) -> None:
    name = config.name
    problem = None
    try:
        _, data = read_user_file(config.file.given)
        reread = data.decode("utf-8")
    except (SaveError, UnicodeDecodeError) as exc:
        problem = f"cannot be read ({getattr(exc, 'message', exc)})"
    else:
        if reread != expected or not carries_policy(reread, source):
            problem = "does not carry the policy"
    if problem is not None:
        raise MergeError(
            f"{name}: re-read after writing, it {problem}; the original is in {backup}",
            written=True,
        )
