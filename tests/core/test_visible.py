"""Outside text is shown, never obeyed: controls, bidi and lone surrogates escaped visibly."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from foreign_explorer.core.visible import dumps, is_visible, visible

OSC_TITLE = "\x1b]0;pwned\x07"


def test_an_osc_title_sequence_is_written_as_visible_escapes():
    assert visible(f"https://x/{OSC_TITLE}") == "https://x/\\x1b]0;pwned\\x07"


def test_an_8_bit_csi_and_del_are_escaped():
    assert visible("a\x9b2Jb\x7f") == "a\\x9b2Jb\\x7f"


def test_bidi_overrides_and_isolates_are_escaped():
    assert visible("a\u202eb\u2066c\u200f") == "a\\u202eb\\u2066c\\u200f"


def test_newlines_and_tabs_from_outside_stay_on_one_line():
    assert visible("a\nb\tc") == "a\\nb\\tc"


def test_undecodable_file_name_bytes_show_as_the_byte_they_stand_for():
    assert visible(b"conf\xff.yml".decode("utf-8", "surrogateescape")) == "conf\\xff.yml"


def test_printable_text_is_kept_whole_backslashes_and_unicode_included():
    text = r"^https://mcr\.microsoft\.com/ é ✓ [/oops]"
    assert visible(text) == text


def test_json_escapes_what_json_dumps_leaves_raw_and_decodes_to_the_same_value():
    value = "a\x1b\x7f\x9b\u202e\udcff"
    text = dumps({"v": value})
    assert is_visible(text)
    assert json.loads(text) == {"v": value}


@given(st.text())
def test_visible_output_never_holds_a_control_and_escaping_twice_changes_nothing(text):
    once = visible(text)
    assert is_visible(once)
    assert visible(once) == once


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_dumps_is_always_visible_and_round_trips(document):
    text = dumps(document, indent=2)
    assert is_visible(text.replace("\n", ""))
    assert json.loads(text) == document
