"""config.yml's text as gopkg.in/yaml.v2 reads it, where the registry harness cannot show it
(a directive or a byte order mark must open the file, which the harness's keys open).

The rest is proven on both registries in tests/registry/test_config_yaml_registry.py and
pinned through the section reader in test_goyaml.py.
"""

from __future__ import annotations

import pytest

from foreign_explorer.core.yamlv2 import (
    BOOL,
    INT,
    STR,
    YAMLv2Error,
    go_parse_int,
    read_document,
    resolve,
)


def _error(text: str) -> str:
    with pytest.raises(YAMLv2Error) as info:
        read_document(text)
    return info.value.message


def test_only_yaml_1_1_is_accepted_by_its_directive() -> None:
    assert read_document("%YAML 1.1\n---\na: 1\n") is not None
    assert _error("%YAML 1.2\n---\na: 1\n") == "yaml: found incompatible YAML document"


def test_an_unknown_directive_is_refused() -> None:
    assert _error("%FOO bar\n---\na: 1\n") == "yaml: found unknown directive name"


def test_directive_parts_may_be_separated_by_tabs() -> None:
    assert read_document("%YAML\t1.1\t# c\n%TAG\t!e!\ttag:e.org,2000:\n---\na: !e!x 1\n")


def test_a_byte_order_mark_may_open_the_text() -> None:
    root = read_document("\ufeffvalidation: {disabled: y}\n")
    assert root is not None and root.value[0][1].value[0][1].tag == BOOL


def test_an_error_on_the_first_line_has_no_line_number_as_in_yaml_v2() -> None:
    assert _error('a: "\\/"\n') == "yaml: found unknown escape character"


def test_control_characters_count_only_in_what_is_read() -> None:
    assert read_document("a: 1\n---\nb: \x01\n") is not None
    assert _error("a: 1\nb: \x01\n") == "yaml: control characters are not allowed"


def test_a_control_character_is_found_before_the_syntax_error_it_causes() -> None:
    # pyyaml takes NUL for the end of the text: the list would look unclosed.
    assert _error("a: 1\nb: [1, \x00, 2]\n") == "yaml: control characters are not allowed"


def test_an_anchor_defined_again_names_the_newer_node() -> None:
    root = read_document("a: &x 1\nb: &x 2\nc: *x\n")
    assert root is not None and root.value[2][1].value == "2"


@pytest.mark.parametrize(
    ("text", "tag"),
    [("y", BOOL), ("0o17", INT), ("1_000", INT), ("+12", INT), ("0x", STR), ("٣", STR)],
)
def test_plain_scalars_resolve_as_in_yaml_v2(text: str, tag: str) -> None:
    assert resolve("", text) == (tag, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("+1", 1), ("-0", 0), ("٣", None), ("1_0", None), ("9223372036854775808", None)],
)
def test_go_parse_int_reads_ascii_digits_with_an_optional_sign(text: str, value: int | None):
    assert go_parse_int(text) == value
