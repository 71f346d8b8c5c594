"""The terminal writer: our colour codes pass, anything else a terminal would obey is escaped."""

from __future__ import annotations

import io

import pytest

from foreign_explorer.console import Style, emit, error, safe_text


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_style_colours_only_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert Style(_Tty())("FAIL", "1;31") == "\x1b[1;31mFAIL\x1b[0m"
    assert Style(io.StringIO())("FAIL", "1;31") == "FAIL"


def test_no_color_turns_colour_off_on_a_terminal(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Style(_Tty()).enabled


def test_style_escapes_the_text_it_colours(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert Style(_Tty())("a\x1b[2Jb", "1") == "\x1b[1ma\\x1b[2Jb\x1b[0m"


def test_style_refuses_a_code_it_does_not_own():
    with pytest.raises(ValueError):
        Style(io.StringIO())("x", "2J")


def test_emit_escapes_a_screen_clear_that_reached_a_line_raw(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    stream = _Tty()
    style = Style(stream)
    emit(style("PASS", "32") + " https://x/\x1b[2J\x1b]0;t\x07", stream, style=style)
    assert stream.getvalue() == "\x1b[32mPASS\x1b[0m https://x/\\x1b[2J\\x1b]0;t\\x07\n"


def test_emit_without_colour_escapes_even_our_own_codes():
    assert safe_text("\x1b[32mPASS\x1b[0m", colour=False) == "\\x1b[32mPASS\\x1b[0m"


def test_emit_keeps_the_lines_it_was_given():
    stream = io.StringIO()
    emit("one\ntwo\u202e", stream)
    assert stream.getvalue() == "one\ntwo\\u202e\n"


def test_error_is_one_escaped_line_on_stderr(capsys):
    error("foreign-explorer check", "tag [/oops]\nunknown\x1b]0;x\x07")
    assert capsys.readouterr().err == (
        "foreign-explorer check: tag [/oops]\\nunknown\\x1b]0;x\\x07\n"
    )
