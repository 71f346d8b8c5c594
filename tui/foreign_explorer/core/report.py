"""The machine-readable shape of an evaluation (the `check --format json` contract)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from foreign_explorer.core.evaluate import DescriptorVerdict, Evaluation, UrlVerdict
from foreign_explorer.core.lint import LintWarning
from foreign_explorer.core.manifest import ManifestInvalid, NotAManifest
from foreign_explorer.core.policy import PolicySource, PolicyStartupError
from foreign_explorer.core.profiles import Profile
from foreign_explorer.core.response import PushResponse, RegistryError
from foreign_explorer.core.visible import dumps


def policy_dict(source: PolicySource, profile: Profile | None = None) -> dict[str, Any]:
    """The effective lists and switch; `indexes` (validation.manifests.indexes) too when the
    target reads it (distribution 3) or the configuration sets it."""
    document: dict[str, Any] = {
        "allow": list(source.allow),
        "deny": list(source.deny),
        "disabled": not source.validation_enabled,
    }
    if source.indexes.is_set or (profile is not None and profile.reads_index_platforms):
        document["indexes"] = source.indexes.as_dict()
    return document


def indexes_line(source: PolicySource, profile: Profile) -> str | None:
    """check's text line for validation.manifests.indexes, when it matters to the target."""
    indexes = source.indexes
    if not profile.reads_index_platforms:
        if not indexes.is_set:
            return None
        return f"indexes: set, but {profile.title} ignores it (every child of an index must exist)"
    if not source.validation_enabled:
        return "indexes: not applied while validation is disabled (no child is looked up)"
    return f"indexes: {indexes.describe()}"


def url_dict(verdict: UrlVerdict) -> dict[str, Any]:
    return {
        "url": verdict.url,
        "ok": verdict.ok,
        "reason": verdict.reason.value if verdict.reason else None,
        "message": verdict.message,
        "allowedBy": verdict.allowed_by,
        "deniedBy": verdict.denied_by,
        "span": list(verdict.span) if verdict.span else None,
    }


def descriptor_dict(verdict: DescriptorVerdict) -> dict[str, Any]:
    d = verdict.descriptor
    return {
        "role": d.role.value,
        "index": d.index,
        "mediaType": d.media_type,
        "digest": d.digest,
        "size": d.size,
        "foreign": d.foreign,
        "classification": d.classification,
        "checks": [c.value for c in verdict.checks],
        "verdict": verdict.verdict.value,
        "message": verdict.message,
        "urls": [url_dict(u) for u in verdict.urls],
    }


def evaluation_dict(evaluation: Evaluation) -> dict[str, Any]:
    response = evaluation.response
    return _evaluation_document(
        evaluation,
        json.loads(response.body) if response.body else None,
        response.body.decode("utf-8", "replace"),
        [descriptor_dict(v) for v in evaluation.descriptors],
    )


def _evaluation_document(
    evaluation: Evaluation, body: Any, body_text: Any, descriptors: Any
) -> dict[str, Any]:
    response = evaluation.response
    document = {
        "target": evaluation.policy.profile.name,
        "policy": policy_dict(evaluation.policy.source, evaluation.policy.profile),
        "policyError": None,
        "accepted": response.accepted,
        "status": response.status,
        "body": body,
        "bodyText": body_text,
        "descriptors": descriptors,
    }
    if evaluation.refusal is not None:
        # This registry refuses the document before reading any descriptor.
        document["manifestError"] = evaluation.refusal.message
        document["descriptors"] = []
    if response.dropped is not None:
        document["noResponse"] = response.dropped
    return document


def evaluation_document(evaluation: Evaluation) -> dict[str, Any]:
    """evaluation_dict(), with the members that grow with the manifest (the response body, its
    text, the descriptors) left as `Streamed` values that json_chunks() writes piece by piece.
    The document can be extended and nested like any other before it is written."""
    response = evaluation.response
    has_body = bool(response.errors) and response.dropped is None
    return _evaluation_document(
        evaluation,
        Streamed(lambda depth: _body_json(response.errors, depth)) if has_body else None,
        Streamed(lambda depth: _body_text_json(response)) if has_body else "",
        Streamed(lambda depth: _descriptors_json(evaluation, depth)),
    )


def evaluation_json(evaluation: Evaluation, extra: dict[str, Any] | None = None) -> Iterator[str]:
    """`dumps({**evaluation_dict(evaluation), **extra}, indent=2)` in pieces, written as they
    are made: a manifest of a million layers gives a gigabyte of JSON, never held at once."""
    return json_chunks({**evaluation_document(evaluation), **(extra or {})})


class Streamed:
    """A JSON value written in pieces where it stands: `chunks(depth)` gives its text, `depth`
    being the nesting level of the line it starts on (indent=2: two spaces a level)."""

    def __init__(self, chunks: Callable[[int], Iterator[str]]) -> None:
        self.chunks = chunks


def json_chunks(document: Any) -> Iterator[str]:
    """dumps(document, indent=2) in pieces, each `Streamed` value written where it stands.

    The rest is encoded in one go, a marker in place of each streamed value; the markers are
    random, so no text from outside can forge one.
    """
    marker = f"@@{os.urandom(16).hex()}@@"
    streamed: list[Streamed] = []

    def mark(value: object) -> str:
        if not isinstance(value, Streamed):
            raise TypeError(f"{type(value).__name__} is not JSON")
        streamed.append(value)
        return f"{marker}{len(streamed) - 1}"

    text = dumps(document, indent=2, default=mark)
    at = 0
    while True:
        found = text.find(f'"{marker}', at)
        if found < 0:
            yield text[at:]
            return
        end = text.index('"', found + 1)
        yield text[at:found]
        line = text[text.rfind("\n", 0, found) + 1 : found]
        depth = (len(line) - len(line.lstrip(" "))) // 2
        yield from streamed[int(text[found + 1 + len(marker) : end])].chunks(depth)
        at = end + 1


# Pieces joined before they are written: one write per few thousand items.
_BLOCK = 8192


def _body_json(errors: Sequence[RegistryError], depth: int) -> Iterator[str]:
    """{"errors": [...]} as dumps writes it at `depth`."""
    inner, items = "\n" + "  " * (depth + 1), "\n" + "  " * (depth + 2)
    seen: dict[bytes, str] = {}
    block = ["{", inner, '"errors": [']
    sep = items
    for error in errors:
        raw = error.to_json()
        item = seen.get(raw)
        if item is None:
            item = dumps(json.loads(raw), indent=2).replace("\n", items)
            seen = _bounded(seen)
            seen[raw] = item
        block += (sep, item)
        sep = "," + items
        if len(block) > _BLOCK:
            yield "".join(block)
            block = []
    block += (inner, "]", "\n" + "  " * depth, "}")
    yield "".join(block)


def _body_text_json(response: PushResponse) -> Iterator[str]:
    """The body's text as one JSON string, encoded a piece at a time."""
    seen: dict[bytes, str] = {}
    block = ['"{\\"errors\\":[']
    sep = ""
    for error in response.errors:
        raw = error.to_json()
        item = seen.get(raw)
        if item is None:
            # Each error's JSON starts and ends with an ASCII brace, so decoding it alone
            # replaces bad bytes exactly as decoding the whole body does.
            item = dumps(raw.decode("utf-8", "replace"))[1:-1]
            seen = _bounded(seen)
            seen[raw] = item
        block += (sep, item)
        sep = ","
        if len(block) > _BLOCK:
            yield "".join(block)
            block = []
    block.append(']}\\n"')
    yield "".join(block)


def _descriptors_json(evaluation: Evaluation, depth: int) -> Iterator[str]:
    kinds = evaluation.kinds
    if not kinds:
        yield "[]"
        return
    items = "\n" + "  " * (depth + 1)
    texts: dict[tuple, tuple[str, str]] = {}
    block = ["["]
    sep = items
    checks_of = evaluation.checks
    for position, prepared in enumerate(evaluation.prepared.descriptors):
        d = prepared.descriptor
        checks = checks_of(position)
        # Everything the item shows but its index: equal keys, equal text.
        key = (d.role, d.media_type, d.digest, d.size, d.urls, kinds[position], checks)
        parts = texts.get(key)
        if parts is None:
            parts = _split_at_index(descriptor_dict(evaluation.descriptor(position)), items)
            texts = _bounded(texts)
            texts[key] = parts
        block += (sep, parts[0], str(d.index), parts[1])
        sep = "," + items
        if len(block) > _BLOCK:
            yield "".join(block)
            block = []
    block.append("\n" + "  " * depth + "]")
    yield "".join(block)


def _split_at_index(item: dict[str, Any], newline: str) -> tuple[str, str]:
    """The item's JSON, each line break followed by `newline`'s indent, around its index."""
    text = _descriptor_text(item).replace("\n", newline)
    head = "{" + newline + '  "role": ' + dumps(item["role"]) + "," + newline + '  "index": '
    number = str(item["index"])
    assert text.startswith(head + number + ",")
    return head, text[len(head) + len(number) :]


def _descriptor_text(item: dict[str, Any]) -> str:
    """dumps(item, indent=2) for a descriptor_dict, its URLs (200,000 on one layer fit in
    4 MiB) encoded by a template rather than by json's pure-Python indenting encoder."""
    urls = item["urls"]
    text = dumps({**item, "urls": []}, indent=2)
    if not urls:
        return text
    head = text[: -len("[]\n}")]
    assert text.endswith('"urls": []\n}')
    items = ",\n    ".join(_url_text(url).replace("\n", "\n    ") for url in urls)
    return f"{head}[\n    {items}\n  ]\n}}"


def _url_text(url: dict[str, Any]) -> str:
    """dumps(url, indent=2) for a url_dict."""
    span = url["span"]
    span_text = "null" if span is None else f"[\n    {int(span[0])},\n    {int(span[1])}\n  ]"
    return (
        f'{{\n  "url": {_string(url["url"])},\n  "ok": {_JSON_BOOL[url["ok"]]},\n'
        f'  "reason": {_optional(url["reason"])},\n  "message": {_string(url["message"])},\n'
        f'  "allowedBy": {_number(url["allowedBy"])},\n  "deniedBy": {_number(url["deniedBy"])},'
        f'\n  "span": {span_text}\n}}'
    )


_JSON_BOOL = {True: "true", False: "false"}


def _string(text: str) -> str:
    return dumps(text)


def _optional(text: str | None) -> str:
    return "null" if text is None else dumps(text)


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


_MEMO_LIMIT = 4096


def _bounded(memo: dict[Any, Any]) -> dict[Any, Any]:
    """The memo, or a fresh one once it holds _MEMO_LIMIT texts (all different readings)."""
    return memo if len(memo) < _MEMO_LIMIT else {}


def manifest_invalid_dict(
    error: ManifestInvalid, source: PolicySource, profile: Profile
) -> dict[str, Any]:
    """check's JSON for bytes every registry refuses (400 MANIFEST_INVALID), for `profile`."""
    from foreign_explorer.core.evaluate import invalid_manifest_response

    response = invalid_manifest_response(error, profile)
    return {
        "target": profile.name,
        "policy": policy_dict(source, profile),
        "policyError": None,
        "accepted": False,
        "status": response.status,
        "body": json.loads(response.body),
        "bodyText": response.body.decode("utf-8", "replace"),
        "manifestError": error.refusal(profile).message,
        "descriptors": [],
    }


def not_a_manifest_dict(
    error: NotAManifest, source: PolicySource, profile: Profile
) -> dict[str, Any]:
    """check's JSON for JSON that is no manifest: no one status, one answer per Content-Type."""
    return {
        "target": profile.name,
        "policy": policy_dict(source, profile),
        "policyError": None,
        "accepted": False,
        "status": None,
        "body": None,
        "bodyText": None,
        "manifestError": error.message,
        "byContentType": [
            {
                "contentType": answer.content_type,
                "status": answer.response.status,
                "body": json.loads(answer.response.body) if answer.response.body else None,
                "bodyText": answer.response.body.decode("utf-8", "replace"),
                "reason": answer.reason,
            }
            for answer in error.answers[profile.name]
        ],
        "descriptors": [],
    }


def not_a_manifest_lines(error: NotAManifest, profile: Profile) -> list[str]:
    """A few lines: what it is not, then the answer to each Content-Type a push may claim."""
    lines = [f"{error.message}; {profile.title} refuses it whatever its Content-Type:"]
    for answer in error.answers[profile.name]:
        first = answer.response.errors[0].code if answer.response.errors else ""
        lines.append(f"  {answer.label}: {answer.response.status} {first}: {answer.reason}")
    return lines


def startup_error_dict(
    source: PolicySource, profile: Profile, error: PolicyStartupError | Any
) -> dict[str, Any]:
    return {
        "target": profile.name,
        "policy": policy_dict(source, profile),
        "policyError": error.as_dict(),
        "accepted": None,
        "status": None,
        "body": None,
        "bodyText": None,
        "descriptors": [],
        # A policy the registry cannot start with has nothing to lint.
        "warnings": [],
    }


def warnings_list(warnings: Sequence[LintWarning]) -> list[dict[str, Any]]:
    """The `warnings` member: lint findings, each with its verified example URL."""
    return [warning.as_dict() for warning in warnings]
