"""Go's regexp (regexp.Compile, syntax.Perl) on RE2: Go's own compile errors, Go's match results.

The registry compiles every allow/deny pattern with Go's regexp.Compile and matches with
MatchString. This module answers both questions the way a given Go version would:

* compile_go() walks the pattern the way Go's regexp/syntax parser does and raises the first
  error Go would raise, word for word. Go's size and nesting limits are judged on the shape of
  Go's parse tree (literal merging, alternation factoring, ...), so the parser keeps a model of
  that tree and of Go's node allocation, because those limits depend on both.
* Matching runs on google-re2. The pattern RE2 sees is re-spelled from the parsed tokens so that
  every construct means in RE2 exactly what it meant to Go: every flag is spelled out on the atom
  it governs, literals are hex escapes, groups never capture, and the Unicode class names that
  only newer Go accepts are mapped to what RE2 knows.

Offsets are Python character offsets. Known approximations: RE2's Unicode tables (15.0) stand in
for Go's (13.0 before Go 1.21), so \\p classes and case folding can differ on characters Unicode
added since; and the tree model takes \\p tables from RE2 and case-folding orbits from Python,
which can only move the exact point where Go's size limits trigger on huge patterns.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import re2

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.profiles import DEFAULT_PROFILE, GoVersion

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

# Go versions where the parser's behaviour changes.
_GO_NAMED_ANGLE = (1, 22, 0)  # (?<name>...) accepted
_GO_UNICODE_15 = (1, 21, 0)  # unicode tables move from Unicode 13 to 15
_GO_PROPERTY_ALIASES = (1, 25, 0)  # \p{Letter}, \p{greek}, Any/ASCII/Assigned/Cn/LC
_GO_SIZE_LIMITS = (1, 19, 2)  # CVE-2022-41715: size and rune limits
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


# ---------------------------------------------------------------------------------------------
# Unicode names Go knows.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SCRIPTS_UNICODE_13 = _words(
    "Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak "
    "Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian "
    "Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot "
    "Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan "
    "Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi "
    "Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic Inherited "
    "Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kayah_Li "
    "Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A "
    "Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen "
    "Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs "
    "Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari New_Tai_Lue Newa Nko Nushu "
    "Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian "
    "Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Oriya Osage Osmanya "
    "Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic "
    "Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng "
    "Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri "
    "Tamil Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Ugaritic Vai Wancho Warang_Citi "
    "Yezidi Yi Zanabazar_Square"
)
# Unicode 14 and 15 additions (Go 1.21+).
_SCRIPTS_UNICODE_15 = _SCRIPTS_UNICODE_13 | _words(
    "Cypro_Minoan Old_Uyghur Tangsa Toto Vithkuqi Kawi Nag_Mundari"
)
_CATEGORIES = _words(
    "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps "
    "S Sc Sk Sm So Z Zl Zp Zs"
)
# Go 1.25's unicode.CategoryAliases (Unicode PropertyValueAliases for gc).
_CATEGORY_ALIASES = {
    "Other": "C",
    "Control": "Cc",
    "cntrl": "Cc",
    "Format": "Cf",
    "Unassigned": "Cn",
    "Private_Use": "Co",
    "Surrogate": "Cs",
    "Letter": "L",
    "Cased_Letter": "LC",
    "Lowercase_Letter": "Ll",
    "Modifier_Letter": "Lm",
    "Other_Letter": "Lo",
    "Titlecase_Letter": "Lt",
    "Uppercase_Letter": "Lu",
    "Mark": "M",
    "Combining_Mark": "M",
    "Spacing_Mark": "Mc",
    "Enclosing_Mark": "Me",
    "Nonspacing_Mark": "Mn",
    "Number": "N",
    "Decimal_Number": "Nd",
    "digit": "Nd",
    "Letter_Number": "Nl",
    "Other_Number": "No",
    "Punctuation": "P",
    "punct": "P",
    "Connector_Punctuation": "Pc",
    "Dash_Punctuation": "Pd",
    "Close_Punctuation": "Pe",
    "Final_Punctuation": "Pf",
    "Initial_Punctuation": "Pi",
    "Other_Punctuation": "Po",
    "Open_Punctuation": "Ps",
    "Symbol": "S",
    "Currency_Symbol": "Sc",
    "Modifier_Symbol": "Sk",
    "Math_Symbol": "Sm",
    "Other_Symbol": "So",
    "Separator": "Z",
    "Line_Separator": "Zl",
    "Paragraph_Separator": "Zp",
    "Space_Separator": "Zs",
}

_MAX_RUNE = 0x10FFFF
_ASSIGNED = r"\pL\pM\pN\pP\pS\pZ\pC"


@dataclass(frozen=True)
class _UTable:
    """A \\p table as RE2 class items: pos matches the table, neg its complement.

    None means "the complement of the other side", spelled out as explicit ranges.
    """

    pos: str | None
    neg: str | None


def _canonical_name(name: str) -> str:
    """Go 1.25's lookup key: drop ' ', '_', '-'; first letter upper, the rest lower."""
    out = []
    first = True
    for ch in name:
        if ch in " _-":
            continue
        if first:
            out.append(ch.upper() if "a" <= ch <= "z" else ch)
            first = False
        else:
            out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


def _simple_table(name: str) -> _UTable:
    return _UTable(pos=rf"\p{{{name}}}", neg=rf"\P{{{name}}}")


_ANY = _UTable(pos=r"\x{0}-\x{10FFFF}", neg="")
_ASCII = _UTable(pos=r"\x{0}-\x{7F}", neg=None)
_LC = _UTable(pos=r"\p{Lu}\p{Ll}\p{Lt}", neg=None)
_CN = _UTable(pos=None, neg=_ASSIGNED)
_ASSIGNED_TABLE = _UTable(pos=_ASSIGNED, neg=None)


@lru_cache(maxsize=1)  # built on first use: only Go >= 1.25 looks names up this way
def _canonical_lookup() -> dict[str, _UTable]:
    table: dict[str, _UTable] = {}
    for name in _SCRIPTS_UNICODE_15:
        table[_canonical_name(name)] = _simple_table(name)
    for alias, actual in _CATEGORY_ALIASES.items():
        table[_canonical_name(alias)] = _category_table(actual)
    for name in _CATEGORIES:
        table[_canonical_name(name)] = _simple_table(name)
    table.update(Any=_ANY, Assigned=_ASSIGNED_TABLE, Ascii=_ASCII, Lc=_LC, Cn=_CN)
    return table


def _category_table(name: str) -> _UTable:
    if name == "LC":
        return _LC
    if name == "Cn":
        return _CN
    return _simple_table(name)


def _unicode_table(name: str, go: GoVersion) -> _UTable | None:
    """The table Go's \\p{name} names in that Go version, or None when Go rejects the name."""
    if go >= _GO_PROPERTY_ALIASES:
        return _canonical_lookup().get(_canonical_name(name))
    if name == "Any":
        return _ANY
    if name in _CATEGORIES:
        return _simple_table(name)
    scripts = _SCRIPTS_UNICODE_15 if go >= _GO_UNICODE_15 else _SCRIPTS_UNICODE_13
    if name in scripts:
        return _simple_table(name)
    return None


# ---------------------------------------------------------------------------------------------
# RE2 plumbing.

_RE2_MAX_MEM = 256 << 20  # Go accepts programs up to ~3.3M instructions; RE2's default is 8 MiB


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # RE2 would write parse errors to stderr (and garble a TUI)
    options.max_mem = _RE2_MAX_MEM
    return options


_OPTIONS = _re2_options()
_PROBE_LOCK = threading.Lock()
_probe_text: str | None = None
_probe_cache: dict[tuple[str, bool], tuple[int, ...]] = {}


def _all_code_points() -> str:
    """Every code point except surrogates, in order: RE2 tables are read off it."""
    global _probe_text
    if _probe_text is None:
        _probe_text = "".join(map(chr, range(0xD800))) + "".join(
            map(chr, range(0xE000, _MAX_RUNE + 1))
        )
    return _probe_text


def _probe(items: str, fold: bool) -> tuple[int, ...]:
    """The sorted, merged ranges (flat lo, hi pairs) RE2 matches with the class [items]."""
    key = (items, fold)
    with _PROBE_LOCK:
        cached = _probe_cache.get(key)
        if cached is not None:
            return cached
        if not items:
            result: tuple[int, ...] = ()
        else:
            pattern = f"(?i:[{items}])+" if fold else f"[{items}]+"
            rx = re2.compile(pattern, _OPTIONS)
            flat: list[int] = []
            for match in rx.finditer(_all_code_points()):
                lo, hi = match.span()
                lo = lo if lo < 0xD800 else lo + 0x800
                hi = (hi - 1) if hi - 1 < 0xD800 else hi - 1 + 0x800
                if flat and flat[-1] + 1 >= lo:
                    flat[-1] = hi
                else:
                    flat += [lo, hi]
            # Surrogates are never in the probe text: a class spanning them is joined here.
            result = tuple(_join_over_surrogates(flat))
        _probe_cache[key] = result
        return result


def _join_over_surrogates(flat: list[int]) -> list[int]:
    out: list[int] = []
    for i in range(0, len(flat), 2):
        lo, hi = flat[i], flat[i + 1]
        if out and out[-1] == 0xD7FF and lo == 0xE000:
            out[-1] = hi
        else:
            out += [lo, hi]
    return out


def _complement(flat: Sequence[int]) -> list[int]:
    out: list[int] = []
    next_lo = 0
    for i in range(0, len(flat), 2):
        lo, hi = flat[i], flat[i + 1]
        if next_lo <= lo - 1:
            out += [next_lo, lo - 1]
        next_lo = hi + 1
    if next_lo <= _MAX_RUNE:
        out += [next_lo, _MAX_RUNE]
    return out


def _hex(r: int) -> str:
    return f"\\x{{{r:X}}}"


def _ranges_items(flat: Sequence[int]) -> str:
    parts = []
    for i in range(0, len(flat), 2):
        lo, hi = flat[i], flat[i + 1]
        parts.append(_hex(lo) if lo == hi else f"{_hex(lo)}-{_hex(hi)}")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Case folding, for the tree model (Go's unicode.SimpleFold orbits).

_MIN_FOLD = 0x41
_MAX_FOLD = 0x1E943
_fold_next: dict[int, int] | None = None
_FOLD_LOCK = threading.Lock()


def _fold_key(ch: str) -> str:
    folded = ch.casefold()
    if len(folded) == 1:
        return folded
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def _fold_map() -> dict[int, int]:
    global _fold_next
    with _FOLD_LOCK:
        if _fold_next is None:
            orbits: dict[str, list[int]] = {}
            for cp in range(_MIN_FOLD, _MAX_FOLD + 1):
                if 0xD800 <= cp <= 0xDFFF:
                    continue
                orbits.setdefault(_fold_key(chr(cp)), []).append(cp)
            following: dict[int, int] = {}
            for members in orbits.values():
                if len(members) > 1:
                    for i, cp in enumerate(members):
                        following[cp] = members[(i + 1) % len(members)]
            _fold_next = following
        return _fold_next


def _simple_fold(r: int) -> int:
    if r < _MIN_FOLD or r > _MAX_FOLD:
        return r
    return _fold_map().get(r, r)


def _min_fold(r: int) -> int:
    best = r
    f = _simple_fold(r)
    while f != r:
        best = min(best, f)
        f = _simple_fold(f)
    return best


# ---------------------------------------------------------------------------------------------
# Character classes as flat rune lists (lo, hi, lo, hi, ...), the way Go builds them.


def _append_range(r: list[int], lo: int, hi: int) -> None:
    n = len(r)
    for i in (2, 4):  # Go folds into the last or next-to-last range when they touch
        if n >= i:
            rlo, rhi = r[n - i], r[n - i + 1]
            if lo <= rhi + 1 and rlo <= hi + 1:
                if lo < rlo:
                    r[n - i] = lo
                if hi > rhi:
                    r[n - i + 1] = hi
                return
    r += [lo, hi]


def _append_folded_range(r: list[int], lo: int, hi: int) -> None:
    if lo <= _MIN_FOLD and hi >= _MAX_FOLD:
        _append_range(r, lo, hi)
        return
    if hi < _MIN_FOLD or lo > _MAX_FOLD:
        _append_range(r, lo, hi)
        return
    if lo < _MIN_FOLD:
        _append_range(r, lo, _MIN_FOLD - 1)
        lo = _MIN_FOLD
    if hi > _MAX_FOLD:
        _append_range(r, _MAX_FOLD + 1, hi)
        hi = _MAX_FOLD
    for c in range(lo, hi + 1):
        _append_range(r, c, c)
        f = _simple_fold(c)
        while f != c:
            _append_range(r, f, f)
            f = _simple_fold(f)


def _append_class(r: list[int], x: Sequence[int]) -> None:
    if not r:
        r.extend(x)  # x is clean: appending range by range would give the same list
        return
    for i in range(0, len(x), 2):
        _append_range(r, x[i], x[i + 1])


def _append_negated_class(r: list[int], x: Sequence[int]) -> None:
    _append_class(r, _complement(x))


def _clean_class(r: list[int]) -> list[int]:
    pairs = sorted(((r[i], r[i + 1]) for i in range(0, len(r), 2)), key=lambda p: (p[0], -p[1]))
    out: list[int] = []
    for lo, hi in pairs:
        if out and lo <= out[-1] + 1:
            if hi > out[-1]:
                out[-1] = hi
            continue
        out += [lo, hi]
    return out


def _folded_clean(x: Sequence[int]) -> list[int]:
    tmp: list[int] = []
    for i in range(0, len(x), 2):
        _append_folded_range(tmp, x[i], x[i + 1])
    return _clean_class(tmp)


_PERL_GROUPS: dict[str, tuple[int, tuple[int, ...]]] = {
    r"\d": (1, (0x30, 0x39)),
    r"\D": (-1, (0x30, 0x39)),
    r"\s": (1, (0x9, 0xA, 0xC, 0xD, 0x20, 0x20)),
    r"\S": (-1, (0x9, 0xA, 0xC, 0xD, 0x20, 0x20)),
    r"\w": (1, (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A)),
    r"\W": (-1, (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A)),
}
_POSIX_CLASSES: dict[str, tuple[int, ...]] = {
    "alnum": (0x30, 0x39, 0x41, 0x5A, 0x61, 0x7A),
    "alpha": (0x41, 0x5A, 0x61, 0x7A),
    "ascii": (0x0, 0x7F),
    "blank": (0x9, 0x9, 0x20, 0x20),
    "cntrl": (0x0, 0x1F, 0x7F, 0x7F),
    "digit": (0x30, 0x39),
    "graph": (0x21, 0x7E),
    "lower": (0x61, 0x7A),
    "print": (0x20, 0x7E),
    "punct": (0x21, 0x2F, 0x3A, 0x40, 0x5B, 0x60, 0x7B, 0x7E),
    "space": (0x9, 0xD, 0x20, 0x20),
    "upper": (0x41, 0x5A),
    "word": (0x30, 0x39, 0x41, 0x5A, 0x5F, 0x5F, 0x61, 0x7A),
    "xdigit": (0x30, 0x39, 0x41, 0x46, 0x61, 0x66),
}
_POSIX_GROUPS: dict[str, tuple[int, tuple[int, ...]]] = {}
for _name, _ranges in _POSIX_CLASSES.items():
    _POSIX_GROUPS[f"[:{_name}:]"] = (1, _ranges)
    _POSIX_GROUPS[f"[:^{_name}:]"] = (-1, _ranges)


# ---------------------------------------------------------------------------------------------
# The model of Go's parse tree.

# Go's Op values: their order matters (pseudo-ops sort last, "more complex" classes sort later).
_NO_MATCH, _EMPTY, _LITERAL, _CHAR_CLASS, _ANY_NOT_NL, _ANY_CHAR = 1, 2, 3, 4, 5, 6
_BOL, _EOL, _BOT, _EOT, _WORD_B, _NO_WORD_B = 7, 8, 9, 10, 11, 12
_CAPTURE, _STAR, _PLUS, _QUEST, _REPEAT, _CONCAT, _ALTERNATE = 13, 14, 15, 16, 17, 18, 19
_PSEUDO = 128
_LEFT_PAREN, _VERTICAL_BAR = 128, 129

# Go's parse flags (only the ones that matter here).
_FOLD, _CLASS_NL, _DOT_NL, _ONE_LINE, _NON_GREEDY, _PERL_X, _UNICODE = 1, 4, 8, 16, 32, 64, 128
_WAS_DOLLAR = 256
_PERL = _CLASS_NL | _ONE_LINE | _PERL_X | _UNICODE
_FLAG_MASK = 0xFFFF

_MAX_HEIGHT = 1000
_MAX_SIZE = (128 << 20) // 40
_MAX_RUNES = (128 << 20) // 4
_MAX_REPEAT = 1000


class _Node:
    """One Go Regexp node; recycled through a free list like Go's, since identity matters."""

    __slots__ = ("cap", "flags", "max", "min", "op", "runes", "subs")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.op = 0
        self.flags = 0
        self.runes: list[int] = []
        self.subs: list[_Node] = []
        self.min = 0
        self.max = 0
        self.cap = 0


def _is_char_class(re: _Node) -> bool:
    return (
        (re.op == _LITERAL and len(re.runes) == 1)
        or re.op == _CHAR_CLASS
        or re.op == _ANY_NOT_NL
        or re.op == _ANY_CHAR
    )


def _match_rune(re: _Node, r: int) -> bool:
    if re.op == _LITERAL:
        return len(re.runes) == 1 and re.runes[0] == r
    if re.op == _CHAR_CLASS:
        return any(re.runes[i] <= r <= re.runes[i + 1] for i in range(0, len(re.runes), 2))
    if re.op == _ANY_NOT_NL:
        return r != 0xA
    return re.op == _ANY_CHAR


def _equal(x: _Node | None, y: _Node | None) -> bool:
    """Go's Regexp.Equal, without recursion (trees may be ~1000 deep)."""
    work = [(x, y)]
    while work:
        a, b = work.pop()
        if a is None or b is None:
            if a is not b:
                return False
            continue
        if a.op != b.op:
            return False
        op = a.op
        if op == _EOT:
            if a.flags & _WAS_DOLLAR != b.flags & _WAS_DOLLAR:
                return False
        elif op in (_LITERAL, _CHAR_CLASS):
            if a.runes != b.runes:
                return False
        elif op in (_ALTERNATE, _CONCAT):
            if len(a.subs) != len(b.subs):
                return False
            work.extend(zip(a.subs, b.subs, strict=True))
        elif op in (_STAR, _PLUS, _QUEST):
            if a.flags & _NON_GREEDY != b.flags & _NON_GREEDY:
                return False
            work.append((a.subs[0], b.subs[0]))
        elif op == _REPEAT:
            if a.flags & _NON_GREEDY != b.flags & _NON_GREEDY or a.min != b.min or a.max != b.max:
                return False
            work.append((a.subs[0], b.subs[0]))
        elif op == _CAPTURE:
            if a.cap != b.cap:
                return False
            work.append((a.subs[0], b.subs[0]))
    return True


def _repeat_is_valid(re: _Node, n: int) -> bool:
    work = [(re, n)]
    while work:
        node, budget = work.pop()
        if node.op == _REPEAT:
            m = node.max
            if m == 0:
                continue
            if m < 0:
                m = node.min
            if m > budget:
                return False
            if m > 0:
                budget //= m
        work.extend((sub, budget) for sub in node.subs)
    return True


class _Limit(Exception):
    """Go's parser panicked with a limit error; the code is decided by the caller."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "size" or "nesting"


# ---------------------------------------------------------------------------------------------
# The RE2 spelling, built alongside the tree.


class _Emitter:
    """Builds the RE2 pattern: one frame per open group, atoms of the current branch."""

    def __init__(self) -> None:
        self.frames: list[tuple[list[str], list[str], list[bool]]] = [([], [], [])]

    def atom(self, text: str) -> None:
        _, atoms, repeated = self.frames[-1]
        atoms.append(text)
        repeated.append(False)

    def repeat(self, op: str) -> None:
        _, atoms, repeated = self.frames[-1]
        if not atoms:  # unreachable when Go accepted the operator; keep RE2 valid regardless
            atoms.append("(?:)")
            repeated.append(False)
        base = f"(?:{atoms[-1]})" if repeated[-1] else atoms[-1]
        atoms[-1] = base + op
        repeated[-1] = True

    def open(self) -> None:
        self.frames.append(([], [], []))

    def bar(self) -> None:
        alts, atoms, repeated = self.frames[-1]
        alts.append("".join(atoms))
        atoms.clear()
        repeated.clear()

    def close(self) -> None:
        alts, atoms, _ = self.frames.pop()
        self.atom("(?:" + "|".join([*alts, "".join(atoms)]) + ")")

    def result(self) -> str:
        alts, atoms, _ = self.frames[0]
        return "|".join([*alts, "".join(atoms)])


def _repeat_text(lo: int, hi: int) -> str:
    if lo == hi:
        return f"{{{lo}}}"
    return f"{{{lo},}}" if hi == -1 else f"{{{lo},{hi}}}"


def _literal_text(r: int, fold: bool) -> str:
    text = chr(r) if r < 0x80 and chr(r).isalnum() else _hex(r)
    if fold and not (r < 0x80 and not chr(r).isalpha()):
        return f"(?i:{text})"
    return text


# ---------------------------------------------------------------------------------------------
# The parser.


class _ParseError(Exception):
    def __init__(self, code: str, expr: str, position: int | None, caret: int | None = None):
        super().__init__(code)
        self.code = code
        self.expr = expr
        self.position = position
        self.caret = caret


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _is_alnum(ch: str) -> bool:
    return "0" <= ch <= "9" or "A" <= ch <= "Z" or "a" <= ch <= "z"


def _unhex(ch: str) -> int:
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "a" <= ch <= "f":
        return ord(ch) - 87
    if "A" <= ch <= "F":
        return ord(ch) - 55
    return -1


_C_ESCAPES = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}


class _Parser:
    def __init__(self, pattern: str, go: GoVersion) -> None:
        self.p = pattern
        self.n = len(pattern)
        self.go = go
        self.limits = go >= _GO_SIZE_LIMITS
        self.flags = _PERL
        self.stack: list[_Node] = []
        self.free: list[_Node] = []
        self.num_cap = 0
        self.num_regexp = 0
        self.num_runes = 0
        self.repeats = 0
        self.size: dict[_Node, int] | None = None
        self.height: dict[_Node, int] | None = None
        self.out = _Emitter()
        self.open_parens: list[int] = []

    # -- errors ----------------------------------------------------------------------------

    def _fail(self, code: str, start: int, end: int | None = None) -> _ParseError:
        expr = self.p[start:] if end is None else self.p[start:end]
        return _ParseError(code, expr, start)

    def _next_rune(self, i: int, end: int | None = None) -> str:
        ch = self.p[i]
        if _is_surrogate(ch):
            raise self._fail(ERR_UTF8, i, end)
        return ch

    def _check_utf8(self, start: int, end: int) -> None:
        for k in range(start, end):
            if _is_surrogate(self.p[k]):
                raise self._fail(ERR_UTF8, k, end)

    # -- node allocation and limits ---------------------------------------------------------

    def _new(self, op: int) -> _Node:
        if self.free:
            re = self.free.pop()
            re.reset()
        else:
            re = _Node()
            self.num_regexp += 1
        re.op = op
        return re

    def _reuse(self, re: _Node) -> None:
        if self.height is not None:
            self.height.pop(re, None)
        self.free.append(re)

    def _check_limits(self, re: _Node) -> None:
        if self.limits:
            if self.num_runes > _MAX_RUNES:
                raise _Limit("size")
            self._check_size(re)
        self._check_height(re)

    def _check_size(self, re: _Node) -> None:
        if self.size is None:
            if self.repeats == 0:
                self.repeats = 1
            if re.op == _REPEAT:
                n = re.max
                if n == -1:
                    n = re.min
                if n <= 0:
                    n = 1
                if n > _MAX_SIZE // self.repeats:
                    self.repeats = _MAX_SIZE
                else:
                    self.repeats *= n
            if self.num_regexp < _MAX_SIZE // self.repeats:
                return
            self.size = {}
            for item in list(self.stack):
                self._check_size(item)
        if self._calc_size(re) > _MAX_SIZE:
            raise _Limit("size")

    def _calc_size(self, top: _Node) -> int:
        """Go's calcSize(top, force=true): children come from the (possibly stale) cache."""
        cache = self.size
        assert cache is not None
        order: list[_Node] = []
        work = [top]
        seen: set[int] = set()
        while work:
            node = work.pop()
            order.append(node)
            for sub in node.subs:
                if sub not in cache and id(sub) not in seen:
                    seen.add(id(sub))
                    work.append(sub)
        for node in reversed(order):
            if node is not top and node in cache:
                continue
            cache[node] = max(1, self._node_size(node, cache))
        return cache[top]

    @staticmethod
    def _node_size(re: _Node, cache: dict[_Node, int]) -> int:
        op = re.op
        if op == _LITERAL:
            return len(re.runes)
        if op in (_CAPTURE, _STAR):
            return 2 + cache[re.subs[0]]
        if op in (_PLUS, _QUEST):
            return 1 + cache[re.subs[0]]
        if op == _CONCAT:
            return sum(cache[sub] for sub in re.subs)
        if op == _ALTERNATE:
            total = sum(cache[sub] for sub in re.subs)
            return total + len(re.subs) - 1 if len(re.subs) > 1 else total
        if op == _REPEAT:
            sub = cache[re.subs[0]]
            if re.max == -1:
                return 2 + sub if re.min == 0 else 1 + re.min * sub
            return re.max * sub + (re.max - re.min)
        return 0

    def _check_height(self, re: _Node) -> None:
        if self.num_regexp < _MAX_HEIGHT:
            return
        if self.height is None:
            self.height = {}
            for item in list(self.stack):
                self._check_height(item)
        if self._calc_height(re) > _MAX_HEIGHT:
            raise _Limit("nesting")

    def _calc_height(self, top: _Node) -> int:
        cache = self.height
        assert cache is not None
        order: list[_Node] = []
        work = [top]
        seen: set[int] = set()
        while work:
            node = work.pop()
            order.append(node)
            for sub in node.subs:
                if sub not in cache and id(sub) not in seen:
                    seen.add(id(sub))
                    work.append(sub)
        for node in reversed(order):
            if node is not top and node in cache:
                continue
            cache[node] = 1 + max((cache[sub] for sub in node.subs), default=0)
        return cache[top]

    # -- stack manipulation -----------------------------------------------------------------

    def _push(self, re: _Node) -> _Node | None:
        self.num_runes += len(re.runes)
        runes = re.runes
        if re.op == _CHAR_CLASS and len(runes) == 2 and runes[0] == runes[1]:
            if self._maybe_concat(runes[0], self.flags & ~_FOLD):
                return None
            re.op = _LITERAL
            re.runes = runes[:1]
            re.flags = self.flags & ~_FOLD
        elif re.op == _CHAR_CLASS and (
            (
                len(runes) == 4
                and runes[0] == runes[1]
                and runes[2] == runes[3]
                and _simple_fold(runes[0]) == runes[2]
                and _simple_fold(runes[2]) == runes[0]
            )
            or (
                len(runes) == 2
                and runes[0] + 1 == runes[1]
                and _simple_fold(runes[0]) == runes[1]
                and _simple_fold(runes[1]) == runes[0]
            )
        ):
            if self._maybe_concat(runes[0], self.flags | _FOLD):
                return None
            re.op = _LITERAL
            re.runes = runes[:1]
            re.flags = self.flags | _FOLD
        else:
            self._maybe_concat(-1, 0)
        self.stack.append(re)
        self._check_limits(re)
        return re

    def _maybe_concat(self, r: int, flags: int) -> bool:
        if len(self.stack) < 2:
            return False
        re1, re2 = self.stack[-1], self.stack[-2]
        if re1.op != _LITERAL or re2.op != _LITERAL or re1.flags & _FOLD != re2.flags & _FOLD:
            return False
        re2.runes.extend(re1.runes)
        if r >= 0:
            re1.runes = [r]
            re1.flags = flags
            return True
        self.stack.pop()
        self._reuse(re1)
        return False

    def _literal(self, r: int) -> None:
        re = self._new(_LITERAL)
        re.flags = self.flags
        re.runes = [_min_fold(r) if self.flags & _FOLD else r]
        self._push(re)
        self.out.atom(_literal_text(r, bool(self.flags & _FOLD)))

    def _op(self, op: int) -> _Node | None:
        re = self._new(op)
        re.flags = self.flags
        return self._push(re)

    def _concat(self) -> None:
        self._maybe_concat(-1, 0)
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op < _PSEUDO:
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        if not subs:
            self._push(self._new(_EMPTY))
        else:
            self._push(self._collapse(subs, _CONCAT))

    def _alternate(self) -> None:
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op < _PSEUDO:
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        if subs:
            _clean_alt(subs[-1])
        if not subs:
            self._push(self._new(_NO_MATCH))
        else:
            self._push(self._collapse(subs, _ALTERNATE))

    def _collapse(self, subs: list[_Node], op: int) -> _Node:
        if len(subs) == 1:
            return subs[0]
        re = self._new(op)
        children: list[_Node] = []
        for sub in subs:
            if sub.op == op:
                children.extend(sub.subs)
                self._reuse(sub)
            else:
                children.append(sub)
        re.subs = children
        if op == _ALTERNATE:
            re.subs = self._factor(re.subs)
            if len(re.subs) == 1:
                old = re
                re = re.subs[0]
                self._reuse(old)
        return re

    def _factor(self, sub: list[_Node]) -> list[_Node]:
        if len(sub) < 2:
            return sub
        sub = self._factor_strings(sub)
        sub = self._factor_leading(sub)
        sub = self._factor_classes(sub)
        # Round 4: runs of empty matches become one.
        return [
            re
            for i, re in enumerate(sub)
            if not (i + 1 < len(sub) and re.op == _EMPTY and sub[i + 1].op == _EMPTY)
        ]

    def _factor_strings(self, sub: list[_Node]) -> list[_Node]:
        """Round 1: common literal prefixes, abc|abd -> ab(c|d)."""
        out: list[_Node] = []
        prefix: list[int] = []
        prefix_flags = 0
        start = 0
        for i in range(len(sub) + 1):
            istr: list[int] = []
            iflags = 0
            if i < len(sub):
                istr, iflags = _leading_string(sub[i])
                if iflags == prefix_flags:
                    same = 0
                    while same < len(prefix) and same < len(istr) and prefix[same] == istr[same]:
                        same += 1
                    if same > 0:
                        prefix = prefix[:same]
                        continue
            if i == start + 1:
                out.append(sub[start])
            elif i > start + 1:
                head = self._new(_LITERAL)
                head.flags = prefix_flags
                head.runes = list(prefix)
                for j in range(start, i):
                    sub[j] = self._remove_leading_string(sub[j], len(prefix))
                    self._check_limits(sub[j])
                suffix = self._collapse(sub[start:i], _ALTERNATE)
                re = self._new(_CONCAT)
                re.subs = [head, suffix]
                out.append(re)
            start = i
            prefix = list(istr)
            prefix_flags = iflags
        return out

    def _factor_leading(self, sub: list[_Node]) -> list[_Node]:
        """Round 2: a common leading class (or fixed repeat of one), [ab]c|[ab]d."""
        out: list[_Node] = []
        first: _Node | None = None
        start = 0
        for i in range(len(sub) + 1):
            ifirst: _Node | None = None
            if i < len(sub):
                ifirst = _leading_regexp(sub[i])
                if (
                    first is not None
                    and _equal(first, ifirst)
                    and (
                        _is_char_class(first)
                        or (
                            first.op == _REPEAT
                            and first.min == first.max
                            and _is_char_class(first.subs[0])
                        )
                    )
                ):
                    continue
            if i == start + 1:
                out.append(sub[start])
            elif i > start + 1:
                assert first is not None
                head = first
                for j in range(start, i):
                    sub[j] = self._remove_leading_regexp(sub[j], reuse=j != start)
                    self._check_limits(sub[j])
                suffix = self._collapse(sub[start:i], _ALTERNATE)
                re = self._new(_CONCAT)
                re.subs = [head, suffix]
                out.append(re)
            start = i
            first = ifirst
        return out

    def _factor_classes(self, sub: list[_Node]) -> list[_Node]:
        """Round 3: runs of single characters and classes merge into one class."""
        out: list[_Node] = []
        start = 0
        for i in range(len(sub) + 1):
            if i < len(sub) and _is_char_class(sub[i]):
                continue
            if i == start + 1:
                out.append(sub[start])
            elif i > start + 1:
                best = start
                for j in range(start + 1, i):
                    if sub[best].op < sub[j].op or (
                        sub[best].op == sub[j].op and len(sub[best].runes) < len(sub[j].runes)
                    ):
                        best = j
                sub[start], sub[best] = sub[best], sub[start]
                for j in range(start + 1, i):
                    _merge_char_class(sub[start], sub[j])
                    self._reuse(sub[j])
                _clean_alt(sub[start])
                out.append(sub[start])
            if i < len(sub):
                out.append(sub[i])
            start = i + 1
        return out

    def _remove_leading_string(self, re: _Node, n: int) -> _Node:
        if re.op == _CONCAT and re.subs:
            sub = self._remove_leading_string(re.subs[0], n)
            re.subs[0] = sub
            if sub.op == _EMPTY:
                self._reuse(sub)
                if len(re.subs) <= 1:
                    re.op = _EMPTY
                    re.subs = []
                elif len(re.subs) == 2:
                    old = re
                    re = re.subs[1]
                    self._reuse(old)
                else:
                    del re.subs[0]
            return re
        if re.op == _LITERAL:
            re.runes = re.runes[n:]
            if not re.runes:
                re.op = _EMPTY
        return re

    def _remove_leading_regexp(self, re: _Node, reuse: bool) -> _Node:
        if re.op == _CONCAT and re.subs:
            if reuse:
                self._reuse(re.subs[0])
            del re.subs[0]
            if not re.subs:
                re.op = _EMPTY
            elif len(re.subs) == 1:
                old = re
                re = re.subs[0]
                self._reuse(old)
            return re
        if reuse:
            self._reuse(re)
        return self._new(_EMPTY)

    def _swap_vertical_bar(self) -> bool:
        stack = self.stack
        n = len(stack)
        if (
            n >= 3
            and stack[n - 2].op == _VERTICAL_BAR
            and _is_char_class(stack[n - 1])
            and _is_char_class(stack[n - 3])
        ):
            re1, re3 = stack[n - 1], stack[n - 3]
            if re1.op > re3.op:
                re1, re3 = re3, re1
                stack[n - 3] = re3
            _merge_char_class(re3, re1)
            self._reuse(re1)
            stack.pop()
            return True
        if n >= 2 and stack[n - 2].op == _VERTICAL_BAR:
            if n >= 3:
                _clean_alt(stack[n - 3])
            stack[n - 2], stack[n - 1] = stack[n - 1], stack[n - 2]
            return True
        return False

    # -- the main loop ----------------------------------------------------------------------

    def parse(self) -> str:
        p, n = self.p, self.n
        i = 0
        last_repeat: int | None = None
        while i < n:
            repeat: int | None = None
            c = p[i]
            if c == "(":
                if i + 1 < n and p[i + 1] == "?":
                    i = self._perl_flags(i)
                else:
                    self.num_cap += 1
                    paren = self._op(_LEFT_PAREN)
                    assert paren is not None
                    paren.cap = self.num_cap
                    self._open(i)
                    i += 1
            elif c == "|":
                self._concat()
                if not self._swap_vertical_bar():
                    self._op(_VERTICAL_BAR)
                self.out.bar()
                i += 1
            elif c == ")":
                self._right_paren(i)
                i += 1
            elif c == "^":
                if self.flags & _ONE_LINE:
                    self._op(_BOT)
                    self.out.atom(r"\A")
                else:
                    self._op(_BOL)
                    self.out.atom("(?m:^)")
                i += 1
            elif c == "$":
                if self.flags & _ONE_LINE:
                    re = self._op(_EOT)
                    if re is not None:
                        re.flags |= _WAS_DOLLAR
                    self.out.atom(r"\z")
                else:
                    self._op(_EOL)
                    self.out.atom("(?m:$)")
                i += 1
            elif c == ".":
                if self.flags & _DOT_NL:
                    self._op(_ANY_CHAR)
                    self.out.atom("(?s:.)")
                else:
                    self._op(_ANY_NOT_NL)
                    self.out.atom("(?-s:.)")
                i += 1
            elif c == "[":
                i = self._class(i)
            elif c in "*+?":
                op = {"*": _STAR, "+": _PLUS, "?": _QUEST}[c]
                repeat = i
                i = self._repeat(op, 0, 0, i, i + 1, last_repeat, c)
            elif c == "{":
                parsed = self._parse_repeat(i)
                if parsed is None:
                    self._literal(ord("{"))
                    i += 1
                else:
                    lo, hi, after = parsed
                    if lo < 0 or lo > _MAX_REPEAT or hi > _MAX_REPEAT or (0 <= hi < lo):
                        raise self._fail(ERR_REPEAT_SIZE, i, after)
                    text = (
                        f"{{{lo}}}" if lo == hi else f"{{{lo},}}" if hi == -1 else f"{{{lo},{hi}}}"
                    )
                    repeat = i
                    i = self._repeat(_REPEAT, lo, hi, i, after, last_repeat, text)
            elif c == "\\":
                i = self._backslash(i)
            else:
                ch = self._next_rune(i)
                self._literal(ord(ch))
                i += 1
            last_repeat = repeat

        self._concat()
        if self._swap_vertical_bar():
            self.stack.pop()
        self._alternate()
        if len(self.stack) != 1:
            caret = self.open_parens[-1] if self.open_parens else None
            raise _ParseError(ERR_MISSING_PAREN, p, 0, caret)
        return self.out.result()

    def _open(self, at: int) -> None:
        self.open_parens.append(at)
        self.out.open()

    def _right_paren(self, at: int) -> None:
        self._concat()
        if self._swap_vertical_bar():
            self.stack.pop()
        self._alternate()
        stack = self.stack
        if len(stack) < 2:
            raise _ParseError(ERR_UNEXPECTED_PAREN, self.p, 0, at)
        re1 = stack.pop()
        re2 = stack.pop()
        if re2.op != _LEFT_PAREN:
            raise _ParseError(ERR_UNEXPECTED_PAREN, self.p, 0, at)
        self.flags = re2.flags
        if re2.cap == 0:
            self._push(re1)
        else:
            re2.op = _CAPTURE
            re2.subs = [re1]
            self._push(re2)
        self.open_parens.pop()
        self.out.close()

    def _repeat(
        self,
        op: int,
        lo: int,
        hi: int,
        before: int,
        after: int,
        last_repeat: int | None,
        text: str,
    ) -> int:
        flags = self.flags
        if after < self.n and self.p[after] == "?":
            after += 1
            flags ^= _NON_GREEDY
        if last_repeat is not None:
            raise self._fail(ERR_REPEAT_OP, last_repeat, after)
        if not self.stack or self.stack[-1].op >= _PSEUDO:
            raise self._fail(ERR_MISSING_REPEAT_ARG, before, after)
        sub = self.stack[-1]
        re = self._new(op)
        re.min, re.max, re.flags = lo, hi, flags
        re.subs = [sub]
        self.stack[-1] = re
        self._check_limits(re)
        if op == _REPEAT and (lo >= 2 or hi >= 2) and not _repeat_is_valid(re, _MAX_REPEAT):
            raise self._fail(ERR_REPEAT_SIZE, before, after)
        self.out.repeat(text + ("?" if flags & _NON_GREEDY else ""))
        return after

    def _parse_int(self, j: int) -> tuple[int, int] | None:
        p, n = self.p, self.n
        if j >= n or not _is_digit(p[j]):
            return None
        if j + 1 < n and p[j] == "0" and _is_digit(p[j + 1]):
            return None  # Go disallows leading zeros: such a brace is a literal
        start = j
        while j < n and _is_digit(p[j]):
            j += 1
        value = 0
        for k in range(start, j):
            if value >= 100_000_000:
                value = -1
                break
            value = value * 10 + ord(p[k]) - 48
        return value, j

    def _parse_repeat(self, i: int) -> tuple[int, int, int] | None:
        p, n = self.p, self.n
        got = self._parse_int(i + 1)
        if got is None:
            return None
        lo, j = got
        if j >= n:
            return None
        if p[j] != ",":
            hi = lo
        else:
            j += 1
            if j >= n:
                return None
            if p[j] == "}":
                hi = -1
            else:
                got = self._parse_int(j)
                if got is None:
                    return None
                hi, j = got
                if hi < 0:
                    lo = -1
        if j >= n or p[j] != "}":
            return None
        return lo, hi, j + 1

    def _perl_flags(self, i: int) -> int:
        p, n = self.p, self.n
        starts_p = n - i > 4 and p[i + 2] == "P" and p[i + 3] == "<"
        starts_angle = self.go >= _GO_NAMED_ANGLE and n - i > 3 and p[i + 2] == "<"
        if starts_p or starts_angle:
            name_start = i + (4 if starts_p else 3)
            end = p.find(">", i)
            if end < 0:
                self._check_utf8(i, n)
                raise self._fail(ERR_NAMED_CAPTURE, i)
            self._check_utf8(name_start, end)
            name = p[name_start:end]
            if not name or not all(ch == "_" or _is_alnum(ch) for ch in name):
                raise self._fail(ERR_NAMED_CAPTURE, i, end + 1)
            self.num_cap += 1
            paren = self._op(_LEFT_PAREN)
            assert paren is not None
            paren.cap = self.num_cap
            self._open(i)
            return end + 1

        t = i + 2
        flags = self.flags
        sign = 1
        saw_flag = False
        while t < n:
            c = self._next_rune(t)
            t += 1
            if c == "i":
                flags |= _FOLD
                saw_flag = True
            elif c == "m":
                flags &= ~_ONE_LINE & _FLAG_MASK
                saw_flag = True
            elif c == "s":
                flags |= _DOT_NL
                saw_flag = True
            elif c == "U":
                flags |= _NON_GREEDY
                saw_flag = True
            elif c == "-":
                if sign < 0:
                    break
                sign = -1
                flags ^= _FLAG_MASK  # invert, so the flag letters above clear instead of set
                saw_flag = False
            elif c in ":)":
                if sign < 0:
                    if not saw_flag:
                        break
                    flags ^= _FLAG_MASK
                if c == ":":
                    self._op(_LEFT_PAREN)
                    self._open(i)
                self.flags = flags
                return t
            else:
                break
        raise self._fail(ERR_PERL_OP, i, t)

    # -- escapes -----------------------------------------------------------------------------

    def _backslash(self, i: int) -> int:
        p, n = self.p, self.n
        if i + 1 < n:
            c = p[i + 1]
            simple = {"A": (_BOT, r"\A"), "b": (_WORD_B, r"\b"), "B": (_NO_WORD_B, r"\B")}
            if c in simple:
                op, text = simple[c]
                self._op(op)
                self.out.atom(text)
                return i + 2
            if c == "z":
                self._op(_EOT)
                self.out.atom(r"\z")
                return i + 2
            if c == "C":
                raise self._fail(ERR_ESCAPE, i, i + 2)
            if c == "Q":
                end = p.find(r"\E", i + 2)
                stop = n if end < 0 else end
                for k in range(i + 2, stop):
                    ch = self._next_rune(k, stop)
                    self._literal(ord(ch))
                return n if end < 0 else end + 2

        re = self._new(_CHAR_CLASS)
        re.flags = self.flags
        if i + 1 < n and p[i + 1] in "pP":
            runes, items, after = self._unicode_class(i)
            re.runes = runes
            self._push(re)
            self._emit_class(items, negated=False)
            return after
        group = _PERL_GROUPS.get(p[i : i + 2])
        if group is not None:
            re.runes = self._group_runes(group)
            self._push(re)
            self._emit_class(p[i : i + 2], negated=False)
            return i + 2
        self._reuse(re)
        r, after = self._escape(i)
        self._literal(r)
        return after

    def _escape(self, i: int) -> tuple[int, int]:
        """One escaped character (Go's parseEscape); i is at the backslash."""
        p, n = self.p, self.n
        t = i + 1
        if t >= n:
            raise _ParseError(ERR_TRAILING_BACKSLASH, "", i)
        c = self._next_rune(t)
        t += 1
        if c < "\x80" and not _is_alnum(c):
            return ord(c), t
        if c in "1234567" and (t >= n or not "0" <= p[t] <= "7"):
            raise self._fail(ERR_ESCAPE, i, t)  # a backreference
        if c in "01234567":
            r = ord(c) - 48
            for _ in range(2):
                if t >= n or not "0" <= p[t] <= "7":
                    break
                r = r * 8 + ord(p[t]) - 48
                t += 1
            return r, t
        if c == "x":
            return self._hex_escape(i, t)
        if c in _C_ESCAPES:
            return _C_ESCAPES[c], t
        raise self._fail(ERR_ESCAPE, i, t)

    def _hex_escape(self, i: int, t: int) -> tuple[int, int]:
        n = self.n
        if t >= n:
            raise self._fail(ERR_ESCAPE, i, t)
        c = self._next_rune(t)
        t += 1
        if c == "{":
            digits = 0
            r = 0
            while True:
                if t >= n:
                    raise self._fail(ERR_ESCAPE, i, t)
                c = self._next_rune(t)
                t += 1
                if c == "}":
                    break
                v = _unhex(c)
                if v < 0:
                    raise self._fail(ERR_ESCAPE, i, t)
                r = r * 16 + v
                if r > _MAX_RUNE:
                    raise self._fail(ERR_ESCAPE, i, t)
                digits += 1
            if digits == 0:
                raise self._fail(ERR_ESCAPE, i, t)
            return r, t
        x = _unhex(c)
        if t >= n:
            y = -1  # Go decodes an empty rest as RuneError without consuming anything
        else:
            y = _unhex(self._next_rune(t))
            t += 1
        if x < 0 or y < 0:
            raise self._fail(ERR_ESCAPE, i, t)
        return x * 16 + y, t

    # -- classes -----------------------------------------------------------------------------

    def _group_runes(self, group: tuple[int, tuple[int, ...]]) -> list[int]:
        sign, ranges = group
        base: Sequence[int] = ranges
        if self.flags & _FOLD:
            base = _folded_clean(ranges)
        out: list[int] = []
        if sign < 0:
            _append_negated_class(out, base)
        else:
            _append_class(out, base)
        return out

    def _unicode_class(self, i: int) -> tuple[list[int], str, int]:
        """\\pX, \\p{Name}, \\PX, \\P{Name} at i: (runes for the model, RE2 items, next index)."""
        p, n = self.p, self.n
        sign = -1 if p[i + 1] == "P" else 1
        t = i + 2
        if t < n:
            c = self._next_rune(t)
            t += 1
        else:
            c = "\ufffd"  # Go decodes an empty rest as RuneError
        if c != "{":
            seq_end = t
            name = p[i + 2 : t]
        else:
            end = p.find("}", i)
            if end < 0:
                self._check_utf8(i, n)
                raise self._fail(ERR_CHAR_RANGE, i)
            seq_end = end + 1
            t = end + 1
            name = p[i + 3 : end]
            self._check_utf8(i + 3, end)
        if name.startswith("^"):
            sign = -sign
            name = name[1:]
        table = _unicode_table(name, self.go)
        if table is None:
            raise self._fail(ERR_CHAR_RANGE, i, seq_end)
        fold = bool(self.flags & _FOLD)
        items = _table_items(table, fold, positive=sign > 0)
        members = _table_ranges(table, fold)
        runes: list[int] = []
        if sign > 0:
            _append_class(runes, members)
        else:
            _append_negated_class(runes, members)
        return runes, items, t

    def _class(self, i: int) -> int:
        p, n = self.p, self.n
        t = i + 1
        re = self._new(_CHAR_CLASS)
        re.flags = self.flags
        fold = bool(self.flags & _FOLD)
        negated = False
        if t < n and p[t] == "^":
            negated = True
            t += 1
        runes: list[int] = []
        items: list[str] = []
        first = True
        while t >= n or p[t] != "]" or first:
            first = False
            if n - t > 2 and p[t] == "[" and p[t + 1] == ":":
                end = p.find(":]", t + 2)
                if end >= 0:
                    name = p[t : end + 2]
                    group = _POSIX_GROUPS.get(name)
                    if group is None:
                        raise self._fail(ERR_CHAR_RANGE, t, end + 2)
                    runes += self._group_runes(group)
                    items.append(name)
                    t = end + 2
                    continue
            if n - t >= 2 and p[t] == "\\" and p[t + 1] in "pP":
                members, uitems, t = self._unicode_class(t)
                _append_class(runes, members)
                items.append(uitems)
                continue
            group = _PERL_GROUPS.get(p[t : t + 2]) if n - t >= 2 else None
            if group is not None:
                runes += self._group_runes(group)
                items.append(p[t : t + 2])
                t += 2
                continue
            start = t
            lo, t = self._class_char(t, i)
            hi = lo
            if n - t >= 2 and p[t] == "-" and p[t + 1] != "]":
                t += 1
                hi, t = self._class_char(t, i)
                if hi < lo:
                    raise self._fail(ERR_CHAR_RANGE, start, t)
            if fold:
                _append_folded_range(runes, lo, hi)
            else:
                _append_range(runes, lo, hi)
            items.append(_hex(lo) if lo == hi else f"{_hex(lo)}-{_hex(hi)}")
        t += 1
        runes = _clean_class(runes)
        if negated:
            runes = _complement(runes)
        re.runes = runes
        self._push(re)
        self._emit_class("".join(items), negated)
        return t

    def _class_char(self, t: int, class_start: int) -> tuple[int, int]:
        if t >= self.n:
            raise self._fail(ERR_MISSING_BRACKET, class_start)
        if self.p[t] == "\\":
            return self._escape(t)
        return ord(self._next_rune(t)), t + 1

    def _emit_class(self, items: str, negated: bool) -> None:
        if not items:  # an item set that is empty (\P{Any}): RE2 has no []
            items, negated = r"\x{0}-\x{10FFFF}", not negated
        text = f"[^{items}]" if negated else f"[{items}]"
        self.out.atom(f"(?i:{text})" if self.flags & _FOLD else text)


def _table_ranges(table: _UTable, fold: bool) -> Sequence[int]:
    if table.pos is not None:
        return _probe(table.pos, fold)
    assert table.neg is not None
    return _complement(_probe(table.neg, fold))


def _table_items(table: _UTable, fold: bool, positive: bool) -> str:
    wanted, other = (table.pos, table.neg) if positive else (table.neg, table.pos)
    if wanted is not None:
        return wanted
    assert other is not None
    # Go negates after folding; RE2 would fold our complement again, so spell it out folded.
    return _ranges_items(_complement(_probe(other, fold)))


def _leading_string(re: _Node) -> tuple[list[int], int]:
    if re.op == _CONCAT and re.subs:
        re = re.subs[0]
    if re.op != _LITERAL:
        return [], 0
    return re.runes, re.flags & _FOLD


def _leading_regexp(re: _Node) -> _Node | None:
    if re.op == _EMPTY:
        return None
    if re.op == _CONCAT and re.subs:
        sub = re.subs[0]
        return None if sub.op == _EMPTY else sub
    return re


def _clean_alt(re: _Node) -> None:
    if re.op == _CHAR_CLASS:
        re.runes = _clean_class(re.runes)
        if re.runes == [0, _MAX_RUNE]:
            re.runes = []
            re.op = _ANY_CHAR
        elif re.runes == [0, 9, 11, _MAX_RUNE]:
            re.runes = []
            re.op = _ANY_NOT_NL


def _append_literal(r: list[int], x: int, flags: int) -> None:
    if flags & _FOLD:
        _append_folded_range(r, x, x)
    else:
        _append_range(r, x, x)


def _merge_char_class(dst: _Node, src: _Node) -> None:
    if dst.op == _ANY_CHAR:
        return
    if dst.op == _ANY_NOT_NL:
        if _match_rune(src, 0xA):
            dst.op = _ANY_CHAR
        return
    if dst.op == _CHAR_CLASS:
        if src.op == _LITERAL:
            _append_literal(dst.runes, src.runes[0], src.flags)
        else:
            for k in range(0, len(src.runes), 2):  # src may be unclean here
                _append_range(dst.runes, src.runes[k], src.runes[k + 1])
        return
    if dst.op == _LITERAL:
        if src.runes[0] == dst.runes[0] and src.flags == dst.flags:
            return
        first = dst.runes[0]
        dst.op = _CHAR_CLASS
        dst.runes = []
        _append_literal(dst.runes, first, dst.flags)
        _append_literal(dst.runes, src.runes[0], src.flags)


# ---------------------------------------------------------------------------------------------
# Public API.


def _limit_code(kind: str, go: GoVersion) -> str:
    if kind == "nesting":
        return ERR_NESTING
    return ERR_LARGE if go >= _GO_ERR_LARGE else ERR_INTERNAL


def translate(pattern: str, go: GoVersion) -> str:
    """The RE2 spelling of a pattern Go accepts; raises GoRegexpError exactly where Go fails."""
    parser = _Parser(pattern, go)
    try:
        return parser.parse()
    except _ParseError as err:
        raise GoRegexpError(err.code, err.expr, err.position, err.caret) from None
    except _Limit as err:
        raise GoRegexpError(_limit_code(err.kind, go), pattern, 0) from None
    except RecursionError:
        raise EngineLimitError(ERR_LARGE, pattern, 0) from None


def _re2_compile(translated: str, pattern: str) -> re2._Regexp:
    try:
        return re2.compile(translated, _OPTIONS)
    except re2.error:
        raise EngineLimitError(ERR_LARGE, pattern, 0) from None


def _sanitize(text: str) -> str:
    # Lone surrogates cannot reach RE2; the manifest decoder turns them into U+FFFD anyway.
    if text.isascii():
        return text
    return "".join("\ufffd" if _is_surrogate(ch) else ch for ch in text)


@dataclass(frozen=True)
class GoRegexp:
    """A pattern Go's regexp.Compile accepted, matched with Go's semantics."""

    pattern: str
    go: GoVersion = DEFAULT_PROFILE.go
    translated: str = field(default="", compare=False, repr=False)
    _regex: re2._Regexp | None = field(default=None, compare=False, repr=False)

    def search(self, text: str) -> tuple[int, int] | None:
        """Go's FindStringIndex, in character offsets; None when MatchString is false."""
        regex = self._regex
        if regex is None:
            regex = _re2_compile(translate(self.pattern, self.go), self.pattern)
            object.__setattr__(self, "_regex", regex)
        match = regex.search(_sanitize(text))
        return None if match is None else match.span()

    def matches(self, text: str) -> bool:
        """Go's MatchString: an unanchored search."""
        return self.search(text) is not None


def compile_go(pattern: str, go: GoVersion) -> GoRegexp:
    """Go's regexp.Compile(pattern) as that Go version does it; raises GoRegexpError like Go."""
    return _compile_cached(pattern, tuple(go))


# A GoRegexp is immutable and a pure function of (pattern, Go version), so one compiled copy
# serves every policy naming it: the app recompiles the policy on each keystroke, with all
# but one pattern unchanged. Failures are not cached (lru_cache does not keep exceptions).
@lru_cache(maxsize=256)
def _compile_cached(pattern: str, go: GoVersion) -> GoRegexp:
    translated = translate(pattern, go)
    regex = _re2_compile(translated, pattern)
    return GoRegexp(pattern=pattern, go=go, translated=translated, _regex=regex)


# Beyond this much compiled program, RE2::Set's DFA may give up silently; search one by one.
_SET_PROGRAM_LIMIT = 20_000


class PatternSet:
    """All patterns of one list, for the per-keystroke path: one RE2 Set call per text."""

    def __init__(self, patterns: Sequence[GoRegexp]) -> None:
        self.patterns = tuple(patterns)
        self._set: re2.Set | None = None
        total = 0
        for pattern in self.patterns:
            regex = pattern._regex
            total += regex.programsize if regex is not None else _SET_PROGRAM_LIMIT
        if self.patterns and total < _SET_PROGRAM_LIMIT:
            rset = re2.Set.SearchSet(_OPTIONS)
            for pattern in self.patterns:
                rset.Add(pattern.translated or translate(pattern.pattern, pattern.go))
            rset.Compile()
            self._set = rset

    def matching(self, text: str) -> list[int]:
        """Indexes of every pattern that search-matches text (Go's MatchString)."""
        if self._set is None:
            return [i for i, pattern in enumerate(self.patterns) if pattern.matches(text)]
        found = self._set.Match(_sanitize(text))
        return sorted(found) if found else []

    def matching_bytes(self, data: bytes) -> list[int]:
        """matching() for text already encoded as UTF-8 (invalid bytes match as RE2 decides)."""
        if self._set is None:
            return self.matching(data.decode("utf-8", "replace"))
        found = self._set.Match(data)
        return sorted(found) if found else []

    def match_many(self, texts: Sequence[bytes]) -> list[Sequence[int] | None]:
        """For each UTF-8 text, the indexes of the patterns it matches (any order; None or empty).

        The batch form of matching_bytes() for the per-keystroke path: when the set exists
        this is one C-level loop over RE2::Set::Match, skipping the Python wrapper's
        per-call type dispatch (all it adds for bytes is turning [] into None).
        """
        if self._set is None:
            return [self.matching_bytes(data) for data in texts]
        raw = getattr(self._set, "_set", None)
        return list(map(raw.Match if raw is not None else self._set.Match, texts))


# ---------------------------------------------------------------------------------------------
# Go's parse tree, read-only, for tools that reason about what a pattern matches (the lint).

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
    root = parser.stack[0]
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
