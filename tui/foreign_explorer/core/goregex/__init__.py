"""Go's regexp (regexp.Compile, syntax.Perl) on RE2: Go's own compile errors, Go's match results.

The registry compiles every allow/deny pattern with Go's regexp.Compile and matches with
MatchString. This package answers both questions the way a given Go version would:

* compile_go() walks the pattern the way Go's regexp/syntax parser does and raises the first
  error Go would raise, word for word. Go's size and nesting limits are judged on the shape of
  Go's parse tree (literal merging, alternation factoring, ...), so the parser keeps a model of
  that tree and of Go's node allocation, because those limits depend on both.
* Matching runs on google-re2. The pattern RE2 sees is re-spelled from the parsed tokens so that
  every construct means in RE2 exactly what it meant to Go: every flag is spelled out on the atom
  it governs, groups never capture, and every class is spelled as the runes Go's tables give it.

Offsets are Python character offsets. RE2's Unicode tables are newer than any Go's the profiles
name, so no class reaches RE2 by name or under its case folding: \\p classes, `(?i)` literals and
folded classes are spelled rune range by rune range from the Go version's own tables (Unicode
13.0.0 before Go 1.21, 15.0.0 from then on; see unicode.py), which the tree model uses too.
"""

from foreign_explorer.core.goregex.errors import (
    ERR_CHAR_RANGE,
    ERR_ESCAPE,
    ERR_INTERNAL,
    ERR_LARGE,
    ERR_MISSING_BRACKET,
    ERR_MISSING_PAREN,
    ERR_MISSING_REPEAT_ARG,
    ERR_NAMED_CAPTURE,
    ERR_NESTING,
    ERR_PERL_OP,
    ERR_REPEAT_OP,
    ERR_REPEAT_SIZE,
    ERR_TRAILING_BACKSLASH,
    ERR_UNEXPECTED_PAREN,
    ERR_UTF8,
    EngineLimitError,
    GoRegexpError,
)
from foreign_explorer.core.goregex.matcher import GoRegexp, PatternSet, compile_go, translate
from foreign_explorer.core.goregex.tree import SyntaxNode, compiled_tree, syntax_tree

__all__ = [
    "ERR_CHAR_RANGE",
    "ERR_ESCAPE",
    "ERR_INTERNAL",
    "ERR_LARGE",
    "ERR_MISSING_BRACKET",
    "ERR_MISSING_PAREN",
    "ERR_MISSING_REPEAT_ARG",
    "ERR_NAMED_CAPTURE",
    "ERR_NESTING",
    "ERR_PERL_OP",
    "ERR_REPEAT_OP",
    "ERR_REPEAT_SIZE",
    "ERR_TRAILING_BACKSLASH",
    "ERR_UNEXPECTED_PAREN",
    "ERR_UTF8",
    "EngineLimitError",
    "GoRegexp",
    "GoRegexpError",
    "PatternSet",
    "SyntaxNode",
    "compile_go",
    "compiled_tree",
    "syntax_tree",
    "translate",
]
