"""Files and standard input are read up to a cap, whatever they claim to be."""

from __future__ import annotations

import io
import os
import sys

import pytest

from foreign_explorer.core.boundedread import (
    read_bounded,
    read_bounded_text,
    read_stdin_line,
)
from foreign_explorer.core.errors import InputError


def test_an_endless_device_is_refused_at_the_cap(zero_device):
    with pytest.raises(InputError, match=r"manifest larger than 4\.0 MiB; refused"):
        read_bounded(str(zero_device), "manifest")


def test_a_file_one_byte_over_the_cap_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 11)
    with pytest.raises(InputError, match="larger than 10 B"):
        read_bounded(str(path), "manifest", cap=10)


def test_a_file_at_the_cap_is_read_whole(tmp_path):
    path = tmp_path / "ok.json"
    path.write_bytes(b"x" * 10)
    assert read_bounded(str(path), "manifest", cap=10) == b"x" * 10


def test_a_directory_gets_one_line(tmp_path):
    with pytest.raises(InputError, match="it is a directory"):
        read_bounded(str(tmp_path), "manifest")


def test_an_empty_manifest_is_refused_but_an_empty_config_is_read(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="manifest is empty"):
        read_bounded(str(path), "manifest")
    assert read_bounded_text(str(path), "config") == ""


def test_a_missing_file_says_why(tmp_path):
    with pytest.raises(InputError, match="No such file or directory"):
        read_bounded(str(tmp_path / "nope.json"), "manifest")


def test_a_config_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "config.yml"
    path.write_bytes(b"version: 0.1\n\xff")
    with pytest.raises(InputError, match=r"not UTF-8 \(byte 13\)"):
        read_bounded_text(str(path), "config")


def test_a_fifo_is_read_until_its_writer_closes_and_capped(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # the writer: more than the cap, then gone
        try:
            with open(fifo, "wb") as out:
                out.write(b"y" * 100)
        finally:
            os._exit(0)
    try:
        with pytest.raises(InputError, match="larger than 64 B"):
            read_bounded(str(fifo), "manifest", cap=64)
    finally:
        os.waitpid(pid, 0)


def test_closed_stdin_is_one_line(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="standard input: it is closed"):
        read_bounded("-", "manifest")
    with pytest.raises(InputError, match="standard input is closed"):
        read_stdin_line("--password-stdin")


def test_an_empty_password_line_is_refused(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n")))
    with pytest.raises(InputError, match="held no password"):
        read_stdin_line("--password-stdin")


def test_a_password_line_loses_only_its_line_ending(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b" s3cret \r\nnext\n")))
    assert read_stdin_line("--password-stdin") == " s3cret "
