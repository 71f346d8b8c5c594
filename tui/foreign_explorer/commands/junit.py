"""A list's results as JUnit XML, for CI systems that show test reports.

One `<testsuite>` per image (named by its reference), one `<testcase>` per platform: a
rejected platform is a `<failure>`, an image that could not be fetched an `<error>`. The
shape is the Apache Ant JUnit schema's (the one Jenkins, GitLab and most report viewers
read). Outside text is escaped twice: control characters, which XML 1.0 cannot carry at
all, are written as visible escapes (`\\x1b`) first, then the text is XML-escaped.
"""

from __future__ import annotations

import time
from xml.sax.saxutils import escape, quoteattr

from foreign_explorer.core.listcheck.judge import ImageVerdict, ListJudgement, PlatformVerdict
from foreign_explorer.core.listcheck.model import ListFailure
from foreign_explorer.core.policy import Policy
from foreign_explorer.core.visible import visible

PACKAGE = "foreign-explorer"
# XML 1.0 has no way to write these, not even as character references.
_NOT_XML = {0xFFFE: "\\ufffe", 0xFFFF: "\\uffff"}


def _text(value: str) -> str:
    return escape(visible(value).translate(_NOT_XML))


def _attr(value: str) -> str:
    return quoteattr(visible(value).translate(_NOT_XML))


def _testcase(verdict: ImageVerdict, platform: PlatformVerdict, label: str = "") -> str:
    name = label or platform.platform.label
    head = f'    <testcase name={_attr(name)} classname={_attr(verdict.image.reference)} time="0"'
    if platform.accepted:
        return head + "/>"
    status = platform.status if platform.status is not None else "no answer"
    details = f"push → {status}: {platform.reason}"
    return (
        f"{head}>\n"
        f'      <failure message={_attr(platform.reason)} type="rejected">'
        f"{_text(details)}</failure>\n"
        "    </testcase>"
    )


def _suite(
    number: int,
    name: str,
    cases: list[str],
    failures: int,
    errors: int,
    properties: list[tuple[str, str]],
    stamp: str,
) -> list[str]:
    props = "".join(
        f"\n      <property name={_attr(key)} value={_attr(value)}/>" for key, value in properties
    )
    return [
        f'  <testsuite name={_attr(name)} package="{PACKAGE}" id="{number}" '
        f'timestamp="{stamp}" hostname="localhost" tests="{len(cases)}" '
        f'failures="{failures}" errors="{errors}" skipped="0" time="0">',
        f"    <properties>{props}\n    </properties>",
        *cases,
        "    <system-out/>",
        "    <system-err/>",
        "  </testsuite>",
    ]


def _image_suite(number: int, verdict: ImageVerdict, policy: Policy, stamp: str) -> list[str]:
    cases = [_testcase(verdict, p) for p in verdict.platforms]
    failures = len(verdict.blocked)
    if verdict.index is not None and not verdict.index.accepted:
        cases.append(_testcase(verdict, verdict.index, "index"))
        failures += 1
    properties = [
        ("target", policy.profile.name),
        ("origin", verdict.image.origin.where),
        ("digest", verdict.image.source.digest),
    ]
    return _suite(number, verdict.image.reference, cases, failures, 0, properties, stamp)


def _failure_suite(number: int, failure: ListFailure, stamp: str) -> list[str]:
    case = (
        f'    <testcase name="fetch" classname={_attr(failure.reference)} time="0">\n'
        f'      <error message={_attr(failure.message)} type="not-judged">'
        f"{_text(failure.message)}</error>\n"
        "    </testcase>"
    )
    return _suite(
        number, failure.reference, [case], 0, 1, [("origin", failure.origin.where)], stamp
    )


def junit_xml(judgement: ListJudgement, policy: Policy, now: float | None = None) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() if now is None else now))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    number = 0
    for verdict in judgement.images:
        lines += _image_suite(number, verdict, policy, stamp)
        number += 1
    for failure in judgement.failures:
        lines += _failure_suite(number, failure, stamp)
        number += 1
    lines.append("</testsuites>")
    return "\n".join(lines)
