"""The machine-readable shape of an evaluation (the `check --format json` contract)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from foreign_explorer.core.evaluate import DescriptorVerdict, Evaluation, UrlVerdict
from foreign_explorer.core.lint import LintWarning
from foreign_explorer.core.policy import PolicySource, PolicyStartupError
from foreign_explorer.core.profiles import Profile


def policy_dict(source: PolicySource) -> dict[str, Any]:
    return {
        "allow": list(source.allow),
        "deny": list(source.deny),
        "disabled": not source.validation_enabled,
    }


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
    return {
        "target": evaluation.policy.profile.name,
        "policy": policy_dict(evaluation.policy.source),
        "policyError": None,
        "accepted": response.accepted,
        "status": response.status,
        "body": body,
        "bodyText": response.body.decode("utf-8", "replace"),
        "descriptors": [descriptor_dict(v) for v in evaluation.descriptors],
    }


def startup_error_dict(
    source: PolicySource, profile: Profile, error: PolicyStartupError | Any
) -> dict[str, Any]:
    return {
        "target": profile.name,
        "policy": policy_dict(source),
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
