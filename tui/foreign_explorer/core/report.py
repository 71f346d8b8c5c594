"""The machine-readable shape of an evaluation (the `check --format json` contract)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from foreign_explorer.core.evaluate import DescriptorVerdict, Evaluation, UrlVerdict
from foreign_explorer.core.lint import LintWarning
from foreign_explorer.core.manifest import ManifestInvalid, NotAManifest
from foreign_explorer.core.policy import PolicySource, PolicyStartupError
from foreign_explorer.core.profiles import Profile


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
    body = json.loads(response.body) if response.body else None
    document = {
        "target": evaluation.policy.profile.name,
        "policy": policy_dict(evaluation.policy.source, evaluation.policy.profile),
        "policyError": None,
        "accepted": response.accepted,
        "status": response.status,
        "body": body,
        "bodyText": response.body.decode("utf-8", "replace"),
        "descriptors": [descriptor_dict(v) for v in evaluation.descriptors],
    }
    if evaluation.refusal is not None:
        # This registry refuses the document before reading any descriptor.
        document["manifestError"] = evaluation.refusal.message
        document["descriptors"] = []
    if response.dropped is not None:
        document["noResponse"] = response.dropped
    return document


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
