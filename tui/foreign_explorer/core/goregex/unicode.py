"""The Unicode class names Go knows, per Go version, as RE2 class items."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from foreign_explorer.core.profiles import GoVersion

# Go versions where the Unicode names change.
_GO_UNICODE_15 = (1, 21, 0)  # unicode tables move from Unicode 13 to 15
_GO_PROPERTY_ALIASES = (1, 25, 0)  # \p{Letter}, \p{greek}, Any/ASCII/Assigned/Cn/LC


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
