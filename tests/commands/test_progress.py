"""The progress bar: drawn on a terminal, erased when done; never anywhere else."""

from __future__ import annotations

import io

import pytest

from foreign_explorer.commands.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_erased(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    stream = _Terminal()
    progress = Progress(stream)
    progress.plan(4)
    progress.advance()
    progress.plan(8)
    progress.close()
    frames = stream.getvalue().split("\r")
    assert frames[1:4] == [
        "[........................] 0/4 images\x1b[K",
        "[######..................] 1/4 images\x1b[K",
        "[###.....................] 1/8 images\x1b[K",
    ]
    assert frames[-1] == "\x1b[K"


@pytest.mark.parametrize("term", ["xterm", "dumb"])
def test_nothing_is_written_to_a_pipe_or_a_dumb_terminal(
    term: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", term)
    stream = io.StringIO() if term == "xterm" else _Terminal()
    progress = Progress(stream)
    progress.plan(3)
    progress.advance()
    progress.close()
    assert stream.getvalue() == ""
