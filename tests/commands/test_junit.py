"""`check --format junit`: valid against the Apache Ant JUnit schema, outside text inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from foreign_explorer.cli import main
from tests.commands.hostile import hostile_registry
from tests.core.listcheck.mirrorset import MirrorSet, write

pytestmark = pytest.mark.registry
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "junit" / "JUnit.xsd"


def _junit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["check", *argv, "--format", "junit"])
    return status, capsys.readouterr().out


def _valid(xml: str) -> etree._Element:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(xml.encode("utf-8"))
    schema.assertValid(document)
    return document


def test_a_list_report_is_valid_junit_with_one_testcase_per_image_and_platform(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = mirror.plain_list()
    missing = mirror.ref("servercore:no-such-tag")
    path = write(tmp_path, "list.txt", text + missing + "\n")
    status, xml = _junit(capsys, "--from", path)
    document = _valid(xml)
    suites = document.findall("testsuite")
    assert status == 2
    assert [s.get("name") for s in suites] == [
        mirror.ref("servercore:ltsc2019"),
        mirror.ref("multi:v1"),
        mirror.ref("tools:1"),
        missing,
    ]
    multi = suites[1]
    assert [c.get("name") for c in multi.findall("testcase")] == [
        "linux/amd64",
        "windows/amd64",
        "unknown/unknown (attestation)",
    ]
    assert (multi.get("tests"), multi.get("failures"), multi.get("errors")) == ("3", "1", "0")
    failure = multi.find("testcase[@name='windows/amd64']/failure")
    assert failure is not None and failure.get("message", "").startswith("invalid URL on layer 0")
    error = suites[3].find("testcase/error")
    assert error is not None and "MANIFEST_UNKNOWN" in error.get("message", "")


def test_outside_text_is_escaped_visibly_and_the_report_stays_valid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile_registry() as reference:
        status, xml = _junit(capsys, reference)
    document = _valid(xml)
    message = document.find("testsuite/testcase/failure").get("message")  # type: ignore[union-attr]
    assert status == 1
    assert '\\x1b[2J\\x00\\x07\\u202e\\uffff|pipe|`tick`<tag attr="x">&amp;]]>' in message
    assert not any(ord(c) < 0x20 or c in "\u202e\uffff" for c in xml if c != "\n")
