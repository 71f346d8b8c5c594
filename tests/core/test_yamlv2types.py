"""yaml.v2's rules for a scalar going into a Go kind, time.ParseDuration, and the names Go's
reflect prints for distribution's types (the texts are proven on both registries in
tests/registry/test_config_types_registry.py)."""

from __future__ import annotations

import pytest

from foreign_explorer.core.yamlv2 import read_document
from foreign_explorer.core.yamlv2types import (
    BOOL_TYPE,
    CONFIGURATION_2_8,
    CONFIGURATION_3,
    DURATION,
    INT_TYPE,
    STRING,
    VERSIONED_2_8,
    GoType,
    parse_duration,
    scalar_fits,
)


def _fits(text: str, into: GoType) -> bool:
    node = read_document(f"x: {text}\n").value[0][1]
    return scalar_fits(node.tag, node.text, node.value, into)


@pytest.mark.parametrize(
    "text", ["5", "'5'", "1.5", "yes", "2001-12-14", "!!binary aGk=", "!foo x", "<<", ".nan"]
)
def test_any_scalar_that_is_not_null_goes_into_a_string(text):
    assert _fits(text, STRING)


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("yes", True),
        ("y", True),
        ("OFF", True),
        ("'true'", False),
        ("1", False),
        ("!!str true", False),
    ],
)
def test_only_a_resolved_bool_goes_into_a_bool(text, fits):
    assert _fits(text, BOOL_TYPE) is fits


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("5", True),
        ("0x10", True),
        ("0o17", True),
        ("-0b101", True),
        ("1_000", True),
        ("9223372036854775807", True),
        ("9223372036854775808", False),  # a uint64: past int64
        ("0xFFFFFFFFFFFFFFFF", False),
        ("1.9", True),  # truncated
        ("-.inf", True),  # Go's conversion gives math.MinInt64
        (".inf", False),
        (".nan", False),
        ("1e19", False),
        ("abc", False),
        ("'5'", False),  # a string is only parsed for a time.Duration
        ("2001-12-14", False),
        ("true", False),
    ],
)
def test_ints_and_floats_go_into_an_int_when_yaml_v2_can_set_them(text, fits):
    assert _fits(text, INT_TYPE) is fits


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("5", True),
        ("1.5", True),
        ("5s", True),
        ("'1h30m'", True),
        ("!!binary NXM=", True),
        ("-.inf", True),
        ("5x", False),
        ("'5'", False),
        ("true", False),
        ("2001-12-14", False),
    ],
)
def test_a_duration_takes_numbers_and_what_parse_duration_reads(text, fits):
    assert _fits(text, DURATION) is fits


@pytest.mark.parametrize(
    ("text", "nanoseconds"),
    [
        ("0", 0),
        ("-0", 0),
        ("5s", 5_000_000_000),
        ("+5s", 5_000_000_000),
        ("1.5h", 5_400_000_000_000),
        (".5s", 500_000_000),
        ("5.s", 5_000_000_000),
        ("1h1m1s", 3_661_000_000_000),
        ("1\u00b5s", 1_000),
        ("1\u03bcs", 1_000),
        ("9223372036854775807ns", 9223372036854775807),
        ("-9223372036854775808ns", -9223372036854775808),
        ("9223372036854775808ns", None),
        ("3000000h", None),
        ("", None),
        ("5", None),
        ("s", None),
        (".s", None),
        ("5x", None),
        ("1.0000000000000000000001s", 1_000_000_000),
    ],
)
def test_parse_duration_reads_what_go_reads(text, nanoseconds):
    assert parse_duration(text) == nanoseconds


def test_named_types_print_with_their_package():
    assert CONFIGURATION_2_8.field_type("http", "headers").name == "http.Header"
    assert CONFIGURATION_3.field_type("notifications").name == "configuration.Notifications"
    assert CONFIGURATION_3.field_type("log", "fields").name == "map[string]interface {}"
    assert CONFIGURATION_3.field_type("middleware").name == "map[string][]configuration.Middleware"
    assert CONFIGURATION_3.field_type("proxy", "ttl") is DURATION  # *time.Duration: its element


def test_anonymous_structs_print_as_their_literal_with_quoted_tags():
    schema1 = CONFIGURATION_2_8.field_type("compatibility")
    assert schema1 is not None
    assert schema1.name == (
        'struct { Schema1 struct { TrustKey string "yaml:\\"signingkeyfile,omitempty\\""; '
        'Enabled bool "yaml:\\"enabled,omitempty\\"" } "yaml:\\"schema1,omitempty\\"" }'
    )
    assert VERSIONED_2_8.name == "struct { Version configuration.Version }"
    assert CONFIGURATION_3.field_type("validation").name == "configuration.Validation"


def test_an_inline_struct_lends_its_fields_to_the_outer_one():
    assert CONFIGURATION_3.field_type("redis", "db") is INT_TYPE
    assert CONFIGURATION_3.field_type("redis", "options") is None
    assert CONFIGURATION_2_8.field_type("redis", "pool", "idletimeout") is DURATION
