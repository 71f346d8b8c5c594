"""config.yml text as gopkg.in/yaml.v2 (2.4.0, in both registries) reads it: a node tree.

pyyaml's scanner and parser are a sibling of libyaml, which yaml.v2 ports to Go, but they
disagree on what is YAML at all. The scanner here is pyyaml's, adjusted where yaml.v2 reads
otherwise:

- double-quoted escapes: yaml.v2 knows `0 a b t <TAB> n v f r e <SPACE> " ' \\ N _ L P` and
  `x u U` (a code point that is a surrogate or above U+10FFFF is an error); pyyaml also takes
  `\\/` and not `\\'`;
- tabs: libyaml skips a tab between tokens in flow context, and in block context where no
  simple key may start (after `key:`); plain scalars hold tabs, a block scalar's header and a
  tag may end with one; pyyaml refuses tabs nearly everywhere;
- a plain scalar ends at `:` only before a blank (pyyaml also before `,[]{}` in flow);
- nesting: more than 10,000 flow levels or block indentation levels is refused;
- directives: `%YAML 1.1` only, unknown directives refused, tabs as separators;
- a byte order mark may start any line;
- control characters are checked in what the scanner read of the first document, not in the
  whole text (yaml.v2 validates as it reads; how far it reads ahead is approximated by the
  rest of the line the scanner stopped on).

The tree is built from the parser's events with an explicit stack (no recursion), from the
first document only, as yaml.v2's Unmarshal reads it: later documents are never parsed.
An alias is the node it names (an anchor defined again names the newer node, as in yaml.v2);
which child slots were aliases is kept on each collection (`aliases`) for `yamlv2decode`,
which walks the tree as yaml.v2 decodes it. Scalars carry the tag yaml.v2 gives them
(`resolve`), decoded `!!binary`, and the error yaml.v2 stops with should it decode them.

Errors are worded as yaml.v2 words them, with its line numbers (1-based for scanner errors,
0-based for parser errors, none on the first line); where the problem is pyyaml's to find,
the problem text is pyyaml's.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import deque
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser, ParserError
from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import DirectiveToken, ScalarToken, TagToken

from foreign_explorer.core.errors import ForeignExplorerError

MAX_DEPTH = 10_000

TAG_PREFIX = "tag:yaml.org,2002:"
STR = TAG_PREFIX + "str"
BOOL = TAG_PREFIX + "bool"
INT = TAG_PREFIX + "int"
FLOAT = TAG_PREFIX + "float"
NULL = TAG_PREFIX + "null"
TIMESTAMP = TAG_PREFIX + "timestamp"
BINARY = TAG_PREFIX + "binary"
MERGE = TAG_PREFIX + "merge"
MAP = TAG_PREFIX + "map"
SEQ = TAG_PREFIX + "seq"

_BREAKS = "\r\n\x85\u2028\u2029"
_BREAKZ = "\0" + _BREAKS
_BLANKZ = " \t" + _BREAKZ
_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-")
_URI = _WORD | frozenset(";/?:@&=+$,.!~*'()[]%")
_HEX = frozenset("0123456789ABCDEFabcdef")
_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# yaml.v2's double-quoted escapes (scannerc.go); `x u U` take hex digits.
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


class YAMLv2Error(ForeignExplorerError):
    """yaml.v2 cannot read the text; the message is its own (`yaml: line 3: ...`)."""


# --- the scanner ----------------------------------------------------------------------------


class _Reader(Reader):
    def check_printable(self, data: str) -> None:
        pass  # checked afterwards, over what the scanner read (see read_document)


class _Scanner(Scanner):
    """pyyaml's scanner where it reads as libyaml (so yaml.v2) does; see the module doc."""

    def __init__(self) -> None:
        super().__init__()
        # Possible simple keys in the order they were saved (so by token number): pyyaml looks
        # at all of them for every token, one per open `[` (up to 10,000); the oldest decides.
        self._saved_keys: deque[tuple[int, object]] = deque()

    def save_possible_simple_key(self) -> None:
        super().save_possible_simple_key()
        key = self.possible_simple_keys.get(self.flow_level)
        if key is not None and (not self._saved_keys or self._saved_keys[-1][1] is not key):
            self._saved_keys.append((self.flow_level, key))

    def _oldest_key(self) -> tuple[int, Any] | None:
        saved = self._saved_keys
        while saved and self.possible_simple_keys.get(saved[0][0]) is not saved[0][1]:
            saved.popleft()  # removed, or replaced by a newer key at its level
        return saved[0] if saved else None

    def next_possible_simple_key(self) -> int | None:
        oldest = self._oldest_key()
        return None if oldest is None else oldest[1].token_number

    def stale_possible_simple_keys(self) -> None:
        # Newer keys are further on: once the oldest is still possible, all are.
        while (oldest := self._oldest_key()) is not None:
            level, key = oldest
            if key.line == self.line and self.index - key.index <= 1024:
                return
            if key.required:
                raise ScannerError(
                    "while scanning a simple key",
                    key.mark,
                    "could not find expected ':'",
                    self.get_mark(),
                )
            del self.possible_simple_keys[level]
            self._saved_keys.popleft()

    def add_indent(self, column: int) -> bool:
        added = super().add_indent(column)
        if len(self.indents) > MAX_DEPTH:
            raise ScannerError(
                "while increasing indent level", None, _depth_problem(), self.get_mark()
            )
        return added

    def fetch_flow_collection_start(self, TokenClass: type) -> None:
        mark = self.get_mark()
        super().fetch_flow_collection_start(TokenClass)
        if self.flow_level > MAX_DEPTH:
            raise ScannerError("while increasing flow level", None, _depth_problem(), mark)

    def scan_to_next_token(self) -> None:
        while True:
            if self.column == 0 and self.peek() == "\ufeff":
                self.forward()
            # A tab separates tokens in flow context, and where no simple key may start.
            while self.peek() == " " or (
                self.peek() == "\t" and (self.flow_level or not self.allow_simple_key)
            ):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in _BREAKZ:
                    self.forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain(self) -> ScalarToken:
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        chunks: list[str] = []
        blanks = ""  # blanks after the last run of text, on its line
        first_break = ""  # the break ending that line, once met
        more_breaks: list[str] = []  # the empty lines after it
        while True:
            if self.column == 0 and self.prefix(3) in ("---", "...") and self.peek(3) in _BLANKZ:
                break
            if self.peek() == "#":
                break
            length = 0
            while not self._ends_plain(length):
                length += 1
            if length:
                if first_break:
                    if first_break == "\n":
                        chunks.append("".join(more_breaks) if more_breaks else " ")
                    else:
                        chunks += [first_break, *more_breaks]
                elif blanks:
                    chunks.append(blanks)
                blanks, first_break, more_breaks = "", "", []
                chunks.append(self.prefix(length))
                self.forward(length)
                end_mark = self.get_mark()
            if self.peek() not in " \t" + _BREAKS:
                break
            while True:
                ch = self.peek()
                if ch in " \t":
                    if first_break and ch == "\t" and self.column < indent:
                        raise ScannerError(
                            "while scanning a plain scalar",
                            start_mark,
                            "found a tab character that violates indentation",
                            self.get_mark(),
                        )
                    if not first_break:
                        blanks += ch
                    self.forward()
                elif ch in _BREAKS:
                    if first_break:
                        more_breaks.append(self.scan_line_break())
                    else:
                        blanks, first_break = "", self.scan_line_break()
                else:
                    break
            if not self.flow_level and self.column < indent:
                break
        if first_break:
            self.allow_simple_key = True
        return ScalarToken("".join(chunks), True, start_mark, end_mark)

    def _ends_plain(self, at: int) -> bool:
        ch = self.peek(at)
        if ch in _BLANKZ:
            return True
        if ch == ":" and self.peek(at + 1) in _BLANKZ:
            return True
        return bool(self.flow_level) and ch in ",?[]{}"

    def scan_flow_scalar_non_spaces(self, double: bool, start_mark: yaml.Mark) -> list[str]:
        chunks: list[str] = []
        while True:
            length = 0
            while self.peek(length) not in "'\"\\" + _BLANKZ:
                length += 1
            if length:
                chunks.append(self.prefix(length))
                self.forward(length)
            ch = self.peek()
            if not double and ch == "'" and self.peek(1) == "'":
                chunks.append("'")
                self.forward(2)
            elif (double and ch == "'") or (not double and ch in '"\\'):
                chunks.append(ch)
                self.forward()
            elif double and ch == "\\":
                chunks += self._escape(start_mark)
            else:
                return chunks

    def _escape(self, start_mark: yaml.Mark) -> list[str]:
        code = self.peek(1)
        if code in _ESCAPES:
            self.forward(2)
            return [_ESCAPES[code]]
        if code in _HEX_ESCAPES:
            width = _HEX_ESCAPES[code]
            self.forward(2)
            digits = self.prefix(width)
            if len(digits) < width or not set(digits) <= _HEX:
                raise self._quoted_error(start_mark, "did not find expected hexdecimal number")
            value = int(digits, 16)
            if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
                raise self._quoted_error(start_mark, "found invalid Unicode character escape code")
            self.forward(width)
            return [chr(value)]
        if code in _BREAKS:
            self.forward()
            self.scan_line_break()
            return self.scan_flow_scalar_breaks(True, start_mark)
        raise self._quoted_error(start_mark, "found unknown escape character")

    def _quoted_error(self, start_mark: yaml.Mark, problem: str) -> ScannerError:
        return ScannerError("while parsing a quoted scalar", start_mark, problem, self.get_mark())

    def scan_block_scalar_indicators(self, start_mark: yaml.Mark) -> tuple[bool | None, int | None]:
        chomping: bool | None = None
        increment: int | None = None
        while True:
            ch = self.peek()
            if ch in "+-" and chomping is None:
                chomping = ch == "+"
            elif ch in "0123456789" and increment is None:
                if ch == "0":
                    raise ScannerError(
                        "while scanning a block scalar",
                        start_mark,
                        "found an indentation indicator equal to 0",
                        self.get_mark(),
                    )
                increment = int(ch)
            else:
                return chomping, increment
            self.forward()

    def scan_block_scalar_ignored_line(self, start_mark: yaml.Mark) -> None:
        self._rest_of_line(start_mark, "while scanning a block scalar")

    def _rest_of_line(self, start_mark: yaml.Mark, context: str) -> None:
        self._blanks()
        if self.peek() == "#":
            while self.peek() not in _BREAKZ:
                self.forward()
        if self.peek() not in _BREAKZ:
            raise ScannerError(
                context, start_mark, "did not find expected comment or line break", self.get_mark()
            )
        self.scan_line_break()

    def _blanks(self) -> None:
        while self.peek() in " \t":
            self.forward()

    def scan_tag(self) -> TagToken:
        start_mark = self.get_mark()
        handle: str | None
        if self.peek(1) == "<":
            self.forward(2)
            handle, suffix = None, self._uri(start_mark, "")
            if self.peek() != ">":
                raise ScannerError(
                    "while scanning a tag",
                    start_mark,
                    "did not find the expected '>'",
                    self.get_mark(),
                )
            self.forward()
        else:
            # `!word!` (or `!!`) is a handle; otherwise what follows `!` is the tag's own text.
            word = self._word(1)
            if self.peek(len(word)) == "!":
                word += "!"
            self.forward(len(word))
            if len(word) > 1 and word.endswith("!"):
                handle, suffix = word, self._uri(start_mark, "")
            else:
                handle, suffix = "!", self._uri(start_mark, word)
                if not suffix:
                    handle, suffix = None, "!"  # the non-specific tag `!`
        if self.peek() not in _BLANKZ:
            raise ScannerError(
                "while scanning a tag",
                start_mark,
                "did not find expected whitespace or line break",
                self.get_mark(),
            )
        return TagToken((handle, suffix), start_mark, self.get_mark())

    def _word(self, at: int) -> str:
        """`!` (at `at - 1`) and the word characters after it."""
        end = at
        while self.peek(end) in _WORD:
            end += 1
        return self.prefix(end)

    def _uri(self, start_mark: yaml.Mark, head: str) -> str:
        chunks = [head[1:]]
        while self.peek() in _URI:
            if self.peek() == "%":
                chunks.append(self.scan_uri_escapes("tag", start_mark))
            else:
                chunks.append(self.peek())
                self.forward()
        if not head and len(chunks) == 1:
            raise ScannerError(
                "while parsing a tag", start_mark, "did not find expected tag URI", self.get_mark()
            )
        return "".join(chunks)

    def scan_directive(self) -> DirectiveToken:
        start_mark = self.get_mark()
        self.forward()
        context = "while scanning a directive"
        name = self._word(0)
        if not name:
            raise ScannerError(
                context, start_mark, "could not find expected directive name", self.get_mark()
            )
        self.forward(len(name))
        if self.peek() not in _BLANKZ:
            raise ScannerError(
                context, start_mark, "found unexpected non-alphabetical character", self.get_mark()
            )
        value: tuple
        if name == "YAML":
            self._blanks()
            major = self._version_number(start_mark)
            if self.peek() != ".":
                raise ScannerError(
                    "while scanning a %YAML directive",
                    start_mark,
                    "did not find expected digit or '.' character",
                    self.get_mark(),
                )
            self.forward()
            value = (major, self._version_number(start_mark))
        elif name == "TAG":
            value = self._tag_directive(start_mark)
        else:
            raise ScannerError(context, start_mark, "found unknown directive name", self.get_mark())
        end_mark = self.get_mark()
        self._rest_of_line(start_mark, context)
        return DirectiveToken(name, value, start_mark, end_mark)

    def _version_number(self, start_mark: yaml.Mark) -> int:
        length = 0
        while self.peek(length) in "0123456789":
            length += 1
            if length > 2:
                raise ScannerError(
                    "while scanning a %YAML directive",
                    start_mark,
                    "found extremely long version number",
                    self.get_mark(),
                )
        if not length:
            raise ScannerError(
                "while scanning a %YAML directive",
                start_mark,
                "did not find expected version number",
                self.get_mark(),
            )
        number = int(self.prefix(length))
        self.forward(length)
        return number

    def _tag_directive(self, start_mark: yaml.Mark) -> tuple[str, str]:
        context = "while scanning a %TAG directive"
        self._blanks()
        handle = self._word(1) if self.peek() == "!" else ""
        if handle and self.peek(len(handle)) == "!":
            handle += "!"
        if not handle or (handle != "!" and not handle.endswith("!")):
            raise ScannerError(context, start_mark, "did not find expected '!'", self.get_mark())
        self.forward(len(handle))
        if self.peek() not in " \t":
            raise ScannerError(
                context, start_mark, "did not find expected whitespace", self.get_mark()
            )
        self._blanks()
        prefix = self._uri(start_mark, "")
        if self.peek() not in _BLANKZ:
            raise ScannerError(
                context,
                start_mark,
                "did not find expected whitespace or line break",
                self.get_mark(),
            )
        return handle, prefix


def _depth_problem() -> str:
    return f"exceeded max depth of {MAX_DEPTH}"


class _Parser(Parser):
    def process_directives(self) -> tuple:
        self.yaml_version = None
        self.tag_handles: dict[str, str] = {}
        while self.check_token(DirectiveToken):
            token = self.get_token()
            if token.name == "YAML":
                if self.yaml_version is not None:
                    raise ParserError(
                        None, None, "found duplicate %YAML directive", token.start_mark
                    )
                if token.value != (1, 1):
                    raise ParserError(
                        None, None, "found incompatible YAML document", token.start_mark
                    )
                self.yaml_version = token.value
            else:
                handle, prefix = token.value
                if handle in self.tag_handles:
                    raise ParserError(
                        None, None, "found duplicate %TAG directive", token.start_mark
                    )
                self.tag_handles[handle] = prefix
        value = (self.yaml_version, dict(self.tag_handles) or None)
        for handle, prefix in self.DEFAULT_TAGS.items():
            self.tag_handles.setdefault(handle, prefix)
        return value


class _Loader(_Reader, _Scanner, _Parser):
    def __init__(self, text: str) -> None:
        _Reader.__init__(self, text)
        _Scanner.__init__(self)
        _Parser.__init__(self)


# --- the nodes ------------------------------------------------------------------------------


class Scalar(yaml.ScalarNode):
    """A scalar as yaml.v2 decodes it.

    `tag` is the tag yaml.v2 names it by (explicit, or resolved from a plain scalar's text),
    `value` what a Go string receives (the text; a `!!binary` scalar decoded), `text` the text
    as written, `explicit` the tag written on it ("" for none), `merge` whether it is a merge
    key (`<<`), and `failure` the error yaml.v2 stops with when it decodes this scalar at all
    (an explicit tag the text does not fit, bad base64).
    """

    def __init__(
        self,
        tag: str,
        value: str,
        start_mark: yaml.Mark,
        end_mark: yaml.Mark,
        *,
        text: str,
        style: str | None,
        explicit: str = "",
        merge: bool = False,
        failure: str | None = None,
    ) -> None:
        super().__init__(tag, value, start_mark, end_mark, style)
        self.text = text
        self.explicit = explicit
        self.merge = merge
        self.failure = failure


class Sequence(yaml.SequenceNode):
    """A sequence; `aliases` maps an item's index to the anchor its alias named."""

    def __init__(self, start_mark: yaml.Mark) -> None:
        super().__init__(SEQ, [], start_mark, start_mark)
        self.aliases: dict[int, str] = {}


class Mapping(yaml.MappingNode):
    """A mapping; `aliases` maps a slot (2i for pair i's key, 2i + 1 for its value) to the
    anchor its alias named."""

    def __init__(self, start_mark: yaml.Mark) -> None:
        super().__init__(MAP, [], start_mark, start_mark)
        self.aliases: dict[int, str] = {}


def is_merge_key(node: yaml.Node) -> bool:
    """`<<` as yaml.v2 takes it for a merge key: plain (or tagged `!!merge`), not quoted."""
    return isinstance(node, Scalar) and node.merge


def is_merge_pair(mapping: yaml.MappingNode, index: int) -> bool:
    """Whether pair `index` of `mapping` is a merge (`<<: *base`): `<<` written through an
    alias is no merge key in yaml.v2."""
    key = mapping.value[index][0]
    return is_merge_key(key) and 2 * index not in getattr(mapping, "aliases", {})


def merge_sources(mapping: yaml.MappingNode, index: int) -> list[yaml.MappingNode] | None:
    """The mappings the merge pair `index` brings in, in the order yaml.v2 applies them (a list
    last to first, so the first one wins); None for a merge yaml.v2 refuses (`map merge
    requires map or sequence of maps`), such as an alias naming a list."""
    value = mapping.value[index][1]
    if isinstance(value, yaml.MappingNode):
        return [value]
    if (
        isinstance(value, yaml.SequenceNode)
        and 2 * index + 1 not in getattr(mapping, "aliases", {})
        and all(isinstance(item, yaml.MappingNode) for item in value.value)
    ):
        return list(reversed(value.value))
    return None


def is_null(node: yaml.Node | None) -> bool:
    """Whether yaml.v2 decodes the node as null (the Go zero value)."""
    return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL)


# --- reading --------------------------------------------------------------------------------


def read_document(text: str) -> yaml.Node | None:
    """The first document's root node (None for a stream with no document)."""
    loader = _Loader(text)
    try:
        root = _build(loader)
    except yaml.MarkedYAMLError as exc:
        # yaml.v2's reader checks characters before its scanner sees them.
        mark = exc.problem_mark or exc.context_mark
        _check_printable(text, loader.pointer if mark is None else mark.index)
        raise YAMLv2Error(_message(exc)) from None
    except yaml.YAMLError as exc:  # pyyaml's reader: nothing but text reaches it here
        raise YAMLv2Error(f"yaml: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
    _check_printable(text, loader.pointer)
    return root


def _check_printable(text: str, pointer: int) -> None:
    end = len(text)
    for ch in _BREAKS:
        found = text.find(ch, pointer)
        if found >= 0:
            end = min(end, found)
    if _PRINTABLE.search(text, 0, end + 1):
        raise YAMLv2Error("yaml: control characters are not allowed")


@dataclass
class _Open:
    node: Sequence | Mapping
    key: yaml.Node | None = None
    has_key: bool = False


def _build(loader: _Loader) -> yaml.Node | None:
    """The first document, built with an explicit stack; its DOCUMENT-END is parsed too,
    as yaml.v2 parses it."""
    while True:
        event = loader.get_event()
        if isinstance(event, StreamEndEvent):
            return None
        if isinstance(event, DocumentStartEvent):
            break
    anchors: dict[str, yaml.Node] = {}
    stack: list[_Open] = []
    root: yaml.Node | None = None
    while True:
        event = loader.get_event()
        alias: str | None = None
        if isinstance(event, CollectionEndEvent):
            done = stack.pop().node
            done.end_mark = event.end_mark
            if not stack:
                root = done
                break
            continue
        if isinstance(event, AliasEvent):
            node = anchors.get(event.anchor)
            if node is None:
                raise YAMLv2Error(f"yaml: unknown anchor '{event.anchor}' referenced")
            alias = event.anchor
        elif isinstance(event, ScalarEvent):
            node = _scalar(event)
        elif isinstance(event, SequenceStartEvent):
            node = Sequence(event.start_mark)
        elif isinstance(event, MappingStartEvent):
            node = Mapping(event.start_mark)
        else:
            raise YAMLv2Error(f"yaml: unexpected {type(event).__name__}")
        if alias is None and event.anchor is not None:
            anchors[event.anchor] = node
        if not stack:
            if isinstance(node, Sequence | Mapping):
                stack.append(_Open(node))
                continue
            root = node
            break
        _attach(stack[-1], node, alias)
        if alias is None and isinstance(node, Sequence | Mapping):
            stack.append(_Open(node))
    loader.get_event()  # DOCUMENT-END
    return root


def _attach(parent: _Open, node: yaml.Node, alias: str | None) -> None:
    container = parent.node
    if isinstance(container, Sequence):
        if alias is not None:
            container.aliases[len(container.value)] = alias
        container.value.append(node)
        return
    slot = 2 * len(container.value) + (1 if parent.has_key else 0)
    if alias is not None:
        container.aliases[slot] = alias
    if parent.has_key:
        container.value.append((parent.key, node))
        parent.key, parent.has_key = None, False
    else:
        parent.key, parent.has_key = node, True


def _scalar(event: ScalarEvent) -> Scalar:
    """yaml.v2's view of a scalar: its tag, its Go string, the error decoding it would raise."""
    text = event.value
    plain = event.implicit[0]  # plain and untagged, or tagged `!`
    marks = (event.start_mark, event.end_mark)
    if event.tag is None and not plain:
        return Scalar(STR, text, *marks, text=text, style=event.style)  # quoted
    tag, failure = ("!", None) if event.tag == "!" else resolve(event.tag or "", text)
    value = text
    if tag == BINARY:
        decoded = decode_binary(text)
        if decoded is None:
            failure = "yaml: !!binary value contains invalid base64 data"
        else:
            value = decoded
    merge = text == "<<" and (plain or event.tag == MERGE)
    return Scalar(
        MERGE if merge else tag,
        value,
        *marks,
        text=text,
        style=event.style,
        explicit=event.tag or "",
        merge=merge,
        failure=failure,
    )


# --- resolving plain scalars (resolve.go) ----------------------------------------------------

_RESOLVED = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE"), BOOL),
    **dict.fromkeys(("on", "On", "ON"), BOOL),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE"), BOOL),
    **dict.fromkeys(("off", "Off", "OFF"), BOOL),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), NULL),
    **dict.fromkeys((".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"), FLOAT),
    **dict.fromkeys(("+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"), FLOAT),
    "<<": MERGE,
}
TRUE_WORDS = frozenset(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"))
_RESOLVABLE = frozenset(("", STR, BOOL, INT, FLOAT, NULL, TIMESTAMP))
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2}))"
    r"|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?))?"
)


def short_tag(tag: str) -> str:
    return "!!" + tag[len(TAG_PREFIX) :] if tag.startswith(TAG_PREFIX) else tag


def resolve(tag: str, text: str) -> tuple[str, str | None]:
    """The tag yaml.v2 resolves `text` to under an explicit `tag` ("" for none), and the error
    it fails with when they disagree (only raised when the scalar is decoded)."""
    if tag not in _RESOLVABLE:
        return tag, None
    resolved = STR if tag == STR else _resolve_text(text, timestamps=tag in ("", TIMESTAMP))
    if tag in ("", STR, resolved) or (tag == FLOAT and resolved == INT):
        return (FLOAT if tag == FLOAT else resolved), None
    return resolved, f"yaml: cannot decode {short_tag(resolved)} `{text}` as a {short_tag(tag)}"


def _resolve_text(text: str, *, timestamps: bool) -> str:
    if text in _RESOLVED:
        return _RESOLVED[text]
    first = text[:1]
    if first == ".":
        return FLOAT if _DOT_FLOAT.fullmatch(text) else STR
    if not first or first not in "+-0123456789":
        return STR
    if timestamps and _is_timestamp(text):
        return TIMESTAMP
    plain = text.replace("_", "")
    if go_parse_int(plain, base=0) is not None or go_parse_uint(plain) is not None:
        return INT
    if _YAML_FLOAT.fullmatch(plain) and float(plain) not in (float("inf"), float("-inf")):
        return FLOAT
    return STR


def _is_timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(match[i]) for i in (1, 2, 3))
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        return False
    clock = [int(v) for v in match.groups()[3:] if v is not None]
    return not clock or (clock[0] < 24 and clock[1] < 60 and clock[2] < 60)


def _days_in(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


_PREFIXED_BASES = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def go_parse_int(text: str, *, base: int = 10) -> int | None:
    """strconv.ParseInt(text, base, 64) (base 10 or 0; underscores never), or None."""
    sign, digits = 1, text
    if digits[:1] in ("+", "-"):
        sign, digits = (-1 if digits[0] == "-" else 1), digits[1:]
    value = _go_digits(digits, base)
    if value is None:
        return None
    value *= sign
    return value if -(1 << 63) <= value < (1 << 63) else None


def go_parse_uint(text: str) -> int | None:
    """strconv.ParseUint(text, 0, 64), or None."""
    value = _go_digits(text, 0)
    return value if value is not None and value < (1 << 64) else None


def _go_digits(digits: str, base: int) -> int | None:
    if base == 0:
        base = _PREFIXED_BASES.get(digits[:2], 0)
        if base:
            digits = digits[2:]
        elif digits[:1] == "0" and len(digits) > 1:
            base, digits = 8, digits[1:]
        else:
            base = 10
    allowed = _DIGITS[:base]
    if not digits or not digits.isascii() or any(ch.lower() not in allowed for ch in digits):
        return None
    return int(digits, base)


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def decode_binary(text: str) -> str | None:
    """base64.StdEncoding.DecodeString (line breaks skipped) as a Go string, or None. Bytes
    that are not UTF-8 stay as lone surrogates, which the regexp reader refuses as Go does."""
    data = text.replace("\r", "").replace("\n", "")
    if not _BASE64.fullmatch(data):
        return None
    try:
        return base64.b64decode(data, validate=True).decode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError):
        return None


# --- errors ---------------------------------------------------------------------------------

# pyyaml's words for problems libyaml words otherwise (the common ones), by their start.
_PROBLEMS = (
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("found character", "found character that cannot start any token"),
    ("expected ',' or ']'", "did not find expected ',' or ']'"),
    ("expected ',' or '}'", "did not find expected ',' or '}'"),
    ("expected the node content", "did not find expected node content"),
    ("expected '<document start>'", "did not find expected <document start>"),
    ("found undefined tag handle", "found undefined tag handle"),
)
_BLOCK_END = {
    "while parsing a block mapping": "did not find expected key",
    "while parsing a block collection": "did not find expected '-' indicator",
}


def _message(exc: yaml.MarkedYAMLError) -> str:
    """yaml.v2's `yaml: line N: problem` (parser.fail in its decode.go)."""
    line = 0
    if exc.problem_mark is not None and exc.problem_mark.line:
        line = exc.problem_mark.line + (1 if isinstance(exc, ScannerError) else 0)
    elif exc.context_mark is not None and exc.context_mark.line:
        line = exc.context_mark.line
    where = f"line {line}: " if line else ""
    return f"yaml: {where}{_problem(exc)}"


def _problem(exc: yaml.MarkedYAMLError) -> str:
    problem = " ".join((exc.problem or "unknown problem parsing YAML content").split())
    if problem.startswith("expected <block end>"):
        return _BLOCK_END.get(exc.context or "", problem)
    for start, words in _PROBLEMS:
        if problem.startswith(start):
            return words
    return problem
