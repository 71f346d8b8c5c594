"""Go's regexp/syntax error codes and the exceptions that carry them."""

from __future__ import annotations

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.profiles import GoVersion

# Error codes, exactly as Go spells them (regexp/syntax ErrorCode).
ERR_INTERNAL = "regexp/syntax: internal error"
ERR_CHAR_RANGE = "invalid character class range"
ERR_ESCAPE = "invalid escape sequence"
ERR_NAMED_CAPTURE = "invalid named capture"
ERR_PERL_OP = "invalid or unsupported Perl syntax"
ERR_REPEAT_OP = "invalid nested repetition operator"
ERR_REPEAT_SIZE = "invalid repeat count"
ERR_UTF8 = "invalid UTF-8"
ERR_MISSING_BRACKET = "missing closing ]"
ERR_MISSING_PAREN = "missing closing )"
ERR_MISSING_REPEAT_ARG = "missing argument to repetition operator"
ERR_TRAILING_BACKSLASH = "trailing backslash at end of expression"
ERR_UNEXPECTED_PAREN = "unexpected )"
ERR_NESTING = "expression nests too deeply"
ERR_LARGE = "expression too large"


_GO_ERR_LARGE = (1, 20, 0)  # the size limit gets its own code; 1.19.x says "internal error"


class GoRegexpError(ForeignExplorerError):
    """regexp.Compile failed; .message is exactly Go's err.Error()."""

    def __init__(self, code: str, expr: str, position: int | None, caret: int | None = None):
        shown = _printable(expr)
        super().__init__(f"error parsing regexp: {code}: `{shown}`")
        self.code = code
        self.expr = expr
        # Where expr starts in the pattern (0 when Go names the whole pattern).
        self.position = position
        # The offending spot when Go names the whole pattern (an unmatched paren), else position.
        self.caret = position if caret is None else caret


class EngineLimitError(GoRegexpError):
    """Go accepts the pattern, but RE2 cannot run it within our memory budget."""


def _printable(text: str) -> str:
    # Lone surrogates cannot be printed; Go would show raw bytes there, we show U+FFFD.
    return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


class _Limit(Exception):
    """Go's parser panicked with a limit error; the code is decided by the caller."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "size" or "nesting"


class _ParseError(Exception):
    def __init__(self, code: str, expr: str, position: int | None, caret: int | None = None):
        super().__init__(code)
        self.code = code
        self.expr = expr
        self.position = position
        self.caret = caret


def _limit_code(kind: str, go: GoVersion) -> str:
    if kind == "nesting":
        return ERR_NESTING
    return ERR_LARGE if go >= _GO_ERR_LARGE else ERR_INTERNAL
