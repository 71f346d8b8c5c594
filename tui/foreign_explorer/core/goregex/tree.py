"""Go's parse tree, read-only, for tools that reason about what a pattern matches."""

from __future__ import annotations

from dataclasses import dataclass

from foreign_explorer.core.goregex.errors import (
    ERR_LARGE,
    EngineLimitError,
    GoRegexpError,
    _Limit,
    _limit_code,
    _ParseError,
)
from foreign_explorer.core.goregex.matcher import GoRegexp
from foreign_explorer.core.goregex.parser import _Parser
from foreign_explorer.core.goregex.syntax import (
    _ALTERNATE,
    _ANY_CHAR,
    _ANY_NOT_NL,
    _BOL,
    _BOT,
    _CAPTURE,
    _CHAR_CLASS,
    _CONCAT,
    _EMPTY,
    _EOL,
    _EOT,
    _FOLD,
    _LITERAL,
    _NO_MATCH,
    _NO_WORD_B,
    _PLUS,
    _QUEST,
    _REPEAT,
    _STAR,
    _WORD_B,
    _Node,
)
from foreign_explorer.core.profiles import GoVersion

_OP_NAMES = {
    _NO_MATCH: "no-match",
    _EMPTY: "empty",
    _LITERAL: "literal",
    _CHAR_CLASS: "class",
    _ANY_NOT_NL: "any-not-nl",
    _ANY_CHAR: "any",
    _BOL: "bol",
    _EOL: "eol",
    _BOT: "bot",
    _EOT: "eot",
    _WORD_B: "word-boundary",
    _NO_WORD_B: "no-word-boundary",
    _CAPTURE: "capture",
    _STAR: "star",
    _PLUS: "plus",
    _QUEST: "quest",
    _REPEAT: "repeat",
    _CONCAT: "concat",
    _ALTERNATE: "alternate",
}


@dataclass(frozen=True)
class SyntaxNode:
    """One node of Go's regexp/syntax tree after parsing (literals merged, alternations factored).

    `op` is Go's Op in words ("literal", "class", "concat", ...); `runes` holds a literal's
    code points (case-folded literals keep Go's smallest fold, `fold` is set) or a class's
    [lo, hi] pairs; `min`/`max` are a repeat's bounds (-1: no upper bound).
    """

    op: str
    runes: tuple[int, ...] = ()
    fold: bool = False
    subs: tuple[SyntaxNode, ...] = ()
    min: int = 0
    max: int = 0


def syntax_tree(pattern: str, go: GoVersion) -> SyntaxNode:
    """Go's parse tree of a pattern it accepts; raises GoRegexpError exactly where Go fails."""
    parser = _Parser(pattern, go)
    try:
        parser.parse()
    except _ParseError as err:
        raise GoRegexpError(err.code, err.expr, err.position, err.caret) from None
    except _Limit as err:
        raise GoRegexpError(_limit_code(err.kind, go), pattern, 0) from None
    except RecursionError:
        raise EngineLimitError(ERR_LARGE, pattern, 0) from None
    return _syntax_node(parser.stack[0])


def compiled_tree(regexp: GoRegexp) -> SyntaxNode:
    """Go's parse tree of a compiled pattern, from the parse its compilation made."""
    root = regexp._root
    if isinstance(root, _Node):
        return _syntax_node(root)
    return syntax_tree(regexp.pattern, regexp.go)


def _syntax_node(root: _Node) -> SyntaxNode:
    # Post-order without recursion: Go allows nesting 1000 deep.
    built: dict[int, SyntaxNode] = {}
    work: list[tuple[_Node, bool]] = [(root, False)]
    while work:
        node, ready = work.pop()
        if ready:
            built[id(node)] = SyntaxNode(
                op=_OP_NAMES.get(node.op, "empty"),
                runes=tuple(node.runes),
                fold=bool(node.flags & _FOLD),
                subs=tuple(built[id(sub)] for sub in node.subs),
                min=node.min,
                max=node.max,
            )
            continue
        work.append((node, True))
        work.extend((sub, False) for sub in node.subs if id(sub) not in built)
    return built[id(root)]
