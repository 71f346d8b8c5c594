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
