"""yaml.v2's decoding walk: its step counts and the errors that stop it.

The boundaries are proven on both registries (with their harness's keys in front) in
tests/registry/test_config_yaml_registry.py; here one is derived by hand.
"""

from __future__ import annotations

import pytest

from foreign_explorer.core.yamlv2 import read_document
from foreign_explorer.core.yamlv2decode import (
    CONFIGURATION_2_8,
    CONFIGURATION_3,
    DecodeFailure,
    check_config,
)


def _merged(count: int) -> str:
    return (
        "base: &b {" + ", ".join(f"k{n}: {n}" for n in range(count)) + "}\nvalidation: {<<: *b}\n"
    )


def _refuses(text: str, configuration=CONFIGURATION_2_8) -> bool:
    try:
        check_config(read_document(text), configuration)
    except DecodeFailure:
        return True
    return False


def test_merged_struct_keys_stop_yaml_v2_at_its_1001st_step() -> None:
    # Six steps of the document's own (the document, the top mapping, the keys `base` and
    # `validation`, validation's mapping, the alias), then one per step through the alias:
    # the mapping it names and each key (an unknown field: its value is never decoded).
    # After n keys: n + 7 steps, n + 1 aliased; past 1,000 steps and 100 aliased, 99% of
    # them aliased is the limit: step 1,001 (n = 994) has 995 aliased, 99.4%.
    assert not _refuses(_merged(993))
    assert _refuses(_merged(994))


def test_the_first_pass_decodes_the_top_level_keys_only() -> None:
    # `struct { Version }` first: a merge at the top is decoded there too, and counts.
    text = "base: &b {" + ", ".join(f"k{n}: {n}" for n in range(2000)) + "}\n<<: *b\n"
    with pytest.raises(DecodeFailure, match=r"^yaml: document contains excessive aliasing$"):
        check_config(read_document(text), CONFIGURATION_3)


def test_a_struct_field_only_one_release_line_has_is_walked_by_that_line_only() -> None:
    text = "tags: {<<: [5]}\n"
    assert _refuses(text, CONFIGURATION_3)
    assert not _refuses(text, CONFIGURATION_2_8)


def test_a_mapping_as_a_key_of_interface_values_is_an_invalid_map_key() -> None:
    # log.fields is map[string]interface{}: a mapping below it has interface{} keys.
    text = "log: {fields: {x: {? {a: 1} : y}}}\n"
    with pytest.raises(DecodeFailure, match=r"^yaml: invalid map key: "):
        check_config(read_document(text), CONFIGURATION_2_8)


# --- type errors and the UnmarshalYAML methods ---------------------------------------------------


def _failure(text: str, configuration=CONFIGURATION_2_8) -> str | None:
    try:
        check_config(read_document(text), configuration)
    except DecodeFailure as exc:
        return exc.message
    return None


def test_type_errors_are_collected_in_order_and_reported_together() -> None:
    text = "http:\n  relativeurls: 1\n  draintimeout: 5x\nredis: {db: [1]}\n"
    assert _failure(text) == (
        "yaml: unmarshal errors:\n"
        "  line 2: cannot unmarshal !!int `1` into bool\n"
        "  line 3: cannot unmarshal !!str `5x` into time.Duration\n"
        "  line 4: cannot unmarshal !!seq into int"
    )


def test_a_scalars_text_is_cut_at_ten_bytes() -> None:
    assert _failure("redis: {db: abcdefghijk}\n") == (
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `abcdefg...` into int"
    )


def test_a_mismatch_ends_the_descent_and_unknown_keys_are_never_decoded() -> None:
    assert _failure("http: {tls: [{certificate: [1]}]}\nnosuch: {a: [1]}\n") == (
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into "
        + CONFIGURATION_2_8.field_type("http", "tls").name
    )


def test_null_goes_into_anything_but_a_quoted_null_is_a_string() -> None:
    assert _failure("http: {headers: ~, relativeurls: null, draintimeout: }\n") is None
    assert _failure("redis: {db: 'null'}\n") == (
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `null` into int"
    )


def test_a_method_refusing_its_value_ends_the_walk_and_drops_the_type_errors_met() -> None:
    text = "http: {relativeurls: 5}\nlog: {level: LOUD}\n"
    assert _failure(text) == "invalid loglevel loud Must be one of [error, warn, info, debug]"


def test_storage_tries_a_map_then_a_string_and_reports_only_the_second_try() -> None:
    assert _failure("storage: {filesystem: 5}\n") == (
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into string"
    )
    # An error that ends a walk inside the first try is caught by yaml.v2's callback.
    assert _failure("storage: {inmemory: {<<: 5}}\n") == (
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into string"
    )
    assert _failure("storage: inmemory\n") is None  # a string names the driver


@pytest.mark.parametrize(
    ("storage", "on_2_8", "on_3"),
    [
        ("5", "StorageDriver not registered: 5", "StorageDriver not registered: 5"),
        ("{azure: ~}", "StorageDriver not registered: azure", None),
        ("{swift: ~}", None, "StorageDriver not registered: swift"),
        ("{s3: ~, delete: {enabled: true}}", None, None),
        # No driver at all: left to the environment (REGISTRY_STORAGE), not modelled.
        ("~", None, None),
        ("{cache: ~}", None, None),
    ],
)
def test_the_last_storage_must_name_a_driver_the_binary_was_built_with(storage, on_2_8, on_3):
    text = f"storage: {{inmemory: ~}}\nstorage: {storage}\n"
    assert _failure(text) == on_2_8
    assert _failure(text, CONFIGURATION_3) == on_3
    assert _failure("validation: {disabled: true}\n") is None  # no storage key: a fragment


def test_storage_extras_differ_by_release_line() -> None:
    text = "storage: {inmemory: ~, tag: {concurrencylimit: 5}}\n"
    assert _failure(text) == "must provide exactly one storage type. Provided: [inmemory tag]"
    assert _failure(text, CONFIGURATION_3) is None
    assert _failure("auth: {a: {}, b: ~}\n") == "must provide exactly one type. Provided: [a b]"


@pytest.mark.parametrize(
    ("version", "on_2_8", "on_3"),
    [
        ("0.1", None, None),
        ("'0.1'", None, None),
        ("!!binary MC4x", None, None),
        ("0.2", 'unsupported version: "0.2"', 'unsupported version: "0.2"'),
        ("~", 'unsupported version: ""', 'unsupported version: ""'),
        (
            "1",
            "panic: runtime error: index out of range [1] with length 1",
            'strconv.ParseUint: parsing "": invalid syntax',
        ),
        (
            "1.2.3",
            'unsupported version: "1.2.3"',
            'strconv.ParseUint: parsing "2.3": invalid syntax',
        ),
        (
            "x.1",
            'strconv.ParseUint: parsing "x": invalid syntax',
            'strconv.ParseUint: parsing "x": invalid syntax',
        ),
        (
            "99999999999999999999.1",
            'strconv.ParseUint: parsing "99999999999999999999": value out of range',
            'strconv.ParseUint: parsing "99999999999999999999": value out of range',
        ),
    ],
)
def test_the_version_is_read_as_each_release_line_splits_it(version, on_2_8, on_3) -> None:
    text = f"version: {version}\nhttp: {{relativeurls: 5}}\n"
    type_error = "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!int `5` into bool"
    assert _failure(text) == (on_2_8 or type_error)
    assert _failure(text, CONFIGURATION_3) == (on_3 or type_error)


def test_a_type_error_in_the_version_is_the_first_pass_alone() -> None:
    assert _failure("version: [1]\nhttp: {relativeurls: 5}\n") == (
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string"
    )


def test_fields_only_one_release_line_has_are_checked_by_that_line_only() -> None:
    assert _failure("tags: {maxtags: x}\n") is None
    assert _failure("tags: {maxtags: x}\n", CONFIGURATION_3) is not None
    assert _failure("http: {tls: {clientauth: bogus}}\n") is None
    assert _failure("http: {tls: {clientauth: bogus}}\n", CONFIGURATION_3).startswith(
        "invalid ClientAuth bogus Must be one of: request-client-cert, "
    )


def test_fifty_thousand_patterns_are_read_without_error() -> None:
    text = "validation:\n  manifests:\n    urls:\n      allow:\n"
    text += "".join(f"        - '^https://h{n}\\.example/'\n" for n in range(50_000))
    assert _failure(text) is None
