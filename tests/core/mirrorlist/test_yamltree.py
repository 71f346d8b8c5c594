"""What a Go string field receives from a YAML scalar, per decoder."""

from __future__ import annotations

import pytest
import yaml

from foreign_explorer.core.mirrorlist.yamltree import (
    Decoder,
    StructReader,
    go_float_text,
    go_number,
)

GOCCY = StructReader(Decoder.GOCCY, "regsync")
YAML_V3 = StructReader(Decoder.YAML_V3, "skopeo sync")


def scalar(text: str) -> yaml.Node:
    return yaml.compose(f"- {text}\n").value[0]


@pytest.mark.parametrize(
    ("written", "goccy", "yaml_v3"),
    [
        ("1.10", "1.1", "1.10"),
        ("3.0", "3", "3.0"),
        ("3.19", "3.19", "3.19"),
        ('"1.10"', "1.10", "1.10"),
        ("'3.0'", "3.0", "3.0"),
        ("010", "8", "010"),
        ("0x1F", "31", "0x1F"),
        ("1_000", "1000", "1_000"),
        ("08", "08", "08"),
        ("True", "true", "True"),
        ("yes", "yes", "yes"),
        ("~", "", ""),
        ("null", "", ""),
        (".inf", "+Inf", ".inf"),
        ("+.inf", "+.inf", "+.inf"),
        ("1.5e3", "1500", "1.5e3"),
        ("1e3", "1e3", "1e3"),
        ("1000000.0", "1e+06", "1000000.0"),
        ("latest", "latest", "latest"),
        ("v1.2", "v1.2", "v1.2"),
        ("1.2.3", "1.2.3", "1.2.3"),
    ],
)
def test_scalar_text_per_decoder(written, goccy, yaml_v3):
    node = scalar(written)
    assert (GOCCY.text(node), YAML_V3.text(node)) == (goccy, yaml_v3)


@pytest.mark.parametrize(
    ("value", "printed"),
    # What Go 1.19's fmt.Sprint prints for these float64 values.
    [
        (1.10, "1.1"),
        (3.0, "3"),
        (1000000.0, "1e+06"),
        (123456.0, "123456"),
        (1e20, "1e+20"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (1.5e3, "1500"),
        (12345678.9, "1.23456789e+07"),
    ],
)
def test_go_float_text_matches_fmt_sprint(value, printed):
    assert go_float_text(value) == printed


def test_go_number_refuses_what_goccy_keeps_as_strings():
    assert [go_number(t) for t in ("_1", "1.2.3", "1.5e999", "0b2", "")] == [None] * 5


def test_yaml_v3_bools_accept_yaml_1_1_words_but_not_quoted_true():
    assert YAML_V3.boolean(scalar("off"), "x") is False
    assert YAML_V3.boolean(scalar("'yes'"), "x") is True
    with pytest.raises(Exception, match="must be true or false"):
        YAML_V3.boolean(scalar("'true'"), "x")


def test_goccy_bools_are_yaml_1_2_only():
    assert GOCCY.boolean(scalar("TRUE"), "x") is True
    with pytest.raises(Exception, match="must be true or false"):
        GOCCY.boolean(scalar("yes"), "x")
