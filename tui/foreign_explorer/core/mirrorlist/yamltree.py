"""YAML read the way each mirror tool's Go decoder reads it, on pyyaml's node tree.

Both tools decode into Go structs, so what matters is what a string field receives:

* skopeo uses gopkg.in/yaml.v3: a scalar keeps its text (`- 1.10` is the tag "1.10");
  null is ""; a key given twice is an error; merge keys (`<<`) never override explicit keys.
* regsync uses goccy/go-yaml v1.19: a plain scalar that is a YAML 1.2 number, boolean or
  null is converted, then printed back the Go way: `- 1.10` becomes "1.1", `- 3.0`
  becomes "3", `- 010` (octal) becomes "8", `- True` becomes "true". Quote such tags to
  keep them. A key given twice, or by a merge, keeps its last value.

pyyaml parses YAML 1.1; files that only a YAML 1.2 parser reads the same way (rare
spellings such as `0o17` keys) are read by pyyaml's rules.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from enum import Enum

import yaml

from foreign_explorer.core.mirrorlist.model import MirrorListError

_MERGE = "tag:yaml.org,2002:merge"
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_YAML12_TRUE = frozenset({"true", "True", "TRUE"})
_YAML12_FALSE = frozenset({"false", "False", "FALSE"})
_YAML11_BOOL = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_DIGITS = frozenset("0123456789")


class Decoder(Enum):
    YAML_V3 = "gopkg.in/yaml.v3"
    GOCCY = "goccy/go-yaml"


def compose(text: str) -> yaml.Node | None:
    """The node tree of the first document; MirrorListError with the line when not YAML."""
    try:
        # Both decoders read the first document of a stream and ignore the rest.
        return next(iter(yaml.compose_all(text, Loader=yaml.SafeLoader)), None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = " ".join(str(exc.problem or exc).split())
        raise MirrorListError(f"{where}not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise MirrorListError(f"not valid YAML: {' '.join(str(exc).split())}") from None


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def is_plain(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.style is None


def is_null(node: yaml.Node | None) -> bool:
    return node is None or (is_plain(node) and node.value in _NULL_WORDS)


def kind(node: yaml.Node) -> str:
    """How a user would name what they wrote, for error messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the value {node.value!r}"


# --- goccy/go-yaml's plain scalars: YAML 1.2 numbers, printed back by Go --------------------


def _parse_go_uint(text: str, base: int) -> int | None:
    digits = "0123456789abcdef"[:base]
    if not text or any(ch not in digits for ch in text.lower()):
        return None
    value = int(text, base)
    return value if value < 2**64 else None


def _go_float_syntax(text: str) -> bool:
    """Decimal float syntax Go's strconv.ParseFloat accepts (the text holds one '.')."""
    body = text[1:] if text[:1] in "+-" else text
    mantissa, _, exponent = body.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    if not (whole or fraction) or not set(whole + fraction) <= _DIGITS:
        return False
    if "e" in body.lower():
        exponent = exponent[1:] if exponent[:1] in "+-" else exponent
        return bool(exponent) and set(exponent) <= _DIGITS
    return True


def go_number(text: str) -> int | float | None:
    """goccy's token.ToNumber: the number a plain scalar is, or None when it is a string."""
    if not text or text.startswith("_") or text.count(".") > 1:
        return None
    negative = text.startswith("-")
    normalized = text.removeprefix("+").removeprefix("-").replace("_", "")
    base = 10
    if normalized.startswith(("0x", "0o", "0b")):
        base = {"x": 16, "o": 8, "b": 2}[normalized[1]]
        normalized = normalized[2:]
    elif normalized.startswith("0") and len(normalized) > 1 and "." not in text:
        base = 8
    elif "." in text:
        spelled = ("-" if negative else "") + normalized
        if not _go_float_syntax(spelled):
            return None
        value = float(spelled)
        return None if math.isinf(value) else value
    magnitude = _parse_go_uint(normalized, base)
    if magnitude is None or (negative and magnitude > 2**63):
        return None
    return -magnitude if negative else magnitude


def go_float_text(value: float) -> str:
    """fmt.Sprint(float64): Go's shortest %g, exponent form below 1e-4 and from 1e6."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digit_tuple, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # the decimal point sits after this many digits
    prefix = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        power = point - 1
        return f"{prefix}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return prefix + digits + "0" * (point - len(digits))
    return f"{prefix}{digits[:point]}.{digits[point:]}"


def _goccy_text(node: yaml.ScalarNode) -> str:
    value = node.value
    if node.style is not None:
        return value
    if value in _NULL_WORDS:
        return ""
    if value in _YAML12_TRUE or value in _YAML12_FALSE:
        return "true" if value in _YAML12_TRUE else "false"
    if value in (".inf", ".Inf", ".INF"):
        return "+Inf"
    if value in ("-.inf", "-.Inf", "-.INF"):
        return "-Inf"
    if value in (".nan", ".NaN", ".NAN"):
        return "NaN"
    number = go_number(value)
    if number is None:
        return value
    return go_float_text(number) if isinstance(number, float) else str(number)


# --- reading structs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StructReader:
    """Reads Go struct-like mappings the way one decoder does. `tool` names it in errors."""

    decoder: Decoder
    tool: str

    def fail(self, node: yaml.Node, message: str) -> MirrorListError:
        return MirrorListError(f"line {line_of(node)}: {message} ({self.tool} refuses this file)")

    def entries(self, node: yaml.Node | None, where: str) -> list[tuple[str, yaml.Node]]:
        """(key, value) pairs of a mapping as the decoder sees them; [] for null."""
        if is_null(node):
            return []
        assert node is not None
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{where} must be a mapping, not {kind(node)}")
        if self.decoder is Decoder.GOCCY:
            return self._entries_last_wins(node)
        return self._entries_explicit_first(node, where)

    def _entries_last_wins(self, node: yaml.MappingNode) -> list[tuple[str, yaml.Node]]:
        found: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if key.tag == _MERGE:
                for merged in _merge_sources(value):
                    for merged_key, merged_value in self._entries_last_wins(merged):
                        found.pop(merged_key, None)
                        found[merged_key] = merged_value
            elif isinstance(key, yaml.ScalarNode):
                found.pop(self.text(key), None)
                found[self.text(key)] = value
        return list(found.items())

    def _entries_explicit_first(
        self, node: yaml.MappingNode, where: str
    ) -> list[tuple[str, yaml.Node]]:
        found: dict[str, yaml.Node] = {}
        lines: dict[str, int] = {}
        merges: list[yaml.Node] = []
        for key, value in node.value:
            if key.tag == _MERGE:
                merges.append(value)
                continue
            if not isinstance(key, yaml.ScalarNode):
                continue
            text = self.text(key)
            if text in lines:
                raise self.fail(
                    key, f"{where}: key {text!r} is already defined at line {lines[text]}"
                )
            lines[text] = line_of(key)
            found[text] = value
        for merge in merges:
            for merged in _merge_sources(merge):
                for merged_key, merged_value in self._entries_explicit_first(merged, where):
                    found.setdefault(merged_key, merged_value)
        return list(found.items())

    def field(self, node: yaml.Node | None, key: str, where: str) -> yaml.Node | None:
        for name, value in self.entries(node, where):
            if name == key:
                return value
        return None

    def text(self, node: yaml.Node) -> str:
        """A scalar as a Go string field receives it."""
        assert isinstance(node, yaml.ScalarNode)
        if self.decoder is Decoder.GOCCY:
            return _goccy_text(node)
        return "" if is_null(node) else node.value

    def string(self, node: yaml.Node | None, where: str) -> str:
        if is_null(node):
            return ""
        assert node is not None
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{where} must be a string, not {kind(node)}")
        return self.text(node)

    def strings(self, node: yaml.Node | None, where: str) -> tuple[str, ...]:
        if is_null(node):
            return ()
        assert node is not None
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{where} must be a list, not {kind(node)}")
        return tuple(self.string(item, where) for item in node.value)

    def boolean(self, node: yaml.Node | None, where: str) -> bool | None:
        """A Go bool field: None when absent or null (left at its default)."""
        if is_null(node):
            return None
        assert node is not None
        if isinstance(node, yaml.ScalarNode):
            value = node.value
            plain = node.style is None
            if plain and (value in _YAML12_TRUE or value in _YAML12_FALSE):
                return value in _YAML12_TRUE
            # yaml.v3 accepts YAML 1.1 words, quoted or not, when decoding into a bool.
            if self.decoder is Decoder.YAML_V3 and value in _YAML11_BOOL:
                return _YAML11_BOOL[value]
        raise self.fail(node, f"{where} must be true or false, not {kind(node)}")

    def integer(self, node: yaml.Node | None, where: str) -> int | None:
        if is_null(node):
            return None
        assert node is not None
        if is_plain(node):
            number = go_number(node.value)
            if isinstance(number, int):
                return number
        raise self.fail(node, f"{where} must be a whole number, not {kind(node)}")


def _merge_sources(node: yaml.Node) -> list[yaml.MappingNode]:
    if isinstance(node, yaml.MappingNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [item for item in node.value if isinstance(item, yaml.MappingNode)]
    return []
